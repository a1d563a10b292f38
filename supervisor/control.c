/* SPDX-License-Identifier: MIT */
/* control.c: the control socket: root-only connections, one request and one
 * reply each, served from the supervisor's epoll loop without ever blocking. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <unistd.h>

#include "base/control.h"
#include "base/json.h"
#include "supervisor.h"

/* Replies are made at once, so a connection that has not sent its request
 * and read the reply within CLIENT_MS is stuck or hostile: it is dropped.
 * With at most MAX_CLIENTS at a time, the memory held for connections is
 * bounded by MAX_CLIENTS replies. When all are taken, a new connection
 * pushes out the oldest one that has not yet sent its request (see
 * free_slot), so that idle connections cannot lock root out. */
#define MAX_CLIENTS 16
#define CLIENT_MS 5000

struct ctl_client {
	int fd;
	struct watch w;
	struct timespec deadline;
	size_t inlen;
	char in[CONTROL_HEADER + CONTROL_MAX_REQUEST];
	char *out; /* the reply frame, once the request is read */
	size_t outlen, outoff;
};

static const char denied[] = "permission denied: root only";

/* Binds under a temporary name and renames it into place, so the path never
 * names a socket with a looser mode, nor a half-made one. */
static int
bind_atomic(struct sv *sv, int fd, const char *path, char *err, size_t errlen)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct stat st;
	int n = snprintf(sa.sun_path, sizeof sa.sun_path, "%s.%d.tmp", path, (int)getpid());

	if (n < 0 || (size_t)n >= sizeof sa.sun_path) {
		snprintf(err, errlen, "%s: path too long for a socket", path);
		return -1;
	}
	(void)unlink(sa.sun_path);
	mode_t old = umask(077);
	int r = bind(fd, (struct sockaddr *)&sa, sizeof sa);
	umask(old);
	if (r < 0 || chmod(sa.sun_path, 0600) < 0 || stat(sa.sun_path, &st) < 0 ||
	    rename(sa.sun_path, path) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		(void)unlink(sa.sun_path);
		return -1;
	}
	sv->ctl_dev = st.st_dev;
	sv->ctl_ino = st.st_ino;
	return 0;
}

