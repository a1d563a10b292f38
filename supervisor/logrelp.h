/* SPDX-License-Identifier: MIT */
/* logrelp.h: relp:// targets: the spool is their queue, and a child
 * process (logrelpsend.c) sends it with librelp and removes what the
 * receiver acknowledged (docs/logging.md, RELP). */
#ifndef BERTH_LOGRELP_H
#define BERTH_LOGRELP_H

#include <stdint.h>

#include "logfwd.h"

/* Messages librelp may have outstanding (its window); after message k is
 * handed to it, messages up to k - RELP_WINDOW are acknowledged. */
#define RELP_WINDOW 128
/* Seconds librelp waits for an answer (room in the window, the open's
 * response) before it calls the session broken. */
#define RELP_TIMEOUT_S 10
/* How often appended data is made durable: the bound on what a power
 * cut may lose. */
#define RELP_SYNC_MS 1000

/* What the sender tells the supervisor, one atomic pipe write each. */
enum relp_note_kind { RELP_SAY, RELP_FREED };
struct relp_note {
	uint32_t kind;
	uint64_t bytes;	 /* RELP_FREED: bytes of segments removed */
	char text[240]; /* RELP_SAY: a line for sv_say, NUL-terminated */
};

/* Starts the sender of t (its spool open): t->fd reads its notes, t->wake
 * tells it of new data, t->rpid is its pid. Returns 0 or -1 with errno. */
int relp_start(struct sv *sv, struct fwd_target *t);
/* The sender's notes (t->fd readable); a sender that died is reaped and
 * started again at the next tick. */
void relp_notes(struct sv *sv, struct fwd_target *t);
/* Every RELP_SYNC_MS: syncs the spool when it has new data; restarts a
 * sender that died. */
void relp_tick(struct sv *sv, struct fwd_target *t);
/* Tells the sender that the spool has new data. */
void relp_wake(struct fwd_target *t);
/* At exit: syncs, lets the sender end its session (up to 2 s), reaps it. */
void relp_close(struct sv *sv, struct fwd_target *t);

/* logrelpsend.c: the sender's life; never returns. */
void relp_sender(int dfd, int wake, int note, const struct log_target *cfg)
    __attribute__((noreturn));

#endif
