/* SPDX-License-Identifier: MIT */
/* logspool.h: a TCP target's backlog on the data partition (a relp or tls
 * target's queue), a directory of segment files holding whole
 * octet-counted frames, oldest first (docs/logging.md, Spool). */
#ifndef BERTH_LOGSPOOL_H
#define BERTH_LOGSPOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* A segment is read back into memory whole, so it is kept small. */
#define SPOOL_SEG_MAX (1024 * 1024)

struct spool {
	int dfd;	      /* the directory; -1: no spool (memory only) */
	char dir[4096];	      /* for messages */
	uint64_t first, next; /* segment ids [first, next) may exist */
	uint64_t bytes;	      /* in all segments */
	uint64_t max;	      /* appends beyond this are refused */
	int afd;	      /* open for appends: segment next - 1, or -1 */
	uint64_t asize;	      /* its size */
	uint64_t corrupt;     /* bytes skipped as not framed since the last report */
	bool durable;	      /* a relp target's: a full segment is synced before the next */
	bool dir_dirty;	      /* a segment was made since the last spool_sync */
};

/* Opens or makes DIR (mode 0700) and finds the segments a previous run
 * left there. Returns 0, or -1 with errno set (s->dfd stays -1). */
int spool_open(struct spool *s, const char *dir, uint64_t max);
bool spool_empty(const struct spool *s);
/* The size past which appends go to a new segment: SPOOL_SEG_MAX, or a
 * quarter of the bound when that is less. */
size_t spool_seg_max(const struct spool *s);
/* Adds whole frames after the others; -1 with errno EFBIG when that would
 * take the spool more than over bytes beyond its bound, or another errno
 * from the file system. */
int spool_append(struct spool *s, const char *p, size_t n, size_t over);
/* Puts whole frames before all others (they are older), never refused for
 * the bound: they were accepted when they came. Returns 0 or -1. */
int spool_prepend(struct spool *s, const char *p, size_t n);
/* Moves the oldest segment into buf when it fits in room: returns its
 * length (frames only; a damaged tail is counted in s->corrupt), 0 when
 * the spool is empty or the segment does not fit, -1 on a read error. */
ssize_t spool_take(struct spool *s, char *buf, size_t room);
/* Makes what was appended durable: the segment being appended to, and
 * the directory when a segment was made. Returns 0 or -1 with errno. */
int spool_sync(struct spool *s);
void spool_close(struct spool *s);

#endif