int
control_open(struct sv *sv, const char *path, char *err, size_t errlen)
{
	char dir[sizeof((struct sockaddr_un *)0)->sun_path];
	int n = snprintf(dir, sizeof dir, "%s", path);
	char *slash = strrchr(dir, '/');

	if (n < 0 || (size_t)n >= sizeof dir) {
		snprintf(err, errlen, "%s: path too long for a socket", path);
		return -1;
	}
	if (slash && slash != dir) {
		*slash = '\0';
		if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
			snprintf(err, errlen, "%s: %s", dir, strerror(errno));
			return -1;
		}
	}
	sv->ctl_path = path;
	sv->clients = calloc(MAX_CLIENTS, sizeof *sv->clients);
	sv->ctl_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	sv->ctl_timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (!sv->clients || sv->ctl_fd < 0 || sv->ctl_timerfd < 0) {
		snprintf(err, errlen, "control socket: %s", strerror(errno));
		return -1;
	}
	for (int i = 0; i < MAX_CLIENTS; i++)
		sv->clients[i] = (struct ctl_client){.fd = -1};
	if (bind_atomic(sv, sv->ctl_fd, path, err, errlen) < 0)
		return -1;
	sv->w_ctl = (struct watch){.kind = W_CONTROL};
	sv->w_ctl_timer = (struct watch){.kind = W_CONTROL_TIMER};
	if (listen(sv->ctl_fd, MAX_CLIENTS) < 0 || sv_watch(sv, sv->ctl_fd, &sv->w_ctl) < 0 ||
	    sv_watch(sv, sv->ctl_timerfd, &sv->w_ctl_timer) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* Removes the path only if it is still ours: a newer supervisor may have
 * renamed its own socket over it. */
void
control_close(struct sv *sv)
{
	struct stat st;

	if (sv->ctl_fd < 0)
		return;
	if (stat(sv->ctl_path, &st) == 0 && st.st_ino == sv->ctl_ino && st.st_dev == sv->ctl_dev)
		(void)unlink(sv->ctl_path);
	sv_unwatch(sv, &sv->ctl_fd);
}

static void
client_drop(struct sv *sv, struct ctl_client *cl)
{
	sv_unwatch(sv, &cl->fd);
	free(cl->out);
	*cl = (struct ctl_client){.fd = -1};
}

static bool
ts_before(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec < b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

/* Arms the timer for the oldest connection's deadline, or disarms it. */
static void
timer_update(struct sv *sv)
{
	struct itimerspec it = {0};
	bool any = false;

	for (int i = 0; i < MAX_CLIENTS; i++) {
		const struct timespec *d = &sv->clients[i].deadline;
		if (sv->clients[i].fd < 0)
			continue;
		if (!any || ts_before(d, &it.it_value))
			it.it_value = *d;
		any = true;
	}
	(void)timerfd_settime(sv->ctl_timerfd, TFD_TIMER_ABSTIME, &it, NULL);
}

static void
on_timer(struct sv *sv)
{
	struct timespec now;
	uint64_t ticks;

	if (read(sv->ctl_timerfd, &ticks, sizeof ticks) != sizeof ticks)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	for (int i = 0; i < MAX_CLIENTS; i++) {
		struct ctl_client *cl = &sv->clients[i];
		if (cl->fd >= 0 && !ts_before(&now, &cl->deadline)) {
			sv_say("control: a connection took more than %d ms: dropped", CLIENT_MS);
			client_drop(sv, cl);
		}
	}
	timer_update(sv);
}

/* Writes what the socket takes now; the rest when epoll says it can. */
static void
client_write(struct sv *sv, struct ctl_client *cl)
{
	while (cl->outoff < cl->outlen) {
		ssize_t w = send(cl->fd, cl->out + cl->outoff, cl->outlen - cl->outoff,
				 MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno == EAGAIN) {
			struct epoll_event ev = {.events = EPOLLOUT, .data.ptr = &cl->w};
			if (epoll_ctl(sv->epfd, EPOLL_CTL_MOD, cl->fd, &ev) < 0)
				client_drop(sv, cl);
			return;
		}
		if (w < 0) {
			client_drop(sv, cl);
			return;
		}
		cl->outoff += (size_t)w;
	}
	client_drop(sv, cl);
}

static void
client_reply(struct sv *sv, struct ctl_client *cl, enum control_status st, const char *body,
	     size_t len)
{
	cl->out = control_reply_encode(st, body, len, &cl->outlen);
	if (!cl->out) {
		static const char big[] = "the reply does not fit (out of memory or too large)";
		cl->out = control_reply_encode(CONTROL_ERROR, big, sizeof big - 1, &cl->outlen);
	}
	if (!cl->out) {
		client_drop(sv, cl);
		return;
	}
	cl->outoff = 0;
	client_write(sv, cl);
}

/* Appended to a reply when the operator's stop or start could not be
 * recorded on disk (stopstate.c). */
static void
note_unrecorded(int err, bool held, char *msg, size_t len)
{
	size_t n = strlen(msg);
	if (!err)
		return;
	snprintf(msg + n, len - n,
		 "; warning: not recorded on disk (%s): it will %s after a "
		 "supervisor restart",
		 strerror(err), held ? "start again" : "stay stopped");
}

/* errno of a failed stopstate_set(), or 0. */
static int
record(struct sv *sv, struct instance *c, bool held)
{
	return stopstate_set(sv, c, held) < 0 ? errno : 0;
}

/* Each request handler writes its message and says whether it worked. */
static enum control_status
do_start(struct sv *sv, struct instance *c, char *msg, size_t len)
{
	/* An operator's start ends an unless-stopped container's hold, even
	 * one that is already starting. */
	int rec = record(sv, c, false);
	if (c->state != CS_STOPPED && c->state != CS_EXITED) {
		snprintf(msg, len, "%s is already %s", c->spec.name, cstate_str(c->state));
		note_unrecorded(rec, false, msg, len);
		return CONTROL_OK;
	}
	sv_say("control: start %s", c->spec.name);
	sv_event(sv, c, EV_START, 0);
	snprintf(msg, len, "%s: %s", c->spec.name, cstate_str(c->state));
	note_unrecorded(rec, false, msg, len);
	return CONTROL_OK;
}

static enum control_status
do_stop(struct sv *sv, struct instance *c, char *msg, size_t len)
{
	c->restart_requested = false;
	/* Recorded first: whatever state it is in, the operator wants it
	 * stopped, also after a supervisor restart or a reboot. */
	int rec = record(sv, c, true);
	if (c->state == CS_STOPPED || c->state == CS_EXITED) {
		snprintf(msg, len, "%s is not running (%s)", c->spec.name, cstate_str(c->state));
		note_unrecorded(rec, true, msg, len);
		return CONTROL_OK;
	}
	sv_say("control: stop %s", c->spec.name);
	sv_event(sv, c, EV_STOP, 0);
	if (c->state == CS_STOPPING)
		snprintf(msg, len, "%s: stopping with SIG%s, SIGKILL after %llu ms", c->spec.name,
			 sigabbrev_np(c->spec.m->stop_signal) ?: "?",
			 (unsigned long long)c->spec.m->stop_grace_ms);
	else
		snprintf(msg, len, "%s: %s", c->spec.name, cstate_str(c->state));
	note_unrecorded(rec, true, msg, len);
	return CONTROL_OK;
}

/* Stop, then start once stopped: restart.c starts it again when the
 * stopping container's PID 1 is reaped. */
static enum control_status
do_restart(struct sv *sv, struct instance *c, char *msg, size_t len)
{
	if (c->state == CS_WAITING) {
		snprintf(msg, len, "%s is waiting for its dependencies", c->spec.name);
		return CONTROL_OK;
	}
	sv_say("control: restart %s", c->spec.name);
	int rec = record(sv, c, false);
	c->restart_requested = true;
	if (c->state != CS_STOPPING)
		sv_event(sv, c, EV_STOP, 0);
	if (c->state == CS_STOPPED || c->state == CS_EXITED)
		sv_event(sv, c, EV_START, 0);
	snprintf(msg, len, "%s: restarting (%s)", c->spec.name, cstate_str(c->state));
	note_unrecorded(rec, false, msg, len);
	return CONTROL_OK;
}

static enum control_status
do_power(struct sv *sv, int sig, char *msg, size_t len)
{
	const char *what = sig == SIGUSR2 ? "poweroff" : "reboot";
	size_t up = 0;

	for (size_t i = 0; i < sv->n; i++)
		up += sv_is_up(&sv->c[i]);
	sv_say("control: %s: stopping all containers, then signalling pid %d", what,
	       (int)sv->init_pid);
	sv->power_signal = sig;
	sv_stop_all(sv);
	snprintf(msg, len, "%s: stopping %zu running containers, then asking init", what, up);
	return CONTROL_OK;
}

static const struct verb {
	const char *name;
	enum control_status (*run)(struct sv *sv, struct instance *c, char *msg, size_t len);
	int power_signal; /* reboot, poweroff: no name, no run */
} verbs[] = {
    {"start", do_start, 0},    {"stop", do_stop, 0},	    {"restart", do_restart, 0},
    {"reboot", NULL, SIGTERM}, {"poweroff", NULL, SIGUSR2},
};

/* "status": the whole document; "status manifest": what an apply is
 * followed by, small enough to ask for often (apply.c). */
static void
reply_status(struct sv *sv, struct ctl_client *cl, bool brief)
{
	struct json j;

	json_init(&j);
	if (brief)
		apply_brief_json(sv, &j);
	else
		status_to_json(sv, &j);
	if (json_finish(&j) < 0) {
		static const char oom[] = "status: out of memory";
		client_reply(sv, cl, CONTROL_ERROR, oom, sizeof oom - 1);
	} else {
		client_reply(sv, cl, CONTROL_OK, j.buf, j.len);
	}
	json_free(&j);
}

/* "stats [NAME]": figures read now (stats.c); berthctl asks twice for
 * CPU percentages, so the supervisor never waits or keeps samples. */
static void
reply_stats(struct sv *sv, struct ctl_client *cl, const char *name)
{
	static const char oom[] = "stats: out of memory";
	char err[160];
	struct json j;

	json_init(&j);
	if (stats_to_json(sv, &j, name, err, sizeof err) < 0)
		client_reply(sv, cl, CONTROL_ERROR, err, strlen(err));
	else if (json_finish(&j) < 0)
		client_reply(sv, cl, CONTROL_ERROR, oom, sizeof oom - 1);
	else
		client_reply(sv, cl, CONTROL_OK, j.buf, j.len);
	json_free(&j);
}

static void
handle(struct sv *sv, struct ctl_client *cl, const struct control_request *rq)
{
	enum control_status st = CONTROL_ERROR;
	const struct verb *v = NULL;
	struct instance *c = NULL;
	char msg[512];

	for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++)
		if (strcmp(rq->verb, verbs[i].name) == 0)
			v = &verbs[i];
	if (strcmp(rq->verb, "status") == 0 && (!rq->arg[0] || !strcmp(rq->arg, "manifest"))) {
		reply_status(sv, cl, rq->arg[0] != '\0');
		return;
	}
	if (strcmp(rq->verb, "stats") == 0) {
		reply_stats(sv, cl, rq->arg);
		return;
	}
	if (strcmp(rq->verb, "apply") == 0 || strcmp(rq->verb, "confirm") == 0) {
		struct ucred cr = {0};
		socklen_t crlen = sizeof cr;
		getsockopt(cl->fd, SOL_SOCKET, SO_PEERCRED, &cr, &crlen);
		if (sv->shutting_down)
			snprintf(msg, sizeof msg, "the supervisor is shutting down");
		else
			st = rq->verb[0] == 'a' ? apply_request(sv, cr.uid, rq->arg, msg, sizeof msg)
						: apply_confirm(sv, msg, sizeof msg);
		client_reply(sv, cl, st, msg, strlen(msg));
		return;
	}
	if (!v)
		snprintf(msg, sizeof msg, "unknown request \"%s\"", rq->verb);
	else if (v->run && !rq->arg[0])
		snprintf(msg, sizeof msg, "%s: no container named", rq->verb);
	else if (!v->run && rq->arg[0])
		snprintf(msg, sizeof msg, "%s takes no argument", rq->verb);
	else if (sv->shutting_down)
		snprintf(msg, sizeof msg, "the supervisor is shutting down%s",
			 sv->power_signal == SIGUSR2   ? " (poweroff)"
			 : sv->power_signal == SIGTERM ? " (reboot)"
						       : "");
	else if (v->run && !(c = sv_find(sv, rq->arg)))
		snprintf(msg, sizeof msg, "no container named \"%s\"", rq->arg);
	else if (v->run)
		st = v->run(sv, c, msg, sizeof msg);
	else
		st = do_power(sv, v->power_signal, msg, sizeof msg);
	client_reply(sv, cl, st, msg, strlen(msg));
}

static void
client_read(struct sv *sv, struct ctl_client *cl)
{
	struct control_request rq;
	ssize_t total, r;

	for (;;) {
		r = read(cl->fd, cl->in + cl->inlen, sizeof cl->in - cl->inlen);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && errno == EAGAIN)
			return;
		if (r <= 0) {
			client_drop(sv, cl);
			return;
		}
		cl->inlen += (size_t)r;
		total = control_frame_size(cl->in, cl->inlen, CONTROL_MAX_REQUEST);
		if (total < 0 || (total > 0 && cl->inlen >= (size_t)total))
			break;
	}
	/* From here on only the reply matters: the fd is watched for EPOLLOUT
	 * alone, so a client that keeps sending cannot keep the loop busy. */
	struct epoll_event ev = {.events = EPOLLOUT, .data.ptr = &cl->w};
	if (epoll_ctl(sv->epfd, EPOLL_CTL_MOD, cl->fd, &ev) < 0) {
		client_drop(sv, cl);
		return;
	}
	if (total < 0 || control_request_parse(cl->in + CONTROL_HEADER,
					       (size_t)total - CONTROL_HEADER, &rq) < 0) {
		static const char bad[] = "malformed request";
		client_reply(sv, cl, CONTROL_ERROR, bad, sizeof bad - 1);
		return;
	}
	handle(sv, cl, &rq);
}

