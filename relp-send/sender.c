/* SPDX-License-Identifier: MIT */
/* sender.c: the sender of a relp:// target, a child of the supervisor:
 * reads the spool's frames in order (lib/log/spoolread.c), hands them to
 * librelp (which blocks), and has a segment removed once every message in
 * it was acknowledged. */
#include <errno.h>
#include <stddef.h> /* librelp.h needs size_t */
#include <librelp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log/relp.h"
#include "log/spoolread.h"
#include "log/syslog.h"
#include "sender.h"

static struct {
	int wake;
	const struct log_target *cfg;
	struct spoolrd sp;
	relpEngine_t *eng;
	relpClt_t *clt;
	bool refused; /* the receiver answered something other than 200 */
	/* Handed over, not known acknowledged: where each message ends. */
	struct {
		uint64_t seg, end;
	} ring[RELP_WINDOW + 1];
	size_t head, n;
	unsigned backoff_ms;
	bool told_down;
	unsigned long resent;
} r;

static void
on_err(void *usr, char *obj, char *msg, relpRetVal code)
{
	(void)usr, (void)obj, (void)msg;
	if (code == RELP_RET_RSP_STATE_ERR)
		r.refused = true;
}

static void
no_debug(char *fmt, ...)
{
	(void)fmt;
}

/* Message k was handed to librelp: it waited for room in its window
 * first, so (a receiver answering in order) k - RELP_WINDOW is acked. */
static void
handed(uint64_t seg, uint64_t end)
{
	size_t i = (r.head + r.n) % (RELP_WINDOW + 1);

	r.ring[i].seg = seg;
	r.ring[i].end = end;
	if (++r.n <= RELP_WINDOW)
		return;
	spoolrd_acked(&r.sp, r.ring[r.head].seg, r.ring[r.head].end);
	r.head = (r.head + 1) % (RELP_WINDOW + 1);
	r.n--;
}

static void
disconnect(void)
{
	if (r.clt)
		relpEngineCltDestruct(r.eng, &r.clt);
	r.clt = NULL;
}

/* The session broke: what librelp had not seen acknowledged is read from
 * the spool again and sent in a new session. */
static void
broken(const char *why)
{
	disconnect();
	r.resent += r.n;
	r.n = r.head = 0;
	spoolrd_rewind(&r.sp);
	if (!r.told_down)
		spoolrd_say(&r.sp, "log forward %s: %s; retrying", r.cfg->url, why);
	r.told_down = true;
}

static bool
connect_relp(void)
{
	char port[8];

	snprintf(port, sizeof port, "%u", r.cfg->port);
	if (relpEngineCltConstruct(r.eng, &r.clt) != RELP_RET_OK) {
		r.clt = NULL;
		return false;
	}
	relpCltSetTimeout(r.clt, RELP_TIMEOUT_S);
	relpCltSetConnTimeout(r.clt, RELP_TIMEOUT_S);
	relpCltSetWindowSize(r.clt, RELP_WINDOW);
	r.refused = false;
	if (relpCltConnect(r.clt, 0, (unsigned char *)port, (unsigned char *)r.cfg->host) !=
	    RELP_RET_OK) {
		broken("connect: no RELP session (refused, unreachable or no answer)");
		return false;
	}
	if (r.told_down && r.resent)
		spoolrd_say(&r.sp,
			    "log forward %s: connected; %lu messages sent again, as they were not "
			    "acknowledged",
			    r.cfg->url, r.resent);
	else if (r.told_down)
		spoolrd_say(&r.sp, "log forward %s: connected", r.cfg->url);
	r.told_down = false;
	r.resent = 0;
	r.backoff_ms = BACKOFF_MIN_MS;
	return true;
}

/* Waits up to ms (-1: for ever) for news from the supervisor; its end
 * (the pipe closed) ends the sender, with what is acknowledged saved. */
static void
wait_wake(int ms)
{
	struct pollfd p = {r.wake, POLLIN, 0};
	char junk[256];

	if (poll(&p, 1, ms) <= 0)
		return;
	ssize_t n = read(r.wake, junk, sizeof junk);
	if (n == 0) {
		disconnect(); /* a polite close, not waited on for long */
		spoolrd_save(&r.sp);
		_exit(0);
	}
}

/* Sends what the spool holds; returns when it has nothing more, or the
 * session broke. */
static void
send_all(void)
{
	const char *p;
	size_t n;

	while ((n = spoolrd_next(&r.sp, &p)) > 0) {
		size_t hdr = (size_t)((const char *)memchr(p, ' ', n) - p) + 1;
		uint64_t end = spoolrd_end(&r.sp);
		if (relpCltSendSyslog(r.clt, (unsigned char *)p + hdr, n - hdr) != RELP_RET_OK ||
		    r.refused) {
			broken(r.refused ? "the receiver refused a message" : "session broken");
			return;
		}
		handed(r.sp.seg, end);
	}
}

static void
setup(int dfd, int note)
{
	spoolrd_open(&r.sp, dfd, note, r.cfg->url);
	if (relpEngineConstruct(&r.eng) != RELP_RET_OK) {
		spoolrd_say(&r.sp, "log forward %s: out of memory: not forwarding", r.cfg->url);
		_exit(111);
	}
	relpEngineSetDbgprint(r.eng, no_debug);
	relpEngineSetEnableCmd(r.eng, (unsigned char *)"syslog", eRelpCmdState_Required);
	relpEngineSetOnErr(r.eng, on_err);
	r.backoff_ms = BACKOFF_MIN_MS;
}

void
relp_sender(int dfd, int wake, int note, const struct log_target *cfg)
{
	r.wake = wake;
	r.cfg = cfg;
	setup(dfd, note);
	for (;;) {
		if (!r.clt && !connect_relp()) {
			wait_wake((int)r.backoff_ms);
			r.backoff_ms = backoff_next(r.backoff_ms);
			continue;
		}
		send_all();
		if (r.clt)
			wait_wake(-1);
	}
}
