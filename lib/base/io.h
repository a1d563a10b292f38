/* SPDX-License-Identifier: MIT */
/* Small file helpers: whole writes and reads across short ones and EINTR,
 * small files, mkdir -p. */
#ifndef BERTH_IO_H
#define BERTH_IO_H

#include <stddef.h>
#include <sys/types.h>

/* Writes all n bytes of s to fd; -1 with errno set on failure. */
int io_write_all(int fd, const void *s, size_t n);

/* Reads n bytes from fd across short reads and EINTR; fewer only at end
 * of file. Returns how many, or -1 with errno set. */
ssize_t io_read_full(int fd, void *buf, size_t n);

/* Reads a small file (path relative to dirfd, or AT_FDCWD) into buf, at
 * most len - 1 bytes, NUL-terminated. Returns the length, or -1. */
ssize_t io_read_small(int dirfd, const char *path, char *buf, size_t len);

/* Formats an error message into err (errlen bytes) and returns -1, errno
 * unchanged: `return io_errf(err, errlen, "%s: %s", path, strerror(errno));` */
int io_errf(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* mkdir -p: makes path and its missing parents with mode; an existing
 * directory is fine. path is modified during the call and restored. */
int io_mkdir_p(char *path, mode_t mode);

/* Replaces dir/name with len bytes of buf, atomically and durably: the
 * temporary dir/.name.tmp, fsync, rename over the old file, fsync of dir.
 * A power cut at any moment leaves the old file or the new one. 0, or -1
 * with errno (the temporary file removed). */
int io_replace_file(const char *dir, const char *name, const void *buf, size_t len, mode_t mode);

#endif
