/* SPDX-License-Identifier: MIT */
/* EINTR-safe file I/O, bounded path formatting and boot-time clock helpers. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

ssize_t
write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	size_t done = 0;

	while (done < len) {
		ssize_t n = write(fd, p + done, len - done);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		done += n;
	}
	return done;
}

/* Reads until len bytes or end of file; returns what was read. */
ssize_t
read_full(int fd, void *buf, size_t len)
{
	char *p = buf;
	size_t done = 0;

	while (done < len) {
		ssize_t n = read(fd, p + done, len - done);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0)
			break;
		done += n;
	}
	return done;
}

/* On Linux the descriptor is gone even when close() reports EINTR. */
int
close_fd(int fd)
{
	if (close(fd) < 0 && errno != EINTR)
		return -1;
	return 0;
}

/* Reads a small file into buf, NUL-terminated; returns its length or -1. */
ssize_t
read_file(const char *path, char *buf, size_t size)
{
	ssize_t n;
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read_full(fd, buf, size - 1);
	err = errno;
	if (close_fd(fd) < 0 && n >= 0)
		return -1;
	if (n < 0) {
		errno = err;
		return -1;
	}
	buf[n] = '\0';
	return n;
}

int
write_file(const char *path, const char *text)
{
	size_t len = 0;
	int fd, err;

	while (text[len])
		len++;
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (write_all(fd, text, len) < 0) {
		err = errno;
		close_fd(fd);
		errno = err;
		return -1;
	}
	return close_fd(fd);
}

/* snprintf for paths: a truncated path is an error, never a different file. */
int
path_fmt(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= size) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

/* CLOCK_BOOTTIME: what the kernel's own timestamps and the contract use. */
long long
now_ms(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_BOOTTIME, &ts) < 0)
		return 0;
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

void
sleep_ms(long long ms)
{
	struct timespec left = {ms / 1000, (ms % 1000) * 1000000};

	while (nanosleep(&left, &left) < 0 && errno == EINTR)
		;
}

/* 1 if path is the root of a mount (its device differs from its parent's). */
int
is_mountpoint(const char *path)
{
	char parent[256];
	struct stat st, pst;

	if (path_fmt(parent, sizeof(parent), "%s/..", path) < 0)
		return -1;
	if (stat(path, &st) < 0 || stat(parent, &pst) < 0)
		return -1;
	return st.st_dev != pst.st_dev || st.st_ino == pst.st_ino;
}
