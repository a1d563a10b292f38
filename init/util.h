/* SPDX-License-Identifier: MIT */
/* Small helpers shared by both stages of init: EINTR-safe I/O, paths, time. */
#ifndef BERTH_INIT_UTIL_H
#define BERTH_INIT_UTIL_H

#include <stddef.h>
#include <sys/types.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define container_of(ptr, type, member) ((type *)((char *)(ptr)-offsetof(type, member)))
#define PRINTF(f, a) __attribute__((format(printf, f, a)))

ssize_t write_all(int fd, const void *buf, size_t len);
ssize_t read_full(int fd, void *buf, size_t len);
int close_fd(int fd);
ssize_t read_file(const char *path, char *buf, size_t size);
int write_file(const char *path, const char *text);
int path_fmt(char *buf, size_t size, const char *fmt, ...) PRINTF(3, 4);
long long now_ms(void);
void sleep_ms(long long ms);
int is_mountpoint(const char *path);

#endif