/* Refused peers get one reply, written without waiting (it fits in any
 * fresh socket's buffer), and are closed. */
static void
refuse(int fd, const char *why)
{
	size_t n;
	char *f = control_reply_encode(CONTROL_ERROR, why, strlen(why), &n);

	if (f)
		(void)send(fd, f, n, MSG_NOSIGNAL | MSG_DONTWAIT);
	free(f);
	close(fd);
}

/* A free slot; else the slot of the oldest connection still waiting for
 * its request, dropped to make room; else -1 (every one is being served,
 * which takes no time: the caller refuses with "busy"). */
static int
free_slot(struct sv *sv)
{
	int oldest = -1;

	for (int i = 0; i < MAX_CLIENTS; i++) {
		const struct ctl_client *cl = &sv->clients[i];
		if (cl->fd < 0)
			return i;
		if (!cl->out && (oldest < 0 || ts_before(&cl->deadline, &sv->clients[oldest].deadline)))
			oldest = i;
	}
	if (oldest >= 0) {
		sv_say("control: %d connections open: dropped the oldest one, which had sent no "
		       "request",
		       MAX_CLIENTS);
		client_drop(sv, &sv->clients[oldest]);
	}
	return oldest;
}

static void
on_accept(struct sv *sv)
{
	int fd, i;

	while ((fd = accept4(sv->ctl_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
		struct ucred cr = {.pid = 0, .uid = (uid_t)-1};
		socklen_t crlen = sizeof cr;

		/* The credentials are the peer's at connect(), not the file
		 * mode's guess: a socket made reachable by mistake still
		 * refuses everyone but root. */
		if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &crlen) < 0 || cr.uid != 0) {
			sv_say("control: refused a connection from uid %d pid %d: root only",
			       (int)cr.uid, (int)cr.pid);
			refuse(fd, denied);
			continue;
		}
		if ((i = free_slot(sv)) < 0) {
			refuse(fd, "busy: too many control connections, try again");
			continue;
		}
		struct ctl_client *cl = &sv->clients[i];
		*cl = (struct ctl_client){.fd = fd, .w = {.kind = W_CONTROL_CLIENT}};
		clock_gettime(CLOCK_MONOTONIC, &cl->deadline);
		cl->deadline.tv_sec += CLIENT_MS / 1000;
		if (sv_watch(sv, fd, &cl->w) < 0) {
			client_drop(sv, cl);
			continue;
		}
		timer_update(sv);
	}
	if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED)
		sv_say("control: accept: %s", strerror(errno));
}

