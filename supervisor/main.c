/* SPDX-License-Identifier: MIT */
/* main.c: the supervisor's command line and its single-threaded epoll loop
 * over a signalfd, the containers' pidfds, timerfds and output pipes, and
 * the control socket. */
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "logconsole.h"
#include "base/control.h"
#include "logfwd.h"
#include "loghost.h"
#include "base/io.h"
#include "update/paths.h"
#include "supervisor.h"

void
sv_say(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	console_own(msg, strlen(msg));
	loghost_say(msg, strlen(msg));
}

static void __attribute__((noreturn, format(printf, 2, 3))) die(int code, const char *fmt, ...)
{
	va_list ap;

	fputs("supervisor: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(code);
}

int
sv_watch(struct sv *sv, int fd, struct watch *w)
{
	struct epoll_event ev = {.events = EPOLLIN, .data.ptr = w};
	return epoll_ctl(sv->epfd, EPOLL_CTL_ADD, fd, &ev);
}

/* Closing an fd removes it from the epoll set (no dup of it exists). */
void
sv_unwatch(struct sv *sv, int *fd)
{
	(void)sv;
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

int
sv_timer_arm(struct instance *c, uint64_t ms)
{
	struct itimerspec it = {.it_value = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000}};
	return timerfd_settime(c->timerfd, 0, &it, NULL);
}

static void
on_exec_pipe(struct sv *sv, struct instance *c)
{
	int r = spawn_read_exec_error(c);
	if (r < 0)
		return;
	sv_unwatch(sv, &c->execfd);
	/* A failure is told once, with the exit that follows it. */
	if (r == 0)
		sv_event(sv, c, EV_EXEC_OK, 0);
}

/* The container's PID 1 ended with status (waitpid's, or
 * LIVE_STATUS_UNKNOWN). PID 1 of a pid namespace is reaped only after
 * every other process of it: the pipes hold all the output there will be,
 * and the exec report, if any, is already written. Drain them first so
 * the exit message comes after the container's last line. */
void
sv_child_exited(struct sv *sv, struct instance *c, int status)
{
	if (c->execfd >= 0)
		on_exec_pipe(sv, c);
	out_read(sv, c, &c->out);
	out_read(sv, c, &c->err);
	c->adopted = false;
	spawn_close(sv, c);
	sv_event(sv, c, EV_EXIT, status);
	if (sv->shutting_down)
		sv_stop_all(sv);
}

static void
on_pidfd(struct sv *sv, struct instance *c)
{
	siginfo_t si = {0};

	while (waitid(P_PIDFD, (id_t)c->pidfd, &si, WEXITED) < 0) {
		if (errno == ECHILD && c->adopted) {
			live_gone(sv, c); /* init's child: init tells how it ended */
			return;
		}
		if (errno != EINTR) {
			sv_say("container %s: waitid: %s", c->spec.name, strerror(errno));
			return;
		}
	}
	sv_child_exited(sv, c,
			si.si_code == CLD_EXITED ? (si.si_status & 0xff) << 8 : si.si_status & 0x7f);
}

static void
on_signal(struct sv *sv)
{
	struct signalfd_siginfo si;
	ssize_t r = read(sv->sigfd, &si, sizeof si);
	if (r != sizeof si)
		return;
	if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT)
		sv->got_term = true;
	if ((si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT) && !sv->shutting_down) {
		sv_say("SIG%s: stopping all containers", sigabbrev_np((int)si.ssi_signo));
		sv_stop_all(sv);
	}
}

static void
dispatch(struct sv *sv, struct watch *w, uint32_t events)
{
	struct instance *c = w->c;
	uint64_t ticks;

	switch (w->kind) {
	case W_SIGNAL:
		on_signal(sv);
		break;
	case W_PIDFD:
		if (c->pidfd >= 0)
			on_pidfd(sv, c);
		break;
	case W_EXEC:
		if (c->execfd >= 0)
			on_exec_pipe(sv, c);
		break;
	case W_TIMER:
		if (read(c->timerfd, &ticks, sizeof ticks) != sizeof ticks)
			break;
		if (c->exit_wait)
			live_gone(sv, c);
		else
			sv_event(sv, c, EV_TIMER, 0);
		break;
	case W_OUT:
		out_read(sv, c, w == &c->out.w ? &c->out : &c->err);
		break;
	case W_HEALTH_TIMER:
		if (read(c->h_timerfd, &ticks, sizeof ticks) == sizeof ticks)
			health_on_timer(sv, c);
		break;
	case W_HEALTH_PIDFD:
		if (c->h_pidfd >= 0)
			health_on_exit(sv, c);
		break;
	case W_CONTROL:
	case W_CONTROL_TIMER:
	case W_CONTROL_CLIENT:
		control_dispatch(sv, w, events);
		break;
	case W_LOGFWD:
	case W_LOGFWD_TIMER:
		logfwd_dispatch(sv, w, events);
		break;
	case W_BLESS_TIMER:
		bless_on_timer(sv);
		break;
	case W_CONSOLE:
		console_flush();
		break;
	case W_OUT_TICK:
		out_tick(sv);
		break;
	case W_KMSG:
		loghost_kmsg(sv);
		break;
	case W_FDSTORE:
		if (sv->store_fd >= 0)
			live_dispatch(sv);
		break;
	case W_APPLY:
		apply_dispatch(sv, w);
		break;
	case W_AUTOUPDATE:
		autoupdate_dispatch(sv, w);
		break;
	case W_NETWAIT:
		if (sv->nw_fd >= 0)
			netwait_dispatch(sv);
		break;
	}
}

