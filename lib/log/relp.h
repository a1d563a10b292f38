/* SPDX-License-Identifier: MIT */
/* relp.h: what the supervisor (supervisor/logrelp.c) and the RELP sender
 * (relp-send/) agree on: librelp's window and timeouts, the reconnect
 * backoff, and the notes the sender writes to the supervisor
 * (docs/logging.md, RELP). */
#ifndef BERTH_LOG_RELP_H
#define BERTH_LOG_RELP_H

#include <stdint.h>

/* Between attempts to reach a target, doubling (tcp and relp alike). */
#define BACKOFF_MIN_MS 100
#define BACKOFF_MAX_MS 5000

static inline unsigned
backoff_next(unsigned ms)
{
	return ms * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : ms * 2;
}

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
	uint64_t bytes; /* RELP_FREED: bytes of segments removed */
	char text[240]; /* RELP_SAY: a line for sv_say, NUL-terminated */
};

/* The sender's file name, beside the supervisor's own (/usr/lib/berth
 * on a host, the build directory in tests). The image has it only when
 * its manifest has a relp:// target: it brings librelp and its TLS
 * libraries (about 8 MiB). */
#define RELP_SENDER "relp-send"
/* The TLS sender (tls-send/), likewise only for a tls:// target: it
 * brings GnuTLS. It speaks the same notes. */
#define TLS_SENDER "tls-send"

#endif
