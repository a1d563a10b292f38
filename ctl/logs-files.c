/* SPDX-License-Identifier: MIT */
/* berthctl logs: finding and opening a log file and its rotated files
 * (NAME.log.K, the higher K the older; supervisor/logfile.c). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "logs.h"

#define ROTATED_TRIES 100
#define NEXT_TRIES 1000

/* The number K of a rotated file BASE.K, or 0 when name is not one. */
static unsigned long
rotated_number(const char *name, const char *base)
{
	size_t n = strlen(base);
	char *end;

	if (strncmp(name, base, n) != 0 || name[n] != '.' || name[n + 1] < '1' || name[n + 1] > '9')
		return 0;
	errno = 0;
	unsigned long k = strtoul(name + n + 1, &end, 10);
	return *end || errno ? 0 : k;
}

/* Opens path read-only with its stat in *st: an fd, or -1 with errno. */
static int
open_stat(const char *path, struct stat *st)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return fd;
	if (fstat(fd, st) < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

static int
cmp_desc(const void *a, const void *b)
{
	unsigned long x = *(const unsigned long *)a, y = *(const unsigned long *)b;

	return x < y ? 1 : x > y ? -1 : 0;
}

/* The numbers K of the files base.K in dir, highest (oldest) first. */
static int
logs_rotated(const char *dir, const char *base, unsigned long *ks, size_t *n)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	*n = 0;
	if (!d)
		return -1;
	while ((e = readdir(d)) && *n < LOGS_MAX_FILES) {
		unsigned long k = rotated_number(e->d_name, base);
		if (k)
			ks[(*n)++] = k;
	}
	closedir(d);
	qsort(ks, *n, sizeof *ks, cmp_desc);
	return 0;
}

