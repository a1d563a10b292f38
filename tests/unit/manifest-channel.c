/* SPDX-License-Identifier: MIT */
/* Unit tests of update.channel and update.window (manifest-channel.c):
 * what is read, what is refused, and how long until a window opens. */
#include "check.h"
#include "manifest/manifest.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static int
parse(const char *update, struct manifest *m, char *err, size_t len)
{
	char yaml[1024];
	struct diag d;
	int r;

	snprintf(yaml, sizeof yaml, "version: 1\nupdate:\n%s%s",
		 strstr(update, "channel:") ? "" : "  channel: https://u.example/c\n", update);
	r = manifest_parse_buffer("t.yaml", yaml, strlen(yaml), m, &d);
	snprintf(err, len, "%s", d.n ? d.v[0].msg : "");
	diag_free(&d);
	return r;
}

static const struct {
	const char *name, *update, *error;
} errors[] = {
    {"ftp", "  channel: ftp://u.example/c\n", "expected https:// or http://"},
    {"no host", "  channel: https:///c\n", "no host"},
    {"space", "  channel: \"https://u.example/a b\"\n", "a character a URL cannot hold"},
    {"check_every short", "  check_every: 30s\n", "check_every: at least 1m"},
    {"window backwards", "  window: [\"Mon 04:00-02:00\"]\n", "it ends before it starts"},
    {"window bad day", "  window: [\"Mnd 01:00-02:00\"]\n", "expected DAYS HH:MM-HH:MM"},
    {"window 25:00", "  window: [\"Mon 01:00-25:00\"]\n", "expected DAYS HH:MM-HH:MM"},
    {"window no time", "  window: [\"Mon\"]\n", "expected DAYS HH:MM-HH:MM"},
};

static void
check_errors(void)
{
	for (size_t i = 0; i < N(errors); i++) {
		struct manifest m;
		char err[512];
		int r = parse(errors[i].update, &m, err, sizeof err);

		CHECK(r < 0 && strstr(err, errors[i].error), "refused: %s: ...%s... (got %s)",
		      errors[i].name, errors[i].error, r < 0 ? err : "valid");
		manifest_free(&m);
	}
}

static void
check_defaults(void)
{
	struct manifest m;
	char err[512];
	int r = parse("", &m, err, sizeof err);

	CHECK(r == 0 && m.update.check_every_ms == 6 * 3600 * 1000 && m.update.auto_install &&
		  m.update.n_windows == 0 && strcmp(m.update.channel, "https://u.example/c") == 0,
	      "defaults: every 6h, auto, any time (%s)", err);
	manifest_free(&m);
}

/* 2026-12-07 is a Monday. */
static struct tm
at(int wday, int h, int min)
{
	return (struct tm){.tm_wday = wday, .tm_hour = h, .tm_min = min};
}

static const struct {
	const char *name, *windows;
	int wday, h, min;
	unsigned long want;
} waits[] = {
    {"none: any time", "[]", 1, 3, 0, 0},
    {"inside", "[\"Mon-Fri 02:00-04:00\"]", 1, 3, 0, 0},
    {"at its start", "[\"Mon-Fri 02:00-04:00\"]", 1, 2, 0, 0},
    {"at its end: tomorrow", "[\"Mon-Fri 02:00-04:00\"]", 1, 4, 0, 22 * 3600},
    {"before it today", "[\"Mon-Fri 02:00-04:00\"]", 1, 1, 30, 30 * 60},
    {"Friday evening: Monday", "[\"Mon-Fri 02:00-04:00\"]", 5, 23, 0, 51 * 3600},
    {"weekend window from Friday", "[\"Sat-Sun 00:00-24:00\"]", 5, 23, 0, 3600},
    {"until midnight", "[\"Sun 22:00-24:00\"]", 0, 23, 59, 0},
    {"a week ahead", "[\"Mon 02:00-03:00\"]", 1, 3, 0, 7 * 86400 - 3600},
    {"two windows, the nearer", "[\"Tue 05:00-06:00\", \"Mon 20:00-21:00\"]", 1, 10, 0, 10 * 3600},
};

static void
check_waits(void)
{
	for (size_t i = 0; i < N(waits); i++) {
		struct manifest m;
		char upd[256], err[512];
		struct tm now = at(waits[i].wday, waits[i].h, waits[i].min);
		unsigned long got = 0;

		snprintf(upd, sizeof upd, "  window: %s\n", waits[i].windows);
		if (parse(upd, &m, err, sizeof err) == 0)
			got = update_window_wait(m.update.windows, m.update.n_windows, &now);
		CHECK(got == waits[i].want, "wait: %s: %lu s (got %lu%s%s)", waits[i].name,
		      waits[i].want, got, err[0] ? ": " : "", err);
		manifest_free(&m);
	}
}

int
main(void)
{
	check_errors();
	check_defaults();
	check_waits();
	CHECK_EXIT();
}
