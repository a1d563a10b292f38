/* SPDX-License-Identifier: MIT */
/* Starting a program in its own session, knowing whether exec worked. */
#ifndef BERTH_INIT_SPAWN_H
#define BERTH_INIT_SPAWN_H

#include <sys/types.h>

struct spawn_opts {
	const char *path;
	char *const *argv;
	char *const *envp;
	int console; /* stdin/out/err and controlling tty on /dev/console */
	int notify_fd; /* > 0: becomes the child's fd 3 (readiness), else none */
	int store_fd;  /* > 0: becomes the child's fd 4 (fdstore.c), else none */
};

pid_t spawn(const struct spawn_opts *o);

#endif
