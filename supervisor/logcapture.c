/* SPDX-License-Identifier: MIT */
/* logcapture.c: the containers' stdout and stderr: read from their pipes, split
 * into lines, and each line given to the console, the log file and the
 * forward targets.
 *
 * Pacing: a pipe that had something to read is left unwatched until the
 * next tick, OUT_PACE_NS later. A container that writes a line at a time
 * (busybox awk, a shell loop, most programs on a pipe that flush per line)
 * then costs one wakeup and a few system calls per hundreds of lines
 * instead of per line or two, on both sides of the pipe (bench/logs.sh:
 * the supervisor's CPU per line halved, 15 000 wakeups for 300 000 lines
 * before). A line waits at most that long; a full pipe only makes the
 * container wait that long, and the 64 KiB a pipe holds are over 700
 * lines of 90 bytes. */
#include <errno.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "logconsole.h"
#include "logfwd.h"
#include "supervisor.h"

#define OUT_PACE_NS 1000000L /* 1 ms */

/* One output line to the console, the log file and the forward targets;
 * cont: it was cut at LOG_LINE_MAX and goes on in the next one. */
static void
out_line(struct sv *sv, struct instance *c, struct outbuf *o, const struct timespec *now,
	 const char *text, size_t len, bool cont)
{
	console_line(c->spec.name, text, len);
	logfile_line(&c->log, now, o == &c->out ? "stdout" : "stderr", text, len, cont);
	logfwd_line(sv, c, o == &c->err, now, text, len);
}

/* Writes the lines read; a write error is told once, and how many lines it
 * cost once writing works again. */
static void
log_flush(struct instance *c)
{
	struct logfile *lf = &c->log;

	if (logfile_flush(lf) < 0) {
		if (!lf->told)
			sv_say("container %s: log file %s: %s (lost lines are counted)",
			       c->spec.name, lf->path, strerror(lf->last_err));
		lf->told = true;
	} else if (lf->told) {
		sv_say("container %s: log file %s: writing again, %lu lines lost", c->spec.name,
		       lf->path, lf->lost);
		lf->told = false;
		lf->lost = 0;
	}
}

/* Prints each complete line; a line longer than the buffer is cut into
 * buffer-sized pieces rather than holding the container back. The lines
 * leave the buffer (which outlives a supervisor crash, live.c) only once
 * the log file has them. */
static void
out_flush(struct sv *sv, struct instance *c, struct outbuf *o, bool all)
{
	struct timespec now;
	size_t start = 0;

	clock_gettime(CLOCK_REALTIME, &now);
	for (size_t i = 0; i < o->m->len; i++) {
		if (o->m->buf[i] == '\n') {
			out_line(sv, c, o, &now, o->m->buf + start, i - start, false);
			start = i + 1;
		}
	}
	if ((all || start == 0) && o->m->len == sizeof o->m->buf) {
		out_line(sv, c, o, &now, o->m->buf, o->m->len, !all);
		start = o->m->len;
	} else if (all && start < o->m->len) {
		out_line(sv, c, o, &now, o->m->buf + start, o->m->len - start, false);
		start = o->m->len;
	}
	log_flush(c);
	/* The lines leave the buffer with their seq: a run that died before
	 * this gives them the same numbers again (at least once, each repeat
	 * told by its seq), never a gap. */
	live_seq(c);
	memmove(o->m->buf, o->m->buf + start, o->m->len - start);
	o->m->len -= start;
}

/* Leaves o unwatched until the next tick (out_tick). */
static void
pause_stream(struct sv *sv, struct outbuf *o)
{
	struct epoll_event ev = {.events = 0, .data.ptr = &o->w};
	struct itimerspec it = {.it_value = {0, OUT_PACE_NS}};

	if (epoll_ctl(sv->epfd, EPOLL_CTL_MOD, o->fd, &ev) < 0)
		return;
	o->paused = true;
	if (!sv->out_tick_armed && timerfd_settime(sv->out_timerfd, 0, &it, NULL) == 0)
		sv->out_tick_armed = true;
}

/* Reads what the pipe holds now; at EOF, prints the rest and closes it. */
void
out_read(struct sv *sv, struct instance *c, struct outbuf *o)
{
	bool got = false;

	while (o->fd >= 0) {
		ssize_t r = read(o->fd, o->m->buf + o->m->len, sizeof o->m->buf - o->m->len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && errno == EAGAIN) {
			if (got && sv->out_timerfd >= 0)
				pause_stream(sv, o);
			return;
		}
		if (r <= 0) {
			out_flush(sv, c, o, true);
			logfwd_kick(sv);
			o->paused = false;
			sv_unwatch(sv, &o->fd);
			return;
		}
		got = true;
		o->m->len += (size_t)r;
		out_flush(sv, c, o, false);
		logfwd_kick(sv);
	}
}

/* The tick: every paused stream is watched again (and, level-triggered,
 * reported at once if its pipe holds something). */
void
out_tick(struct sv *sv)
{
	uint64_t ticks;
	struct epoll_event ev = {.events = EPOLLIN};

	if (read(sv->out_timerfd, &ticks, sizeof ticks) != sizeof ticks)
		return;
	sv->out_tick_armed = false;
	for (size_t i = 0; i < sv->n; i++) {
		struct outbuf *os[] = {&sv->c[i].out, &sv->c[i].err};
		for (int k = 0; k < 2; k++) {
			if (!os[k]->paused)
				continue;
			os[k]->paused = false;
			ev.data.ptr = &os[k]->w;
			if (os[k]->fd >= 0)
				epoll_ctl(sv->epfd, EPOLL_CTL_MOD, os[k]->fd, &ev);
		}
	}
}

/* The tick's timer; without it every stream is read as soon as it has
 * something, as it would be without pacing. */
void
out_open(struct sv *sv)
{
	sv->w_out_timer = (struct watch){W_OUT_TICK, NULL};
	sv->out_timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (sv->out_timerfd >= 0 && sv_watch(sv, sv->out_timerfd, &sv->w_out_timer) < 0)
		sv_unwatch(sv, &sv->out_timerfd);
	if (sv->out_timerfd < 0)
		sv_say("output pacing: %s: every line is read as it comes", strerror(errno));
}