struct options {
	const char *manifest, *images, *cgroot, *control, *kmsg;
	const char *seccomp; /* the precompiled seccomp program (seccompfile.c) */
	char manifest_why[512]; /* why the override on /var is not in force */
	pid_t init_pid;
	struct sv_paths paths;
};

static void
usage(void)
{
	fputs("usage: supervisor [--manifest FILE] [--images DIR] [--cgroup-root DIR] [--run-dir "
	      "DIR]\n"
	      "                  [--volumes DIR] [--data-dir DIR] [--resolv-conf FILE]\n"
	      "                  [--control SOCKET] [--init-pid PID] [--log-dir DIR]\n"
	      "                  [--spool-dir DIR] [--kmsg FILE|none] [--state-dir DIR]\n"
	      "                  [--override FILE] [--netsetup PATH|none] [--seccomp FILE]\n"
	      "       supervisor --seccomp-export FILE\n",
	      stderr);
	exit(2);
}

/* The image build's step (image/stage-rootfs): nothing else runs. */
static _Noreturn void
export_seccomp(const char *path)
{
	char err[PATH_MAX + 200];

	if (sc_default_export(path, err, sizeof err) < 0) {
		fprintf(stderr, "supervisor: %s\n", err);
		exit(1);
	}
	exit(0);
}

static void
parse_args(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
	    {"manifest", required_argument, NULL, 'm'},
	    {"images", required_argument, NULL, 'i'},
	    {"cgroup-root", required_argument, NULL, 'c'},
	    {"run-dir", required_argument, NULL, 'r'},
	    {"volumes", required_argument, NULL, 'v'},
	    {"data-dir", required_argument, NULL, 'd'},
	    {"resolv-conf", required_argument, NULL, 'n'},
	    {"control", required_argument, NULL, 's'},
	    {"init-pid", required_argument, NULL, 'p'},
	    {"log-dir", required_argument, NULL, 'l'},
	    {"spool-dir", required_argument, NULL, 'S'},
	    {"kmsg", required_argument, NULL, 'k'},
	    {"state-dir", required_argument, NULL, 't'},
	    {"override", required_argument, NULL, 'o'},
	    {"netsetup", required_argument, NULL, 'N'},
	    {"seccomp", required_argument, NULL, 'C'},
	    {"seccomp-export", required_argument, NULL, 'E'},
	    {0},
	};
	int opt;
	char *end;

	*o = (struct options){
	    .images = "/usr/share/berth/images",
	    .cgroot = "/sys/fs/cgroup/berth",
	    .control = CONTROL_SOCKET,
	    .kmsg = "/dev/kmsg",
	    .init_pid = 1,
	    .paths = {VOLUME_DIR, BIND_DIR, "/run/berth/resolv.conf", "/run/berth/rootfs",
		      "/var/log/berth", "/var/lib/berth/spool", "/var/lib/berth/state"},
	};
	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (opt) {
		case 'm':
			o->manifest = optarg;
			break;
		case 'i':
			o->images = optarg;
			break;
		case 'c':
			o->cgroot = optarg;
			break;
		case 'r':
			o->paths.rundir = optarg;
			break;
		case 'v':
			o->paths.volumes = optarg;
			break;
		case 'd':
			o->paths.data = optarg;
			break;
		case 'n':
			o->paths.resolv_conf = optarg;
			break;
		case 's':
			o->control = optarg;
			break;
		case 'l':
			o->paths.logdir = optarg;
			break;
		case 'S':
			o->paths.spooldir = optarg;
			break;
		case 'k':
			o->kmsg = optarg;
			break;
		case 't':
			o->paths.state = optarg;
			break;
		case 'o':
			o->paths.override = optarg;
			break;
		case 'N':
			o->paths.netsetup = optarg;
			break;
		case 'C':
			o->seccomp = optarg;
			break;
		case 'E':
			export_seccomp(optarg);
			break;
		case 'p':
			/* Tests only: their supervisor is PID 1 of a pid namespace. */
			errno = 0;
			long pid = strtol(optarg, &end, 10);
			if (errno || end == optarg || *end || pid < 1 || pid > INT32_MAX)
				usage();
			o->init_pid = (pid_t)pid;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	/* --manifest names the image's manifest (tests); the override on /var
	 * wins while its seal holds, by default only on a host. */
	if (!o->manifest) {
		o->manifest = MANIFEST_BAKED;
		if (!o->paths.override)
			o->paths.override = MANIFEST_OVERRIDE;
	}
	o->paths.baked = o->manifest;
	o->paths.images = o->images;
	if (!o->paths.netsetup)
		o->paths.netsetup = "/usr/lib/berth/netsetup";
	if (!o->seccomp)
		o->seccomp = SECCOMP_FILE;
	o->paths.in_force = o->paths.override ? manifest_choose(o->paths.override, o->manifest,
								 o->manifest_why,
								 sizeof o->manifest_why)
					      : o->manifest;
	o->manifest = o->paths.in_force;
}

