/* SPDX-License-Identifier: MIT */
/* Image manifests: fetching the one a reference names (through an index to
 * linux/amd64), checking its digest, reading its descriptors. */
#ifndef BERTH_REGISTRY_MANIFEST_H
#define BERTH_REGISTRY_MANIFEST_H

#include <stddef.h>
#include <stdint.h>

#include "registry/client.h"

/* A manifest is a few KiB; a registry answering more is not one to trust. */
#define REG_MANIFEST_MAX (4 * 1024 * 1024)

struct reg_desc {
	char digest[IMAGE_DIGEST_LEN + 1]; /* hex */
	uint64_t size;
	char media[128];
	int gzip; /* layers: 1 gzip, 0 plain tar */
};

struct reg_image {
	char top[IMAGE_DIGEST_LEN + 1]; /* what the reference names: index or manifest */
	char *top_raw;			/* its bytes when it is an index, else NULL */
	size_t top_len;
	char digest[IMAGE_DIGEST_LEN + 1]; /* the image manifest of linux/amd64 */
	char *raw;
	size_t len;
	struct reg_desc config;
	struct reg_desc *layers;
	size_t n_layers;
	uint64_t size; /* config and layers, as the descriptors say */
};

/* Fetches what c->ref names. A pinned digest must be the digest of what the
 * tag names now (or of what the digest fetches); else -1 naming both. */
int reg_manifest_fetch(struct reg_client *c, struct reg_image *out);
/* Reads an image manifest's config and layers (raw stays the caller's). */
int reg_manifest_parse(const char *raw, size_t len, struct reg_image *out, const char **why);
void reg_image_free(struct reg_image *m);

/* sha256 of buf in lowercase hex. */
void reg_sha256_hex(const void *buf, size_t len, char out[IMAGE_DIGEST_LEN + 1]);
void reg_hex(const uint8_t *d, size_t n, char *out);

#endif
