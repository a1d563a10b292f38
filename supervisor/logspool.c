/* SPDX-License-Identifier: MIT */
/* logspool.c: the on-disk backlog of a TCP target: segment files named by a
 * 64-bit hex id, oldest id first, each holding whole octet-counted frames. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/io.h"
#include "logspool.h"
#include "log/syslog.h"

/* Ids of an empty spool start in the middle, so that prepending has room. */
#define ID_START (UINT64_C(1) << 62)

static void
seg_name(uint64_t id, char name[32])
{
	snprintf(name, 32, "%016" PRIx64 ".seg", id);
}

/* A segment's id from its name, or -1 for any other file. */
static int
seg_id(const char *name, uint64_t *id)
{
	char *end;

	if (strlen(name) != 20 || strcmp(name + 16, ".seg") != 0)
		return -1;
	errno = 0;
	unsigned long long v = strtoull(name, &end, 16);
	if (errno || end != name + 16)
		return -1;
	*id = v;
	return 0;
}

/* Finds what a previous run left: ids, sizes. */
static int
scan(struct spool *s)
{
	int fd = dup(s->dfd);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *e;
	struct stat st;
	uint64_t id, lo = UINT64_MAX, hi = 0;

	if (!d) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	while ((e = readdir(d))) {
		if (seg_id(e->d_name, &id) < 0 || fstatat(s->dfd, e->d_name, &st, 0) < 0)
			continue;
		lo = id < lo ? id : lo;
		hi = id > hi ? id : hi;
		s->bytes += (uint64_t)st.st_size;
	}
	closedir(d);
	s->first = lo == UINT64_MAX ? ID_START : lo;
	s->next = lo == UINT64_MAX ? ID_START : hi + 1;
	return 0;
}

int
spool_open(struct spool *s, const char *dir, uint64_t max)
{
	*s = (struct spool){.dfd = -1, .afd = -1, .max = max};
	int n = snprintf(s->dir, sizeof s->dir, "%s", dir);
	if (n < 0 || (size_t)n >= sizeof s->dir)
		return (errno = ENAMETOOLONG), -1;
	if (io_mkdir_p(s->dir, 0700) < 0)
		return -1;
	s->dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s->dfd < 0)
		return -1;
	if (scan(s) < 0) {
		int err = errno;
		spool_close(s);
		return (errno = err), -1;
	}
	/* Appends always go to a new segment: the last one of a previous run
	 * may end in a frame cut by a crash. */
	return 0;
}

bool
spool_empty(const struct spool *s)
{
	return s->dfd < 0 || s->first >= s->next;
}

/* Writes one new segment; on failure nothing of it stays. */
static int
seg_write(struct spool *s, uint64_t id, const char *p, size_t n)
{
	char name[32];

	seg_name(id, name);
	int fd = openat(s->dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	if (io_write_all(fd, p, n) < 0 || close(fd) < 0) {
		int err = errno;
		close(fd);
		unlinkat(s->dfd, name, 0);
		return (errno = err), -1;
	}
	return 0;
}

/* A spool is several segments, so that what was sent can go while the
 * rest stays: a small spool has smaller ones. */
size_t
spool_seg_max(const struct spool *s)
{
	return s->max / 4 < SPOOL_SEG_MAX ? (size_t)(s->max / 4) : SPOOL_SEG_MAX;
}

int
spool_append(struct spool *s, const char *p, size_t n, size_t over)
{
	char name[32];

	if (s->dfd < 0)
		return (errno = EBADF), -1;
	if (s->bytes + n > s->max + over)
		return (errno = EFBIG), -1;
	if (s->afd < 0 || s->asize + n > spool_seg_max(s)) {
		/* Its last second of data is not left to the next tick: the
		 * tick syncs only the segment being appended to. */
		if (s->afd >= 0 && s->durable && fdatasync(s->afd) < 0)
			return -1;
		if (s->afd >= 0)
			close(s->afd);
		seg_name(s->next, name);
		s->afd =
		    openat(s->dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0600);
		if (s->afd < 0)
			return -1;
		s->next++;
		s->asize = 0;
		s->dir_dirty = true;
	}
	if (io_write_all(s->afd, p, n) < 0) {
		/* Keep the segment whole frames: cut what part of this one went in. */
		int err = errno;
		if (ftruncate(s->afd, (off_t)s->asize) < 0) {
			close(s->afd);
			s->afd = -1;
		}
		return (errno = err), -1;
	}
	s->asize += n;
	s->bytes += n;
	return 0;
}

/* The end of the longest run of whole frames from p that fits in max. */
static size_t
frames_fit(const char *p, size_t n, size_t max)
{
	size_t off = 0;

	while (off < n) {
		ssize_t f = syslog_frame_len(p + off, n - off);
		if (f <= 0 || off + (size_t)f > max)
			break;
		off += (size_t)f;
	}
	return off;
}

int
spool_prepend(struct spool *s, const char *p, size_t n)
{
	size_t off, k = 0, piece;

	if (s->dfd < 0)
		return (errno = EBADF), -1;
	/* Count the pieces first: they get the ids just before s->first. */
	for (off = 0; off < n; off += piece, k++)
		if ((piece = frames_fit(p + off, n - off, SPOOL_SEG_MAX)) == 0)
			return (errno = EINVAL), -1;
	uint64_t id = s->first - k;
	for (off = 0; off < n; off += piece, id++) {
		piece = frames_fit(p + off, n - off, SPOOL_SEG_MAX);
		if (seg_write(s, id, p + off, piece) < 0) {
			int err = errno;
			char name[32];
			while (id-- > s->first - k) {
				seg_name(id, name);
				unlinkat(s->dfd, name, 0);
			}
			return (errno = err), -1;
		}
	}
	s->first -= k;
	s->bytes += n;
	return 0;
}

ssize_t
spool_take(struct spool *s, char *buf, size_t room)
{
	char name[32];
	struct stat st;

	while (!spool_empty(s)) {
		if (s->first == s->next - 1 && s->afd >= 0) {
			close(s->afd); /* the segment being appended to is taken */
			s->afd = -1;
		}
		seg_name(s->first, name);
		int fd = openat(s->dfd, name, O_RDONLY | O_CLOEXEC);
		if (fd < 0 && errno == ENOENT) {
			s->first++;
			continue;
		}
		if (fd < 0 || fstat(fd, &st) < 0) {
			if (fd >= 0)
				close(fd);
			return -1;
		}
		if ((uint64_t)st.st_size > room) {
			close(fd);
			return 0;
		}
		ssize_t r = io_read_full(fd, buf, (size_t)st.st_size);
		close(fd);
		if (r < 0)
			return -1;
		size_t whole = frames_fit(buf, (size_t)r, (size_t)r);
		s->corrupt += (size_t)r - whole;
		unlinkat(s->dfd, name, 0);
		s->first++;
		s->bytes = s->bytes > (uint64_t)st.st_size ? s->bytes - (uint64_t)st.st_size : 0;
		if (whole > 0)
			return (ssize_t)whole;
	}
	return 0;
}

int
spool_sync(struct spool *s)
{
	if (s->afd >= 0 && fdatasync(s->afd) < 0)
		return -1;
	if (s->dir_dirty && s->dfd >= 0 && fsync(s->dfd) < 0)
		return -1;
	s->dir_dirty = false;
	return 0;
}

void
spool_close(struct spool *s)
{
	if (s->afd >= 0)
		close(s->afd);
	if (s->dfd >= 0)
		close(s->dfd);
	s->afd = s->dfd = -1;
}
