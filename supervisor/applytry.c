/* SPDX-License-Identifier: MIT */
/* applytry.c: `berthctl apply --try DURATION`: the manifest it replaced is
 * kept, and it comes back by itself unless `--confirm` comes first, or as
 * soon as an essential container of the new manifest fails. Also what
 * status says of the manifest in force. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "apply.h"
#include "base/json.h"

/* Where a trial started from: the override it replaced, if any. */
int
apply_try_save(struct sv *sv, char *err, size_t len)
{
	char text[160], boot[40];
	size_t n = 0;
	bool had = sv->paths.override && !strcmp(sv->paths.in_force, sv->paths.override);
	char *prev = had ? apply_slurp(sv->paths.override, &n) : NULL;

	if (had && (!prev || apply_state_write(sv, PREV_FILE, prev, n) < 0)) {
		free(prev);
		return snprintf(err, len, "keeping the manifest in force to go back to: %s",
				strerror(errno)), -1;
	}
	free(prev);
	apply_boot_id(boot);
	int k = snprintf(text, sizeof text, "%lld %s %d\n",
			 (long long)time(NULL) + (long long)(sv->ap.try_ms / 1000), boot[0] ? boot : "-",
			 had);
	if (apply_state_write(sv, TRY_FILE, text, (size_t)k) < 0)
		return snprintf(err, len, "%s/%s: %s", sv->paths.state, TRY_FILE, strerror(errno)),
		       -1;
	return 0;
}

/* The trial's deadline is now: the next run goes back at once. */
void
apply_try_expire(struct sv *sv)
{
	char text[160], boot[40] = "-";
	int had = 0;
	long long until;

	if (apply_state_read(sv, TRY_FILE, text, sizeof text) <= 0 ||
	    sscanf(text, "%lld %39s %d", &until, boot, &had) != 3)
		return;
	int n = snprintf(text, sizeof text, "0 %s %d\n", boot, had);
	if (apply_state_write(sv, TRY_FILE, text, (size_t)n) < 0)
		sv_say("apply: %s/%s: %s", sv->paths.state, TRY_FILE, strerror(errno));
}

void
apply_try_arm(struct apply_run *a, uint64_t ms)
{
	struct itimerspec it = {.it_value = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000}};

	if (timerfd_settime(a->try_fd, 0, &it, NULL) < 0)
		sv_say("apply: the trial's timer: %s", strerror(errno));
}

/* Back to where the trial started: the override it replaced, or the
 * image's manifest. Tried again each second while an apply is under way. */
void
apply_rollback(struct sv *sv, const char *why)
{
	struct apply_run *a = &sv->ap;
	char text[160], boot[40], err[512], path[PATH_MAX];
	long long until;
	int had = 0;
	size_t len = 0;
	char *buf = NULL;

	if (!a->trying)
		return;
	if (a->phase != AP_IDLE) {
		apply_try_arm(a, 1000);
		return;
	}
	if (apply_state_read(sv, TRY_FILE, text, sizeof text) <= 0 ||
	    sscanf(text, "%lld %39s %d", &until, boot, &had) != 3)
		had = 0;
	snprintf(path, sizeof path, "%s/%s", sv->paths.state, PREV_FILE);
	if (had && !(buf = apply_slurp(path, &len))) {
		sv_say("apply: cannot roll back: %s: %s", path, strerror(errno));
		return;
	}
	sv_say("apply: rolling back the trial: %s", why);
	if (apply_begin(sv, &(struct apply_how){"rollback", 0, false, true}, buf, len, err,
			sizeof err) < 0) {
		free(buf);
		sv_say("apply: roll back: %s", err);
		if (strstr(err, "nothing to apply")) {
			apply_state_remove(sv, TRY_FILE);
			apply_state_remove(sv, PREV_FILE);
			a->trying = false;
		}
		a->rollback = false;
	}
}

enum control_status
apply_confirm(struct sv *sv, char *msg, size_t len)
{
	struct apply_run *a = &sv->ap;
	struct itimerspec off = {0};

	if (!a->trying) {
		snprintf(msg, len, "no applied manifest is on trial");
		return CONTROL_ERROR;
	}
	apply_state_remove(sv, TRY_FILE);
	apply_state_remove(sv, PREV_FILE);
	timerfd_settime(a->try_fd, 0, &off, NULL);
	a->trying = false;
	sv_say("apply: the manifest on trial is confirmed");
	snprintf(msg, len, "confirmed: the applied manifest stays in force");
	return CONTROL_OK;
}

