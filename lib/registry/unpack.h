/* SPDX-License-Identifier: MIT */
/* Unpacked image trees in the store: made whole in tmp/, renamed into
 * unpacked/HEX. */
#ifndef BERTH_REGISTRY_UNPACK_H
#define BERTH_REGISTRY_UNPACK_H

#include "registry/manifest.h"
#include "registry/store.h"

/*
 * Makes unpacked/HEX (HEX: m's image manifest digest) unless it is there:
 * m's layers in order into rootfs/, the config lines (registry/config.h)
 * into config, the tree's hash (registry/treehash.h) into tree.sha256,
 * all below tmp/, synced, then renamed into place in one step. On failure
 * nothing is left in tmp/ and s->err says why. The blobs must be in s.
 */
int store_unpack(struct store *s, const struct reg_image *m, const char *reference);

#endif
