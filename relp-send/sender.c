/* SPDX-License-Identifier: MIT */
/* sender.c: the sender of a relp:// target, a child of the supervisor:
 * reads the spool's frames in order, hands them to librelp (which blocks),
 * and removes a segment once every message in it was acknowledged. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <librelp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/io.h"
#include "log/relp.h"
#include "log/syslog.h"
#include "sender.h"

#define BUF_MAX (256 * 1024) /* a frame is at most about 17 KiB */
#define ACKED_FILE "acked"   /* "SEGMENT-ID OFFSET\n": where to start again */
#define ACKED_SAVE 1024	     /* acknowledgements between two saves of it */
#define NO_SEG UINT64_MAX

static struct {
	int dfd, wake, note;
	const struct log_target *cfg;
	relpEngine_t *eng;
	relpClt_t *clt;
	bool refused; /* the receiver answered something other than 200 */
	/* Reading: segment seg open as fd, its bytes [boff, boff + len) in buf,
	 * buf[0, pos) handed to librelp. */
	uint64_t seg;
	int fd;
	char *buf;
	size_t len, pos;
	uint64_t boff;
	/* Handed over, not known acknowledged: where each message ends. */
	struct {
		uint64_t seg, end;
	} ring[RELP_WINDOW + 1];
	size_t head, n;
	uint64_t aseg, aoff; /* all before this is acknowledged */
	unsigned since_save;
	unsigned backoff_ms;
	bool told_down;
	unsigned long resent;
} r = {.seg = NO_SEG, .fd = -1, .aseg = NO_SEG};

static void __attribute__((format(printf, 1, 2))) say(const char *fmt, ...)
{
	struct relp_note n = {.kind = RELP_SAY};
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(n.text, sizeof n.text, fmt, ap);
	va_end(ap);
	if (io_write_all(r.note, &n, sizeof n) < 0)
		_exit(111); /* the supervisor is gone */
}

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

static void
seg_name(uint64_t id, char name[32])
{
	snprintf(name, 32, "%016" PRIx64 ".seg", id);
}

/* The oldest segment there is, or NO_SEG. */
static uint64_t
oldest(void)
{
	int fd = dup(r.dfd);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *e;
	uint64_t lo = NO_SEG;

	if (!d) {
		if (fd >= 0)
			close(fd);
		return NO_SEG;
	}
	rewinddir(d); /* the dup shares its offset: the last scan left it at the end */
	while ((e = readdir(d))) {
		char *end;
		if (strlen(e->d_name) != 20 || strcmp(e->d_name + 16, ".seg") != 0)
			continue;
		uint64_t id = strtoull(e->d_name, &end, 16);
		if (end == e->d_name + 16 && id < lo)
			lo = id;
	}
	closedir(d);
	return lo;
}

