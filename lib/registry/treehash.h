/* SPDX-License-Identifier: MIT */
/* The integrity hash of an unpacked tree: every path, type, mode, owner
 * and content, in a fixed order, hashed into one sha256. */
#ifndef BERTH_REGISTRY_TREEHASH_H
#define BERTH_REGISTRY_TREEHASH_H

#include "image/imageref.h"
#include "registry/store.h"

/* Beside an unpacked tree's rootfs/: "sha256:HEX" and a newline. */
#define TREEHASH_FILE "tree.sha256"

/*
 * One line per entry below dirfd, directories walked in byte order of
 * names: "PATH\0TYPE MODE UID GID X\n" where X is the sha256 of a file's
 * content, a symlink's target, a device's numbers or "-"; the sha256 of
 * all lines is the tree's hash (hex into out). It says nothing of
 * timestamps, xattrs or which files are hard links of each other.
 * -1 with errno and err naming the path.
 */
int treehash(int dirfd, char out[IMAGE_DIGEST_LEN + 1], char *err, size_t errlen);

/* Recomputes the hash of unpacked/HEX/rootfs: 0 when it is the recorded
 * one; 1 when it differs (s->err names both); -1 when it cannot tell. */
int store_verify(struct store *s, const char *hex);

#endif
