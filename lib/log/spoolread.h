/* SPDX-License-Identifier: MIT */
/* spoolread.h: a sender's reading of its target's spool (relp-send/,
 * tls-send/): frames in order from the last acknowledged position, and
 * the removal of segments once every message in them was acknowledged. */
#ifndef BERTH_LOG_SPOOLREAD_H
#define BERTH_LOG_SPOOLREAD_H

#include <stddef.h>
#include <stdint.h>

#define SPOOLRD_NO_SEG UINT64_MAX

struct spoolrd {
	int dfd, note;	 /* the spool directory; the notes pipe to the supervisor */
	const char *url; /* the target, for the lines it says */
	/* Reading: segment seg open as fd, its bytes [boff, boff + len) in
	 * buf, buf[0, pos) handed on. */
	uint64_t seg;
	int fd;
	char *buf;
	size_t len, pos;
	uint64_t boff;
	uint64_t aseg, aoff; /* all before this is acknowledged */
	unsigned since_save;
};

/* A sender's start: signals as a fresh program has them (the supervisor
 * blocks its own), SIGPIPE ignored; takes the spool (an flock, waiting
 * for a sender that is on its way out) and reads where the last one
 * stopped. A sender without memory says so and ends (status 111). */
void spoolrd_open(struct spoolrd *r, int dfd, int note, const char *url);
/* The next frame (LEN SP MSG) in *p and its length, or 0 when none waits. */
size_t spoolrd_next(struct spoolrd *r, const char **p);
/* Where the frame last returned ends, in segment r->seg. */
static inline uint64_t
spoolrd_end(const struct spoolrd *r)
{
	return r->boff + r->pos;
}
/* Every message before offset end of segment seg is acknowledged: the
 * segments before seg go, and the supervisor is told the bytes freed. */
void spoolrd_acked(struct spoolrd *r, uint64_t seg, uint64_t end);
/* The next spoolrd_next starts again at the last acknowledged position. */
void spoolrd_rewind(struct spoolrd *r);
/* Saves the acknowledged position for the next sender (not synced:
 * losing it costs messages sent twice, never lost ones). */
void spoolrd_save(struct spoolrd *r);
/* A line for the supervisor's host.log (a RELP_SAY note); a supervisor
 * that is gone ends the sender. */
void spoolrd_say(const struct spoolrd *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
