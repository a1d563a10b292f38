/* SPDX-License-Identifier: MIT */
/* filehash.h: the SHA-256 and size of a whole file, as the update channel
 * names and checks bundles and manifests by them. */
#ifndef BERTH_FILEHASH_H
#define BERTH_FILEHASH_H

#include <stdint.h>

/* 0 with the digest and size (size may be NULL), or -1 with errno. */
int filehash_sha256(const char *path, uint8_t out[32], uint64_t *size);

#endif