/* A log file that cannot be opened is told, never fatal: the console copy
 * and the forward targets still get the lines. */
static void
setup_logs(struct sv *sv)
{
	const struct logging_cfg *lc = &sv->manifest.logging;

	char dir[PATH_MAX];

	/* On a first boot the data partition is empty: /var/log is not there. */
	snprintf(dir, sizeof dir, "%s", sv->paths.logdir);
	if (io_mkdir_p(dir, 0755) < 0)
		sv_say("log dir %s: %s", sv->paths.logdir, strerror(errno));
	for (size_t i = 0; i < sv->n; i++) {
		struct instance *c = &sv->c[i];
		if (logfile_open(&c->log, sv->paths.logdir, c->spec.name, lc->max_size,
				 lc->max_files) < 0)
			sv_say("container %s: log file in %s: %s", c->spec.name, sv->paths.logdir,
			       strerror(errno));
	}
}

static void
setup_containers(struct sv *sv)
{
	setup_logs(sv);
	for (size_t i = 0; i < sv->n; i++) {
		struct instance *c = &sv->c[i];
		c->state = CS_WAITING;
		c->pidfd = c->execfd = c->cgfd = c->out.fd = c->err.fd = -1;
		c->h_timerfd = c->h_pidfd = c->h_outfd = -1;
		c->w_htimer = (struct watch){W_HEALTH_TIMER, c};
		c->w_hpidfd = (struct watch){W_HEALTH_PIDFD, c};
		c->w_pidfd = (struct watch){W_PIDFD, c};
		c->w_exec = (struct watch){W_EXEC, c};
		c->w_timer = (struct watch){W_TIMER, c};
		c->out.w = (struct watch){W_OUT, c};
		c->err.w = (struct watch){W_OUT, c};
		c->timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
		if (c->timerfd < 0 || sv_watch(sv, c->timerfd, &c->w_timer) < 0)
			die(111, "timerfd: %s", strerror(errno));
		live_hash(c);
		if (c->spec.m->health.kind == HEALTH_NONE)
			continue;
		c->h_timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
		if (c->h_timerfd < 0 || sv_watch(sv, c->h_timerfd, &c->w_htimer) < 0)
			die(111, "timerfd: %s", strerror(errno));
	}
}

/* Each container holds about 6 of the supervisor's descriptors (pidfd,
 * timerfds, pipes, cgroup, log file): the usual soft limit of 1024 stops
 * at about 120 containers. The containers get the limits the supervisor
 * was started with back, right before their exec (spawn.c, child_nofile). */
#define NOFILE_WANT 65536

static void
raise_nofile(struct sv *sv)
{
	if (getrlimit(RLIMIT_NOFILE, &sv->nofile) < 0)
		die(111, "getrlimit: %s", strerror(errno));
	struct rlimit r = sv->nofile;
	if (r.rlim_max < NOFILE_WANT)
		r.rlim_max = NOFILE_WANT;
	r.rlim_cur = r.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &r) == 0)
		return;
	r.rlim_cur = r.rlim_max = sv->nofile.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &r) < 0)
		sv_say("warning: RLIMIT_NOFILE stays at %llu: %s",
		       (unsigned long long)sv->nofile.rlim_cur, strerror(errno));
}

/* Said once host.log is open, which needs the manifest's logging. */
static void
say_manifest(const struct options *o)
{
	if (o->manifest_why[0])
		sv_say("manifest: ignoring %s: %s; running the image's manifest %s",
		       o->paths.override, o->manifest_why, o->paths.baked);
}

