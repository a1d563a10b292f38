/* SPDX-License-Identifier: MIT */
/* seal.h: the seal that tells a manifest berth wrote on /var from one
 * anything else wrote there (docs/security.md, The manifest override).
 *
 * A sealed file is the manifest's bytes followed by one last line
 *
 *	# berth-seal: v1 <64 hex digits>
 *
 * the HMAC-SHA256, under this host's sealing key, of every byte before that
 * line. The line is a YAML comment, so a sealed file parses as the same
 * manifest; the seal is in the file itself, so one rename replaces both.
 * The key is 32 random bytes in berth/seal.key on the ESP (struct slots),
 * made on first need. */
#ifndef BERTH_SEAL_H
#define BERTH_SEAL_H

#include <stddef.h>

#include "update/slots.h"

#define SEAL_KEY_FILE "berth/seal.key" /* under the ESP */
#define SEAL_PREFIX "# berth-seal: v1 "
/* The prefix, 64 hex digits, the newline. */
#define SEAL_LINE_LEN (sizeof(SEAL_PREFIX) - 1 + 64 + 1)
/* A manifest is a few KiB; the whole file is read to check it. */
#define SEAL_MAX_FILE (1 << 20)

/* Writes buf (len bytes, a manifest) and its seal to dest atomically
 * (temporary file, fsync, rename, fsync of the directory), making the
 * sealing key first if the ESP has none. A seal line already ending buf is
 * replaced. Returns 0, or -1 with why in err. */
int seal_file_write(const struct slots *s, const char *buf, size_t len, const char *dest, char *err,
		    size_t errlen);

/* 0 when path ends with a seal of the rest of it under this host's key;
 * -1 with the reason in why ("no seal line", "seal does not match ...",
 * "no sealing key on the ESP ..."). */
int seal_check(const struct slots *s, const char *path, char *why, size_t whylen);

#endif
