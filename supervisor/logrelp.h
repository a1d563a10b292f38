/* SPDX-License-Identifier: MIT */
/* logrelp.h: relp:// and tls:// targets: the spool is their queue, and a
 * child process (relp-send/ with librelp, tls-send/ with GnuTLS, programs
 * of their own) sends it and removes what the receiver acknowledged
 * (docs/logging.md, RELP and TLS). */
#ifndef BERTH_LOGRELP_H
#define BERTH_LOGRELP_H

#include <stdbool.h>
#include <stdint.h>

#include "log/relp.h"
#include "logfwd.h"

/* The sender program of t (RELP_SENDER, TLS_SENDER), and whether it is
 * installed beside the supervisor. */
const char *relp_sender_name(const struct fwd_target *t);
bool relp_available(const struct fwd_target *t);
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
