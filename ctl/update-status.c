/* SPDX-License-Identifier: MIT */
/* berthctl update status [--json]: which slot runs which version, whether
 * this boot is confirmed or on trial, what the other slot holds, and what
 * became of the last update: read from the loader entries on the ESP and
 * the notes that apply and the supervisor leave on the data partition. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ctl.h"
#include "update/esp.h"
#include "base/json.h"
#include "update/slots.h"
#include "update.h"

struct last {
	bool any;
	char version[32], slot, from[32];
	long long time;
	const char *result; /* pending, on-trial, confirmed, rolled-back, interrupted */
	char reason[600];
};

struct view {
	struct slots s;
	struct esp_entry v[ESP_MAX_ENTRIES];
	const struct esp_entry *booted, *other;
	struct last last;
};

/* An entry's state: confirmed, trial (tries left), failed (none left after
 * tries), standby (+0 never tried: the copy the image was made with). */
static const char *
entry_state(const struct esp_entry *e)
{
	if (!e)
		return "none";
	if (!e->counted)
		return "confirmed";
	if (e->left)
		return "trial";
	return e->done ? "failed" : "standby";
}

/* Why the failed version did not get confirmed. */
static void
failure_reason(struct view *w)
{
	char note[600], v[32], slot;
	int off = 0;

	slots_read_state(&w->s, "trial-failure", note, sizeof(note));
	if (note[0] && sscanf(note, "%31s %c %n", v, &slot, &off) == 2 && off &&
	    !strcmp(v, w->last.version) && slot == w->last.slot) {
		snprintf(w->last.reason, sizeof(w->last.reason), "%s", note + off);
		return;
	}
	snprintf(w->last.reason, sizeof(w->last.reason),
		 "berth %s used its %u tries without being confirmed and left no reason: it "
		 "failed before its supervisor could run (kernel, initramfs or root "
		 "verification; its console tells)",
		 w->last.version, w->other ? w->other->done : 0);
}

static void
judge_last(struct view *w)
{
	char note[256];
	struct last *l = &w->last;

	slots_read_state(&w->s, "last-apply", note, sizeof(note));
	if (!note[0] || sscanf(note, "%31s %c %31s %lld", l->version, &l->slot, l->from,
			       &l->time) != 4)
		return;
	l->any = true;
	if (l->slot == w->s.booted) {
		l->result = w->booted && w->booted->counted ? "on-trial" : "confirmed";
		return;
	}
	if (!w->other || strcmp(w->other->version, l->version)) {
		l->result = "interrupted";
		snprintf(l->reason, sizeof(l->reason),
			 "no loader entry for berth %s in slot %c: the apply did not finish",
			 l->version, l->slot);
	} else if (!w->other->counted) {
		l->result = "not-booted"; /* confirmed once, but this boot is the other slot */
	} else if (w->other->left) {
		l->result = "pending";
	} else {
		l->result = "rolled-back";
		failure_reason(w);
	}
}

static void
print_entry(const char *what, char slot, const struct esp_entry *e)
{
	printf("%-12s slot %c, ", what, slot);
	if (!e) {
		printf("no entry\n");
		return;
	}
	printf("berth %s, %s", e->version, entry_state(e));
	if (e->counted && e->left)
		printf(" (%u tries left)", e->left);
	printf("\n");
}

static void
print_text(const struct view *w)
{
	const struct last *l = &w->last;

	print_entry("booted:", w->s.booted, w->booted);
	print_entry("other:", slots_other(w->s.booted), w->other);
	if (!l->any) {
		printf("last update: none\n");
		return;
	}
	char when[64];
	time_t t = (time_t)l->time;
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", gmtime(&t));
	printf("last update: berth %s into slot %c (from %s) at %s: %s\n", l->version, l->slot,
	       l->from, when, l->result);
	if (l->reason[0])
		printf("reason:      %s\n", l->reason);
}

static void
json_auto(struct json *j)
{
	struct update_auto a;

	json_key(j, "channel");
	if (update_auto_read(&a) < 0) {
		json_null(j);
		return;
	}
	json_object_begin(j);
	json_key(j, "url");
	json_string(j, a.channel);
	json_key(j, "state");
	json_string(j, a.state);
	json_key(j, "last_check");
	json_string(j, a.last_check);
	json_key(j, "last_result");
	json_string(j, a.last_result);
	json_key(j, "next_check");
	json_string(j, a.next_check);
	json_key(j, "pending");
	json_string(j, strcmp(a.pending, "-") ? a.pending : NULL);
	json_key(j, "reboot_at");
	json_string(j, strcmp(a.reboot_at, "-") ? a.reboot_at : NULL);
	json_object_end(j);
}

static void
json_entry(struct json *j, const char *key, char slot, const struct esp_entry *e)
{
	char s[2] = {slot, 0};

	json_key(j, key);
	json_object_begin(j);
	json_key(j, "slot");
	json_string(j, s);
	json_key(j, "version");
	json_string(j, e ? e->version : NULL);
	json_key(j, "state");
	json_string(j, entry_state(e));
	json_key(j, "tries_left");
	if (e && e->counted)
		json_uint(j, e->left);
	else
		json_null(j);
	json_key(j, "entry");
	json_string(j, e ? e->file : NULL);
	json_object_end(j);
}

static int
print_json(const struct view *w)
{
	const struct last *l = &w->last;
	struct json j;
	char s[2] = {l->slot, 0};
	int r;

	json_init(&j);
	json_object_begin(&j);
	json_entry(&j, "booted", w->s.booted, w->booted);
	json_entry(&j, "other", slots_other(w->s.booted), w->other);
	json_key(&j, "rolled_back");
	json_bool(&j, l->any && !strcmp(l->result, "rolled-back"));
	json_key(&j, "last_update");
	if (!l->any) {
		json_null(&j);
	} else {
		json_object_begin(&j);
		json_key(&j, "version");
		json_string(&j, l->version);
		json_key(&j, "slot");
		json_string(&j, s);
		json_key(&j, "from");
		json_string(&j, l->from);
		json_key(&j, "time");
		json_int(&j, l->time);
		json_key(&j, "result");
		json_string(&j, l->result);
		json_key(&j, "reason");
		json_string(&j, l->reason[0] ? l->reason : NULL);
		json_object_end(&j);
	}
	json_auto(&j);
	json_object_end(&j);
	r = json_finish(&j);
	if (!r)
		fputs(j.buf, stdout);
	json_free(&j);
	return r ? EXIT_SYSTEM : 0;
}

int
update_status(int argc, char **argv)
{
	struct view w;
	bool json = false;
	char err[512];
	int n;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json"))
			return ctl_usage_error("update status: unknown argument \"%s\"", argv[i]);
		json = true;
	}
	memset(&w, 0, sizeof(w));
	if (slots_open(&w.s, err, sizeof(err)) < 0) {
		fprintf(stderr, "berthctl: update status: %s\n", err);
		return EXIT_SYSTEM;
	}
	n = esp_scan(w.s.esp, w.v, ESP_MAX_ENTRIES, err, sizeof(err));
	if (n < 0) {
		fprintf(stderr, "berthctl: update status: %s\n", err);
		return EXIT_SYSTEM;
	}
	w.booted = esp_slot_entry(w.v, n, w.s.booted);
	w.other = esp_slot_entry(w.v, n, slots_other(w.s.booted));
	judge_last(&w);
	if (json)
		return print_json(&w);
	print_text(&w);
	struct update_auto a;
	if (update_auto_read(&a) == 0)
		update_auto_print(&a);
	return fflush(stdout) ? EXIT_SYSTEM : 0;
}
