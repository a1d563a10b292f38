/* SPDX-License-Identifier: MIT */
/* berthctl logs -f: prints what the supervisor appends to a log file, and
 * goes on with the new file when it rotates (rename) or starts over
 * (truncation, with max_files 1). */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <unistd.h>

#include "ctl.h"
#include "logs.h"

/* Events are only a prompt to look; this bounds how late a change is seen
 * when they are lost (queue overflow) or unavailable (no inotify). */
#define FOLLOW_POLL_MS 1000

/* Replaces the current file's fd in s (or adds it). */
static void
set_current(struct logset *s, int fd)
{
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

/* Prints what is new. The old file's rest is read before the switch: after
 * a rename the supervisor writes to the new file only. */
static int
follow_check(struct logset *s, struct logfilter *f, struct linebuf *lb)
{
	struct stat fs, ps;

	if (s->cur >= 0) {
		off_t pos = lseek(s->cur, 0, SEEK_CUR);
		if (pos < 0 || fstat(s->cur, &fs) < 0)
			return -1;
		if (fs.st_size < pos) { /* truncated: the file starts over */
			linebuf_finish(lb, f);
			if (lseek(s->cur, 0, SEEK_SET) < 0)
				return -1;
		}
		if (linebuf_drain(lb, s->cur, f) < 0)
			return -1;
	}
	if (stat(s->path, &ps) < 0)
		return errno == ENOENT ? 0 : -1; /* between rename and create */
	if (s->cur >= 0 && ps.st_ino == fs.st_ino && ps.st_dev == fs.st_dev)
		return 0;
	if (s->cur >= 0) {
		if (linebuf_drain(lb, s->cur, f) < 0)
			return -1;
		linebuf_finish(lb, f);
		close(s->cur);
	}
	int fd = open(s->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (s->cur >= 0)
			set_current(s, -1);
		return errno == ENOENT ? 0 : -1;
	}
	set_current(s, fd);
	return linebuf_drain(lb, fd, f);
}

/* Watches the directory, not the file: the file's name moves to a new
 * inode on rotation, and a file not there yet cannot be watched. */
static int
watch_dir(const struct logset *s)
{
	char dir[sizeof s->path];
	char *slash;
	int in = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);

	snprintf(dir, sizeof dir, "%s", s->path);
	slash = strrchr(dir, '/');
	if (slash == dir)
		slash[1] = '\0';
	else if (slash)
		*slash = '\0';
	else
		snprintf(dir, sizeof dir, ".");
	if (in >= 0 && inotify_add_watch(in, dir,
					 IN_MODIFY | IN_CREATE | IN_MOVED_FROM | IN_MOVED_TO |
					     IN_DELETE | IN_ATTRIB) < 0) {
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
	const char *base = strrchr(s->path, '/') ? strrchr(s->path, '/') + 1 : s->path;
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
		while (r > 0 && !events_concern(in, base))
			r = poll(&p, 1, FOLLOW_POLL_MS);
	}
	if (in >= 0)
		close(in);
	return EXIT_SYSTEM;
}
