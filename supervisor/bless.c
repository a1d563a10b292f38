/* SPDX-License-Identifier: MIT */
/* bless.c: confirms a boot on trial, or gives up on it (docs/update.md).
 *
 * After an update, systemd-boot boots the new entry with a counter in its
 * name (berth-<version>-<slot>+<left>-<done>.conf). Once the host can be
 * reached (reach.c: netsetup succeeded, the required interfaces are up
 * with addresses, the confirmation target answers) and every essential
 * container has been healthy (or, without a health check, running) for
 * update.confirm_after, the entry is renamed without the counter: the boot
 * is good and stays the default. If that has not happened
 * update.health_deadline after the kernel started, the supervisor notes why
 * on the data partition and reboots, so that systemd-boot spends the next
 * try and, once none is left, boots the previous entry. The check ticks
 * once a second, only during a trial boot; a confirmed boot arms nothing. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "supervisor.h"

static uint64_t
boottime_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_BOOTTIME, &t);
	return (uint64_t)t.tv_sec * 1000 + (uint64_t)t.tv_nsec / 1000000;
}

void
bless_open(struct sv *sv)
{
	struct bless *b = &sv->bless;
	struct esp_entry v[ESP_MAX_ENTRIES];
	const struct esp_entry *e;
	struct itimerspec it = {{1, 0}, {1, 0}};
	char err[512];
	int n;

	b->fd = -1;
	reach_init(&b->reach);
	n = slots_open(&b->s, err, sizeof err);
	if (n == -1)
		sv_say("update: no boot confirmation: %s", err);
	if (n < 0)
		return; /* -2: not a berth boot (a test on the build host) */
	n = esp_scan(b->s.esp, v, ESP_MAX_ENTRIES, err, sizeof err);
	e = n > 0 ? esp_slot_entry(v, n, b->s.booted) : NULL;
	if (!e) {
		sv_say("update: no boot confirmation: no loader entry for slot %c%s%s",
		       b->s.booted, n < 0 ? ": " : "", n < 0 ? err : "");
		return;
	}
	if (!e->counted)
		return;
	b->entry = *e;
	/* The deadline counts from the kernel's start, so that a restarted
	 * supervisor keeps it; under BERTH_UPDATE_ROOT (a test on the build
	 * host, up for hours) from now. */
	b->t0_ms = getenv("BERTH_UPDATE_ROOT") ? boottime_ms() : 0;
	/* Giving up only helps when there is something to fall back to. */
	const struct esp_entry *o = esp_slot_entry(v, n, slots_other(b->s.booted));
	b->fallback = o && !o->counted;
	b->fd = timerfd_create(CLOCK_BOOTTIME, TFD_CLOEXEC | TFD_NONBLOCK);
	b->w = (struct watch){W_BLESS_TIMER, NULL};
	if (b->fd < 0 || timerfd_settime(b->fd, 0, &it, NULL) < 0 || sv_watch(sv, b->fd, &b->w) < 0) {
		sv_say("update: cannot watch this trial boot: %s", strerror(errno));
		return;
	}
	sv_say("update: berth %s (slot %c) is on trial, %u tries left: confirming it once "
	       "the essential containers are healthy for %llu ms",
	       e->version, e->slot, e->left,
	       (unsigned long long)sv->manifest.update.confirm_after_ms);
}

/* The first essential container that is not up and healthy, or NULL. */
static const struct instance *
not_healthy(const struct sv *sv)
{
	for (size_t i = 0; i < sv->n; i++) {
		const struct instance *c = &sv->c[i];
		if (!c->spec.m->essential)
			continue;
		if (c->state != CS_RUNNING || (c->health != HS_HEALTHY && c->health != HS_NONE))
			return c;
	}
	return NULL;
}

static void
stop_watching(struct sv *sv)
{
	sv_unwatch(sv, &sv->bless.fd);
	reach_close(&sv->bless.reach);
}

/* What keeps this boot from being confirmed, in why; 0 when nothing. */
static int
not_ready(struct sv *sv, char *why, size_t len)
{
	const struct instance *c = not_healthy(sv);

	if (c) {
		snprintf(why, len, "essential container %s not healthy (state %s, health %s%s%.120s)",
			 c->spec.name, cstate_str(c->state), health_str(c->health),
			 c->h_output[0] ? ": " : "", c->h_output);
		return 1;
	}
	return !reach_check(sv, &sv->bless.reach, why, len);
}

static void
confirm(struct sv *sv)
{
	struct bless *b = &sv->bless;
	char err[512];

	int r = slots_esp_writable(&b->s, true, err, sizeof err);

	if (!r) {
		r = esp_bless(b->s.esp, &b->entry, err, sizeof err);
		char rerr[512];
		if (slots_esp_writable(&b->s, false, rerr, sizeof rerr) < 0)
			sv_say("update: %s", rerr);
	}
	if (r < 0) {
		sv_say("update: confirming this boot failed (tried again in a second): %s", err);
		return;
	}
	sv_say("update: berth %s (slot %c) confirmed: the network is up and every essential "
	       "container healthy for %llu ms",
	       b->entry.version, b->entry.slot,
	       (unsigned long long)sv->manifest.update.confirm_after_ms);
	stop_watching(sv);
}

/* Past the deadline: note why, then reboot so the next try (or the
 * previous entry) boots. */
static void
give_up(struct sv *sv, const char *why)
{
	struct bless *b = &sv->bless;
	char reason[600], note[700];

	snprintf(reason, sizeof reason, "not confirmed within %llu s of boot: %s",
		 (unsigned long long)sv->manifest.update.health_deadline_ms / 1000, why);
	stop_watching(sv);
	if (!b->fallback) {
		sv_say("update: %s; the other slot has no confirmed version to fall back to, so "
		       "this boot stays",
		       reason);
		return;
	}
	/* VERSION SLOT REASON, as update status reads it. */
	snprintf(note, sizeof note, "%s %c %s", b->entry.version, b->entry.slot, reason);
	if (slots_write_state(&b->s, "trial-failure", note) < 0)
		sv_say("update: recording the failure: %s", strerror(errno));
	sv_say("update: giving up on this boot: %s; rebooting", reason);
	if (!sv->shutting_down) {
		sv->power_signal = SIGTERM;
		sv_stop_all(sv);
	}
}

void
bless_on_timer(struct sv *sv)
{
	struct bless *b = &sv->bless;
	uint64_t ticks, now = boottime_ms();
	char why[300];

	if (read(b->fd, &ticks, sizeof ticks) != sizeof ticks || sv->shutting_down)
		return;
	if (not_ready(sv, why, sizeof why)) {
		b->healthy_since_ms = 0;
		if (now - b->t0_ms >= sv->manifest.update.health_deadline_ms) {
			give_up(sv, why);
		} else if (strcmp(why, b->waiting)) {
			sv_say("update: not confirming this boot yet: %s", why);
			snprintf(b->waiting, sizeof b->waiting, "%s", why);
		}
		return;
	}
	b->waiting[0] = 0;
	if (!b->healthy_since_ms)
		b->healthy_since_ms = now;
	if (now - b->healthy_since_ms >= sv->manifest.update.confirm_after_ms)
		confirm(sv);
}
