/* SPDX-License-Identifier: MIT */
/* logresolve.c: getaddrinfo in a forked child that writes its answer to a
 * pipe the epoll loop watches: resolution may take seconds (a slow or dead
 * name server), and the supervisor has no threads to lend it. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/io.h"
#include "logresolve.h"

/* One write of at most PIPE_BUF bytes to a pipe is atomic: the reader gets
 * the whole answer or nothing yet. */
_Static_assert(sizeof(struct resolved) <= PIPE_BUF, "the answer fits in PIPE_BUF");

static void __attribute__((noreturn)) child(int wfd, const char *host, uint16_t port, int socktype)
{
	struct addrinfo hints = {.ai_socktype = socktype}, *res, *ai;
	struct resolved r = {0};
	char serv[8];

	/* The supervisor blocks SIGTERM and SIGINT for its signalfd. */
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	snprintf(serv, sizeof serv, "%u", port);
	r.gai_err = getaddrinfo(host, serv, &hints, &res);
	if (r.gai_err == 0) {
		for (ai = res; ai && r.n < RESOLVE_MAX_ADDRS; ai = ai->ai_next) {
			if (ai->ai_addrlen > sizeof r.addr[0])
				continue;
			memcpy(&r.addr[r.n], ai->ai_addr, ai->ai_addrlen);
			r.len[r.n++] = ai->ai_addrlen;
		}
		freeaddrinfo(res);
	}
	_exit(io_write_all(wfd, &r, sizeof r) == 0 ? 0 : 1);
}

int
resolve_start(const char *host, uint16_t port, int socktype, pid_t *pid)
{
	int p[2];

	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	*pid = fork();
	if (*pid < 0) {
		int err = errno;
		close(p[0]);
		close(p[1]);
		return (errno = err), -1;
	}
	if (*pid == 0) {
		close(p[0]);
		child(p[1], host, port, socktype);
	}
	close(p[1]);
	if (fcntl(p[0], F_SETFL, O_NONBLOCK) < 0) {
		resolve_cancel(p[0], *pid);
		return -1;
	}
	return p[0];
}

int
resolve_finish(int fd, pid_t pid, struct resolved *r)
{
	size_t got = 0;

	while (got < sizeof *r) {
		ssize_t n = read(fd, (char *)r + got, sizeof *r - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN && got == 0)
			return -1;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	/* EOF or the whole answer: the child is done or about to be. */
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	if (got < sizeof *r)
		return (errno = EIO), -1;
	if (r->n < 0 || r->n > RESOLVE_MAX_ADDRS)
		return (errno = EIO), -1;
	return 0;
}

void
resolve_cancel(int fd, pid_t pid)
{
	if (pid > 0) {
		kill(pid, SIGKILL);
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	if (fd >= 0)
		close(fd);
}
