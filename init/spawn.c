/* SPDX-License-Identifier: MIT */
/* fork+exec for PID 1's children, with exec errors reported over a close-on-exec pipe. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdnoreturn.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "spawn.h"
#include "util.h"

/* Only async-signal-safe calls from here on: this runs between fork and exec. */
static int
child_stdio(int console)
{
	int fd, i;

	if (!console) {
		fd = open("/dev/null", O_RDONLY);
		if (fd < 0 || dup2(fd, 0) < 0)
			return -1;
		return fd > 2 ? close_fd(fd) : 0;
	}
	/* /dev/console never becomes a controlling tty by open(); ask for it. */
	fd = open("/dev/console", O_RDWR | O_NOCTTY);
	if (fd < 0 || ioctl(fd, TIOCSCTTY, 1) < 0)
		return -1;
	for (i = 0; i < 3; i++) {
		if (dup2(fd, i) < 0)
			return -1;
	}
	return fd > 2 ? close_fd(fd) : 0;
}

/* fd as the child's fd to, open across exec; before child_stdio, whose
 * open() would otherwise take fd 3. */
static int
child_fd(int fd, int to)
{
	if (fd <= 0)
		return 0;
	if (fd == to)
		return fcntl(to, F_SETFD, 0);
	return dup2(fd, to) < 0 ? -1 : 0;
}

/* Moves every fd of the child that is not yet in its place out of 3 and 4
 * first, so that placing one never overwrites another. */
static int
child_fds(struct spawn_opts *o, int *errfd)
{
	int *fds[] = {errfd, &o->notify_fd, &o->store_fd};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(fds); i++)
		if ((*fds[i] == 3 || *fds[i] == 4) && (*fds[i] = fcntl(*fds[i], F_DUPFD_CLOEXEC, 5)) < 0)
			return -1;
	return child_fd(o->notify_fd, 3) < 0 || child_fd(o->store_fd, 4) < 0 ? -1 : 0;
}

static noreturn void
spawn_child(struct spawn_opts *o, int errfd)
{
	sigset_t none;
	int err;

	if (child_fds(o, &errfd) < 0)
		_exit(126);
	/* PID 1 blocks every signal; its children must not inherit that. */
	sigemptyset(&none);
	if (sigprocmask(SIG_SETMASK, &none, NULL) == 0 && setsid() >= 0 &&
	    child_stdio(o->console) == 0 && chdir("/") == 0)
		execve(o->path, o->argv, o->envp);
	err = errno;
	/* Since sizeof(err) < PIPE_BUF, the write is atomic. */
	if (write_all(errfd, &err, sizeof(err)) < 0)
		_exit(126);
	_exit(127);
}

/* Returns the child's pid once it has exec'd, or -1 with errno. */
pid_t
spawn(const struct spawn_opts *o)
{
	int pipefd[2], err;
	ssize_t n;
	pid_t pid;

	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		struct spawn_opts mine = *o;

		close_fd(pipefd[0]);
		spawn_child(&mine, pipefd[1]);
	}
	err = errno;
	close_fd(pipefd[1]);
	if (pid < 0) {
		close_fd(pipefd[0]);
		errno = err;
		return -1;
	}
	/* EOF means exec closed the pipe: the program runs. */
	n = read_full(pipefd[0], &err, sizeof(err));
	close_fd(pipefd[0]);
	if (n == 0)
		return pid;
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	errno = n == sizeof(err) ? err : EIO;
	return -1;
}
