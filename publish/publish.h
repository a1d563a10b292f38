/* SPDX-License-Identifier: MIT */
/* publish.h: what the channel publisher's commands share (docs/update.md,
 * Channel). The publisher runs on the build host only; no image carries it. */
#ifndef BERTH_PUBLISH_H
#define BERTH_PUBLISH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "update/channel.h"

/* Options of every command; unset ones are NULL or 0. */
struct opts {
	const char *root_key, *new_root_key, *release_key, *new_release_key;
	const char *expires, *rollout_start, *hostname, *machine_id;
	unsigned percent, ramp_hours;
	bool percent_set;
	const char *args[2]; /* the positional arguments after CHANNEL */
	size_t nargs;
};

void die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

/* A key file: a secret key (64 bytes of hex: sk and pub filled) or a public
 * one (32: pub only, *secret false). Dies naming the file. */
void key_load(const char *path, uint8_t sk[64], uint8_t pub[32], bool *secret);
/* A secret key, or die: signing needs one. */
void key_load_secret(const char *path, uint8_t sk[64]);

/* "30d", "12h", "90m", "45s" from now; dies on another form. */
time_t expiry_of(const char *spec, const char *dflt);

/* A whole file (at most max bytes) into a new buffer; NULL with errno set
 * (ENOENT when missing, EFBIG when too large). */
char *file_read(const char *path, size_t max, size_t *len);
/* dir/name replaced atomically (temporary, fsync, rename); dies naming it. */
void file_replace(const char *dir, const char *name, const char *text);
/* Copies src into the channel as dir/sub/<sha256>.ext unless that file is
 * there already with the same bytes (consistent snapshots: a published
 * name never changes meaning); dies when it is there with others. Fills
 * the relative path, size and hash. */
void file_publish(const char *dir, const char *sub, const char *ext, const char *src,
		  char path[CHANNEL_PATH_MAX], uint64_t *size, uint8_t sha[32]);

/* The channel's root.json, loaded and checked; dies naming the file. */
void root_read(const char *dir, struct channel_root *r);
/* Writes a signed document as dir/name. */
void doc_write(const char *dir, const char *name, const char *signed_text,
	       const uint8_t (*sks)[64], size_t n);

int cmd_keygen(const char *dir);
int cmd_init(const char *dir, const struct opts *o);
int cmd_rotate_root(const char *dir, const struct opts *o);
int cmd_add(const char *dir, const struct opts *o);
int cmd_manifest(const char *dir, const struct opts *o);
int cmd_refresh(const char *dir, const struct opts *o);

#endif
