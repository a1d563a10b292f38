/* SPDX-License-Identifier: MIT */
/* logseq.c: per-stream syslog sequence numbers that never repeat: each
 * stream's bound lives in a file <dir>/<name>, raised a batch at a time. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/io.h"
#include "logseq.h"

struct stream {
	char *name;
	uint64_t last;	   /* the last number given */
	uint64_t reserved; /* numbers up to this are written as used */
};

static struct {
	char dir[4096]; /* "" when there is none: memory only */
	char boot[37];
	struct stream *s;
	size_t n;
	struct stream *hot; /* the last one looked up: lines come in runs */
} q;

int
logseq_open(const char *dir)
{
	int fd = open("/proc/sys/kernel/random/boot_id", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, q.boot, 36) : -1;

	if (fd >= 0)
		close(fd);
	q.boot[n == 36 ? 36 : 0] = '\0';
	n = snprintf(q.dir, sizeof q.dir, "%s", dir);
	if (n < 0 || (size_t)n >= sizeof q.dir) {
		q.dir[0] = '\0';
		return (errno = ENAMETOOLONG), -1;
	}
	if (io_mkdir_p(q.dir, 0700) < 0) {
		q.dir[0] = '\0';
		return -1;
	}
	return 0;
}

const char *
logseq_boot(void)
{
	return q.boot[0] ? q.boot : NULL;
}

/* The bound a previous run wrote, 0 for none (or an unreadable file: the
 * stream then starts over, which its boot id cannot explain; said by the
 * caller through the write that follows failing or not). */
static uint64_t
load(const char *name)
{
	char buf[32], *end;

	if (!q.dir[0])
		return 0;
	int dfd = open(q.dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ssize_t n = dfd >= 0 ? io_read_small(dfd, name, buf, sizeof buf) : -1;
	if (dfd >= 0)
		close(dfd);
	if (n <= 0)
		return 0;
	errno = 0;
	unsigned long long v = strtoull(buf, &end, 10);
	return errno || end == buf || *end != '\n' ? 0 : (uint64_t)v;
}

/* Raises the stream's bound by a batch, durably, before a number beyond
 * the old one is used: a crash then costs a gap, never a repeat. */
static int
reserve(struct stream *s)
{
	char buf[32];

	s->reserved = s->last + LOGSEQ_BATCH;
	if (!q.dir[0])
		return 0;
	int n = snprintf(buf, sizeof buf, "%" PRIu64 "\n", s->reserved);
	return io_replace_file(q.dir, s->name, buf, (size_t)n, 0600) < 0 ? errno : 0;
}

static struct stream *
find(const char *name)
{
	if (q.hot && strcmp(q.hot->name, name) == 0)
		return q.hot;
	for (size_t i = 0; i < q.n; i++)
		if (strcmp(q.s[i].name, name) == 0)
			return q.hot = &q.s[i];
	struct stream *s = realloc(q.s, (q.n + 1) * sizeof *s);
	if (!s)
		return NULL;
	q.s = s;
	s = &q.s[q.n];
	if (!(s->name = strdup(name)))
		return NULL;
	q.n++;
	s->last = load(name);
	s->reserved = s->last;
	return q.hot = s;
}

uint64_t
logseq_next(const char *name, int *err)
{
	static uint64_t fallback; /* out of memory: still counts */
	struct stream *s = find(name);

	*err = 0;
	if (!s)
		return ++fallback;
	if (s->last >= s->reserved)
		*err = reserve(s);
	return ++s->last;
}

void
logseq_resume(const char *name, uint64_t last)
{
	struct stream *s = find(name);

	if (!s || last > s->last || s->reserved > s->last)
		return;
	s->reserved = s->last;
	s->last = last;
}

void
logseq_close(void)
{
	for (size_t i = 0; i < q.n; i++)
		free(q.s[i].name);
	free(q.s);
	q.s = q.hot = NULL;
	q.n = 0;
}
