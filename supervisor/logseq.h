/* SPDX-License-Identifier: MIT */
/* logseq.h: the syslog `seq` of each stream (a container's lines, the
 * supervisor's own), continued across supervisor restarts and boots, and
 * the boot's id that goes beside it (docs/logging.md, Sequence numbers). */
#ifndef BERTH_LOGSEQ_H
#define BERTH_LOGSEQ_H

#include <stdint.h>

/* Numbers are reserved this many at a time: the bound is written durably
 * once per batch, and a new supervisor starts after the last bound, so a
 * number is never used twice; a restart skips what was left of a batch. */
#define LOGSEQ_BATCH 65536

/* Reads this boot's id and keeps the streams' bounds in DIR (made 0700).
 * Returns 0, or -1 with errno: numbers then start at 1 in memory only. */
int logseq_open(const char *dir);
/* The next number of stream NAME (a container's name, or "host"); the
 * first is 1 for a stream never seen. A bound that cannot be written is
 * returned to the caller's attention once through *err (0 otherwise). */
uint64_t logseq_next(const char *name, int *err);
/* /proc/sys/kernel/random/boot_id, or NULL when it cannot be read. */
const char *logseq_boot(void);
/* Stream NAME goes on after last, a number an earlier supervisor run of
 * this boot gave (an adopted container's, live.c), not after its bound:
 * a live restore leaves no gap. Ignored unless last is within the bound. */
void logseq_resume(const char *name, uint64_t last);
void logseq_close(void);

#endif
