/* SPDX-License-Identifier: MIT */
/* berthctl logs -f: prints what the supervisor appends to a log file, and
 * goes on with the new file when it rotates (rename) or starts over
 * (truncation, with max_files 1). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctl.h"
#include "logs.h"

/* Events are only a prompt to look; this bounds how late a change is seen
 * when they are lost (queue overflow) or unavailable (no inotify). */
#define FOLLOW_POLL_MS 1000

/* Replaces the current file's fd in s (closing it), or adds fd. */
static void
set_current(struct logset *s, int fd)
{
	if (s->cur >= 0)
		close(s->cur);
	for (size_t i = 0; i < s->n; i++) {
		if (s->fd[i] == s->cur) {
			s->fd[i] = fd;
			s->cur = fd;
			return;
		}
	}
	s->fd[s->n++] = fd;
	s->cur = fd;
}

static bool
same_file(const struct stat *a, const struct stat *b)
{
	return a->st_ino == b->st_ino && a->st_dev == b->st_dev;
}

/* Prints the files that came after the current one, up to the one now
 * current: more than one rotation may have happened between two looks.
 * Each file printed becomes s's current one, so that a later call goes on
 * from there. */
static int
catch_up(struct logset *s, struct stat x, struct logfilter *f, struct linebuf *lb)
{
	struct stat st;
	int fd;

	for (;;) {
		bool gap;
		enum logs_next next = logs_next(s, &x, &fd, &st, &gap);
		if (next == LOGS_NEXT_ERROR)
			return errno == ENOENT ? 0 : -1;
		set_current(s, fd);
		if (gap) {
			fflush(stdout);
			fprintf(stderr,
				"berthctl: logs: %s: a rotated file went away before it was "
				"read: lines may have been missed\n",
				s->path);
		}
		if (linebuf_drain(lb, fd, f) < 0)
			return -1;
		if (next == LOGS_NEXT_CURRENT)
			return 0;
		linebuf_finish(lb, f);
		x = st;
	}
}

/* Reads what was added to the current file; a file shorter than what was
 * read started over (truncated, with max_files 1). */
static int
drain_current(struct logset *s, struct logfilter *f, struct linebuf *lb, struct stat *st)
{
	off_t pos = lseek(s->cur, 0, SEEK_CUR);

	if (pos < 0 || fstat(s->cur, st) < 0)
		return -1;
	if (st->st_size < pos) {
		linebuf_finish(lb, f);
		if (lseek(s->cur, 0, SEEK_SET) < 0)
			return -1;
	}
	return linebuf_drain(lb, s->cur, f);
}

/* Prints what is new. The old file's rest is read before going on: after a
 * rename the supervisor writes to the new file only. */
static int
follow_check(struct logset *s, struct logfilter *f, struct linebuf *lb)
{
	struct stat old, now;
	int fd, rc;

	if (s->cur >= 0 && drain_current(s, f, lb, &old) < 0)
		return -1;
	if (stat(s->path, &now) < 0)
		return errno == ENOENT ? 0 : -1; /* between rename and create */
	if (s->cur >= 0 && same_file(&now, &old))
		return 0;
	if (s->cur < 0) { /* the first file */
		if ((fd = open(s->path, O_RDONLY | O_CLOEXEC)) < 0)
			return errno == ENOENT ? 0 : -1;
		set_current(s, fd);
		return linebuf_drain(lb, fd, f);
	}
	rc = linebuf_drain(lb, s->cur, f);
	linebuf_finish(lb, f);
	return rc < 0 ? -1 : catch_up(s, old, f, lb);
}

/* Watches the directory, not the file: the file's name moves to a new
 * inode on rotation, and a file not there yet cannot be watched. */
static int
watch_dir(const struct logset *s)
{
	int in = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	uint32_t mask = IN_MODIFY | IN_CREATE | IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE | IN_ATTRIB;

	if (in >= 0 && inotify_add_watch(in, s->dir, mask) < 0) {
		close(in);
		in = -1;
	}
	return in;
}

/* Whether the events queued on in concern base or its rotated files. */
static bool
events_concern(int in, const char *base)
{
	char buf[64 * (sizeof(struct inotify_event) + NAME_MAX + 1)]
	    __attribute__((aligned(__alignof__(struct inotify_event))));
	size_t blen = strlen(base);
	bool hit = false;
	ssize_t r;

	while ((r = read(in, buf, sizeof buf)) > 0) {
		for (char *p = buf; p < buf + r;) {
			const struct inotify_event *e = (const struct inotify_event *)p;
			if ((e->mask & IN_Q_OVERFLOW) ||
			    (e->len && strncmp(e->name, base, blen) == 0 &&
			     (e->name[blen] == '\0' || e->name[blen] == '.')))
				hit = true;
			p += sizeof *e + e->len;
		}
	}
	return hit;
}

int
logs_follow(struct logset *s, struct logfilter *f, struct linebuf *lb)
{
	int in = watch_dir(s);

	for (;;) {
		if (follow_check(s, f, lb) < 0) {
			fprintf(stderr, "berthctl: logs: following %s: %s\n", s->path,
				strerror(errno));
			break;
		}
		if (fflush(stdout) != 0) {
			perror("berthctl: writing output");
			break;
		}
		struct pollfd p = {.fd = in, .events = POLLIN};
		/* Without inotify, poll on no fd is a sleep. */
		int r = poll(&p, in >= 0 ? 1 : 0, FOLLOW_POLL_MS);
		while (r > 0 && !events_concern(in, s->base))
			r = poll(&p, 1, FOLLOW_POLL_MS);
	}
	if (in >= 0)
		close(in);
	return EXIT_SYSTEM;
}
