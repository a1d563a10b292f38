/* SPDX-License-Identifier: MIT */
/* logfwd.h: containers' lines forwarded as RFC 5424 syslog to the targets
 * of logging.forward, over UDP and TCP (docs/logging.md). */
#ifndef BERTH_LOGFWD_H
#define BERTH_LOGFWD_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "log/relp.h"
#include "logresolve.h"
#include "logspool.h"
#include "supervisor.h"

/* What a TCP target holds in memory (sent and unsent); beyond it, and
 * while the target is down, messages go to its spool (logspool.h). */
#define LOGFWD_QUEUE_MAX (4 * 1024 * 1024)
/* The kernel's send buffer of a TCP target, so that what it may still hold
 * when a connection dies is bounded (the kernel doubles it). */
#define LOGFWD_SNDBUF (256 * 1024)
/* After a connection dies, what the receiver's TCP had not acknowledged is
 * sent again, and this much before it: acknowledged by the receiver's
 * kernel is not read by the receiver (docs/logging.md, Delivery). */
#define LOGFWD_MARGIN (256 * 1024)
/* A relp or tls target's messages are appended to its spool together,
 * once per turn of the loop or when this much is gathered: one write per
 * message costed the supervisor more than the rest of forwarding. */
#define LOGFWD_GATHER (256 * 1024)
/* Room beyond the bounds for the supervisor's own messages and the
 * dropped-messages notice: they say what went wrong, and are few. */
#define LOGFWD_SLACK (64 * 1024)
/* Sent frames kept for that: the kernel's share plus the margin. */
#define LOGFWD_WINDOW (2 * LOGFWD_SNDBUF + LOGFWD_MARGIN + 64 * 1024)

enum fwd_state { FWD_OFF, FWD_WAIT, FWD_RESOLVING, FWD_CONNECTING, FWD_UP };

struct fwd_target {
	const struct log_target *cfg;
	enum fwd_state state;
	int fd, timerfd;
	struct watch w, w_timer; /* W_LOGFWD, W_LOGFWD_TIMER */
	/* The target's addresses: its IP address, or what its name resolved
	 * to (logresolve.c, in a child rpid whose pipe is fd meanwhile); ai
	 * is the one to try next, a name is resolved again when all failed. */
	struct resolved ra;
	int ai;
	bool is_name;
	pid_t rpid;
	unsigned backoff_ms;
	bool told_down;	 /* the current outage was reported */
	bool told_spool; /* a spool error was reported */
	bool want_out;	 /* EPOLLOUT is in the interest set */
	/* TCP: octet-counted frames in q. q[wstart, sent) is sent and kept
	 * to be sent again should the connection die; frame is where the
	 * frame holding sent starts (a frame cut by a broken connection is
	 * sent again whole); q[sent, len) waits. Everything in the spool is
	 * newer than everything in q. */
	char *q;
	size_t len, sent, frame, wstart;
	unsigned long resent; /* messages to be sent again, told on reconnect */
	struct spool spool;
	/* relp, tls (logrelp.c): the sender's pid is rpid, its notes come on fd. */
	int wake; /* tells the sender of new data */
	/* relp, tls: q[0, len) holds gathered messages, not yet in the spool. */
	unsigned long gathered;
	bool unsynced;	  /* appended since the last spool_sync */
	bool unwoken;	  /* appended since the sender was last told */
	uint64_t dropped; /* since the last report to the target */
};

/* relp:// and tls:// targets: the spool is the queue, a child process
 * sends it (logrelp.c). */
static inline bool
fwd_by_sender(const struct fwd_target *t)
{
	return t->cfg->proto == LOG_RELP || t->cfg->proto == LOG_TLS;
}

/* Makes the targets of the manifest's logging.forward; a target that cannot
 * be used is told and left off, never fatal. */
void logfwd_open(struct sv *sv);
/* One line of a container to every target (queued for TCP). */
void logfwd_line(struct sv *sv, struct instance *c, bool is_err, const struct timespec *ts,
		 const char *text, size_t len);
/* One message of the host or a container to every target; over: how far
 * beyond the bound of the queue and spool it may go (LOGFWD_SLACK for the
 * supervisor's own few messages, else 0). */
struct syslog_msg;
void logfwd_msg(struct sv *sv, const struct syslog_msg *m, size_t over);
/* The next syslog seq of a stream (a container's name, "host"), continued
 * across restarts (logseq.h); a bound that cannot be kept is told once. */
uint64_t logfwd_seq(const char *stream);
/* Sends what is queued, as far as the sockets take it. */
void logfwd_kick(struct sv *sv);
void logfwd_dispatch(struct sv *sv, struct watch *w, uint32_t events);
/* At exit: up to a second to send what is queued, then closes. */
void logfwd_close(struct sv *sv);

/* logqueue.c: a TCP target's queue in memory and its spool. */
/* One message (a whole frame): in memory when the target is up and nothing
 * is spooled, else in the spool; over: bytes the spool may exceed its bound
 * by (the dropped-messages notice). Returns false when it was dropped. */
bool fq_put(struct fwd_target *t, const char *p, size_t n, size_t over);
/* A relp or tls target's gathered messages to its spool; -1 with errno
 * when they could not go there (they are counted as dropped). */
int fq_flush(struct fwd_target *t);
/* Brings spooled segments back into memory as room allows. */
void fq_refill(struct fwd_target *t);
/* n more bytes were sent: moves frame along, trims the window. */
void fq_sent(struct fwd_target *t, size_t n);
/* The connection died with outq bytes unacknowledged (-1: unknown): goes
 * back to the first frame to send again, and moves all that waits to the
 * spool (or keeps it in memory without one). */
void fq_rewind(struct fwd_target *t, long outq);

#endif
