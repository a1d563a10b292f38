/* SPDX-License-Identifier: MIT */
/* berthctl logs: printing the lines of a set of log files, all of them or
 * the last N found by reading backwards, filtered by --since. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctl.h"
#include "logs.h"

#define LINE_CHUNK (64 * 1024)
/* A record is at most 16 KiB and a header (supervisor/logfile.h); anything
 * longer than this is not one, and is printed in pieces. */
#define LINE_LIMIT (1024 * 1024)
#define TS_LEN 27 /* 2026-11-22T20:00:00.123456Z */

static bool
has_timestamp(const char *p, size_t len)
{
	return len > TS_LEN && p[4] == '-' && p[7] == '-' && p[10] == 'T' && p[19] == '.' &&
	       p[26] == 'Z' && p[TS_LEN] == ' ';
}

/* One line, newline included. */
static void
emit(const char *p, size_t len, struct logfilter *f)
{
	if (f->on) {
		if (has_timestamp(p, len))
			f->keep = memcmp(p, f->cutoff, TS_LEN) >= 0;
		if (!f->keep)
			return;
	}
	fwrite(p, 1, len, stdout);
}

static int
linebuf_grow(struct linebuf *lb)
{
	size_t cap = lb->cap ? lb->cap * 2 : LINE_CHUNK * 2;
	char *b;

	if (cap < lb->len + LINE_CHUNK)
		cap = lb->len + LINE_CHUNK;
	if (!(b = realloc(lb->buf, cap)))
		return -1;
	lb->buf = b;
	lb->cap = cap;
	return 0;
}

/* Prints the whole lines in lb and keeps the rest at its start. */
static void
emit_lines(struct linebuf *lb, struct logfilter *f)
{
	char *p = lb->buf, *end = lb->buf + lb->len, *nl;

	while ((nl = memchr(p, '\n', (size_t)(end - p)))) {
		emit(p, (size_t)(nl - p) + 1, f);
		p = nl + 1;
	}
	lb->len = (size_t)(end - p);
	memmove(lb->buf, p, lb->len);
	if (lb->len >= LINE_LIMIT)
		linebuf_finish(lb, f);
}

int
linebuf_drain(struct linebuf *lb, int fd, struct logfilter *f)
{
	for (;;) {
		if (lb->cap - lb->len < LINE_CHUNK && linebuf_grow(lb) < 0)
			return -1;
		/* One byte is kept free for linebuf_finish's newline. */
		ssize_t r = read(fd, lb->buf + lb->len, lb->cap - lb->len - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return (int)r;
		lb->len += (size_t)r;
		emit_lines(lb, f);
	}
}

void
linebuf_finish(struct linebuf *lb, struct logfilter *f)
{
	if (!lb->len)
		return;
	/* linebuf_drain leaves room for the newline. */
	lb->buf[lb->len++] = '\n';
	emit(lb->buf, lb->len, f);
	lb->len = 0;
}

void
linebuf_free(struct linebuf *lb)
{
	free(lb->buf);
	*lb = (struct linebuf){0};
}

/* Counts line starts in [0, end) of fd from the end backwards into *found,
 * until it reaches want: returns 1 with the offset of the want-th line from
 * the end in *start, 0 when the file holds fewer (all counted), -1 on a
 * read error. A newline as the last byte ends a line and starts none. */
static int
tail_scan(int fd, off_t end, uint64_t want, uint64_t *found, off_t *start)
{
	char buf[LINE_CHUNK];
	off_t pos = end;

	while (pos > 0) {
		size_t n = pos < (off_t)sizeof buf ? (size_t)pos : sizeof buf;
		ssize_t r = pread(fd, buf, n, pos - (off_t)n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r != (ssize_t)n) {
			if (r >= 0)
				errno = EIO; /* shrunk under us */
			return -1;
		}
		pos -= (off_t)n;
		for (size_t i = n; i-- > 0;) {
			if (buf[i] != '\n' || pos + (off_t)i + 1 >= end)
				continue;
			if (++*found == want) {
				*start = pos + (off_t)i + 1;
				return 1;
			}
		}
	}
	if (end > 0 && ++*found == want) {
		*start = 0;
		return 1;
	}
	return 0;
}

static off_t
file_size(int fd)
{
	struct stat st;

	return fstat(fd, &st) < 0 ? -1 : st.st_size;
}

/* Where the last want lines begin: file index and offset. */
static int
tail_start(struct logset *s, uint64_t want, size_t *first, off_t *off)
{
	uint64_t found = 0;

	*first = s->n;
	*off = 0;
	if (want == 0) { /* nothing before what -f shows */
		*first = s->n ? s->n - 1 : 0;
		*off = s->n ? file_size(s->fd[s->n - 1]) : 0;
		return *off < 0 ? -1 : 0;
	}
	for (size_t i = s->n; i-- > 0;) {
		off_t end = file_size(s->fd[i]);
		int r = end < 0 ? -1 : tail_scan(s->fd[i], end, want, &found, off);
		if (r < 0)
			return -1;
		*first = i;
		if (r == 1)
			return 0;
	}
	return 0;
}

/* Whether every record of fd is older than the cutoff: its last one is. */
static bool
file_before(int fd, const struct logfilter *f)
{
	char ts[TS_LEN + 1];
	uint64_t found = 0;
	off_t end = file_size(fd), last;

	if (end <= 0 || tail_scan(fd, end, 1, &found, &last) != 1)
		return false;
	if (pread(fd, ts, sizeof ts, last) != (ssize_t)sizeof ts || !has_timestamp(ts, sizeof ts))
		return false;
	return memcmp(ts, f->cutoff, TS_LEN) < 0;
}

int
logs_print(struct logset *s, const uint64_t *tail, struct logfilter *f, struct linebuf *lb)
{
	size_t first = 0;
	off_t off = 0;

	if (tail && tail_start(s, *tail, &first, &off) < 0)
		goto fail;
	/* Rotated files whose newest record is before --since are skipped
	 * whole; the rest are filtered line by line. */
	while (!tail && f->on && first + 1 < s->n && file_before(s->fd[first], f))
		first++;
	for (size_t i = first; i < s->n; i++) {
		if (lseek(s->fd[i], i == first ? off : 0, SEEK_SET) < 0 ||
		    linebuf_drain(lb, s->fd[i], f) < 0)
			goto fail;
		if (s->fd[i] != s->cur)
			linebuf_finish(lb, f);
	}
	if (fflush(stdout) != 0) {
		perror("berthctl: writing output");
		return EXIT_SYSTEM;
	}
	return 0;
fail:
	fprintf(stderr, "berthctl: logs: reading %s: %s\n", s->path, strerror(errno));
	return EXIT_SYSTEM;
}
