/* SPDX-License-Identifier: MIT */
/* Applying one layer to a tree: entries, whiteouts, opaque directories. */
#ifndef BERTH_REGISTRY_LAYER_H
#define BERTH_REGISTRY_LAYER_H

#include <stddef.h>

/*
 * Applies the tar stream on fd (gzip'd or not) to the tree at rootfd, as
 * the OCI image spec says: ".wh.NAME" removes NAME from the layers below,
 * ".wh..wh..opq" empties its directory of them; owners (when root), modes,
 * symlinks, hard links, devices (when root) and xattrs are kept. No entry
 * reaches out of the tree: ".." and paths through symlinks are refused.
 * -1 with err set ("no space" stays ENOSPC in errno).
 */
int layer_apply(int rootfd, int fd, char *err, size_t errlen);

#endif
