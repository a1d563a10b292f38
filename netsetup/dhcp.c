/* SPDX-License-Identifier: MIT */
/* DHCPv4: a keeper process per interface that runs dhcpcd, whose hook (lease.c) applies its
 * leases. */
#include <errno.h>
#include <fcntl.h>
#include <linux/rtnetlink.h>
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

#include "netsetup.h"

#define DHCPCD "/usr/sbin/dhcpcd"
#define HOOK_PATH RUN_DIR "/" NS_DHCP_HOOK
#define BACKOFF_MIN_S 1
#define BACKOFF_MAX_S 60
#define HEALTHY_RUN_S 60 /* a client that ran this long restarts without delay */

static volatile sig_atomic_t stopping;
static volatile pid_t client;

static void
on_stop(int sig)
{
	(void)sig;
	stopping = 1;
	if (client > 0)
		kill(client, SIGTERM);
}

static int
state_path(char *buf, size_t size, const char *ifname, const char *what)
{
	int n = snprintf(buf, size, "%s/dhcp-%s.%s", RUN_DIR, ifname, what);

	return n < 0 || (size_t)n >= size ? -1 : 0;
}

/* The hook is this program under the name NS_DHCP_HOOK: dhcpcd runs its
 * --script program with no arguments. A symlink made at start
 * works whatever path netsetup was installed or built at. */
static int
hook_link(void)
{
	char self[4096], tmp[] = HOOK_PATH ".tmp";
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n < 0)
		return -1;
	self[n] = '\0';
	if ((unlink(tmp) < 0 && errno != ENOENT) || symlink(self, tmp) < 0)
		return -1;
	return rename(tmp, HOOK_PATH);
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

/* dhcpcd only talks DHCP: --noconfigure leaves addresses, routes and
 * resolv.conf to the hook, which is netsetup. In the foreground (-B) for
 * the keeper, IPv4 only, no IPv4LL, no ARP probe and no random delay at
 * start (as udhcpc before it, so a boot waits no seconds more), no config
 * file but these options, retrying for ever (-t 0); stopping, it leaves the
 * lease alone (-p). The client id is the MAC (-I ""), as udhcpc's was, so
 * servers' reservations still match; no vendor class (-i ""), which would
 * name the OS and kernel. */
static pid_t
client_spawn(const char *ifname, bool dns, const sigset_t *unblocked)
{
	/* clang-format off */
	char *argv[] = {"dhcpcd", "-B", "-4", "-L", "-A", "-p", "--noconfigure",
		"--nodelay", "--nodev", "-f", "/dev/null", "-t", "0", "-I", "", "-i", "",
		"-o", "domain_name_servers", "-o", "domain_name",
		"-o", "domain_search", "-o", "interface_mtu",
		/* dhcpcd clears the hook's environment but for what -e adds. */
		"-e", dns ? NS_DHCP_ENV_DNS "=1" : NS_DHCP_ENV_DNS "=0",
		"-c", HOOK_PATH, (char *)ifname, NULL};
	/* clang-format on */
	pid_t keeper = getpid(), pid = fork();

	/* A process group of its own, set on both sides of the fork so that
	 * it exists whichever runs first: see client_reap. */
	if (pid > 0)
		setpgid(pid, pid);
	if (pid != 0)
		return pid;
	/* The client goes with its keeper, so a restarted keeper never
	 * finds an orphaned dhcpcd still holding the interface. */
	if (setpgid(0, 0) < 0 || prctl(PR_SET_PDEATHSIG, SIGTERM) < 0 || getppid() != keeper)
		_exit(111);
	sigprocmask(SIG_SETMASK, unblocked, NULL);
	execv(DHCPCD, argv);
	printf("netsetup: %s: exec %s: %s\n", ifname, DHCPCD, strerror(errno));
	_exit(127);
}

/* dhcpcd forks helpers (privilege separation), which outlive a dhcpcd
 * killed by a signal: one of them, root, would stay for good. They are in
 * its process group, which goes once dhcpcd has exited. */
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

