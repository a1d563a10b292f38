/* SPDX-License-Identifier: MIT */
/* Stage 2, /sbin/init from the verified root: early mounts, sysctls, then the signalfd loop. */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmdline.h"
#include "console.h"
#include "loop.h"
#include "mount.h"
#include "powerkey.h"
#include "service.h"
#include "shutdown.h"
#include "stage.h"
#include "sysctl.h"

#define NOSUID_NODEV_NOEXEC (MS_NOSUID | MS_NODEV | MS_NOEXEC)

static struct watch sig_watch = {.fd = -1};

/* /proc, /sys and /dev come from stage 1; they are mounted here only if not. */
/* clang-format off */
static const struct mnt early[] = {
	{ "proc", "/proc", "proc", NOSUID_NODEV_NOEXEC, NULL, NULL, 0 },
	{ "sysfs", "/sys", "sysfs", NOSUID_NODEV_NOEXEC, NULL, NULL, 0 },
	{ "devtmpfs", "/dev", "devtmpfs", MS_NOSUID | MS_NOEXEC, "mode=0755", NULL, 0 },
	{ "cgroup2", "/sys/fs/cgroup", "cgroup2", NOSUID_NODEV_NOEXEC,
	  "nsdelegate,memory_recursiveprot", "nsdelegate", 0 },
	{ "devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC,
	  "newinstance,ptmxmode=0666,mode=0620,gid=5", NULL, 0 },
	{ "tmpfs", "/dev/shm", "tmpfs", NOSUID_NODEV_NOEXEC, "mode=1777", NULL, 0 },
	{ "mqueue", "/dev/mqueue", "mqueue", NOSUID_NODEV_NOEXEC, NULL, NULL, 1 },
};
/* clang-format on */

/* clang-format off */
static const char *const dev_links[][2] = {
	{ "/proc/self/fd", "/dev/fd" },
	{ "/proc/self/fd/0", "/dev/stdin" },
	{ "/proc/self/fd/1", "/dev/stdout" },
	{ "/proc/self/fd/2", "/dev/stderr" },
};
/* clang-format on */

/* A failed mount is warned about; everything that can still work carries on. */
static void
early_mounts(void)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(early); i++) {
		if (mount_one(&early[i]) < 0)
			log_msg("warning: mounting %s on %s failed: %s", early[i].type,
				early[i].target, strerror(errno));
	}
	for (i = 0; i < ARRAY_SIZE(dev_links); i++) {
		if (symlink(dev_links[i][0], dev_links[i][1]) < 0 && errno != EEXIST)
			log_msg("warning: creating %s: %s", dev_links[i][1], strerror(errno));
	}
}

static void
reap_children(void)
{
	int status;
	pid_t pid;

	for (;;) {
		pid = waitpid(-1, &status, WNOHANG);
		if (pid > 0)
			services_reaped(pid, status);
		else if (pid == 0 || errno != EINTR)
			return;
	}
}

static void
power_pressed(void)
{
	log_debug("power key pressed");
	shutdown_run(SHUTDOWN_POWEROFF, sig_watch.fd);
}

static void
on_signal(int signo)
{
	switch (signo) {
	case SIGCHLD:
		reap_children();
		break;
	case SIGTERM:
	case SIGINT: /* ctrl-alt-del, since RB_DISABLE_CAD */
		shutdown_run(SHUTDOWN_REBOOT, sig_watch.fd);
	case SIGUSR2:
	case SIGPWR: /* what container managers such as LXC send to halt */
		shutdown_run(SHUTDOWN_POWEROFF, sig_watch.fd);
	default:
		log_debug("ignoring signal %d (%s)", signo, strsignal(signo));
	}
}

static void
signals_ready(struct watch *w)
{
	struct signalfd_siginfo si[8];
	ssize_t n, i;

	for (;;) {
		n = read(w->fd, si, sizeof(si));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		for (i = 0; i < n / (ssize_t)sizeof(si[0]); i++)
			on_signal(si[i].ssi_signo);
	}
	if (n < 0 && errno != EAGAIN)
		log_msg("warning: reading signals: %s", strerror(errno));
}

/* Idempotent, so that a failure part way can simply be retried. */
static int
loop_setup(void)
{
	sigset_t all;

	sigfillset(&all);
	if (sig_watch.fd < 0)
		sig_watch.fd = signalfd(-1, &all, SFD_NONBLOCK | SFD_CLOEXEC);
	if (sig_watch.fd < 0 || loop_init() < 0)
		return -1;
	if (!sig_watch.ready) {
		sig_watch.ready = signals_ready;
		if (loop_add(&sig_watch) < 0) {
			sig_watch.ready = NULL;
			return -1;
		}
	}
	return services_init();
}

noreturn void
stage2_main(void)
{
	struct boot_args args;
	char up[32], err[256];
	sigset_t all;

	/* Blocked from the start: a signal sent now waits for the signalfd. */
	sigfillset(&all);
	if (sigprocmask(SIG_BLOCK, &all, NULL) < 0)
		log_msg("warning: blocking signals: %s", strerror(errno));
	console_init();
	log_msg("stage 2 start at %s", uptime_str(up, sizeof(up)));
	early_mounts();
	if (cmdline_read(&args, err, sizeof(err)) < 0)
		log_msg("warning: kernel command line: %s", err);
	console_set_debug(args.debug);
	sysctl_apply_baseline();
	/* Ctrl-alt-del then sends SIGINT here instead of rebooting at once. */
	if (reboot(RB_DISABLE_CAD) < 0)
		log_msg("warning: cannot disable ctrl-alt-del: %s", strerror(errno));
	while (loop_setup() < 0) {
		log_msg("warning: event loop setup failed: %s; retrying in 1 s", strerror(errno));
		sleep_ms(1000);
	}
	powerkey_watch(power_pressed);
	services_start();
	for (;;)
		loop_run_once();
}
