/* SPDX-License-Identifier: MIT */
/* Where berth's programs find the manifest in force on a host. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "update/paths.h"
#include "update/seal.h"
#include "update/slots.h"

/* The override is what a container that got out onto /var would write:
 * without berth's seal it is never run (docs/security.md). */
const char *
manifest_choose(const char *override, const char *baked, char *why, size_t len)
{
	struct slots s;
	struct stat st;
	char err[512];

	why[0] = 0;
	if (lstat(override, &st) < 0 && errno == ENOENT)
		return baked;
	if (slots_open(&s, err, sizeof err) < 0) {
		snprintf(why, len, "no sealing key: %s", err);
		return baked;
	}
	return seal_check(&s, override, why, len) == 0 ? override : baked;
}

const char *
manifest_in_force(char *why, size_t len)
{
	return manifest_choose(MANIFEST_OVERRIDE, MANIFEST_BAKED, why, len);
}

const char *
manifest_default_path(void)
{
	char why[512];

	return manifest_in_force(why, sizeof why);
}
