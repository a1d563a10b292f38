/* SPDX-License-Identifier: MIT */
/* Whole writes to file descriptors, across short writes and EINTR. */
#include <errno.h>
#include <unistd.h>

#include "io.h"

int
io_write_all(int fd, const void *s, size_t n)
{
	const char *p = s;

	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}
