/* SPDX-License-Identifier: MIT */
/* Downloading a blob into the store: resumed, size-capped, verified. */
#ifndef BERTH_REGISTRY_BLOB_H
#define BERTH_REGISTRY_BLOB_H

#include "registry/manifest.h"
#include "registry/store.h"

/*
 * Fetches blob d into s's blobs/sha256/HEX unless it is there. The bytes go
 * to tmp/HEX.part, resumed from its length (Range) when one is left from an
 * earlier try; more bytes than d->size, or a sha256 other than d->digest,
 * remove the part and fail naming both. A verified part is fsync'd and
 * renamed into place. -1 with c->err (a client's failure) or s->err (the
 * store's) copied into c->err.
 */
int reg_blob_fetch(struct reg_client *c, struct store *s, const struct reg_desc *d);

#endif