/* The keeper: runs dhcpcd, restarts it with backoff when it exits, and
 * stops it on SIGTERM. It holds the lock on its pid file while it lives. */
static void keeper(int lockfd, const char *ifname, bool dns) __attribute__((noreturn));

static void
keeper(int lockfd, const char *ifname, bool dns)
{
	struct sigaction sa = {.sa_handler = on_stop};
	sigset_t term, old;
	char pid[24];
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
		printf("netsetup: %s: write pid file: %s\n", ifname, strerror(errno));
	/* dhcpcd keeps its last lease in /var/lib/dhcpcd, which it makes, to
	 * ask for the same address after a reboot; a new data partition has
	 * no /var/lib yet. */
	if (mkdir("/var/lib", 0755) < 0 && errno != EEXIST)
		printf("netsetup: %s: /var/lib: %s\n", ifname, strerror(errno));
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGHUP, SIG_IGN);
	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	sigaddset(&term, SIGINT);
	while (!stopping) {
		/* Blocked until client is set, so a SIGTERM in between is
		 * not lost on a client the handler does not know yet. */
		sigprocmask(SIG_BLOCK, &term, &old);
		started = now_s();
		client = client_spawn(ifname, dns, &old);
		sigprocmask(SIG_SETMASK, &old, NULL);
		if (client < 0)
			printf("netsetup: %s: start dhcpcd: %s\n", ifname, strerror(errno));
		if (client > 0)
			client_reap(client);
		client = 0;
		if (stopping)
			break;
		if (now_s() - started >= HEALTHY_RUN_S)
			backoff = BACKOFF_MIN_S;
		printf("netsetup: %s: dhcpcd exited, restarting in %u s\n", ifname, backoff);
		sleep(backoff); /* a SIGTERM cuts it short */
		backoff = backoff * 2 > BACKOFF_MAX_S ? BACKOFF_MAX_S : backoff * 2;
	}
	_exit(0);
}

/* Starts the keeper for ifname unless one runs: its lock says so. The
 * keeper is detached twice (setsid, second fork) so that it outlives
 * netsetup, which init waits for, and is reparented to init. */
static void
dhcp_start(const char *ifname, bool dns)
{
	char pidfile[128];
	pid_t pid;
	int fd, status;

	if (state_path(pidfile, sizeof(pidfile), ifname, "pid") < 0 ||
	    (mkdir(RUN_DIR, 0755) < 0 && errno != EEXIST)) {
		ns_failed("%s: DHCP: %s: %s", ifname, RUN_DIR, strerror(errno));
		return;
	}
	fd = open(pidfile, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0 || flock(fd, LOCK_EX | LOCK_NB) < 0) {
		if (fd < 0 || errno != EWOULDBLOCK)
			ns_failed("%s: DHCP: %s: %s", ifname, pidfile, strerror(errno));
		if (fd >= 0)
			close(fd);
		return;
	}
	if (ns_dry_run) {
		close(fd);
		ns_changed("%s: would start DHCP client", ifname);
		return;
	}
	if (hook_link() < 0) {
		ns_failed("%s: DHCP: link %s: %s", ifname, HOOK_PATH, strerror(errno));
		close(fd);
		return;
	}
	/* Unflushed output would be printed again by the children. */
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid == 0) {
		if (setsid() < 0 || fork() != 0)
			_exit(0);
		keeper(fd, ifname, dns);
	}
	/* The keeper has its own descriptor of the locked file now. */
	close(fd);
	if (pid < 0 || waitpid(pid, &status, 0) < 0) {
		ns_failed("%s: DHCP: start keeper: %s", ifname, strerror(errno));
		return;
	}
	ns_changed("%s: started DHCP client (dhcpcd)", ifname);
}

void
ns_start_dhcp(const struct manifest *m, const struct nl_link *links)
{
	size_t i;

	for (i = 0; i < m->network.n_interfaces; i++)
		if (m->network.interfaces[i].dhcp && links[i].index)
			dhcp_start(links[i].name, ns_dns_from_dhcp(m));
}
