/* SPDX-License-Identifier: MIT */
/* spoolread.c: a sender's reading of its target's spool, in the child
 * process that sends it (relp-send/, tls-send/). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/io.h"
#include "log/relp.h"
#include "log/spoolread.h"
#include "log/syslog.h"

#define BUF_MAX (256 * 1024) /* a frame is at most about 17 KiB */
#define ACKED_FILE "acked"   /* "SEGMENT-ID OFFSET\n": where to start again */
#define ACKED_SAVE 1024	     /* acknowledgements between two saves of it */

void
spoolrd_say(const struct spoolrd *r, const char *fmt, ...)
{
	struct relp_note n = {.kind = RELP_SAY};
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(n.text, sizeof n.text, fmt, ap);
	va_end(ap);
	if (io_write_all(r->note, &n, sizeof n) < 0)
		_exit(111); /* the supervisor is gone */
}

static void
seg_name(uint64_t id, char name[32])
{
	snprintf(name, 32, "%016" PRIx64 ".seg", id);
}

/* The oldest segment there is, or SPOOLRD_NO_SEG. */
static uint64_t
oldest(const struct spoolrd *r)
{
	int fd = dup(r->dfd);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *e;
	uint64_t lo = SPOOLRD_NO_SEG;

	if (!d) {
		if (fd >= 0)
			close(fd);
		return SPOOLRD_NO_SEG;
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

void
spoolrd_save(struct spoolrd *r)
{
	char buf[64];

	if (r->aseg == SPOOLRD_NO_SEG)
		return;
	int n = snprintf(buf, sizeof buf, "%016" PRIx64 " %020" PRIu64 "\n", r->aseg, r->aoff);
	int fd = openat(r->dfd, ACKED_FILE, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0 || pwrite(fd, buf, (size_t)n, 0) != n)
		spoolrd_say(r, "log forward %s: spool: saving the acknowledged position: %s",
			    r->url, strerror(errno));
	if (fd >= 0)
		close(fd);
	r->since_save = 0;
}

static void
load_acked(struct spoolrd *r)
{
	char buf[64], *end;

	r->aseg = oldest(r);
	r->aoff = 0;
	if (io_read_small(r->dfd, ACKED_FILE, buf, sizeof buf) != 42)
		return;
	uint64_t seg = strtoull(buf, &end, 16);
	if (end != buf + 16 || seg != r->aseg)
		return; /* of a segment removed since: the oldest starts whole */
	r->aoff = strtoull(buf + 17, &end, 10);
}

void
spoolrd_open(struct spoolrd *r, int dfd, int note, const char *url)
{
	sigset_t none;

	*r =
	    (struct spoolrd){.dfd = dfd, .note = note, .url = url, .seg = SPOOLRD_NO_SEG, .fd = -1};
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_IGN);
	/* Only the lock of a sender that died frees the spool: the sender of
	 * a supervisor killed a moment ago may still be on its way out. */
	while (flock(dfd, LOCK_EX) < 0 && errno == EINTR)
		;
	if (!(r->buf = malloc(BUF_MAX))) {
		spoolrd_say(r, "log forward %s: out of memory: not forwarding", url);
		_exit(111);
	}
	load_acked(r);
}

void
spoolrd_acked(struct spoolrd *r, uint64_t seg, uint64_t end)
{
	struct relp_note n = {.kind = RELP_FREED};
	char name[32];
	struct stat st;

	for (; r->aseg < seg; r->aseg++) {
		seg_name(r->aseg, name);
		if (fstatat(r->dfd, name, &st, 0) == 0 && unlinkat(r->dfd, name, 0) == 0)
			n.bytes += (uint64_t)st.st_size;
	}
	r->aseg = seg;
	r->aoff = end;
	if (n.bytes && io_write_all(r->note, &n, sizeof n) < 0)
		_exit(111);
	if (++r->since_save >= ACKED_SAVE)
		spoolrd_save(r);
}

void
spoolrd_rewind(struct spoolrd *r)
{
	if (r->fd >= 0)
		close(r->fd);
	r->fd = -1;
	r->len = r->pos = 0;
}

/* Opens segment id from offset off; false when it is not there yet. */
static bool
seg_open(struct spoolrd *r, uint64_t id, uint64_t off)
{
	char name[32];

	spoolrd_rewind(r);
	seg_name(id, name);
	r->fd = openat(r->dfd, name, O_RDONLY | O_CLOEXEC);
	if (r->fd < 0)
		return false;
	r->seg = id;
	r->boff = off;
	return true;
}

/* More of the segment into buf; false at its end for now. */
static bool
fill(struct spoolrd *r)
{
	if (r->pos > 0) {
		memmove(r->buf, r->buf + r->pos, r->len - r->pos);
		r->boff += r->pos;
		r->len -= r->pos;
		r->pos = 0;
	}
	ssize_t n = pread(r->fd, r->buf + r->len, BUF_MAX - r->len, (off_t)(r->boff + r->len));
	if (n > 0)
		r->len += (size_t)n;
	return n > 0;
}

/* Segment r->seg is read to its end: the supervisor writes to one segment
 * only, so once the next exists this one is whole. */
static bool
next_segment(struct spoolrd *r)
{
	char name[32];

	seg_name(r->seg + 1, name);
	if (faccessat(r->dfd, name, F_OK, 0) < 0 || fill(r))
		return false;
	if (r->len > 0)
		spoolrd_say(r,
			    "log forward %s: spool segment %016" PRIx64 ": %zu bytes skipped, "
			    "not whole messages",
			    r->url, r->seg, r->len);
	return seg_open(r, r->seg + 1, 0);
}

size_t
spoolrd_next(struct spoolrd *r, const char **p)
{
	if (r->fd < 0) {
		uint64_t id = r->aseg != SPOOLRD_NO_SEG ? r->aseg : oldest(r);
		if (id == SPOOLRD_NO_SEG || !seg_open(r, id, r->aseg == id ? r->aoff : 0))
			return 0;
		if (r->aseg == SPOOLRD_NO_SEG)
			r->aseg = id, r->aoff = 0;
	}
	for (;;) {
		ssize_t f = syslog_frame_len(r->buf + r->pos, r->len - r->pos);
		if (f > 0) {
			*p = r->buf + r->pos;
			r->pos += (size_t)f;
			return (size_t)f;
		}
		if (f < 0) { /* not a frame (a damaged disk): skipped */
			spoolrd_say(r,
				    "log forward %s: spool segment %016" PRIx64 ": %zu bytes "
				    "skipped, not whole messages",
				    r->url, r->seg, r->len - r->pos);
			r->pos = r->len;
			continue;
		}
		if (!fill(r) && !next_segment(r))
			return 0;
	}
}