static int
rotated_path(const struct logset *s, unsigned long k, char p[static sizeof s->path])
{
	int w = snprintf(p, sizeof s->path, "%s.%lu", s->path, k);

	if (w < 0 || (size_t)w >= sizeof s->path) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

static int
open_k(const struct logset *s, unsigned long k, struct stat *st)
{
	char p[sizeof s->path];

	return rotated_path(s, k, p) < 0 ? -1 : open_stat(p, st);
}

/* Whether base.K still names the file opened as it for every K. */
static bool
unchanged(const struct logset *s, const unsigned long *ks, const struct stat *st, size_t n)
{
	struct stat now;

	for (size_t i = 0; i < n; i++) {
		char p[sizeof s->path];
		if (rotated_path(s, ks[i], p) < 0 || stat(p, &now) < 0 ||
		    now.st_ino != st[i].st_ino || now.st_dev != st[i].st_dev)
			return false;
	}
	return true;
}

static bool
same_file(const struct stat *a, const struct stat *b)
{
	return a->st_ino == b->st_ino && a->st_dev == b->st_dev;
}

static bool
is_at(const struct logset *s, unsigned long k, const struct stat *x)
{
	char p[sizeof s->path];
	struct stat st;

	return rotated_path(s, k, p) == 0 && stat(p, &st) == 0 && same_file(&st, x);
}

/* Where x is now: base.K with K from *k up, since a rotated file only ever
 * moves up (rename base.K to base.K+1). -1 when it is gone. */
static int
find_k(const struct logset *s, const struct stat *x, unsigned long *k)
{
	for (; *k <= LOGS_MAX_FILES + 1; (*k)++)
		if (is_at(s, *k, x))
			return 0;
	return -1;
}

static bool
older(const struct stat *a, const struct stat *b)
{
	return a->st_mtim.tv_sec < b->st_mtim.tv_sec ||
	       (a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec < b->st_mtim.tv_nsec);
}

/* After x rotated away (past max_files) or was removed: the oldest file
 * written since, rotated files left from a larger max_files being older. */
static enum logs_next
oldest_since(const struct logset *s, const struct stat *x, int *fd, struct stat *st)
{
	unsigned long ks[LOGS_MAX_FILES];
	size_t n;

	if (logs_rotated(s->dir, s->base, ks, &n) < 0)
		return LOGS_NEXT_ERROR;
	for (size_t i = 0; i < n; i++) {
		if ((*fd = open_k(s, ks[i], st)) < 0)
			continue;
		if (!older(st, x))
			return LOGS_NEXT_ROTATED;
		close(*fd);
	}
	*fd = open_stat(s->path, st);
	return *fd >= 0 ? LOGS_NEXT_CURRENT : LOGS_NEXT_ERROR;
}

/* x is base.K and base.(K-1) is gone for good: the next file there is. */
static enum logs_next
after_gap(const struct logset *s, unsigned long k, int *fd, struct stat *st)
{
	while (--k >= 1)
		if ((*fd = open_k(s, k, st)) >= 0)
			return LOGS_NEXT_ROTATED;
	*fd = open_stat(s->path, st);
	return *fd >= 0 ? LOGS_NEXT_CURRENT : LOGS_NEXT_ERROR;
}

/* The file after x is base.(K-1), or base when x is base.1, if x is still
 * base.K once it is opened: a rotation in between would have moved x. */
enum logs_next
logs_next(const struct logset *s, const struct stat *x, int *fd, struct stat *st, bool *gap)
{
	const struct timespec one_ms = {.tv_nsec = 1000000};
	unsigned long k = 1;

	*gap = false;
	/* base.(K-1) is missing while the supervisor renames, which it may
	 * be preempted in the middle of: retried for a second at most, since
	 * a file removed by hand leaves a gap for good. */
	for (int tries = 0; tries < NEXT_TRIES; tries++) {
		if (find_k(s, x, &k) < 0)
			break;
		*fd = k == 1 ? open_stat(s->path, st) : open_k(s, k - 1, st);
		if (*fd < 0 && (errno != ENOENT || k == 1))
			return LOGS_NEXT_ERROR; /* ENOENT: base not made again yet */
		if (*fd < 0) {
			nanosleep(&one_ms, NULL);
			continue;
		}
		if (is_at(s, k, x))
			return k == 1 ? LOGS_NEXT_CURRENT : LOGS_NEXT_ROTATED;
		close(*fd);
	}
	*gap = true;
	if (find_k(s, x, &k) == 0)
		return after_gap(s, k, fd, st);
	/* x is gone: only when files came between it and the current one can
	 * some have gone with it (else the current file was made anew). */
	enum logs_next r = oldest_since(s, x, fd, st);
	*gap = r == LOGS_NEXT_ROTATED;
	return r;
}

/* Whether the names still hold what open_all opened: each base.K its file,
 * no other base.K, and base the current one (or nothing). */
static bool
still(const struct logset *s, const unsigned long *got, const struct stat *st, size_t n,
      const struct stat *cst)
{
	unsigned long ks[LOGS_MAX_FILES];
	struct stat now;
	size_t nk;

	if (stat(s->path, &now) < 0 ? errno != ENOENT || s->cur >= 0
				    : s->cur < 0 || !same_file(&now, cst))
		return false;
	return logs_rotated(s->dir, s->base, ks, &nk) == 0 && nk == n && unchanged(s, got, st, n);
}

/* Opens the rotated files, oldest first, then the current one, into s.
 * The supervisor may rotate meanwhile, shifting every name by one: then
 * they are taken again, so that they are one moment's files. */
static int
open_all(struct logset *s, struct stat *st, struct stat *cst)
{
	const struct timespec one_ms = {.tv_nsec = 1000000};
	unsigned long ks[LOGS_MAX_FILES], got[LOGS_MAX_FILES];
	size_t nk;

	for (int tries = 0;; tries++) {
		if (logs_rotated(s->dir, s->base, ks, &nk) < 0)
			return -1;
		for (size_t i = 0; i < nk; i++) {
			if ((s->fd[s->n] = open_k(s, ks[i], &st[s->n])) >= 0)
				got[s->n++] = ks[i];
			else if (errno != ENOENT)
				return -1;
		}
		s->cur = open_stat(s->path, cst);
		if (s->cur < 0 && errno != ENOENT)
			return -1;
		/* Past a few tries (a flood of output), files that may lack
		 * one are better than none. */
		if (tries == ROTATED_TRIES || still(s, got, st, s->n, cst))
			return 0;
		if (s->cur >= 0)
			close(s->cur);
		logset_close(s);
		nanosleep(&one_ms, NULL); /* the supervisor may be mid-rotation */
	}
}

int
logset_open(struct logset *s, const char *dir, const char *base)
{
	struct stat st[LOGS_MAX_FILES], cst;
	size_t n;

	s->n = 0;
	s->cur = -1;
	if (snprintf(s->dir, sizeof s->dir, "%s", dir) >= (int)sizeof s->dir ||
	    snprintf(s->base, sizeof s->base, "%s", base) >= (int)sizeof s->base ||
	    snprintf(s->path, sizeof s->path, "%s/%s", dir, base) >= (int)sizeof s->path) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if (access(dir, R_OK | X_OK) < 0) {
		memcpy(s->path, s->dir, sizeof s->path);
		return -1;
	}
	if (open_all(s, st, &cst) < 0) {
		int e = errno;
		if (s->cur >= 0)
			close(s->cur);
		logset_close(s);
		errno = e;
		return -1;
	}
	/* Only after the last try can the current file be among the others. */
	n = s->n;
	s->n = 0;
	for (size_t i = 0; i < n; i++) {
		if (s->cur >= 0 && same_file(&st[i], &cst))
			close(s->fd[i]);
		else
			s->fd[s->n++] = s->fd[i];
	}
	if (s->cur >= 0)
		s->fd[s->n++] = s->cur;
	return 0;
}

void
logset_close(struct logset *s)
{
	for (size_t i = 0; i < s->n; i++)
		close(s->fd[i]);
	s->n = 0;
	s->cur = -1;
}
