/* SPDX-License-Identifier: MIT */
/* Reads update.channel, channel_ca, check_every, auto and window (the
 * fleet channel, docs/update.md), and says how long until a window opens. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "manifest/manifest-parse.h"

#define CHANNEL_URL_MAX 2048

void
mp_update_channel(struct mparse *p, const struct ynode *key, const struct ynode *val, void *obj)
{
	struct update_cfg *u = obj;
	const char *s = mp_scalar(p, key, val, "a URL like https://updates.example/berth/stable");
	size_t host;

	if (!s)
		return;
	if (strncmp(s, "https://", 8) && strncmp(s, "http://", 7)) {
		mp_invalid(p, key, val, "channel URL", "expected https:// or http://");
		return;
	}
	host = strcspn(s + (s[4] == 's' ? 8 : 7), "/");
	if (val->len > CHANNEL_URL_MAX || host == 0 || strpbrk(s, " \t\"'<>\\^`{|}")) {
		mp_invalid(p, key, val, "channel URL",
			   host == 0 ? "no host" : "too long, or a character a URL cannot hold");
		return;
	}
	if (!mp_string(p, key, val, CHANNEL_URL_MAX, "a URL", &u->channel))
		return;
}

static const char *const day_names[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};

static int
day_parse(const char *s, size_t n)
{
	for (int d = 0; d < 7; d++)
		if (n == 3 && strncasecmp(s, day_names[d], 3) == 0)
			return d;
	return -1;
}

/* "Mon-Fri", "Sat,Sun", "Fri-Mon" (wrapping) or "*": a day mask, 0 when bad. */
static uint8_t
days_parse(const char *s, size_t n)
{
	uint8_t mask = 0;

	if (n == 1 && s[0] == '*')
		return 0x7f;
	while (n) {
		size_t item = strcspn(s, ",");
		int a, b;

		if (item > n)
			item = n;
		if (item == 7 && s[3] == '-') {
			if ((a = day_parse(s, 3)) < 0 || (b = day_parse(s + 4, 3)) < 0)
				return 0;
			for (int d = a;; d = (d + 1) % 7) {
				mask |= (uint8_t)(1u << d);
				if (d == b)
					break;
			}
		} else if ((a = day_parse(s, item)) >= 0) {
			mask |= (uint8_t)(1u << a);
		} else {
			return 0;
		}
		s += item;
		n -= item;
		if (n) {
			s++;
			n--;
		}
	}
	return mask;
}

/* "HH:MM" into minutes; 24:00 allowed as an end. */
static int
hhmm(const char *s, int *min)
{
	int h, m;
	char tail;

	if (strlen(s) != 5 || sscanf(s, "%2d:%2d%c", &h, &m, &tail) != 2 || s[2] != ':' || h > 24 ||
	    m > 59 || (h == 24 && m))
		return -1;
	*min = h * 60 + m;
	return 0;
}

static void
window_item(struct mparse *p, const struct ynode *key, const struct ynode *item, void *obj)
{
	struct update_cfg *u = obj;
	const char *s = mp_scalar(p, key, item, "DAYS HH:MM-HH:MM"), *sp, *dash;
	char a[8] = "", b[8] = "";
	struct update_window *w;
	int start, end;
	uint8_t days;

	if (!s)
		return;
	sp = strchr(s, ' ');
	dash = sp ? strchr(sp, '-') : NULL;
	days = sp ? days_parse(s, (size_t)(sp - s)) : 0;
	if (dash && dash - sp - 1 < (long)sizeof a && strlen(dash + 1) < sizeof b) {
		memcpy(a, sp + 1, (size_t)(dash - sp - 1));
		strcpy(b, dash + 1);
	}
	if (!days || hhmm(a, &start) < 0 || hhmm(b, &end) < 0 || start == 1440) {
		mp_invalid(p, key, item, "window",
			   "expected DAYS HH:MM-HH:MM in the host's time zone, DAYS as Mon-Fri, "
			   "Sat,Sun or * (e.g. \"Mon-Fri 02:00-04:00\")");
		return;
	}
	if (end <= start) {
		mp_invalid(p, key, item, "window",
			   "it ends before it starts; a window past midnight is two: "
			   "\"Sat 22:00-24:00\", \"Sun 00:00-02:00\"");
		return;
	}
	if (!(w = mp_push(p, &u->windows, &u->n_windows, sizeof(*w))))
		return;
	*w = (struct update_window){days, (uint16_t)start, (uint16_t)end};
}

void
mp_update_window(struct mparse *p, const struct ynode *key, const struct ynode *val, void *obj)
{
	mp_seq(p, key, val, MANIFEST_MAX_WINDOWS, window_item, obj);
}

unsigned long
update_window_wait(const struct update_window *w, size_t n, const struct tm *now)
{
	long best = -1, min = now->tm_hour * 60 + now->tm_min;

	if (n == 0)
		return 0;
	/* Today and the seven days after, each window's start on each. */
	for (int d = 0; d <= 7; d++) {
		int wday = (now->tm_wday + d) % 7;

		for (size_t i = 0; i < n; i++) {
			long from, to;

			if (!(w[i].days & (1u << wday)))
				continue;
			from = d * 1440L + w[i].start;
			to = d * 1440L + w[i].end;
			if (from <= min && min < to)
				return 0;
			if (from > min && (best < 0 || from < best))
				best = from;
		}
	}
	/* Whole minutes from the start of this one. */
	return best < 0 ? 0 : (unsigned long)(best - min) * 60 - (unsigned long)now->tm_sec;
}

void
update_window_format(const struct update_window *w, char *buf, size_t len)
{
	size_t o = 0;
	int d = 0;

	if (w->days == 0x7f) {
		o = (size_t)snprintf(buf, len, "*");
	} else {
		/* Runs of days, the week from Monday: Mon-Fri, Sat-Sun */
		while (d < 7 && o < len) {
			int e = d;

			if (!(w->days & (1u << (d + 1) % 7))) {
				d++;
				continue;
			}
			while (e + 1 < 7 && (w->days & (1u << (e + 2) % 7)))
				e++;
			o += (size_t)snprintf(buf + o, len - o, "%s%s%s%s", o ? "," : "",
					      day_names[(d + 1) % 7], e > d ? "-" : "",
					      e > d ? day_names[(e + 1) % 7] : "");
			d = e + 1;
		}
	}
	if (o < len)
		snprintf(buf + o, len - o, " %02u:%02u-%02u:%02u", w->start / 60, w->start % 60,
			 w->end / 60, w->end % 60);
}
