/* SPDX-License-Identifier: MIT */
/* Ends the system: a failed boot's reboot, or an orderly stop, sync, /var ro, reboot. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "console.h"
#include "service.h"
#include "shutdown.h"

#define FAIL_DELAY_MS 5000
#define SUPERVISOR_GRACE_MS 10000 /* it stops containers with their own grace */
#define TERM_GRACE_MS 5000
#define KILL_WAIT_MS 3000

/* PID 1 must never return: keep trying the reboot. */
static noreturn void
reboot_forever(int how)
{
	for (;;) {
		sync();
		if (reboot(how) < 0)
			log_msg("reboot failed: %s; retrying in 5 s", strerror(errno));
		sleep_ms(5000);
	}
}

noreturn void
boot_fail(const char *fmt, ...)
{
	char why[480];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	log_msg("boot failed: %s; rebooting in 5 s", why);
	sync();
	sleep_ms(FAIL_DELAY_MS);
	reboot_forever(RB_AUTOBOOT);
}

/* Reaps what has exited; 1 once want (or, for want 0, every child) is gone. */
static int
reap_some(pid_t want)
{
	int status, found = 0;
	pid_t pid;

	for (;;) {
		pid = waitpid(-1, &status, WNOHANG);
		if (pid > 0) {
			found |= pid == want;
			services_reaped(pid, status);
		} else if (pid == 0) {
			return found;
		} else if (errno != EINTR) {
			/* ECHILD: no children left, and every process descends from PID 1. */
			return 1;
		}
	}
}

static void
wait_sigchld(int sigfd, long long ms)
{
	struct pollfd p = {.fd = sigfd, .events = POLLIN};
	struct signalfd_siginfo si[8];

	if (poll(&p, 1, (int)ms) <= 0)
		return;
	/* Other signals are dropped: a shutdown is already under way. */
	while (read(sigfd, si, sizeof(si)) > 0)
		;
}

/* 0 once want (0: all children) is reaped, -1 after timeout_ms. */
static int
reap_until(int sigfd, pid_t want, long long timeout_ms)
{
	long long deadline = now_ms() + timeout_ms, left;

	for (;;) {
		if (reap_some(want))
			return 0;
		left = deadline - now_ms();
		if (left <= 0)
			return -1;
		wait_sigchld(sigfd, left);
	}
}

static void
kill_everything(int sigfd)
{
	/* kill(-1) reaches every process but PID 1; ESRCH means none is left. */
	if (kill(-1, SIGTERM) < 0 && errno != ESRCH)
		log_msg("warning: SIGTERM to all processes: %s", strerror(errno));
	if (kill(-1, SIGCONT) < 0 && errno != ESRCH)
		log_debug("SIGCONT to all processes: %s", strerror(errno));
	if (reap_until(sigfd, 0, TERM_GRACE_MS) == 0)
		return;
	log_msg("processes still running after %d s, killing them", TERM_GRACE_MS / 1000);
	if (kill(-1, SIGKILL) < 0 && errno != ESRCH)
		log_msg("warning: SIGKILL to all processes: %s", strerror(errno));
	if (reap_until(sigfd, 0, KILL_WAIT_MS) < 0)
		log_msg("warning: processes survived SIGKILL (stuck in the kernel?)");
}

/* Busy means a process still holds a file open for writing; give it a moment. */
static void
remount_var_ro(void)
{
	unsigned long flags = MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV;
	int tries = 0, r;

	r = is_mountpoint("/var");
	if (r <= 0) {
		log_msg("/var is not a mount point, nothing to remount");
		return;
	}
	while ((r = mount(NULL, "/var", NULL, flags, NULL)) < 0 && errno == EBUSY && ++tries < 10)
		sleep_ms(200);
	if (r < 0)
		log_msg("remounting /var read-only failed: %s", strerror(errno));
	else
		log_msg("/var remounted read-only");
}

noreturn void
shutdown_run(enum shutdown_mode mode, int sigfd)
{
	pid_t sup;

	log_msg("shutting down (%s)", mode == SHUTDOWN_POWEROFF ? "poweroff" : "reboot");
	services_stop();
	sup = service_pid(SVC_SUPERVISOR);
	if (sup > 0) {
		if (kill(sup, SIGTERM) < 0)
			log_msg("warning: SIGTERM to the supervisor: %s", strerror(errno));
		else if (reap_until(sigfd, sup, SUPERVISOR_GRACE_MS) < 0)
			log_msg("supervisor still running after %d s", SUPERVISOR_GRACE_MS / 1000);
	}
	kill_everything(sigfd);
	sync();
	remount_var_ro();
	sync();
	reboot_forever(mode == SHUTDOWN_POWEROFF ? RB_POWER_OFF : RB_AUTOBOOT);
}
