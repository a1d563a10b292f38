/* SPDX-License-Identifier: MIT */
/* Small file helpers: whole writes across short writes and EINTR, mkdir -p. */
#ifndef BERTH_IO_H
#define BERTH_IO_H

#include <stddef.h>
#include <sys/types.h>

/* Writes all n bytes of s to fd; -1 with errno set on failure. */
int io_write_all(int fd, const void *s, size_t n);

/* mkdir -p: makes path and its missing parents with mode; an existing
 * directory is fine. path is modified during the call and restored. */
int io_mkdir_p(char *path, mode_t mode);

#endif
