/* SPDX-License-Identifier: MIT */
/* Starts netsetup (bounded) and the supervisor side by side, then keeps the
 * supervisor and debug console running with backoff.
 *
 * The debug console starts once the supervisor says it has started its
 * first containers (a line on fd 3, s6's readiness notification), so that
 * its prompt comes after the boot messages instead of under them; or when
 * the supervisor exits, is not installed, or has said nothing within
 * CONSOLE_WAIT_MS of stage 2. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "console.h"
#include "fdstore.h"
#include "loop.h"
#include "service.h"
#include "spawn.h"
#include "util.h"

#define NETSETUP_LIMIT_MS 30000
#define BACKOFF_MIN_MS 1000
#define BACKOFF_MAX_MS 30000
#define BACKOFF_RESET_MS 60000 /* a run this long counts as healthy */
#define CONSOLE_WAIT_MS 15000
#define SAFE_PATH "PATH=/usr/sbin:/usr/bin:/sbin:/bin"

enum svc_state {
	SVC_ABSENT,  /* not installed */
	SVC_PENDING, /* waits for its turn: the supervisor waits for netsetup */
	SVC_RUNNING,
	SVC_BACKOFF, /* exited; its timer starts it again */
	SVC_DONE,    /* one-shot finished or given up on, or shutting down */
};

struct service {
	const char *name;
	const char *path;
	const char *marker; /* enables the service if present; else path does */
	char *const *argv;
	int respawn;
	int console;
	long long limit_ms; /* one-shot: killed after this long */
	enum svc_state state;
	pid_t pid;
	int starts;
	long long started_ms;
	long long backoff_ms;
	struct watch timer;
};

static char *const netsetup_argv[] = {"/usr/lib/berth/netsetup", NULL};
static char *const supervisor_argv[] = {"/usr/lib/berth/supervisor", NULL};
/* A leading '-' makes it a login shell, which reads /etc/profile. */
static char *const shell_argv[] = {"-sh", NULL};
static char *const env_plain[] = {SAFE_PATH, "HOME=/", NULL};
static char *const env_supervisor[] = {SAFE_PATH, "HOME=/", "BERTH_READY_FD=3",
				       "BERTH_FDSTORE_FD=4", NULL};
static char *const env_linux[] = {SAFE_PATH, "HOME=/", "TERM=linux", NULL};
static char *const env_vt100[] = {SAFE_PATH, "HOME=/", "TERM=vt100", NULL};

/* clang-format off */
static struct service services[SVC_COUNT] = {
	[SVC_NETSETUP] = {
		.name = "netsetup", .path = "/usr/lib/berth/netsetup",
		.argv = netsetup_argv, .limit_ms = NETSETUP_LIMIT_MS,
		.timer = { .fd = -1 },
	},
	[SVC_SUPERVISOR] = {
		.name = "supervisor", .path = "/usr/lib/berth/supervisor",
		.argv = supervisor_argv, .respawn = 1,
		.timer = { .fd = -1 },
	},
	[SVC_CONSOLE] = {
		.name = "debug console", .path = "/bin/sh",
		.marker = "/usr/lib/berth/debug-console", .argv = shell_argv,
		.respawn = 1, .console = 1,
		.timer = { .fd = -1 },
	},
};
/* clang-format on */
static int stopping;
static void on_ready(struct watch *w);
/* The read end of the supervisor's readiness pipe, while it is open. */
static struct watch ready = {.fd = -1, .ready = on_ready};

static void svc_start(struct service *s);

/* How netsetup ended, for the supervisor: a boot on trial is confirmed
 * only when it says "ok" (supervisor/reach.c). /run is a fresh tmpfs. */