void
control_dispatch(struct sv *sv, struct watch *w, uint32_t events)
{
	struct ctl_client *cl;

	switch (w->kind) {
	case W_CONTROL:
		on_accept(sv);
		break;
	case W_CONTROL_TIMER:
		on_timer(sv);
		break;
	case W_CONTROL_CLIENT:
		cl = (struct ctl_client *)((char *)w - offsetof(struct ctl_client, w));
		if (cl->fd < 0)
			break;
		if (cl->out)
			client_write(sv, cl);
		else if (events & (EPOLLIN | EPOLLHUP | EPOLLERR))
			client_read(sv, cl);
		break;
	default:
		break;
	}
}

/* Once a reboot or poweroff has stopped every container, init is asked
 * for it; the supervisor then waits for init's SIGTERM, as in any
 * shutdown, rather than exit and be restarted by init in between. */
void
control_power(struct sv *sv)
{
	if (!sv->power_signal || sv->power_sent || !sv_all_down(sv))
		return;
	sv->power_sent = true;
	sv_say("all containers stopped: sending SIG%s to pid %d",
	       sigabbrev_np(sv->power_signal) ?: "?", (int)sv->init_pid);
	if (kill(sv->init_pid, sv->power_signal) < 0) {
		/* Nobody will stop us: exit, and let init decide. */
		sv_say("signal to pid %d: %s", (int)sv->init_pid, strerror(errno));
		sv->got_term = true;
	}
}
