/* SPDX-License-Identifier: MIT */
/*
 * init-standin: what berth's init is to the supervisor, for host tests
 * that kill the supervisor: runs it with the real fd store (init/fdstore.c)
 * as its fd 4, reaps the orphans it leaves and tells the store, and starts
 * it again 1 s after each exit, as init does. Run as PID 1 of a pid
 * namespace (or it makes itself the subreaper).
 *   init-standin SUPERVISOR [ARG...]
 * Says "init: supervisor run N" before each start and "init: supervisor
 * exited with STATUS" after; SIGTERM or SIGINT is passed on, and the
 * supervisor's next exit is the stand-in's.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../init/console.h"
#include "../../init/fdstore.h"
#include "../../init/loop.h"
#include "../../init/spawn.h"

#define RESTART_MS 1000

extern char **environ;
static char **sv_argv;
static pid_t sv_pid;
static int runs, stopping;
static struct watch restart = {.fd = -1};
static struct watch sigs = {.fd = -1};

static void
say(const char *fmt, va_list ap)
{
	fputs("init: ", stdout);
	vprintf(fmt, ap);
	fputc('\n', stdout);
	fflush(stdout);
}

void
log_msg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say(fmt, ap);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	(void)fmt;
}

/* The environment the stand-in got, and the store's fd. */
static char **
sv_env(void)
{
	size_t n = 0, i;
	char **env;

	while (environ[n])
		n++;
	env = calloc(n + 2, sizeof(*env));
	if (!env)
		return environ;
	for (i = 0; i < n; i++)
		env[i] = environ[i];
	env[n] = "BERTH_FDSTORE_FD=4";
	return env;
}

static void
sv_start(void)
{
	struct spawn_opts o = {sv_argv[0], sv_argv, sv_env(), 0, -1, fdstore_connect()};

	printf("init: supervisor run %d\n", ++runs);
	fflush(stdout);
	sv_pid = spawn(&o);
	if (o.store_fd > 0)
		close(o.store_fd);
	if (sv_pid < 0) {
		log_msg("cannot start %s: %s", sv_argv[0], strerror(errno));
		exit(111);
	}
}

static void
on_restart(struct watch *w)
{
	timer_ack(w);
	if (!stopping)
		sv_start();
}

static void
reaped(pid_t pid, int status)
{
	if (pid != sv_pid) {
		fdstore_reaped(pid, status);
		return;
	}
	sv_pid = 0;
	log_msg("supervisor exited with %d", WIFEXITED(status) ? WEXITSTATUS(status)
							       : 128 + WTERMSIG(status));
	if (stopping)
		exit(WIFEXITED(status) ? WEXITSTATUS(status) : 1);
	if (timer_arm(&restart, RESTART_MS) < 0)
		exit(111);
}

static void
on_signal(struct watch *w)
{
	struct signalfd_siginfo si;
	int status;
	pid_t pid;

	while (read(w->fd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT) {
			stopping = 1;
			if (sv_pid > 0)
				kill(sv_pid, (int)si.ssi_signo);
			else
				exit(0);
		}
	}
	while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
		reaped(pid, status);
}

int
main(int argc, char **argv)
{
	sigset_t set;

	if (argc < 2) {
		fputs("usage: init-standin SUPERVISOR [ARG...]\n", stderr);
		return 2;
	}
	sv_argv = argv + 1;
	if (getpid() != 1)
		prctl(PR_SET_CHILD_SUBREAPER, 1);
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigprocmask(SIG_BLOCK, &set, NULL);
	sigs.ready = on_signal;
	if (loop_init() < 0 || (sigs.fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC)) < 0 ||
	    loop_add(&sigs) < 0 || timer_init(&restart, on_restart) < 0) {
		perror("init-standin: setup");
		return 111;
	}
	sv_start();
	for (;;)
		loop_run_once();
}
