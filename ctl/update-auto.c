/* SPDX-License-Identifier: MIT */
/* What `berthctl update status` says of the update channel: the state the
 * supervisor keeps in /run/berth/autoupdate (supervisor/autoupdate.c). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/io.h"
#include "update.h"

#define AUTOUPDATE_FILE "/run/berth/autoupdate"

/* The value of "KEY VALUE" in text, into out; "" when it is not there. */
static void
value(const char *text, const char *key, char *out, size_t len)
{
	size_t k = strlen(key);

	out[0] = 0;
	for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (strncmp(p, key, k) == 0 && p[k] == ' ') {
			snprintf(out, len, "%.*s", (int)strcspn(p + k + 1, "\n"), p + k + 1);
			return;
		}
}

static void
when(const char *epoch, char *out, size_t len)
{
	time_t t = (time_t)strtoll(epoch, NULL, 10);

	if (t <= 0)
		snprintf(out, len, "-");
	else
		strftime(out, len, "%Y-%m-%d %H:%M:%S UTC", gmtime(&t));
}

int
update_auto_read(struct update_auto *a)
{
	const char *path = getenv("BERTH_AUTOUPDATE_FILE");
	char text[4096], t[64];
	ssize_t n;

	memset(a, 0, sizeof(*a));
	n = io_read_small(AT_FDCWD, path && *path ? path : AUTOUPDATE_FILE, text, sizeof text - 1);
	if (n <= 0)
		return -1;
	text[n] = 0;
	value(text, "channel", a->channel, sizeof a->channel);
	value(text, "state", a->state, sizeof a->state);
	value(text, "last_result", a->last_result, sizeof a->last_result);
	value(text, "pending", a->pending, sizeof a->pending);
	value(text, "last_check", t, sizeof t);
	when(t, a->last_check, sizeof a->last_check);
	value(text, "next_check", t, sizeof t);
	when(t, a->next_check, sizeof a->next_check);
	value(text, "reboot_at", t, sizeof t);
	when(t, a->reboot_at, sizeof a->reboot_at);
	return a->channel[0] ? 0 : -1;
}

void
update_auto_print(const struct update_auto *a)
{
	printf("channel:     %s (%s)\n", a->channel, a->state);
	printf("last check:  %s: %s\n", a->last_check, a->last_result);
	printf("next check:  %s\n", a->next_check);
	if (strcmp(a->pending, "-") != 0)
		printf("pending:     berth %s, reboot %s\n", a->pending,
		       strcmp(a->reboot_at, "-") ? a->reboot_at : "now");
}
