/* SPDX-License-Identifier: MIT */
/* Whole writes to file descriptors, across short writes and EINTR. */
#ifndef BERTH_IO_H
#define BERTH_IO_H

#include <stddef.h>

/* Writes all n bytes of s to fd; -1 with errno set on failure. */
int io_write_all(int fd, const void *s, size_t n);

#endif