/* An essential container that fails ends a trial at once. */
void
apply_essential_failed(struct sv *sv, struct instance *c, const char *how)
{
	char why[160];

	if (!sv->ap.trying || !c->spec.m->essential)
		return;
	snprintf(why, sizeof why, "essential container %s is %s", c->spec.name, how);
	apply_rollback(sv, why);
}

/* At startup: the manifest in force, as status tells it, and a trial that
 * an earlier run began: its timer again, or its end at once when its time
 * is up or the host rebooted meanwhile (never confirmed). */
void
apply_open(struct sv *sv)
{
	struct apply_run *a = &sv->ap;
	char text[160], boot[40], now_boot[40];
	long long until;
	int had;
	size_t len;
	char *buf;

	a->stop = calloc(sv->n ? sv->n : 1, sizeof *a->stop);
	a->changed = calloc(sv->n ? sv->n : 1, sizeof *a->changed);
	a->ns_pidfd = -1;
	a->w_try = (struct watch){W_APPLY, NULL};
	a->try_fd = timerfd_create(CLOCK_REALTIME, TFD_CLOEXEC | TFD_NONBLOCK);
	if (!a->stop || !a->changed || a->try_fd < 0 || sv_watch(sv, a->try_fd, &a->w_try) < 0) {
		sv_say("apply: cannot set up: %s", strerror(errno));
		exit(111);
	}
	if ((buf = apply_slurp(sv->paths.in_force, &len))) {
		apply_sha256_hex(buf, apply_unsealed_len(buf, len), a->in_force_sha);
		free(buf);
	}
	if (apply_state_read(sv, LAST_FILE, text, sizeof text) > 0)
		sscanf(text, "%lld %64s", &a->applied_at, a->applied_sha);
	if (apply_state_read(sv, TRY_FILE, text, sizeof text) <= 0 ||
	    sscanf(text, "%lld %39s %d", &until, boot, &had) != 3)
		return;
	a->trying = true;
	a->try_until = until;
	apply_boot_id(now_boot);
	if (strcmp(boot, now_boot) != 0) {
		sv_say("apply: the host rebooted during a trial that was not confirmed: rolling "
		       "back");
		apply_try_arm(a, 1);
	} else if (until <= (long long)time(NULL)) {
		apply_try_arm(a, 1);
	} else {
		apply_try_arm(a, (uint64_t)(until - (long long)time(NULL)) * 1000);
	}
}

/* "manifest" in status: what is in force, since when, a trial. */
void
apply_status_json(const struct sv *sv, struct json *j)
{
	const struct apply_run *a = &sv->ap;
	bool applied = sv->paths.override && !strcmp(sv->paths.in_force, sv->paths.override);

	json_key(j, "manifest");
	json_object_begin(j);
	json_key(j, "source");
	json_string(j, applied ? "applied" : "image");
	json_key(j, "path");
	json_string(j, sv->paths.in_force);
	json_key(j, "image_path");
	json_string(j, sv->paths.baked);
	json_key(j, "sha256");
	json_string(j, a->in_force_sha[0] ? a->in_force_sha : NULL);
	json_key(j, "applied_at");
	if (a->applied_at && !strcmp(a->applied_sha, a->in_force_sha))
		json_int(j, a->applied_at);
	else
		json_null(j);
	json_key(j, "trial_until");
	if (a->trying)
		json_int(j, a->try_until);
	else
		json_null(j);
	json_key(j, "applying");
	json_bool(j, a->phase != AP_IDLE);
	json_object_end(j);
}

/* {"manifest": {...}, "unsettled": [{"name", "state"}]}: the manifest in
 * force and the containers not running yet (or failing), which is all
 * `berthctl apply` follows; a small reply, asked for every 20 ms. */
void
apply_brief_json(const struct sv *sv, struct json *j)
{
	json_object_begin(j);
	apply_status_json(sv, j);
	json_key(j, "unsettled");
	json_array_begin(j);
	for (size_t i = 0; i < sv->n; i++) {
		const struct instance *c = &sv->c[i];
		if (c->state != CS_WAITING && c->state != CS_STARTING && c->state != CS_BACKOFF &&
		    c->state != CS_CRASH_LOOP)
			continue;
		json_object_begin(j);
		json_key(j, "name");
		json_string(j, c->spec.name);
		json_key(j, "state");
		json_string(j, cstate_str(c->state));
		json_object_end(j);
	}
	json_array_end(j);
	json_object_end(j);
}
