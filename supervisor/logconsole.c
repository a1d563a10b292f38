/* SPDX-License-Identifier: MIT */
/* logconsole.c: the copy of container lines on the console (the supervisor's
 * stdout), and the supervisor's own lines there.
 *
 * Container lines are gathered in a buffer and written once per turn of
 * the event loop, not once per line: a chatty container costs one write
 * for hundreds of lines. The writes go through a non-blocking open of
 * stdout of its own (/proc/self/fd/1: a new open file description, so
 * init's descriptor stays blocking). A serial console at 115200 baud takes
 * about 100 lines a second; a chattier container must not make the
 * supervisor wait, as its lines are in the log file and at the targets
 * anyway. What the console has not taken waits in the buffer, written as
 * the console takes it (EPOLLOUT); lines that find the buffer full are
 * skipped and counted, and the count is said once the buffer has drained.
 *
 * The supervisor's own lines are few and always go out, blocking if need
 * be, after whatever of the buffer the console takes at once: a line the
 * console took only part of is finished first, so lines never mix. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <unistd.h>

#include "logconsole.h"

#define CON_BUF (64 * 1024)
#define CON_LINE_MAX (LOG_LINE_MAX + 128) /* a container line and its prefix */

static int con_fd = STDOUT_FILENO;
static char con_buf[CON_BUF];
static size_t con_len;
static bool con_partial;  /* con_buf starts with the rest of a line begun */
static unsigned long con_skipped;
static struct watch con_w = {W_CONSOLE, NULL};
static int con_epfd = -1; /* set when con_fd can block: EPOLLOUT wanted */
static bool con_want_out;

void
console_open(void)
{
	struct stat st;
	int fd;

	/* Only a terminal or a pipe: a regular file opened again would get an
	 * offset of its own and the two would write over each other. A
	 * regular file never makes a writer wait anyway. */
	if (fstat(STDOUT_FILENO, &st) < 0 || (!S_ISCHR(st.st_mode) && !S_ISFIFO(st.st_mode)))
		return;
	fd = open("/proc/self/fd/1", O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd >= 0)
		con_fd = fd;
}

void
console_watch(struct sv *sv)
{
	struct epoll_event ev = {.events = 0, .data.ptr = &con_w};

	if (con_fd != STDOUT_FILENO && epoll_ctl(sv->epfd, EPOLL_CTL_ADD, con_fd, &ev) == 0)
		con_epfd = sv->epfd;
}

static void
want_out(bool out)
{
	struct epoll_event ev = {.events = out ? EPOLLOUT : 0, .data.ptr = &con_w};

	if (con_epfd < 0 || out == con_want_out)
		return;
	if (epoll_ctl(con_epfd, EPOLL_CTL_MOD, con_fd, &ev) == 0)
		con_want_out = out;
}

static void
drop_front(size_t n)
{
	memmove(con_buf, con_buf + n, con_len - n);
	con_len -= n;
}

static bool
append(const char *p, size_t n)
{
	if (n > CON_BUF - con_len)
		return false;
	memcpy(con_buf + con_len, p, n);
	con_len += n;
	return true;
}

/* "supervisor: console: N container lines skipped ..." into the buffer. */
static bool
append_note(void)
{
	char note[160];
	int n = snprintf(note, sizeof note,
			 "supervisor: console: %lu container lines skipped (the console was too "
			 "slow); the log files have them\n",
			 con_skipped);

	if (n < 0 || !append(note, (size_t)n))
		return false;
	con_skipped = 0;
	return true;
}

/* Writes what the console takes now. */
static void
flush_some(void)
{
	while (con_len > 0) {
		ssize_t w = write(con_fd, con_buf, con_len);
		if (w < 0 && errno == EINTR)
			continue;
		if ((w < 0 && errno == EAGAIN) || w == 0)
			break;
		if (w < 0) {
			/* A console gone for good (hung up): nothing to keep. */
			con_len = 0;
			con_partial = false;
			break;
		}
		con_partial = con_buf[w - 1] != '\n';
		drop_front((size_t)w);
	}
}

void
console_flush(void)
{
	flush_some();
	if (con_len == 0 && con_skipped && append_note())
		flush_some();
	want_out(con_len > 0);
}

void
console_line(const char *prefix, const char *text, size_t len)
{
	size_t plen = strlen(prefix);

	if (plen + 2 + len + 1 > CON_LINE_MAX)
		len = CON_LINE_MAX - plen - 3;
	if (plen + 2 + len + 1 > CON_BUF - con_len)
		flush_some();
	if (plen + 2 + len + 1 > CON_BUF - con_len) {
		con_skipped++;
		want_out(true);
		return;
	}
	append(prefix, plen);
	append(": ", 2);
	append(text, len);
	append("\n", 1);
}

/* Blocking writes of p to the console (the shared, blocking stdout). */
static void
write_all(const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(STDOUT_FILENO, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		p += w;
		n -= (size_t)w;
	}
}

void
console_own(const char *text, size_t len)
{
	char line[CON_LINE_MAX];

	/* Earlier lines first, as far as the console takes them now. */
	flush_some();
	if (con_partial) {
		char *nl = memchr(con_buf, '\n', con_len);
		size_t n = nl ? (size_t)(nl - con_buf) + 1 : con_len;
		write_all(con_buf, n);
		drop_front(n);
		con_partial = false;
	}
	int n = snprintf(line, sizeof line, "supervisor: %.*s\n", (int)len, text);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof line) {
		n = sizeof line;
		line[n - 1] = '\n';
	}
	write_all(line, (size_t)n);
	want_out(con_len > 0 || con_skipped);
}
