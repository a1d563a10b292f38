/* SPDX-License-Identifier: MIT */
/* logresolve.h: a log target's host name resolved through the host's DNS
 * (getaddrinfo) in a child process, so the epoll loop never waits for it. */
#ifndef BERTH_LOGRESOLVE_H
#define BERTH_LOGRESOLVE_H

#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#define RESOLVE_MAX_ADDRS 8
/* A resolution that takes longer is abandoned (the child is killed). */
#define RESOLVE_TIMEOUT_MS 5000

struct resolved {
	int gai_err; /* 0, or getaddrinfo's error */
	int n;
	struct sockaddr_storage addr[RESOLVE_MAX_ADDRS];
	socklen_t len[RESOLVE_MAX_ADDRS];
};

/* Starts resolving host:port for socktype (SOCK_STREAM, SOCK_DGRAM).
 * Returns a non-blocking fd that becomes readable with the answer, or -1
 * with errno set; *pid is the child's. */
int resolve_start(const char *host, uint16_t port, int socktype, pid_t *pid);
/* Reads the answer and reaps the child. Returns 0, or -1 when the answer is
 * not (all) there: the child died or the fd is not readable yet (EAGAIN). */
int resolve_finish(int fd, pid_t pid, struct resolved *r);
/* Kills and reaps the child, closes fd. */
void resolve_cancel(int fd, pid_t pid);

#endif
