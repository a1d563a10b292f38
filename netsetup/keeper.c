/* SPDX-License-Identifier: MIT */
/* A keeper: a detached process that runs one daemon (dhcpcd, chronyd), restarts it with
 * backoff when it exits, restarts it at once on SIGHUP, and stops it on SIGTERM. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "keeper.h"
#include "netsetup.h"

#define BACKOFF_MIN_S 1
#define BACKOFF_MAX_S 60
#define HEALTHY_RUN_S 60 /* a daemon that ran this long restarts without delay */

static volatile sig_atomic_t stopping, reloading;
static volatile pid_t client;

static void
on_signal(int sig)
{
	if (sig == SIGHUP)
		reloading = 1;
	else
		stopping = 1;
	if (client > 0)
		kill(client, SIGTERM);
}

static void
keeper_stdio(void)
{
	int in = open("/dev/null", O_RDONLY | O_CLOEXEC);
	/* Nobody reads the output of a daemon; the kernel log is collected
	 * and forwarded (logging.kernel), so its lines go there. */
	int out = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);

	if (out < 0)
		out = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (in < 0 || out < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0)
		_exit(111);
	close(in);
	close(out);
	/* /dev/kmsg makes one log record of each write: one per line. */
	setvbuf(stdout, NULL, _IOLBF, 0);
}

static pid_t
client_spawn(const struct keeper *k, char **argv, const sigset_t *unblocked)
{
	pid_t keeper = getpid(), pid = fork();

	/* A process group of its own, set on both sides of the fork so that
	 * it exists whichever runs first: see client_reap. */
	if (pid > 0)
		setpgid(pid, pid);
	if (pid != 0)
		return pid;
	/* The daemon goes with its keeper, so a restarted keeper never
	 * finds an orphan still holding the interface or the clock. */
	if (setpgid(0, 0) < 0 || prctl(PR_SET_PDEATHSIG, SIGTERM) < 0 || getppid() != keeper)
		_exit(111);
	sigprocmask(SIG_SETMASK, unblocked, NULL);
	execv(k->path, argv);
	printf("netsetup: %s: exec %s: %s\n", k->name, k->path, strerror(errno));
	_exit(127);
}

/* Daemons fork helpers (dhcpcd's privilege separation), which outlive
 * one killed by a signal: one of them, root, would stay for good. They
 * are in its process group, which goes once the daemon has exited. */
static void
client_reap(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	kill(-pid, SIGKILL);
}

static long long
now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec;
}

/* Blocks until SIGHUP or SIGTERM; term is blocked on entry. */
static void
wait_signal(const sigset_t *unblocked)
{
	while (!stopping && !reloading)
		sigsuspend(unblocked);
}

static void keeper_run(int lockfd, const struct keeper *k) __attribute__((noreturn));

static void
keeper_run(int lockfd, const struct keeper *k)
{
	struct sigaction sa = {.sa_handler = on_signal};
	sigset_t term, old;
	char pid[24], **argv;
	unsigned int backoff = BACKOFF_MIN_S;
	long long started;
	int n;

	keeper_stdio();
	/* Nothing of netsetup's (its netlink socket) stays open but the lock. */
	if ((lockfd != 3 && dup3(lockfd, 3, O_CLOEXEC) < 0) || close_range(4, ~0u, 0) < 0)
		_exit(111);
	lockfd = 3;
	n = snprintf(pid, sizeof(pid), "%d\n", (int)getpid());
	if (ftruncate(lockfd, 0) < 0 || write(lockfd, pid, (size_t)n) != n)
		printf("netsetup: %s: write pid file: %s\n", k->name, strerror(errno));
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	sigaddset(&term, SIGINT);
	sigaddset(&term, SIGHUP);
	while (!stopping) {
		/* Blocked until client is set, so a signal in between is not
		 * lost on a client the handler does not know yet. */
		sigprocmask(SIG_BLOCK, &term, &old);
		reloading = 0;
		if (k->prepare(k->arg, &argv) < 0) {
			wait_signal(&old);
			sigprocmask(SIG_SETMASK, &old, NULL);
			continue;
		}
		started = now_s();
		client = client_spawn(k, argv, &old);
		sigprocmask(SIG_SETMASK, &old, NULL);
		if (client < 0)
			printf("netsetup: %s: start %s: %s\n", k->name, k->path, strerror(errno));
		if (client > 0)
			client_reap(client);
		client = 0;
		if (stopping)
			break;
		if (reloading) {
			printf("netsetup: %s: restarting %s for a new configuration\n", k->name,
			       k->path);
			continue;
		}
		if (now_s() - started >= HEALTHY_RUN_S)
			backoff = BACKOFF_MIN_S;
		printf("netsetup: %s: %s exited, restarting in %u s\n", k->name, k->path, backoff);
		sleep(backoff); /* a signal cuts it short */
		backoff = backoff * 2 > BACKOFF_MAX_S ? BACKOFF_MAX_S : backoff * 2;
	}
	_exit(0);
}

/* The keeper holds the lock on its pid file while it lives. It is
 * detached twice (setsid, second fork) so that it outlives netsetup,
 * which init waits for, and is reparented to init. */
int
keeper_start(const struct keeper *k)
{
	pid_t pid;
	int fd, status;

	if (mkdir(RUN_DIR, 0755) < 0 && errno != EEXIST) {
		ns_failed("%s: %s: %s", k->name, RUN_DIR, strerror(errno));
		return -1;
	}
	fd = open(k->pidfile, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0 || flock(fd, LOCK_EX | LOCK_NB) < 0) {
		if (fd < 0 || errno != EWOULDBLOCK)
			ns_failed("%s: %s: %s", k->name, k->pidfile, strerror(errno));
		if (fd >= 0)
			close(fd);
		return fd < 0 || errno != EWOULDBLOCK ? -1 : 1;
	}
	if (ns_dry_run) {
		close(fd);
		return 0;
	}
	/* Unflushed output would be printed again by the children. */
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid == 0) {
		if (setsid() < 0 || fork() != 0)
			_exit(0);
		keeper_run(fd, k);
	}
	/* The keeper has its own descriptor of the locked file now. */
	close(fd);
	if (pid < 0 || waitpid(pid, &status, 0) < 0) {
		ns_failed("%s: start keeper: %s", k->name, strerror(errno));
		return -1;
	}
	return 0;
}

/* SIGHUP to the keeper whose pid file is pidfile, if one runs. */
int
keeper_reload(const char *pidfile)
{
	char buf[24];
	ssize_t n;
	long pid;
	int fd = open(pidfile, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0)
		return errno == ENOENT ? 0 : -1;
	/* Unlocked: no keeper holds it, and the pid in it is stale. */
	if (flock(fd, LOCK_SH | LOCK_NB) == 0 || errno != EWOULDBLOCK) {
		close(fd);
		return 0;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	pid = strtol(buf, NULL, 10);
	return pid > 1 ? kill((pid_t)pid, SIGHUP) : -1;
}