static void
save_acked(void)
{
	char buf[64];

	if (r.aseg == NO_SEG)
		return;
	int n = snprintf(buf, sizeof buf, "%016" PRIx64 " %020" PRIu64 "\n", r.aseg, r.aoff);
	int fd = openat(r.dfd, ACKED_FILE, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	/* Not synced: losing it costs messages sent twice, never lost ones. */
	if (fd < 0 || pwrite(fd, buf, (size_t)n, 0) != n)
		say("log forward %s: spool: saving the acknowledged position: %s", r.cfg->url,
		    strerror(errno));
	if (fd >= 0)
		close(fd);
	r.since_save = 0;
}

static void
load_acked(void)
{
	char buf[64], *end;

	r.aseg = oldest();
	r.aoff = 0;
	if (io_read_small(r.dfd, ACKED_FILE, buf, sizeof buf) != 42)
		return;
	uint64_t seg = strtoull(buf, &end, 16);
	if (end != buf + 16 || seg != r.aseg)
		return; /* of a segment removed since: the oldest starts whole */
	r.aoff = strtoull(buf + 17, &end, 10);
}

/* Every message before offset end of segment seg is acknowledged: the
 * segments before seg are wholly so, and go. */
static void
acked(uint64_t seg, uint64_t end)
{
	struct relp_note n = {.kind = RELP_FREED};
	char name[32];
	struct stat st;

	for (; r.aseg < seg; r.aseg++) {
		seg_name(r.aseg, name);
		if (fstatat(r.dfd, name, &st, 0) == 0 && unlinkat(r.dfd, name, 0) == 0)
			n.bytes += (uint64_t)st.st_size;
	}
	r.aseg = seg;
	r.aoff = end;
	if (n.bytes && io_write_all(r.note, &n, sizeof n) < 0)
		_exit(111);
	if (++r.since_save >= ACKED_SAVE)
		save_acked();
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
	acked(r.ring[r.head].seg, r.ring[r.head].end);
	r.head = (r.head + 1) % (RELP_WINDOW + 1);
	r.n--;
}

static void
seg_close(void)
{
	if (r.fd >= 0)
		close(r.fd);
	r.fd = -1;
	r.len = r.pos = 0;
}

/* Opens segment id from offset off; false when it is not there yet. */
static bool
seg_open(uint64_t id, uint64_t off)
{
	char name[32];

	seg_close();
	seg_name(id, name);
	r.fd = openat(r.dfd, name, O_RDONLY | O_CLOEXEC);
	if (r.fd < 0)
		return false;
	r.seg = id;
	r.boff = off;
	return true;
}

/* More of the segment into buf; false at its end for now. */
static bool
fill(void)
{
	if (r.pos > 0) {
		memmove(r.buf, r.buf + r.pos, r.len - r.pos);
		r.boff += r.pos;
		r.len -= r.pos;
		r.pos = 0;
	}
	ssize_t n = pread(r.fd, r.buf + r.len, BUF_MAX - r.len, (off_t)(r.boff + r.len));
	if (n > 0)
		r.len += (size_t)n;
	return n > 0;
}

/* Segment r.seg is read to its end: the supervisor writes to one segment
 * only, so once the next exists this one is whole. */
static bool
next_segment(void)
{
	char name[32];

	seg_name(r.seg + 1, name);
	if (faccessat(r.dfd, name, F_OK, 0) < 0 || fill())
		return false;
	if (r.len > 0)
		say("log forward %s: spool segment %016" PRIx64 ": %zu bytes skipped, not whole "
		    "messages",
		    r.cfg->url, r.seg, r.len);
	return seg_open(r.seg + 1, 0);
}

/* The next frame: *p (LEN SP MSG), its length, or 0 when none waits. */
static size_t
next_frame(const char **p)
{
	if (r.fd < 0) {
		uint64_t id = r.aseg != NO_SEG ? r.aseg : oldest();
		if (id == NO_SEG || !seg_open(id, r.aseg == id ? r.aoff : 0))
			return 0;
		if (r.aseg == NO_SEG)
			r.aseg = id, r.aoff = 0;
	}
	for (;;) {
		ssize_t f = syslog_frame_len(r.buf + r.pos, r.len - r.pos);
		if (f > 0) {
			*p = r.buf + r.pos;
			r.pos += (size_t)f;
			return (size_t)f;
		}
		if (f < 0) { /* not a frame (a damaged disk): skipped */
			say("log forward %s: spool segment %016" PRIx64 ": %zu bytes skipped, not "
			    "whole messages",
			    r.cfg->url, r.seg, r.len - r.pos);
			r.pos = r.len;
			continue;
		}
		if (!fill() && !next_segment())
			return 0;
	}
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
	seg_close();
	if (!r.told_down)
		say("log forward %s: %s; retrying", r.cfg->url, why);
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
		say("log forward %s: connected; %lu messages sent again, as they were not "
		    "acknowledged",
		    r.cfg->url, r.resent);
	else if (r.told_down)
		say("log forward %s: connected", r.cfg->url);
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
		save_acked();
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

	while ((n = next_frame(&p)) > 0) {
		size_t hdr = (size_t)((const char *)memchr(p, ' ', n) - p) + 1;
		uint64_t end = r.boff + r.pos;
		if (relpCltSendSyslog(r.clt, (unsigned char *)p + hdr, n - hdr) != RELP_RET_OK ||
		    r.refused) {
			broken(r.refused ? "the receiver refused a message" : "session broken");
			return;
		}
		handed(r.seg, end);
	}
}

static void
setup(void)
{
	sigset_t none;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_IGN);
	/* Only the lock of a sender that died frees the spool: the sender of
	 * a supervisor killed a moment ago may still be on its way out. */
	while (flock(r.dfd, LOCK_EX) < 0 && errno == EINTR)
		;
	if (!(r.buf = malloc(BUF_MAX)) || relpEngineConstruct(&r.eng) != RELP_RET_OK) {
		say("log forward %s: out of memory: not forwarding", r.cfg->url);
		_exit(111);
	}
	relpEngineSetDbgprint(r.eng, no_debug);
	relpEngineSetEnableCmd(r.eng, (unsigned char *)"syslog", eRelpCmdState_Required);
	relpEngineSetOnErr(r.eng, on_err);
	load_acked();
	r.backoff_ms = BACKOFF_MIN_MS;
}

void
relp_sender(int dfd, int wake, int note, const struct log_target *cfg)
{
	r.dfd = dfd;
	r.wake = wake;
	r.note = note;
	r.cfg = cfg;
	setup();
	for (;;) {
		if (!r.clt && !connect_relp()) {
			wait_wake((int)r.backoff_ms);
			r.backoff_ms = r.backoff_ms * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS
									  : r.backoff_ms * 2;
			continue;
		}
		send_all();
		if (r.clt)
			wait_wake(-1);
	}
}
