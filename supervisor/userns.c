/* SPDX-License-Identifier: MIT */
/* userns.c: a container's own user namespace, mapped onto its range of
 * host ids, and the network, UTS and IPC namespaces it owns, made before
 * the container's clone so that its child can join each when it should
 * (docs/supervisor.md, Users). */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/io.h"
#include "supervisor.h"

/* Lives only until the supervisor has written its maps and opened its
 * namespaces: it waits for EOF on the pipe. */
static void __attribute__((noreturn)) holder_run(int rd)
{
	char b;

	while (read(rd, &b, 1) < 0 && errno == EINTR)
		;
	_exit(0);
}

/* "0 BASE 65536": container id 0 is host id base, and so on. */
static int
write_map(pid_t pid, const char *file, uint32_t base)
{
	char path[64], map[64];

	snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, file);
	int n = snprintf(map, sizeof map, "0 %u %u\n", base, IDRANGE_SIZE);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	/* The kernel takes a map in one write only. */
	ssize_t w = write(fd, map, (size_t)n);
	int saved = errno;
	close(fd);
	errno = saved;
	return w == n ? 0 : -1;
}

static int
open_ns(pid_t pid, const char *ns)
{
	char path[64];

	snprintf(path, sizeof path, "/proc/%d/ns/%s", (int)pid, ns);
	return open(path, O_RDONLY | O_CLOEXEC);
}

/* The maps, then the namespaces' fds, which keep them once the holder is
 * gone. */
static int
holder_take(pid_t pid, uint32_t base, bool net, struct userns *ns, const char **what)
{
	*what = "write uid_map";
	if (write_map(pid, "uid_map", base) < 0)
		return -1;
	*what = "write gid_map";
	if (write_map(pid, "gid_map", base) < 0)
		return -1;
	*what = "open its namespaces";
	if ((ns->user = open_ns(pid, "user")) < 0 || (ns->uts = open_ns(pid, "uts")) < 0 ||
	    (ns->ipc = open_ns(pid, "ipc")) < 0 || (net && (ns->net = open_ns(pid, "net")) < 0))
		return -1;
	return 0;
}

/*
 * Makes the namespaces for a container whose ids start at base: a user
 * namespace mapping its 65536 ids onto the range, and new UTS, IPC and
 * (with net) network namespaces owned by it, so that root in the
 * container has its capabilities over them and nothing else. Fills ns
 * (all -1 on failure, and err says why).
 */
int
userns_make(uint32_t base, bool net, struct userns *ns, char *err, size_t errlen)
{
	struct clone_args args = {
	    .flags = CLONE_NEWUSER | CLONE_NEWUTS | CLONE_NEWIPC | (net ? CLONE_NEWNET : 0),
	    .exit_signal = SIGCHLD,
	};
	const char *what = "pipe";
	int p[2], status, saved;

	*ns = (struct userns){.user = -1, .net = -1, .uts = -1, .ipc = -1, .base = base};
	if (pipe2(p, O_CLOEXEC) < 0)
		return io_errf(err, errlen, "user namespace: pipe: %s", strerror(errno));
	what = "clone3";
	pid_t pid = (pid_t)syscall(SYS_clone3, &args, sizeof args);
	if (pid == 0) {
		close(p[1]);
		holder_run(p[0]);
	}
	close(p[0]);
	int rc = pid < 0 ? -1 : holder_take(pid, base, net, ns, &what);
	saved = errno;
	close(p[1]);
	while (pid > 0 && waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (rc == 0)
		return 0;
	userns_close(ns);
	return io_errf(err, errlen, "user namespace for host ids %u-%u: %s: %s", base,
		       base + IDRANGE_SIZE - 1, what, strerror(saved));
}

void
userns_close(struct userns *ns)
{
	int *fds[] = {&ns->user, &ns->net, &ns->uts, &ns->ipc};

	for (size_t i = 0; i < sizeof fds / sizeof fds[0]; i++) {
		if (*fds[i] >= 0)
			close(*fds[i]);
		*fds[i] = -1;
	}
}

/* In the child, first: the namespaces the user namespace owns. The child
 * is still root of the host's user namespace, which may join them. */
int
userns_join_owned(const struct userns *ns)
{
	if (ns->net >= 0 && setns(ns->net, CLONE_NEWNET) < 0)
		return -1;
	if (setns(ns->uts, CLONE_NEWUTS) < 0 || setns(ns->ipc, CLONE_NEWIPC) < 0)
		return -1;
	return 0;
}

/*
 * In the child, last before its identity: the user namespace itself. The
 * child gets every capability in it and keeps none in the host's; its
 * ids are then the container's root (host id base), from which
 * child_identity goes on as without a user namespace. fd is the user
 * namespace, or a pidfd of a process in it.
 */
int
userns_enter(int fd)
{
	if (setns(fd, CLONE_NEWUSER) < 0)
		return -1;
	if (setgroups(0, NULL) < 0 || setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
		return -1;
	return 0;
}
