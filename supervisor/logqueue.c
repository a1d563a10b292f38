/* SPDX-License-Identifier: MIT */
/* logqueue.c: a TCP target's messages in order: a window of sent frames
 * kept to be sent again, the frames waiting in memory, then the spool; a
 * relp or tls target's gathered for its spool. */
#include <errno.h>
#include <string.h>

#include "logfwd.h"
#include "log/syslog.h"

/* The frame after the one at off (frames in q are ours: whole and valid). */
static size_t
next_frame(const struct fwd_target *t, size_t off)
{
	ssize_t f = syslog_frame_len(t->q + off, t->len - off);
	return f > 0 ? off + (size_t)f : t->len;
}

/* Forgets sent frames that lie wholly before the last LOGFWD_WINDOW bytes. */
static void
trim_window(struct fwd_target *t)
{
	while (t->wstart < t->frame) {
		size_t next = next_frame(t, t->wstart);
		if (next + LOGFWD_WINDOW > t->sent)
			break;
		t->wstart = next;
	}
}

static void
compact(struct fwd_target *t)
{
	size_t d = t->wstart;

	if (d == 0)
		return;
	memmove(t->q, t->q + d, t->len - d);
	t->len -= d;
	t->sent -= d;
	t->frame -= d;
	t->wstart = 0;
}

static bool
mem_add(struct fwd_target *t, const char *p, size_t n, size_t over)
{
	if (t->len + n > LOGFWD_QUEUE_MAX + over)
		compact(t);
	if (t->len + n > LOGFWD_QUEUE_MAX + over)
		return false;
	memcpy(t->q + t->len, p, n);
	t->len += n;
	return true;
}

bool
fq_put(struct fwd_target *t, const char *p, size_t n, size_t over)
{
	bool have_spool = t->spool.dfd >= 0;

	if (fwd_by_sender(t)) {
		/* The spool is its queue: the bound is checked here, and the
		 * messages go there together (fq_flush). */
		if (t->spool.bytes + t->len + n > t->spool.max + over)
			return (errno = EFBIG), false;
		/* A batch is one segment at most: the sender frees whole ones. */
		size_t most = spool_seg_max(&t->spool) < LOGFWD_GATHER ? spool_seg_max(&t->spool)
								       : LOGFWD_GATHER;
		if (t->len + n > most && fq_flush(t) < 0)
			return false;
		memcpy(t->q + t->len, p, n);
		t->len += n;
		t->gathered++;
		return true;
	}

	if (spool_empty(&t->spool) && (t->state == FWD_UP || !have_spool) && mem_add(t, p, n, over))
		return true;
	return have_spool && spool_append(&t->spool, p, n, over) == 0;
}

int
fq_flush(struct fwd_target *t)
{
	if (t->len == 0)
		return 0;
	/* Over the bound by what fq_put allowed, never more. */
	int r = spool_append(&t->spool, t->q, t->len, LOGFWD_SLACK + t->len);
	if (r < 0)
		t->dropped += t->gathered;
	else
		t->unsynced = t->unwoken = true;
	t->len = 0;
	t->gathered = 0;
	return r;
}

void
fq_refill(struct fwd_target *t)
{
	while (t->state == FWD_UP && !spool_empty(&t->spool)) {
		compact(t);
		size_t room = t->len < LOGFWD_QUEUE_MAX ? LOGFWD_QUEUE_MAX - t->len : 0;
		ssize_t r = spool_take(&t->spool, t->q + t->len, room);
		if (r <= 0)
			return;
		t->len += (size_t)r;
	}
}

void
fq_sent(struct fwd_target *t, size_t n)
{
	t->sent += n;
	while (t->frame < t->sent) {
		size_t next = next_frame(t, t->frame);
		if (next > t->sent)
			break;
		t->frame = next;
	}
	trim_window(t);
}

void
fq_rewind(struct fwd_target *t, long outq)
{
	/* What the receiver's TCP acknowledged, less the margin for what its
	 * program may not have read when it died. */
	size_t acked =
	    outq >= 0 && (size_t)outq <= t->sent - t->wstart ? t->sent - (size_t)outq : t->wstart;
	size_t from = acked > t->wstart + LOGFWD_MARGIN ? acked - LOGFWD_MARGIN : t->wstart;
	size_t off = t->wstart;

	while (off < t->frame) {
		size_t next = next_frame(t, off);
		if (next > from) {
			for (size_t o = off; o < t->frame; o = next_frame(t, o))
				t->resent++;
			break;
		}
		off = next;
	}
	t->sent = t->frame = t->wstart = off;
	if (t->spool.dfd < 0 || t->len == off)
		return;
	/* While the target is down everything waits on disk, where a crash
	 * of the supervisor does not lose it. */
	if (spool_prepend(&t->spool, t->q + off, t->len - off) == 0)
		t->len = t->sent = t->frame = t->wstart = 0;
}
