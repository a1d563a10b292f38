/* SPDX-License-Identifier: MIT */
/* sender.h: the sender's life (sender.c), given its spool and pipes. */
#ifndef BERTH_TLS_SENDER_H
#define BERTH_TLS_SENDER_H

#include "manifest/manifest.h"

/* dfd: the target's spool directory; wake: readable when the supervisor
 * appended; note: struct relp_note to the supervisor; margin: bytes the
 * receiver's TCP must have acknowledged after a message before it counts
 * as read. Never returns. */
void tls_sender(int dfd, int wake, int note, const struct log_target *cfg, uint64_t margin)
    __attribute__((noreturn));

#endif