#define NETSETUP_STATUS "/run/berth/netsetup"
static void
netsetup_status(const char *fmt, const char *what)
{
	char text[160];
	int fd, err;

	snprintf(text, sizeof(text), fmt, what);
	/* Made whole, then renamed: the supervisor never reads half of it. */
	if (mkdir("/run/berth", 0700) < 0 && errno != EEXIST)
		goto fail;
	fd = open(NETSETUP_STATUS ".tmp", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		goto fail;
	if (write_all(fd, text, strlen(text)) < 0) {
		err = errno;
		close_fd(fd);
		errno = err;
		goto fail;
	}
	if (close_fd(fd) < 0 || rename(NETSETUP_STATUS ".tmp", NETSETUP_STATUS) < 0)
		goto fail;
	return;
fail:
	log_msg("warning: %s: %s", NETSETUP_STATUS, strerror(errno));
}

/* A VGA console (tty0, tty1, ...) speaks "linux"; a serial one vt100. */
static char *const *
console_env(void)
{
	char active[128], *last;

	if (read_file("/sys/class/tty/console/active", active, sizeof(active)) < 0)
		return env_vt100;
	active[strcspn(active, "\n")] = '\0';
	last = strrchr(active, ' ');
	last = last ? last + 1 : active;
	if (!strncmp(last, "tty", 3) && last[3] >= '0' && last[3] <= '9')
		return env_linux;
	return env_vt100;
}

static const char *
status_str(int status, char *buf, size_t size)
{
	if (WIFEXITED(status))
		snprintf(buf, size, "exit status %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, size, "killed by signal %d, %s", WTERMSIG(status),
			 strsignal(WTERMSIG(status)));
	else
		snprintf(buf, size, "status %#x", status);
	return buf;
}

static void
svc_kick(enum svc_id id)
{
	if (services[id].state == SVC_PENDING)
		svc_start(&services[id]);
}

/*
 * Waits backoff_ms, then doubles it up to the cap; a healthy run resets it.
 * why says what happened, for the one line that also says what comes next.
 */
static void
svc_schedule(struct service *s, const char *why)
{
	long long delay;

	if (now_ms() - s->started_ms >= BACKOFF_RESET_MS)
		s->backoff_ms = BACKOFF_MIN_MS;
	delay = s->backoff_ms;
	s->backoff_ms = delay * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : delay * 2;
	s->state = SVC_BACKOFF;
	if (timer_arm(&s->timer, delay) < 0)
		log_msg("%s; cannot restart it, arming the timer failed: %s", why, strerror(errno));
	else
		log_msg("%s; restarting in %lld s", why, delay / 1000);
}

static void
svc_announce(struct service *s)
{
	char up[32];

	if (s == &services[SVC_SUPERVISOR])
		log_msg("supervisor started at %s", uptime_str(up, sizeof(up)));
	else if (s == &services[SVC_CONSOLE] && s->starts == 0)
		log_msg("debug console on /dev/console");
	else
		log_debug("%s started at %s (pid %d)", s->name, uptime_str(up, sizeof(up)),
			  (int)s->pid);
	s->starts++;
}

static void
ready_close(void)
{
	if (ready.fd < 0)
		return;
	if (loop_del(&ready) < 0)
		log_debug("readiness pipe: %s", strerror(errno));
	close_fd(ready.fd);
	ready.fd = -1;
}

/* The supervisor's readiness pipe: its read end is watched, its write end
 * becomes the supervisor's fd 3. Without one the console waits for its
 * timer instead. */
static int
ready_open(void)
{
	int p[2];

	ready_close();
	if (pipe2(p, O_CLOEXEC | O_NONBLOCK) < 0) {
		log_msg("warning: readiness pipe: %s", strerror(errno));
		return -1;
	}
	ready.fd = p[0];
	if (loop_add(&ready) < 0) {
		log_msg("warning: readiness pipe: %s", strerror(errno));
		close_fd(p[1]);
		ready_close();
		return -1;
	}
	return p[1];
}

/* A line, or the supervisor gone (EOF): either way the console may start. */
static void
on_ready(struct watch *w)
{
	char buf[16], up[32];
	ssize_t n = read(w->fd, buf, sizeof(buf));

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n > 0)
		log_msg("supervisor ready at %s", uptime_str(up, sizeof(up)));
	ready_close();
	svc_kick(SVC_CONSOLE);
}

static void
svc_start(struct service *s)
{
	struct spawn_opts o = {s->path, s->argv, env_plain, s->console, -1, -1};
	char why[300];

	if (s->console) {
		o.envp = console_env();
		if (timer_disarm(&s->timer) < 0)
			log_debug("%s: disarming its timer: %s", s->name, strerror(errno));
	}
	if (s == &services[SVC_SUPERVISOR]) {
		o.envp = env_supervisor;
		o.notify_fd = ready_open();
		o.store_fd = fdstore_connect();
	}
	s->started_ms = now_ms();
	s->pid = spawn(&o);
	if (o.notify_fd > 0)
		close_fd(o.notify_fd);
	if (o.store_fd > 0)
		close_fd(o.store_fd);
	if (s->pid < 0) {
		s->pid = 0;
		snprintf(why, sizeof(why), "cannot start %s (%s): %s", s->name, s->path,
			 strerror(errno));
		if (s->respawn) {
			svc_schedule(s, why);
		} else {
			log_msg("%s; carrying on", why);
			netsetup_status("failed: %s\n", why);
			s->state = SVC_DONE;
			svc_kick(SVC_SUPERVISOR);
		}
		return;
	}
	s->state = SVC_RUNNING;
	svc_announce(s);
	if (s->limit_ms && timer_arm(&s->timer, s->limit_ms) < 0)
		log_msg("warning: %s: no time limit: %s", s->name, strerror(errno));
}

