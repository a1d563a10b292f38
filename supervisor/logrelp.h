/* SPDX-License-Identifier: MIT */
/* logrelp.h: relp:// targets: the spool is their queue, and a child
 * process (relp-send/, a program of its own) sends it with librelp and removes what the
 * receiver acknowledged (docs/logging.md, RELP). */
#ifndef BERTH_LOGRELP_H
#define BERTH_LOGRELP_H

#include <stdbool.h>
#include <stdint.h>

#include "log/relp.h"
#include "logfwd.h"

/* Whether the sender program is installed beside the supervisor. */
bool relp_available(void);
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

#endif
