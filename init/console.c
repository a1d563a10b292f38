/* SPDX-License-Identifier: MIT */
/* Console output of init: uptime stamps and whole-line writes to /dev/console. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "console.h"

#define LOG_PREFIX "berth-init: "

static int debug_on;

/*
 * The kernel hands init fds 0-2 on /dev/console only if the initramfs has
 * that node; otherwise they are closed and the first open() would land on
 * fd 0. Fill every closed one with the console (or /dev/null without it).
 */
void
console_init(void)
{
	int fd, i;

	if (fcntl(0, F_GETFD) >= 0 && fcntl(1, F_GETFD) >= 0 && fcntl(2, F_GETFD) >= 0)
		return;
	fd = open("/dev/console", O_RDWR | O_NOCTTY);
	if (fd < 0)
		fd = open("/dev/null", O_RDWR);
	if (fd < 0)
		return;
	for (i = 0; i < 3; i++) {
		if (i != fd && fcntl(i, F_GETFD) < 0 && dup2(fd, i) < 0)
			return;
	}
	if (fd > 2)
		close_fd(fd);
}

void
console_set_debug(int on)
{
	debug_on = on;
}

int
console_debug(void)
{
	return debug_on;
}

const char *
uptime_str(char *buf, size_t size)
{
	long long ms = now_ms();

	snprintf(buf, size, "%lld.%03llds", ms / 1000, ms % 1000);
	return buf;
}

/* One write per line, so lines from init and its children never interleave. */
static void
log_vline(const char *fmt, va_list ap)
{
	char line[640];
	size_t max = sizeof(line) - 1, len;
	int n, err = errno;

	memcpy(line, LOG_PREFIX, sizeof(LOG_PREFIX) - 1);
	len = sizeof(LOG_PREFIX) - 1;
	n = vsnprintf(line + len, max - len, fmt, ap);
	if (n < 0)
		n = 0;
	len += (size_t)n < max - len ? (size_t)n : max - len - 1;
	line[len++] = '\n';
	/* A failed write has nowhere left to be reported: this is the console. */
	(void)write_all(STDERR_FILENO, line, len);
	errno = err;
}

void
log_msg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vline(fmt, ap);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list ap;

	if (!debug_on)
		return;
	va_start(ap, fmt);
	log_vline(fmt, ap);
	va_end(ap);
}