/* A one-shot that overran its limit is killed and left behind. */
static void
svc_on_timer(struct watch *w)
{
	struct service *s = container_of(w, struct service, timer);

	timer_ack(w);
	if (stopping)
		return;
	if (s->state == SVC_BACKOFF || (s->state == SVC_PENDING && s->console)) {
		svc_start(s);
	} else if (s->state == SVC_RUNNING && s->limit_ms) {
		log_msg("%s still running after %lld s, killing it", s->name, s->limit_ms / 1000);
		netsetup_status("failed: still running after %s s, killed\n", "30");
		/* Its process group too: helpers it left hanging go with it. */
		if (kill(-s->pid, SIGKILL) < 0 && kill(s->pid, SIGKILL) < 0)
			log_msg("warning: killing %s: %s", s->name, strerror(errno));
		s->state = SVC_DONE;
		svc_kick(SVC_SUPERVISOR);
	}
}

static void
svc_exited(struct service *s, int status)
{
	char how[64], up[32], why[160];

	status_str(status, how, sizeof(how));
	if (s->state != SVC_RUNNING) {
		log_debug("%s ended (%s)", s->name, how);
		return;
	}
	if (stopping) {
		log_msg("%s stopped (%s)", s->name, how);
		s->state = SVC_DONE;
		return;
	}
	if (timer_disarm(&s->timer) < 0)
		log_msg("warning: %s: disarming its timer: %s", s->name, strerror(errno));
	if (s == &services[SVC_SUPERVISOR])
		svc_kick(SVC_CONSOLE);
	if (s->respawn) {
		snprintf(why, sizeof(why), "%s exited (%s) after %lld s", s->name, how,
			 (now_ms() - s->started_ms) / 1000);
		svc_schedule(s, why);
		return;
	}
	s->state = SVC_DONE;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		log_msg("%s finished at %s", s->name, uptime_str(up, sizeof(up)));
		netsetup_status("ok\n", NULL);
	} else {
		log_msg("%s failed (%s); carrying on", s->name, how);
		netsetup_status("failed: %s\n", how);
	}
	svc_kick(SVC_SUPERVISOR);
}

/* Called for every reaped child; orphans reparented to PID 1 match no
 * service, and the supervisor is told (they may be containers it adopted). */
void
services_reaped(pid_t pid, int status)
{
	int i;

	for (i = 0; i < SVC_COUNT; i++) {
		if (services[i].pid == pid) {
			services[i].pid = 0;
			svc_exited(&services[i], status);
			return;
		}
	}
	log_debug("reaped process %d", (int)pid);
	fdstore_reaped(pid, status);
}

int
services_init(void)
{
	int i;

	for (i = 0; i < SVC_COUNT; i++) {
		if (timer_init(&services[i].timer, svc_on_timer) < 0)
			return -1;
	}
	return 0;
}

/* Any error but "does not exist" counts as installed, so that starting it reports the error. */
static int
svc_installed(const struct service *s)
{
	return access(s->marker ? s->marker : s->path, F_OK) == 0 || errno != ENOENT;
}

void
services_start(void)
{
	int i;

	for (i = 0; i < SVC_COUNT; i++) {
		services[i].backoff_ms = BACKOFF_MIN_MS;
		services[i].state = svc_installed(&services[i]) ? SVC_PENDING : SVC_ABSENT;
	}
	if (services[SVC_NETSETUP].state == SVC_ABSENT) {
		log_msg("netsetup not installed, skipping");
		netsetup_status("failed: not installed\n", NULL);
	}
	if (services[SVC_SUPERVISOR].state == SVC_ABSENT)
		log_msg("supervisor not installed");
	if (services[SVC_SUPERVISOR].state == SVC_ABSENT)
		svc_kick(SVC_CONSOLE);
	else if (services[SVC_CONSOLE].state == SVC_PENDING &&
		 timer_arm(&services[SVC_CONSOLE].timer, CONSOLE_WAIT_MS) < 0)
		svc_kick(SVC_CONSOLE);
	/* Side by side: the supervisor starts the containers that need no
	 * network at once, and the others when this file no longer says
	 * "running" (supervisor/netwait.c). */
	if (services[SVC_NETSETUP].state == SVC_PENDING) {
		netsetup_status("running\n", NULL);
		svc_start(&services[SVC_NETSETUP]);
	}
	svc_kick(SVC_SUPERVISOR);
}

/* No more starts. An interactive shell ignores SIGTERM, so hang its session up. */
void
services_stop(void)
{
	struct service *s;
	int i;

	stopping = 1;
	for (i = 0; i < SVC_COUNT; i++) {
		s = &services[i];
		if (s->timer.fd >= 0 && timer_disarm(&s->timer) < 0)
			log_debug("%s: disarming its timer: %s", s->name, strerror(errno));
		if (s->state != SVC_RUNNING)
			s->state = SVC_DONE;
	}
	s = &services[SVC_CONSOLE];
	if (s->state == SVC_RUNNING && kill(-s->pid, SIGHUP) < 0)
		log_debug("hanging up the debug console: %s", strerror(errno));
}

pid_t
service_pid(enum svc_id id)
{
	return services[id].state == SVC_RUNNING ? services[id].pid : 0;
}
