/* SPDX-License-Identifier: MIT */
/* logfwd.c: forwarding to syslog receivers: one datagram per message over
 * UDP; over TCP a non-blocking connection in the epoll loop, reconnected
 * with capped backoff, fed from its queue and spool (logqueue.c); RELP and
 * TLS from the spool by a sender process (logrelp.c). */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/sockios.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "logfwd.h"
#include "logrelp.h"
#include "logseq.h"
#include "log/syslog.h"

/* A receiver that does not answer at all (packets dropped on the way)
 * would keep a connect waiting for minutes of SYN retries. */
#define CONNECT_TIMEOUT_MS 10000
#define MSG_MAX (LOG_LINE_MAX + 1024) /* a line and its header */
#define NOTICE_MAX 1024		      /* the dropped-messages notice, framed */

/* An IP address is the only address; a name is resolved at connect. */
static bool
parse_literal(struct fwd_target *t)
{
	struct sockaddr_in *in = (struct sockaddr_in *)&t->ra.addr[0];
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&t->ra.addr[0];

	memset(&t->ra, 0, sizeof t->ra);
	if (inet_pton(AF_INET, t->cfg->host, &in->sin_addr) == 1) {
		in->sin_family = AF_INET;
		in->sin_port = htons(t->cfg->port);
		t->ra.len[0] = sizeof *in;
	} else if (inet_pton(AF_INET6, t->cfg->host, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(t->cfg->port);
		t->ra.len[0] = sizeof *in6;
	} else {
		return false;
	}
	t->ra.n = 1;
	return true;
}

static void
set_events(struct sv *sv, struct fwd_target *t, bool out)
{
	struct epoll_event ev = {.events = EPOLLIN | (out ? EPOLLOUT : 0), .data.ptr = &t->w};
	if (epoll_ctl(sv->epfd, EPOLL_CTL_MOD, t->fd, &ev) == 0)
		t->want_out = out;
}

static void
arm(struct fwd_target *t, unsigned ms)
{
	struct itimerspec it = {.it_value = {ms / 1000, (long)(ms % 1000) * 1000000}};
	timerfd_settime(t->timerfd, 0, &it, NULL);
}

/* Ends the resolver, connection or attempt, and retries after the backoff. */
static void
went_down(struct sv *sv, struct fwd_target *t, const char *what, const char *why)
{
	int outq = -1;

	if (!t->told_down)
		sv_say("log forward %s: %s: %s; retrying", t->cfg->url, what, why);
	t->told_down = true;
	if (t->state == FWD_RESOLVING) {
		resolve_cancel(t->fd, t->rpid);
		t->fd = -1;
		t->rpid = 0;
	}
	/* What the kernel still held for the receiver: a dead socket keeps
	 * its sequence numbers until it is closed. */
	if (t->state == FWD_UP && t->cfg->proto == LOG_TCP && ioctl(t->fd, SIOCOUTQ, &outq) < 0)
		outq = -1;
	if (t->cfg->proto == LOG_TCP)
		fq_rewind(t, t->state == FWD_UP ? outq : 0);
	sv_unwatch(sv, &t->fd);
	t->ai++;
	t->state = FWD_WAIT;
	arm(t, t->backoff_ms);
	t->backoff_ms = backoff_next(t->backoff_ms);
}

static void on_connected(struct sv *sv, struct fwd_target *t);

static void
udp_connect(struct sv *sv, struct fwd_target *t)
{
	const struct sockaddr_storage *a = &t->ra.addr[t->ai];

	t->fd = socket(a->ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (t->fd < 0 || connect(t->fd, (const struct sockaddr *)a, t->ra.len[t->ai]) < 0) {
		went_down(sv, t, "socket", strerror(errno));
		return;
	}
	t->state = FWD_UP;
	if (t->told_down)
		sv_say("log forward %s: connected", t->cfg->url);
	t->told_down = false;
	t->backoff_ms = BACKOFF_MIN_MS;
}

static void
tcp_connect(struct sv *sv, struct fwd_target *t)
{
	const struct sockaddr_storage *a = &t->ra.addr[t->ai];
	int sndbuf = LOGFWD_SNDBUF;

	t->fd = socket(a->ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (t->fd < 0) {
		went_down(sv, t, "socket", strerror(errno));
		return;
	}
	/* Bounds what the kernel holds, hence what may be lost with it. */
	setsockopt(t->fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
	struct epoll_event ev = {.events = EPOLLOUT, .data.ptr = &t->w};
	if (epoll_ctl(sv->epfd, EPOLL_CTL_ADD, t->fd, &ev) < 0) {
		went_down(sv, t, "epoll", strerror(errno));
		return;
	}
	t->want_out = true;
	t->state = FWD_CONNECTING;
	arm(t, CONNECT_TIMEOUT_MS);
	if (connect(t->fd, (const struct sockaddr *)a, t->ra.len[t->ai]) == 0)
		on_connected(sv, t);
	else if (errno != EINPROGRESS)
		went_down(sv, t, "connect", strerror(errno));
}

/* One attempt: the next address, or a new resolution once all were tried. */
static void
attempt(struct sv *sv, struct fwd_target *t)
{
	if (t->ai >= t->ra.n && !t->is_name)
		t->ai = 0;
	if (t->ai < t->ra.n) {
		if (t->cfg->proto == LOG_TCP)
			tcp_connect(sv, t);
		else
			udp_connect(sv, t);
		return;
	}
	int socktype = t->cfg->proto == LOG_TCP ? SOCK_STREAM : SOCK_DGRAM;
	t->fd = resolve_start(t->cfg->host, t->cfg->port, socktype, &t->rpid);
	if (t->fd < 0) {
		went_down(sv, t, "resolve", strerror(errno));
		return;
	}
	t->state = FWD_RESOLVING;
	if (sv_watch(sv, t->fd, &t->w) < 0) {
		went_down(sv, t, "epoll", strerror(errno));
		return;
	}
	arm(t, RESOLVE_TIMEOUT_MS);
}

static void
on_resolved(struct sv *sv, struct fwd_target *t)
{
	if (resolve_finish(t->fd, t->rpid, &t->ra) < 0) {
		if (errno == EAGAIN)
			return;
		t->rpid = 0; /* reaped */
		went_down(sv, t, "resolve", "the resolver failed");
		return;
	}
	t->rpid = 0;
	sv_unwatch(sv, &t->fd);
	t->state = FWD_WAIT;
	if (t->ra.gai_err || t->ra.n == 0) {
		const char *why = t->ra.gai_err ? gai_strerror(t->ra.gai_err) : "no address";
		t->ra.n = 0;
		went_down(sv, t, t->cfg->host, why);
		return;
	}
	t->ai = 0;
	arm(t, 0);
	attempt(sv, t);
}

/* The notice of t->dropped messages, framed for TCP or not: its length
 * in msg (NOTICE_MAX bytes), or -1. */
static ssize_t
dropped_notice(struct sv *sv, const struct fwd_target *t, char *msg, bool tcp)
{
	char text[256];
	struct syslog_msg m = {.facility = SYSLOG_FAC_DAEMON,
			       .severity = SYSLOG_SEV_WARNING,
			       .hostname = sv->manifest.host.hostname,
			       .app = "berth",
			       .procid = getpid(),
			       .msgid = "dropped",
			       .host = true,
			       .boot = logseq_boot()};

	clock_gettime(CLOCK_REALTIME, &m.time);
	int n = snprintf(text, sizeof text, "%llu messages dropped while %s was down or slow",
			 (unsigned long long)t->dropped, t->cfg->url);
	m.text = text;
	m.len = n > 0 ? (size_t)n : 0;
	return syslog_format(msg, NOTICE_MAX, &m, tcp);
}

/* How many messages were dropped, where the gap is; sv_say tells it too. */
static bool
report_dropped(struct sv *sv, struct fwd_target *t)
{
	char msg[NOTICE_MAX];
	ssize_t len = dropped_notice(sv, t, msg, true);

	if (len < 0 || !fq_put(t, msg, (size_t)len, LOGFWD_SLACK + NOTICE_MAX))
		return false;
	unsigned long long n_lost = t->dropped;
	t->dropped = 0; /* first: sv_say forwards its line to t too */
	/* Not the notice's words: a receiver that counts notices would count
	 * this line of the supervisor's too. */
	sv_say(
	    "log forward %s: %llu messages lost; the target gets a notice where they are missing",
	    t->cfg->url, n_lost);
	return true;
}

static void
tcp_send(struct sv *sv, struct fwd_target *t)
{
	for (;;) {
		fq_refill(t);
		/* A notice that found no room at reconnect (a full disk) goes
		 * once the spool, draining, makes some. */
		if (t->dropped)
			report_dropped(sv, t);
		if (t->spool.corrupt) {
			sv_say("log forward %s: spool %s: %llu bytes skipped, not whole messages",
			       t->cfg->url, t->spool.dir, (unsigned long long)t->spool.corrupt);
			t->spool.corrupt = 0;
		}
		if (t->sent == t->len)
			break;
		ssize_t w = send(t->fd, t->q + t->sent, t->len - t->sent, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno == EAGAIN)
			break;
		if (w < 0) {
			went_down(sv, t, "send", strerror(errno));
			return;
		}
		fq_sent(t, (size_t)w);
	}
	if ((t->sent < t->len) != t->want_out)
		set_events(sv, t, t->sent < t->len);
}

static void
on_connected(struct sv *sv, struct fwd_target *t)
{
	arm(t, 0);
	t->state = FWD_UP;
	t->backoff_ms = BACKOFF_MIN_MS;
	if (t->told_down && t->resent)
		sv_say(
		    "log forward %s: connected; %lu messages sent again, as the receiver may not "
		    "have read them",
		    t->cfg->url, t->resent);
	else if (t->told_down)
		sv_say("log forward %s: connected", t->cfg->url);
	t->told_down = false;
	t->resent = 0;
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

	if (t->state == FWD_RESOLVING) {
		on_resolved(sv, t);
		return;
	}
	if (t->state == FWD_CONNECTING) {
		if (getsockopt(t->fd, SOL_SOCKET, SO_ERROR, &err, &elen) < 0)
			err = errno;
		if (err)
			went_down(sv, t, "connect", strerror(err));
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
			went_down(sv, t, "connection", strerror(r == 0 ? ECONNRESET : errno));
			return;
		}
	}
	if (events & EPOLLOUT)
		tcp_send(sv, t);
}

/* <spool dir>/<the URL with every byte but [A-Za-z0-9.-] as '_'>. */
static int
open_spool(struct sv *sv, struct fwd_target *t)
{
	char dir[4096];
	int n = snprintf(dir, sizeof dir, "%s/", sv->paths.spooldir);

	if (n < 0 || (size_t)n + strlen(t->cfg->url) >= sizeof dir)
		return (errno = ENAMETOOLONG), -1;
	for (const char *u = t->cfg->url; *u; u++) {
		bool ok = (*u >= 'a' && *u <= 'z') || (*u >= 'A' && *u <= 'Z') ||
			  (*u >= '0' && *u <= '9') || *u == '.' || *u == '-';
		dir[n++] = ok ? *u : '_';
	}
	dir[n] = '\0';
	return spool_open(&t->spool, dir, sv->manifest.logging.spool_size);
}

/* A relp or tls target's queue is its spool: without one it is not used. */
static int
relp_open(struct sv *sv, struct fwd_target *t)
{
	struct itimerspec it = {{RELP_SYNC_MS / 1000, RELP_SYNC_MS % 1000 * 1000000L},
				{RELP_SYNC_MS / 1000, RELP_SYNC_MS % 1000 * 1000000L}};
	const char *scheme = log_proto_str(t->cfg->proto);

	if (!relp_available(t)) {
		sv_say("log forward %s: the image has no %s sender (%s): an image built from a "
		       "manifest with a %s:// target has it",
		       t->cfg->url, scheme, relp_sender_name(t), scheme);
		return (errno = ENOENT), -1;
	}
	if (open_spool(sv, t) < 0) {
		int err = errno;
		sv_say("log forward %s: spool in %s: %s", t->cfg->url, sv->paths.spooldir,
		       strerror(err));
		return (errno = err), -1;
	}
	t->spool.durable = true;
	if (!spool_empty(&t->spool))
		sv_say("log forward %s: %llu bytes spooled by an earlier run, to be sent",
		       t->cfg->url, (unsigned long long)t->spool.bytes);
	if (timerfd_settime(t->timerfd, 0, &it, NULL) < 0 || relp_start(sv, t) < 0)
		return -1;
	return 0;
}

static int
target_open(struct sv *sv, struct fwd_target *t)
{
	t->fd = t->timerfd = t->wake = -1;
	t->spool.dfd = t->spool.afd = -1;
	t->backoff_ms = BACKOFF_MIN_MS;
	t->w = (struct watch){W_LOGFWD, NULL};
	t->w_timer = (struct watch){W_LOGFWD_TIMER, NULL};
	t->is_name = !parse_literal(t);
	t->timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (t->timerfd < 0 || sv_watch(sv, t->timerfd, &t->w_timer) < 0)
		return -1;
	if (fwd_by_sender(t))
		return (t->q = malloc(LOGFWD_GATHER)) ? relp_open(sv, t) : -1;
	if (t->cfg->proto == LOG_TCP) {
		if (!(t->q = malloc(LOGFWD_QUEUE_MAX + LOGFWD_SLACK + NOTICE_MAX)))
			return -1;
		/* Without a spool the target still works, from memory. */
		if (open_spool(sv, t) < 0)
			sv_say("log forward %s: spool in %s: %s; keeping messages in memory only",
			       t->cfg->url, sv->paths.spooldir, strerror(errno));
		else if (!spool_empty(&t->spool))
			sv_say("log forward %s: %llu bytes spooled by an earlier run, to be sent",
			       t->cfg->url, (unsigned long long)t->spool.bytes);
	}
	t->state = FWD_WAIT;
	attempt(sv, t);
	return 0;
}

void
logfwd_open(struct sv *sv)
{
	const struct logging_cfg *lc = &sv->manifest.logging;
	char dir[4096];

	/* Beside the targets' spools: ".seq" is no target's name (a URL's
	 * scheme comes first), and the numbers matter where they are sent. */
	int n = snprintf(dir, sizeof dir, "%s/.seq", sv->paths.spooldir);
	if (n < 0 || (size_t)n >= sizeof dir || logseq_open(dir) < 0)
		sv_say("log forward: sequence numbers in %s: %s; they start at 1 after a restart",
		       dir, strerror(n < 0 || (size_t)n >= sizeof dir ? ENAMETOOLONG : errno));
	/* Adopted containers (live.c) go on from their last number, no gap. */
	for (size_t i = 0; i < sv->n; i++)
		if (sv->c[i].log_seq)
			logseq_resume(sv->c[i].spec.name, sv->c[i].log_seq);
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
			sv_say("log forward %s: %s: not forwarding", t->cfg->url, strerror(errno));
			sv_unwatch(sv, &t->fd);
			sv_unwatch(sv, &t->timerfd);
			t->state = FWD_OFF;
		}
	}
}

/* A spool that fails for another reason than its bound (a full or broken
 * disk) is told once. */
static void
spool_failed(struct fwd_target *t, int err)
{
	if (t->spool.dfd < 0 || err == EFBIG || t->told_spool)
		return;
	t->told_spool = true;
	sv_say("log forward %s: spool %s: %s (dropped messages are counted)", t->cfg->url,
	       t->spool.dir, strerror(err));
}

/* A message that neither memory nor the spool took. */
static void
lost(struct fwd_target *t)
{
	t->dropped++;
	spool_failed(t, errno);
}

/* A relp or tls target's messages of this turn to its spool, and the
 * sender told. */
static void
sender_flush(struct fwd_target *t)
{
	if (fq_flush(t) < 0)
		spool_failed(t, errno);
	relp_wake(t);
}

/* UDP's drops are told as TCP's are: a notice datagram where the gap is,
 * once the socket takes one again, and a line in host.log. A datagram
 * that the network loses after send() succeeded cannot be counted. */
static void
udp_report_dropped(struct sv *sv, struct fwd_target *t)
{
	char msg[NOTICE_MAX];
	ssize_t len = dropped_notice(sv, t, msg, false), sent = -1;
	/* A refusal may be an old one, of a datagram sent before the receiver
	 * came back, which the socket reports once: try once more. */
	for (int i = 0; len >= 0 && sent < 0 && i < 2; i++) {
		sent = send(t->fd, msg, (size_t)len, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (sent < 0 && errno != ECONNREFUSED)
			break;
	}
	if (sent != len)
		return;
	unsigned long long n_lost = t->dropped;
	t->dropped = 0; /* first: sv_say forwards its line to t too */
	sv_say("log forward %s: %llu messages lost; the target got a notice where they are missing",
	       t->cfg->url, n_lost);
}

/* Whether the dropped-messages notice goes before a message of n bytes.
 * A relp or tls target is "up" while its sender runs, reachable or not:
 * its notice waits until its spool takes messages again, else every line
 * while the spool is full would add a notice of one. */
static bool
notice_due(const struct fwd_target *t, size_t n)
{
	if (!t->dropped || t->state != FWD_UP)
		return false;
	return !fwd_by_sender(t) || t->spool.bytes + t->len + n <= t->spool.max;
}

void
logfwd_msg(struct sv *sv, const struct syslog_msg *m, size_t over)
{
	char msg[MSG_MAX];

	for (size_t i = 0; i < sv->n_fwd; i++) {
		struct fwd_target *t = &sv->fwd[i];
		bool tcp = t->cfg->proto != LOG_UDP; /* framed, queued */
		if (t->state == FWD_OFF)
			continue;
		ssize_t n = syslog_format(msg, sizeof msg, m, tcp);
		if (n < 0) {
			t->dropped++;
		} else if (!tcp) {
			/* A datagram the socket cannot take now is lost, as UDP is. */
			if (t->dropped && t->state == FWD_UP)
				udp_report_dropped(sv, t);
			if (t->state != FWD_UP ||
			    send(t->fd, msg, (size_t)n, MSG_DONTWAIT | MSG_NOSIGNAL) != n)
				t->dropped++;
		} else {
			/* The notice goes first, where the gap is; while the
			 * target is down it waits for on_connected. */
			if (notice_due(t, (size_t)n))
				report_dropped(sv, t);
			if (!fq_put(t, msg, (size_t)n, over))
				lost(t);
		}
	}
}

uint64_t
logfwd_seq(const char *stream)
{
	static bool told;
	int err;
	uint64_t seq = logseq_next(stream, &err);

	if (err && !told) {
		told = true;
		sv_say("log forward: keeping the sequence numbers of %s: %s; after a restart they "
		       "may repeat",
		       stream, strerror(err));
	}
	return seq;
}

void
logfwd_line(struct sv *sv, struct instance *c, bool is_err, const struct timespec *ts,
	    const char *text, size_t len)
{
	const struct image_ref *img = &c->spec.m->image;
	struct syslog_msg m = {.facility = SYSLOG_FAC_USER,
			       .severity = is_err ? SYSLOG_SEV_ERR : SYSLOG_SEV_INFO,
			       .time = *ts,
			       .hostname = sv->manifest.host.hostname,
			       .app = c->spec.name,
			       .procid = c->pid,
			       .msgid = is_err ? "stderr" : "stdout",
			       .restarts = c->restarts,
			       .image = img->digest[0] ? img->digest : img->path,
			       .text = text,
			       .len = len,
			       .boot = logseq_boot()};

	if (sv->n_fwd == 0)
		return;
	m.seq = logfwd_seq(c->spec.name);
	c->log_seq = m.seq; /* kept by live.c once the line leaves its buffer */
	logfwd_msg(sv, &m, 0);
}

void
logfwd_kick(struct sv *sv)
{
	for (size_t i = 0; i < sv->n_fwd; i++) {
		struct fwd_target *t = &sv->fwd[i];
		if (fwd_by_sender(t) && t->state != FWD_OFF) {
			/* The sender freed room: the notice need not wait
			 * for the next message. */
			if (notice_due(t, NOTICE_MAX))
				report_dropped(sv, t);
			sender_flush(t);
		}
		else if (t->cfg->proto == LOG_TCP && t->state == FWD_UP && !t->want_out)
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
		if (t->fd >= 0 && fwd_by_sender(t))
			relp_notes(sv, t);
		else if (t->fd >= 0)
			on_socket(sv, t, events);
		return;
	}
	t = (struct fwd_target *)((char *)w - offsetof(struct fwd_target, w_timer));
	if (read(t->timerfd, &ticks, sizeof ticks) != sizeof ticks)
		return;
	if (fwd_by_sender(t)) {
		relp_tick(sv, t);
		return;
	}
	if (t->state == FWD_WAIT)
		attempt(sv, t);
	else if (t->state == FWD_RESOLVING)
		went_down(sv, t, "resolve", "no answer in time");
	else if (t->state == FWD_CONNECTING)
		went_down(sv, t, "connect", "no answer in time");
}

static long
ms_left(const struct timespec *end)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (end->tv_sec - now.tv_sec) * 1000 + (end->tv_nsec - now.tv_nsec) / 1000000;
}

/* Sends what waits, then ends the connection the way that tells when the
 * receiver has read it all: it closes its end once it reads ours. */
static bool
drain(struct sv *sv, struct fwd_target *t, const struct timespec *end)
{
	char junk[512];
	long ms;

	while (t->state == FWD_UP && t->sent < t->len && (ms = ms_left(end)) > 0) {
		struct pollfd p = {t->fd, POLLOUT, 0};
		if (poll(&p, 1, (int)ms) <= 0)
			break;
		tcp_send(sv, t);
	}
	if (t->state != FWD_UP || t->sent < t->len || shutdown(t->fd, SHUT_WR) < 0)
		return false;
	while ((ms = ms_left(end)) > 0) {
		struct pollfd p = {t->fd, POLLIN, 0};
		if (poll(&p, 1, (int)ms) <= 0)
			return false;
		ssize_t r = recv(t->fd, junk, sizeof junk, MSG_DONTWAIT);
		if (r == 0)
			return true;
		if (r < 0 && errno != EAGAIN && errno != EINTR)
			return false;
	}
	return false;
}

/* At exit: what the receiver may not have is kept in the spool for the
 * next run, and so is the count of what was dropped. */
static void
tcp_close(struct sv *sv, struct fwd_target *t, const struct timespec *end)
{
	if (drain(sv, t, end)) {
		t->len = t->sent = t->frame = t->wstart = 0;
	} else if (t->state == FWD_UP) {
		int outq = -1;
		if (ioctl(t->fd, SIOCOUTQ, &outq) < 0)
			outq = -1;
		fq_rewind(t, outq);
	} else if (t->len > t->wstart && t->spool.dfd >= 0 &&
		   spool_prepend(&t->spool, t->q + t->wstart, t->len - t->wstart) == 0) {
		t->len = t->wstart;
	}
	if (t->len > t->wstart)
		sv_say("log forward %s: %zu bytes not sent and not spooled", t->cfg->url,
		       t->len - t->wstart);
	t->state = FWD_WAIT; /* the notice goes to the spool */
	if (t->dropped && t->spool.dfd >= 0)
		report_dropped(sv, t);
	spool_close(&t->spool);
}

void
logfwd_close(struct sv *sv)
{
	struct fwd_target *fwd = sv->fwd;
	size_t n = sv->n_fwd;
	struct timespec end;

	/* What is said from here on (sv_say) goes to no target. */
	sv->fwd = NULL;
	sv->n_fwd = 0;
	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += 1;
	for (size_t i = 0; i < n; i++) {
		struct fwd_target *t = &fwd[i];
		if (t->state == FWD_RESOLVING) {
			resolve_cancel(t->fd, t->rpid);
			t->fd = -1;
		}
		if (t->cfg->proto == LOG_TCP && t->state != FWD_OFF)
			tcp_close(sv, t, &end);
		if (fwd_by_sender(t) && t->state != FWD_OFF) {
			if (t->dropped)
				report_dropped(sv, t);
			sender_flush(t);
			relp_close(sv, t);
			spool_close(&t->spool);
		}
		sv_unwatch(sv, &t->fd);
		sv_unwatch(sv, &t->timerfd);
		free(t->q);
	}
	free(fwd);
	logseq_close();
}
