/* SPDX-License-Identifier: MIT */
/* Compose short-form volume specs: named volumes, binds from the data
 * partition, and tmpfs mounts. */
#ifndef BERTH_VOLSPEC_H
#define BERTH_VOLSPEC_H

#include <stdbool.h>
#include <stdint.h>

#include "base/diag.h"

/* Where named volumes live on the host: VOLUME_DIR/<name>. */
#define VOLUME_DIR "/var/lib/berth/volumes"
/* Bind sources must be under this directory of the data partition; a
 * relative source "./x" means BIND_DIR/x. */
#define BIND_DIR "/var/lib/berth/data"
#define TMPFS_DEFAULT_SIZE (64ull << 20)
#define TMPFS_DEFAULT_MODE 01777

enum volume_kind {
	VOLUME_NAMED, /* NAME:/path[:ro|rw] */
	VOLUME_BIND,  /* ./sub/dir:/path[:ro|rw] or /var/lib/berth/data/...:/path */
	VOLUME_TMPFS, /* tmpfs:/path[:size=64m,mode=1777,ro] */
};

struct volume {
	enum volume_kind kind;
	char *source; /* named: the name; bind: absolute host path; tmpfs: NULL */
	char *target; /* absolute path in the container */
	bool read_only;
	uint64_t tmpfs_size; /* bytes, tmpfs only */
	unsigned tmpfs_mode; /* tmpfs only */
	struct srcpos pos;   /* filled in by the manifest parser */
};

/* On success the strings of *out are allocated; release with volume_free. */
int volume_parse(const char *s, struct volume *out, const char **why);
void volume_free(struct volume *v);
const char *volume_kind_str(enum volume_kind k);

#endif
