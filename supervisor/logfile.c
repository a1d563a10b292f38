/* SPDX-License-Identifier: MIT */
/* logfile.c: per-container log files with size-based rotation. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "logfile.h"
#include "log/syslog.h"

static int
open_current(struct logfile *lf, int extra)
{
	struct stat st;

	lf->fd =
	    open(lf->path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW | extra, 0640);
	if (lf->fd < 0)
		return -1;
	lf->size = fstat(lf->fd, &st) == 0 ? (uint64_t)st.st_size : 0;
	return 0;
}

int
logfile_open(struct logfile *lf, const char *dir, const char *name, uint64_t max_size,
	     uint32_t max_files)
{
	lf->fd = -1;
	lf->len = 0;
	lf->lost = 0;
	lf->err = lf->last_err = 0;
	lf->told = false;
	lf->max_size = max_size;
	lf->max_files = max_files ? max_files : 1;
	/* Room for the ".NNN" of the rotated names. */
	int n = snprintf(lf->path, sizeof lf->path - 8, "%s/%s.log", dir, name);
	if (n < 0 || (size_t)n >= sizeof lf->path - 8) {
		lf->path[0] = '\0';
		errno = ENAMETOOLONG;
		return -1;
	}
	if (open_current(lf, 0) < 0) {
		lf->path[0] = '\0';
		return -1;
	}
	return 0;
}

/* Counts the lines in what could not be written. */
static void
lose(struct logfile *lf, const char *p, size_t len, int err)
{
	for (size_t i = 0; i < len; i++)
		lf->lost += p[i] == '\n';
	lf->err = err;
}

static void
flush_buf(struct logfile *lf)
{
	size_t off = 0;

	while (lf->fd >= 0 && off < lf->len) {
		ssize_t w = write(lf->fd, lf->buf + off, lf->len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			lose(lf, lf->buf + off, lf->len - off, w < 0 ? errno : EIO);
			/* The unwritten part never reached the file. */
			lf->size -= lf->len - off;
			break;
		}
		off += (size_t)w;
	}
	lf->len = 0;
}

int
logfile_flush(struct logfile *lf)
{
	flush_buf(lf);
	lf->last_err = lf->err;
	lf->err = 0;
	return lf->last_err ? -1 : 0;
}

/* web.log.(k-1) -> web.log.k down to web.log -> web.log.1; the oldest falls
 * off by being overwritten. With max_files 1 the file starts over. */
static void
rotate(struct logfile *lf)
{
	/* The path has room for ".NNN" (logfile_open); 16 quiets the compiler. */
	char from[sizeof lf->path + 16], to[sizeof lf->path + 16];

	flush_buf(lf);
	close(lf->fd);
	lf->fd = -1;
	for (uint32_t k = lf->max_files - 1; k >= 1; k--) {
		if (k == 1)
			snprintf(from, sizeof from, "%s", lf->path);
		else
			snprintf(from, sizeof from, "%s.%u", lf->path, k - 1);
		snprintf(to, sizeof to, "%s.%u", lf->path, k);
		if (rename(from, to) < 0 && errno != ENOENT)
			lose(lf, "", 0, errno);
	}
	if (open_current(lf, O_TRUNC) < 0)
		lose(lf, "", 0, errno);
}

static void
put(struct logfile *lf, const char *p, size_t len)
{
	if (lf->len + len > sizeof lf->buf)
		flush_buf(lf);
	if (len > sizeof lf->buf) {
		lose(lf, "\n", 1, EMSGSIZE); /* never: a line is under LOG_LINE_MAX + 64 */
		return;
	}
	memcpy(lf->buf + lf->len, p, len);
	lf->len += len;
	lf->size += len;
}

void
logfile_line(struct logfile *lf, const struct timespec *ts, const char *stream, const char *text,
	     size_t len, bool cont)
{
	/* The stream is "stdout", "stderr" or, in host.log, an app-name of
	 * at most 48 bytes (syslog_kmsg_app); a longer one is cut, the line
	 * is never dropped. */
	char head[27 + 1 + LOGFILE_STREAM_MAX + 1 + 1];
	size_t slen = strnlen(stream, LOGFILE_STREAM_MAX), n = 1 + slen + (cont ? 1 : 0) + 1;

	if (lf->fd < 0 && lf->path[0] && open_current(lf, 0) < 0)
		lose(lf, "\n", 1, errno); /* since a failed rotation: retried each line */
	if (lf->fd < 0)
		return;
	/* " STREAM[+] " by hand: snprintf was a cost on every line. */
	syslog_rfc3339(ts, head);
	head[27] = ' ';
	memcpy(head + 28, stream, slen);
	if (cont)
		head[28 + slen] = '+';
	head[27 + n - 1] = ' ';
	size_t total = 27 + n + len + 1;
	if (lf->size > 0 && lf->size + total > lf->max_size) {
		rotate(lf);
		if (lf->fd < 0)
			return;
	}
	put(lf, head, 27 + n);
	put(lf, text, len);
	put(lf, "\n", 1);
}

void
logfile_close(struct logfile *lf)
{
	if (lf->fd < 0)
		return;
	flush_buf(lf);
	close(lf->fd);
	lf->fd = -1;
}
