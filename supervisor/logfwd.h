/* SPDX-License-Identifier: MIT */
/* logfwd.h: containers' lines forwarded as RFC 5424 syslog to the targets
 * of logging.forward, over UDP and TCP (docs/logging.md). */
#ifndef BERTH_LOGFWD_H
#define BERTH_LOGFWD_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "supervisor.h"

/* What a TCP target holds while it is down or slow; what does not fit is
 * counted and reported to the target once it is back. */
#define LOGFWD_QUEUE_MAX (4 * 1024 * 1024)

enum fwd_state { FWD_OFF, FWD_WAIT, FWD_CONNECTING, FWD_UP };

struct fwd_target {
	const struct log_target *cfg;
	enum fwd_state state;
	int fd, timerfd;
	struct watch w, w_timer; /* W_LOGFWD, W_LOGFWD_TIMER */
	struct sockaddr_storage addr;
	socklen_t addrlen;
	unsigned backoff_ms;
	bool told_down; /* the current outage was reported */
	bool want_out;	/* EPOLLOUT is in the interest set */
	/* TCP: octet-counted frames; q[0, frame) is sent, frame is where the
	 * frame holding sent starts: after a disconnect it is sent again
	 * whole, since a receiver drops a frame cut by the connection's end. */
	char *q;
	size_t len, sent, frame;
	uint64_t dropped; /* since the last report to the target */
};

/* Makes the targets of the manifest's logging.forward; a target that cannot
 * be used is told and left off, never fatal. */
void logfwd_open(struct sv *sv);
/* One line of a container to every target (queued for TCP). */
void logfwd_line(struct sv *sv, struct instance *c, bool is_err, const struct timespec *ts,
		 const char *text, size_t len);
/* Sends what is queued, as far as the sockets take it. */
void logfwd_kick(struct sv *sv);
void logfwd_dispatch(struct sv *sv, struct watch *w, uint32_t events);
/* At exit: up to a second to send what is queued, then closes. */
void logfwd_close(struct sv *sv);

#endif
