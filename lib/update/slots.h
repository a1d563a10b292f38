/* SPDX-License-Identifier: MIT */
/* slots.h: where a host's A/B update state lives: the booted slot, the
 * slots' devices, the ESP (mounted on demand), the update key, the state
 * directory on the data partition.
 *
 * BERTH_UPDATE_ROOT=DIR points everything into DIR instead, for tests that
 * run without a real disk: DIR/cmdline, DIR/os-release, DIR/board, DIR/esp/,
 * DIR/root-a, DIR/root-b (files standing for the partitions), DIR/update.pub,
 * DIR/state/. Nothing is mounted then, and the supervisor counts
 * update.health_deadline from its own start instead of the kernel's. */
#ifndef BERTH_SLOTS_H
#define BERTH_SLOTS_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#define ESP_MOUNT "/run/berth/esp"
#define UPDATE_KEY "/usr/share/berth/update.pub"
#define UPDATE_STATE "/var/lib/berth/update"

struct slots {
	char booted;		 /* 'a' or 'b', from berth.slot= */
	char version[32];	 /* the booted OS version (VERSION_ID) */
	char product[32];	 /* BERTH_PRODUCT of os-release; "berth" if none */
	char board[64];		 /* DMI product name; "" when unknown */
	char esp[PATH_MAX];	 /* the mounted ESP */
	char dev[2][PATH_MAX];	 /* the root partitions of slot a and b */
	char pubkey[PATH_MAX];	 /* the update public key of this root */
	char state[PATH_MAX];	 /* what updates leave for status */
};

/* Fills s: booted slot, version, paths; mounts the ESP (read-only) when needed.
 * Returns 0; -2 when the kernel was not booted from a berth slot (no
 * berth.slot=: a build host, a test); -1 on any other failure. */
int slots_open(struct slots *s, char *err, size_t errlen);

/* Fills only s's version, product and board, from os-release (under
 * BERTH_UPDATE_ROOT when set): for readers that need no slot or ESP. */
void slots_read_identity(struct slots *s);

/* Remounts the ESP read-write (rw) or back read-only: it is mounted
 * read-only, and a writer makes it writable only around its writes. */
int slots_esp_writable(const struct slots *s, bool rw, char *err, size_t errlen);

/* The other slot. */
static inline char
slots_other(char slot)
{
	return slot == 'a' ? 'b' : 'a';
}

/* Reads a state file (a single line) into out; "" when there is none. */
void slots_read_state(const struct slots *s, const char *name, char *out, size_t len);

/* Writes a state file atomically (temporary file, fsync, rename). */
int slots_write_state(const struct slots *s, const char *name, const char *text);

/* Removes a state file; a missing one is fine. */
void slots_clear_state(const struct slots *s, const char *name);

#endif