static void
setup(struct sv *sv, const struct options *o)
{
	char err[512];
	sigset_t mask;

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0)
		die(111, "sigprocmask: %s", strerror(errno));
	signal(SIGPIPE, SIG_IGN);
	console_open();
	raise_nofile(sv);
	if (spec_load(sv, o->manifest, o->images) < 0)
		exit(1);
	if (sc_default_prepare(o->seccomp, err, sizeof err) < 0)
		die(111, "%s", err);
	if ((sv->cgroot_fd = cg_root_open(o->cgroot, err, sizeof err)) < 0)
		die(111, "%s", err);
	if (mkdir(o->paths.rundir, 0700) < 0 && errno != EEXIST)
		die(111, "%s: %s", o->paths.rundir, strerror(errno));
	sv->cgroot = o->cgroot;
	sv->paths = o->paths;
	if (sv->has_bridge) {
		sv->br = (struct bridge){.name = BRIDGE_NAME,
					 .subnet = sv->manifest.network.bridge.subnet,
					 .icc = sv->manifest.network.bridge.icc};
		if (sv->manifest.network.bridge.has_subnet6)
			sv->br.subnet6 = sv->manifest.network.bridge.subnet6;
		if (nl_open(&sv->nl) < 0)
			die(111, "rtnetlink: %s", sv->nl.err);
	}
	sv->devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	sv->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (sv->epfd >= 0)
		console_watch(sv);
	sv->sigfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	sv->w_signal = (struct watch){W_SIGNAL, NULL};
	if (sv->devnull < 0 || sv->epfd < 0 || sv->sigfd < 0 ||
	    sv_watch(sv, sv->sigfd, &sv->w_signal) < 0)
		die(111, "setup: %s", strerror(errno));
	setup_containers(sv);
	/* Containers an earlier run left are adopted, the rest killed,
	 * before anything starts. */
	live_open(sv);
	cg_sweep(sv);
	out_open(sv);
	stopstate_load(sv);
	logfwd_open(sv);
	loghost_open(sv, o->kmsg);
	say_manifest(o);
	sv->init_pid = o->init_pid;
	/* Only the host's supervisor, started by init, moves the host's
	 * processes into their protected cgroup. */
	cg_memory_setup(sv, sv->cgroot_fd, o->cgroot, o->init_pid == 1 && getppid() == 1);
	bless_open(sv);
	apply_open(sv);
	if (control_open(sv, o->control, err, sizeof err) < 0)
		die(111, "%s", err);
	autoupdate_init(sv);
	live_settle(sv);
}

/* An fd init gave, named by the environment variable var (removed), kept
 * from containers; -1 when there is none (started by a test, by hand) or
 * it is not an open descriptor (-2). */
int
sv_env_fd(const char *var)
{
	const char *v = getenv(var);
	char *end;
	long fd;

	if (!v)
		return -1;
	fd = strtol(v, &end, 10);
	unsetenv(var);
	if (*end || end == v || fd < 3 || fd > 1023 || fcntl((int)fd, F_SETFD, FD_CLOEXEC) < 0)
		return -2;
	return (int)fd;
}

int
main(int argc, char **argv)
{
	struct options o;
	struct sv sv = {0};
	struct epoll_event ev[32];

	int ready = sv_env_fd("BERTH_READY_FD");

	clock_gettime(CLOCK_MONOTONIC, &sv.begun);
	apply_set_argv(argv);
	parse_args(argc, argv, &o);
	setup(&sv, &o);
	sv_say("supervisor %s: %zu containers", BERTH_VERSION, sv.n);
	netwait_open(&sv, ready);
	sv_start_ready(&sv);
	console_flush();
	/* init's debug console waits for this, so that its prompt comes
	 * after the first containers' lines. */
	netwait_started(&sv);
	/* After a reboot or poweroff request, all down is not the end: init's
	 * SIGTERM is (see control_power). */
	while (!(sv.shutting_down && sv_all_down(&sv) && (!sv.power_signal || sv.got_term))) {
		int n = epoll_wait(sv.epfd, ev, 32, -1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			die(111, "epoll_wait: %s", strerror(errno));
		for (int i = 0; i < n; i++)
			dispatch(&sv, ev[i].data.ptr, ev[i].events);
		apply_progress(&sv);
		logfwd_kick(&sv); /* what the host's messages queued, too */
		console_flush();
		control_power(&sv);
	}
	control_close(&sv);
	live_close(&sv);
	logfwd_close(&sv);
	sv_say("all containers stopped");
	loghost_close(&sv);
	return 0;
}
