/* SPDX-License-Identifier: MIT */
/* syslog.h: RFC 5424 syslog messages and RFC 6587 octet-counting framing,
 * as pure functions over caller buffers. */
#ifndef BERTH_SYSLOG_H
#define BERTH_SYSLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#define SYSLOG_FAC_KERN 0
#define SYSLOG_FAC_USER 1
#define SYSLOG_FAC_DAEMON 3
#define SYSLOG_SEV_ERR 3
#define SYSLOG_SEV_WARNING 4
#define SYSLOG_SEV_INFO 6

/* berth's private enterprise number for its SD-ID "berth@32473" (the
 * example number RFC 5612 reserves for documentation). */
#define SYSLOG_SD_ID "berth@32473"

struct syslog_msg {
	int facility, severity; /* 0-23, 0-7 */
	struct timespec time;	/* realtime; sent as UTC with microseconds */
	const char *hostname;	/* NULL or "": "-" */
	const char *app;	/* app-name: the container's name */
	long procid;		/* 0: "-" */
	const char *msgid;	/* "stdout", "stderr" */
	/* Structured data [berth@32473 seq="N" boot="B" restarts="R" image="I"];
	 * image is left out when NULL. */
	uint64_t seq;
	unsigned restarts;
	const char *image;
	const char *text; /* MSG: bytes as the container wrote them */
	size_t len;
	bool host; /* the host's own message: no restarts in the SD */
	/* The boot's id, "boot" in the SD after seq; left out when NULL. */
	const char *boot;
};

/* The header fields are cut to RFC 5424's lengths (hostname 255, app-name
 * 48, procid 128, msgid 32) and any byte outside printable US-ASCII in
 * them becomes '_'. The MSG is sent as it came, without a BOM.
 *
 * Formats m into buf, preceded by "LEN " when framed (RFC 6587 octet
 * counting, for TCP). Returns the number of bytes written (no NUL), or -1
 * when they do not fit in size. */
ssize_t syslog_format(char *buf, size_t size, const struct syslog_msg *m, bool framed);

/* The length of the octet-counted frame ("LEN SP MSG") at the start of
 * p[0, n): > 0 when it is all there, 0 when p holds only its beginning, -1
 * when p does not start a frame (LEN is 1 to 9 digits, no leading zero). */
ssize_t syslog_frame_len(const char *p, size_t n);

/* One record read from /dev/kmsg, "PRI,SEQ,USEC,FLAGS[,...];TEXT\n" and
 * maybe " KEY=VALUE\n" lines, into m's facility, severity, seq, text and
 * len (TEXT only; rec, which has a NUL at rec[len], is changed) and *usec
 * (its time since boot).
 * Returns 0, or -1 when rec is not such a record. */
int syslog_kmsg_parse(char *rec, size_t len, struct syslog_msg *m, uint64_t *usec);

/* A program that wrote TEXT to /dev/kmsg names itself "name: text" or
 * "name[pid]: text": m's app becomes name (copied to app), procid pid
 * and text the rest. Other text is left as it is. */
void syslog_kmsg_app(struct syslog_msg *m, char app[static 49]);

/* "2026-11-22T20:00:00.123456Z\0" into out. It keeps the last second it
 * formatted, as does syslog_format: neither is for use from two threads. */
void syslog_rfc3339(const struct timespec *ts, char out[static 28]);

#endif
