/* SPDX-License-Identifier: MIT */
/* logfwd.c: forwarding to syslog receivers: one datagram per message over
 * UDP; over TCP a non-blocking connection in the epoll loop, reconnected
 * with capped backoff, fed from a bounded in-memory queue. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "logfwd.h"
#include "syslog.h"

#define BACKOFF_MIN_MS 100
#define BACKOFF_MAX_MS 5000
#define MSG_MAX (LOG_LINE_MAX + 1024) /* a line and its header */

static int
resolve(struct fwd_target *t)
{
	struct sockaddr_in *in = (struct sockaddr_in *)&t->addr;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&t->addr;

	memset(&t->addr, 0, sizeof t->addr);
	if (inet_pton(AF_INET, t->cfg->host, &in->sin_addr) == 1) {
		in->sin_family = AF_INET;
		in->sin_port = htons(t->cfg->port);
		t->addrlen = sizeof *in;
		return 0;
	}
	if (inet_pton(AF_INET6, t->cfg->host, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(t->cfg->port);
		t->addrlen = sizeof *in6;
		return 0;
	}
	return -1;
}

static void
set_events(struct sv *sv, struct fwd_target *t, bool out)
{
	struct epoll_event ev = {.events = EPOLLIN | (out ? EPOLLOUT : 0), .data.ptr = &t->w};
	if (epoll_ctl(sv->epfd, EPOLL_CTL_MOD, t->fd, &ev) == 0)
		t->want_out = out;
}

static void
went_down(struct sv *sv, struct fwd_target *t, const char *why, int err)
{
	if (!t->told_down)
		sv_say("log forward %s: %s: %s; retrying", t->cfg->url, why, strerror(err));
	t->told_down = true;
	sv_unwatch(sv, &t->fd);
	t->sent = t->frame;
	t->state = FWD_WAIT;
	struct itimerspec it = {
	    .it_value = {t->backoff_ms / 1000, (long)(t->backoff_ms % 1000) * 1000000}};
	timerfd_settime(t->timerfd, 0, &it, NULL);
	t->backoff_ms = t->backoff_ms * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : t->backoff_ms * 2;
}

static void on_connected(struct sv *sv, struct fwd_target *t);

static void
tcp_connect(struct sv *sv, struct fwd_target *t)
{
	t->fd = socket(t->addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (t->fd < 0) {
		went_down(sv, t, "socket", errno);
		return;
	}
	struct epoll_event ev = {.events = EPOLLOUT, .data.ptr = &t->w};
	if (epoll_ctl(sv->epfd, EPOLL_CTL_ADD, t->fd, &ev) < 0) {
		went_down(sv, t, "epoll", errno);
		return;
	}
	t->want_out = true;
	t->state = FWD_CONNECTING;
	if (connect(t->fd, (struct sockaddr *)&t->addr, t->addrlen) == 0)
		on_connected(sv, t);
	else if (errno != EINPROGRESS)
		went_down(sv, t, "connect", errno);
}

/* Drops what was sent before the current frame to make room. */
static void
compact(struct fwd_target *t)
{
	memmove(t->q, t->q + t->frame, t->len - t->frame);
	t->len -= t->frame;
	t->sent -= t->frame;
	t->frame = 0;
}

static bool
enqueue(struct fwd_target *t, const char *p, size_t n, size_t limit)
{
	if (t->len + n > limit && t->frame > 0)
		compact(t);
	if (t->len + n > limit)
		return false;
	memcpy(t->q + t->len, p, n);
	t->len += n;
	return true;
}

/* After a reconnect: how many messages were dropped, in their place. The
 * queue keeps room for this one message beyond LOGFWD_QUEUE_MAX. */
static void
report_dropped(struct sv *sv, struct fwd_target *t)
{
	char text[256], msg[1024];
	struct syslog_msg m = {.facility = SYSLOG_FAC_DAEMON,
			       .severity = SYSLOG_SEV_WARNING,
			       .hostname = sv->manifest.host.hostname,
			       .app = "berth",
			       .procid = getpid(),
			       .msgid = "dropped"};

	clock_gettime(CLOCK_REALTIME, &m.time);
	int n = snprintf(text, sizeof text, "%llu messages dropped while %s was down",
			 (unsigned long long)t->dropped, t->cfg->url);
	m.text = text;
	m.len = n > 0 ? (size_t)n : 0;
	ssize_t len = syslog_format(msg, sizeof msg, &m, true);
	if (len > 0 && enqueue(t, msg, (size_t)len, LOGFWD_QUEUE_MAX + sizeof msg)) {
		sv_say("log forward %s: %s", t->cfg->url, text);
		t->dropped = 0;
	}
}

static void
tcp_send(struct sv *sv, struct fwd_target *t)
{
	while (t->sent < t->len) {
		ssize_t w = send(t->fd, t->q + t->sent, t->len - t->sent, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno == EAGAIN)
			break;
		if (w < 0) {
			went_down(sv, t, "send", errno);
			return;
		}
		t->sent += (size_t)w;
		/* Move frame past every frame now sent whole: "LEN MSG". */
		while (t->frame < t->sent) {
			char *end;
			size_t flen = strtoul(t->q + t->frame, &end, 10);
			size_t next = (size_t)(end - t->q) + 1 + flen;
			if (next > t->sent)
				break;
			t->frame = next;
		}
	}
	if (t->sent == t->len)
		t->len = t->sent = t->frame = 0;
	if ((t->sent < t->len) != t->want_out)
		set_events(sv, t, t->sent < t->len);
}

static void
on_connected(struct sv *sv, struct fwd_target *t)
{
	t->state = FWD_UP;
	t->backoff_ms = BACKOFF_MIN_MS;
	if (t->told_down)
		sv_say("log forward %s: connected", t->cfg->url);
	t->told_down = false;
	if (t->dropped)
		report_dropped(sv, t);
	set_events(sv, t, false);
	tcp_send(sv, t);
}

static void
on_socket(struct sv *sv, struct fwd_target *t, uint32_t events)
{
	char junk[512];
	int err = 0;
	socklen_t elen = sizeof err;

	if (t->state == FWD_CONNECTING) {
		if (getsockopt(t->fd, SOL_SOCKET, SO_ERROR, &err, &elen) < 0)
			err = errno;
		if (err)
			went_down(sv, t, "connect", err);
		else
			on_connected(sv, t);
		return;
	}
	if (t->state != FWD_UP)
		return;
	if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
		/* A receiver never speaks: this is the end of the connection. */
		ssize_t r = recv(t->fd, junk, sizeof junk, MSG_DONTWAIT);
		if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR)) {
			went_down(sv, t, "connection", r == 0 ? ECONNRESET : errno);
			return;
		}
	}
	if (events & EPOLLOUT)
		tcp_send(sv, t);
}

