/* SPDX-License-Identifier: MIT */
/* sender.c: the sender of a tls:// target, a child of the supervisor:
 * reads the spool's frames in order (lib/log/spoolread.c), sends them in
 * TLS records, and has a segment removed once the receiver's TCP has
 * acknowledged every message in it, and a margin's worth after. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log/relp.h"
#include "log/spoolread.h"
#include "sender.h"
#include "session.h"

/* Frames are gathered into records of about this much: a TLS record holds
 * 16 KiB at most, and one per message would cost a write each. */
#define BATCH (16 * 1024)
#define FRAME_MAX (32 * 1024) /* a line and its header, framed, with room */
/* Records sent and not yet known acknowledged (with the margin after them). */
#define RING_MAX 8192

static struct {
	int wake;
	const struct log_target *cfg;
	struct spoolrd sp;
	struct tls_session ts;
	bool up;
	char batch[BATCH + FRAME_MAX];
	/* A record sent: where its last message ends in the spool, how many
	 * messages it held, where it ends on the wire. */
	struct {
		uint64_t seg, end, wire;
		unsigned msgs;
	} ring[RING_MAX];
	size_t head, n;
	/* As a TCP target's (docs/logging.md, Delivery): acknowledged by the
	 * receiver's kernel is not read by the receiver. */
	uint64_t margin;
	unsigned backoff_ms;
	unsigned attempts;
	time_t up_since; /* CLOCK_MONOTONIC seconds */
	char told[200];	 /* the reason of the outage told, "" while up */
	unsigned long resent;
} r;

static void
pop(void)
{
	spoolrd_acked(&r.sp, r.ring[r.head].seg, r.ring[r.head].end);
	r.head = (r.head + 1) % RING_MAX;
	r.n--;
}

static void
check_acked(void)
{
	uint64_t acked = tls_session_acked(&r.ts);

	while (r.n && r.ring[r.head].wire + r.margin <= acked)
		pop();
}

static time_t
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

/* An outage is told once, and again when the reason it is refused changes
 * (a key's mode fixed, then the receiver's certificate refused); a
 * receiver that cannot be reached is not news once the outage is told. */
static void
tell(const char *why)
{
	size_t n = strlen(why);

	if (r.told[0] && (strcmp(r.told, why) == 0 || strncmp(why, "connect: ", 9) == 0))
		return;
	/* GnuTLS's sentences end in a full stop, its status text in ". ". */
	while (n && (why[n - 1] == ' ' || why[n - 1] == '.'))
		n--;
	spoolrd_say(&r.sp, "log forward %s: %.*s; retrying", r.cfg->url, (int)n, why);
	snprintf(r.told, sizeof r.told, "%s", why);
}

/* The connection broke: what was not known read is sent again from the
 * spool in the next one. */
static void
broken(const char *why)
{
	tls_session_close(&r.ts, 0);
	r.up = false;
	/* A receiver that ends every session at once is not hammered. */
	if (now() - r.up_since >= BACKOFF_MAX_MS / 1000)
		r.backoff_ms = BACKOFF_MIN_MS;
	for (size_t i = 0; i < r.n; i++)
		r.resent += r.ring[(r.head + i) % RING_MAX].msgs;
	r.n = r.head = 0;
	spoolrd_rewind(&r.sp);
	tell(why);
}

static bool
connect_tls(void)
{
	char why[sizeof r.told];

	if (tls_session_open(&r.ts, r.cfg, why, sizeof why) < 0) {
		tell(why);
		return false;
	}
	if (r.told[0] && r.resent)
		spoolrd_say(&r.sp,
			    "log forward %s: connected; %lu messages sent again, as the receiver "
			    "may not have read them",
			    r.cfg->url, r.resent);
	else if (r.told[0])
		spoolrd_say(&r.sp, "log forward %s: connected", r.cfg->url);
	r.told[0] = '\0';
	r.resent = 0;
	r.up = true;
	r.up_since = now();
	return true;
}

static bool
flush(size_t len, unsigned msgs)
{
	char why[sizeof r.told];

	if (tls_session_send(&r.ts, r.batch, len, why, sizeof why) < 0) {
		broken(why);
		return false;
	}
	size_t i = (r.head + r.n++) % RING_MAX;
	r.ring[i].seg = r.sp.seg;
	r.ring[i].end = spoolrd_end(&r.sp);
	r.ring[i].wire = r.ts.wire;
	r.ring[i].msgs = msgs;
	return true;
}

/* Sends what the spool holds, until it has no more, the ring is full or
 * the connection broke. */
static void
send_all(void)
{
	const char *p;
	size_t f, len = 0;
	unsigned msgs = 0;

	for (;;) {
		if (len == 0 && r.n == RING_MAX) {
			check_acked();
			if (r.n == RING_MAX)
				return;
		}
		if ((f = spoolrd_next(&r.sp, &p)) == 0)
			break;
		if (f > FRAME_MAX) { /* not written by the supervisor */
			spoolrd_say(&r.sp, "log forward %s: a spooled frame of %zu bytes skipped",
				    r.cfg->url, f);
			continue;
		}
		memcpy(r.batch + len, p, f);
		len += f;
		msgs++;
		if (len >= BATCH) {
			if (!flush(len, msgs))
				return;
			len = msgs = 0;
		}
	}
	if (len)
		flush(len, msgs);
}

/* At the supervisor's end (the wake pipe closed): a receiver that closes
 * its end after ours has read everything, so nothing is sent twice. */
static void __attribute__((noreturn)) finish(void)
{
	if (r.up && tls_session_close(&r.ts, 1000))
		while (r.n)
			pop();
	spoolrd_save(&r.sp);
	_exit(0);
}

/* Waits up to ms (-1: for ever) for news from the supervisor, or from the
 * receiver, which only ever speaks to end the session. */
static void
wait_news(int ms)
{
	struct pollfd p[2] = {{r.wake, POLLIN, 0}, {r.up ? r.ts.fd : -1, POLLIN, 0}};
	char junk[256], why[sizeof r.told];

	if (poll(p, 2, ms) <= 0)
		return;
	if (p[0].revents && read(r.wake, junk, sizeof junk) == 0)
		finish();
	if (p[1].revents && tls_session_poll(&r.ts, why, sizeof why) < 0)
		broken(why);
}

void
tls_sender(int dfd, int wake, int note, const struct log_target *cfg, uint64_t margin)
{
	r.wake = wake;
	r.margin = margin;
	r.cfg = cfg;
	spoolrd_open(&r.sp, dfd, note, cfg->url);
	if (gnutls_global_init() < 0) {
		spoolrd_say(&r.sp, "log forward %s: GnuTLS did not start: not forwarding",
			    cfg->url);
		_exit(111);
	}
	r.ts.fd = -1;
	r.backoff_ms = BACKOFF_MIN_MS;
	for (;;) {
		if (!r.up && r.attempts++ > 0) {
			wait_news((int)r.backoff_ms);
			r.backoff_ms = backoff_next(r.backoff_ms);
		}
		if (!r.up && !connect_tls())
			continue;
		send_all();
		if (!r.up)
			continue;
		check_acked();
		/* While records wait for their acknowledgement, look again: a
		 * full ring soon, else once a second to free the spool. */
		wait_news(r.n == RING_MAX ? 20 : r.n ? 1000 : -1);
	}
}
