/* SPDX-License-Identifier: MIT */
/* Where berth's programs find the manifest in force on a host. */
#ifndef BERTH_PATHS_H
#define BERTH_PATHS_H

/* Written by `berthctl apply`; wins over the one baked into the slot. */
#define MANIFEST_OVERRIDE "/var/lib/berth/host.yaml"
#define MANIFEST_BAKED "/usr/share/berth/host.yaml"

/* The manifest in force: the override when there is one, else the baked one. */
const char *manifest_default_path(void);

#endif
