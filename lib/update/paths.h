/* SPDX-License-Identifier: MIT */
/* Where berth's programs find the manifest in force on a host. */
#ifndef BERTH_PATHS_H
#define BERTH_PATHS_H

#include <stddef.h>

/* Written by `berthctl apply`, sealed (lib/update/seal.h); wins over the one baked
 * into the slot only while its seal holds (docs/manifest.md). */
#define MANIFEST_OVERRIDE "/var/lib/berth/host.yaml"
#define MANIFEST_BAKED "/usr/share/berth/host.yaml"

/* The manifest in force: the override when there is one and berth sealed
 * it, else the baked one. why gets the reason an existing override is not
 * honoured, "" when there is none or it is. Every program asks this, so
 * that netsetup and the supervisor never run different manifests. */
const char *manifest_in_force(char *why, size_t len);

/* manifest_in_force() without the reason. */
const char *manifest_default_path(void);

/* manifest_in_force() of the given pair of paths, for tests; the sealing
 * key is looked for where slots_open() says the ESP is. */
const char *manifest_choose(const char *override, const char *baked, char *why, size_t len);

#endif