static int
target_open(struct sv *sv, struct fwd_target *t)
{
	t->fd = t->timerfd = -1;
	t->backoff_ms = BACKOFF_MIN_MS;
	t->w = (struct watch){W_LOGFWD, NULL};
	t->w_timer = (struct watch){W_LOGFWD_TIMER, NULL};
	if (resolve(t) < 0) {
		sv_say("log forward %s: host names are not supported yet: not forwarding",
		       t->cfg->url);
		return -1;
	}
	if (t->cfg->proto == LOG_UDP) {
		t->fd = socket(t->addr.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (t->fd < 0 || connect(t->fd, (struct sockaddr *)&t->addr, t->addrlen) < 0) {
			sv_say("log forward %s: %s: not forwarding", t->cfg->url, strerror(errno));
			return -1;
		}
		t->state = FWD_UP;
		return 0;
	}
	t->q = malloc(LOGFWD_QUEUE_MAX + 1024);
	t->timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (!t->q || t->timerfd < 0 || sv_watch(sv, t->timerfd, &t->w_timer) < 0) {
		sv_say("log forward %s: %s: not forwarding", t->cfg->url, strerror(errno));
		return -1;
	}
	tcp_connect(sv, t);
	return 0;
}

void
logfwd_open(struct sv *sv)
{
	const struct logging_cfg *lc = &sv->manifest.logging;

	sv->n_fwd = lc->n_forward;
	sv->fwd = calloc(sv->n_fwd ? sv->n_fwd : 1, sizeof *sv->fwd);
	if (!sv->fwd) {
		sv_say("log forward: out of memory: not forwarding");
		sv->n_fwd = 0;
		return;
	}
	for (size_t i = 0; i < sv->n_fwd; i++) {
		struct fwd_target *t = &sv->fwd[i];
		t->cfg = &lc->forward[i];
		if (target_open(sv, t) < 0) {
			sv_unwatch(sv, &t->fd);
			sv_unwatch(sv, &t->timerfd);
			t->state = FWD_OFF;
		}
	}
}

void
logfwd_line(struct sv *sv, struct instance *c, bool is_err, const struct timespec *ts,
	    const char *text, size_t len)
{
	const struct image_ref *img = &c->spec.m->image;
	struct syslog_msg m = {SYSLOG_FAC_USER,
			       is_err ? SYSLOG_SEV_ERR : SYSLOG_SEV_INFO,
			       *ts,
			       sv->manifest.host.hostname,
			       c->spec.name,
			       c->pid,
			       is_err ? "stderr" : "stdout",
			       c->log_seq,
			       c->restarts,
			       img->digest[0] ? img->digest : img->path,
			       text,
			       len};
	char msg[MSG_MAX];

	for (size_t i = 0; i < sv->n_fwd; i++) {
		struct fwd_target *t = &sv->fwd[i];
		bool tcp = t->cfg->proto == LOG_TCP;
		if (t->state == FWD_OFF)
			continue;
		ssize_t n = syslog_format(msg, sizeof msg, &m, tcp);
		if (n < 0) {
			t->dropped++;
		} else if (!tcp) {
			/* A datagram the socket cannot take now is lost, as UDP is. */
			if (send(t->fd, msg, (size_t)n, MSG_DONTWAIT | MSG_NOSIGNAL) != n)
				t->dropped++;
		} else if (!enqueue(t, msg, (size_t)n, LOGFWD_QUEUE_MAX)) {
			t->dropped++;
		}
	}
}

void
logfwd_kick(struct sv *sv)
{
	for (size_t i = 0; i < sv->n_fwd; i++) {
		struct fwd_target *t = &sv->fwd[i];
		if (t->cfg->proto == LOG_TCP && t->state == FWD_UP && !t->want_out)
			tcp_send(sv, t);
	}
}

void
logfwd_dispatch(struct sv *sv, struct watch *w, uint32_t events)
{
	struct fwd_target *t;
	uint64_t ticks;

	if (w->kind == W_LOGFWD) {
		t = (struct fwd_target *)((char *)w - offsetof(struct fwd_target, w));
		if (t->fd >= 0)
			on_socket(sv, t, events);
		return;
	}
	t = (struct fwd_target *)((char *)w - offsetof(struct fwd_target, w_timer));
	if (read(t->timerfd, &ticks, sizeof ticks) == sizeof ticks && t->state == FWD_WAIT)
		tcp_connect(sv, t);
}

void
logfwd_close(struct sv *sv)
{
	struct timespec now, end;

	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += 1;
	for (size_t i = 0; i < sv->n_fwd; i++) {
		struct fwd_target *t = &sv->fwd[i];
		while (t->state == FWD_UP && t->cfg->proto == LOG_TCP && t->sent < t->len) {
			clock_gettime(CLOCK_MONOTONIC, &now);
			long ms = (end.tv_sec - now.tv_sec) * 1000 +
				  (end.tv_nsec - now.tv_nsec) / 1000000;
			struct pollfd p = {t->fd, POLLOUT, 0};
			if (ms <= 0 || poll(&p, 1, (int)ms) <= 0)
				break;
			tcp_send(sv, t);
		}
		sv_unwatch(sv, &t->fd);
		sv_unwatch(sv, &t->timerfd);
		free(t->q);
	}
	free(sv->fwd);
	sv->fwd = NULL;
	sv->n_fwd = 0;
}
