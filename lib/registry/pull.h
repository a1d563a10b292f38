/* SPDX-License-Identifier: MIT */
/* Pulling one reference into the store, from manifest to unpacked tree. */
#ifndef BERTH_REGISTRY_PULL_H
#define BERTH_REGISTRY_PULL_H

#include <stddef.h>

#include "registry/client.h"
#include "registry/store.h"

/*
 * Fetches r's manifest (its pin checked), every blob not in the store
 * (each verified), unpacks the image, and only then writes the reference:
 * a reference in the store always names a whole, verified image. *out
 * gets what was written. -1 with err set.
 */
int reg_pull(struct store *s, const struct registry_ref *r, const struct reg_opts *o,
	     struct store_ref *out, char *err, size_t errlen);

#endif
