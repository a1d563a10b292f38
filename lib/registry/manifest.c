/* SPDX-License-Identifier: MIT */
/* Reads image manifests (OCI and Docker v2 schema 2) and hashes bytes. */
#include <nettle/sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "manifest/ytree.h"
#include "registry/jsonget.h"
#include "registry/manifest.h"

void
reg_hex(const uint8_t *d, size_t n, char *out)
{
	static const char hex[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hex[d[i] >> 4];
		out[2 * i + 1] = hex[d[i] & 15];
	}
	out[2 * n] = '\0';
}

void
reg_sha256_hex(const void *buf, size_t len, char out[IMAGE_DIGEST_LEN + 1])
{
	struct sha256_ctx ctx;
	uint8_t d[SHA256_DIGEST_SIZE];

	sha256_init(&ctx);
	sha256_update(&ctx, len, buf);
	sha256_digest(&ctx, sizeof d, d);
	reg_hex(d, sizeof d, out);
}

static int
desc_read(const struct ynode *n, struct reg_desc *d, const char **why)
{
	const char *dig = reg_json_str(reg_json_get(n, "digest")),
		   *size = reg_json_str(reg_json_get(n, "size"));
	char *end;
	const char *w;

	if (image_digest_parse(dig, d->digest, &w) < 0)
		return *why = "a descriptor's digest is not sha256:HEX", -1;
	d->size = strtoull(size, &end, 10);
	if (!*size || *end || size[0] == '-')
		return *why = "a descriptor without a size", -1;
	snprintf(d->media, sizeof d->media, "%s", reg_json_str(reg_json_get(n, "mediaType")));
	return 0;
}

/* The layer kinds berth unpacks: tar, gzip'd or not. */
static int
layer_kind(struct reg_desc *d, const char **why)
{
	const char *m = d->media;
	size_t n = strlen(m);

	if (strcmp(m, "application/vnd.docker.image.rootfs.diff.tar.gzip") == 0 ||
	    strcmp(m, "application/vnd.oci.image.layer.v1.tar+gzip") == 0)
		return d->gzip = 1, 0;
	if (strcmp(m, "application/vnd.oci.image.layer.v1.tar") == 0)
		return d->gzip = 0, 0;
	if (n > 5 && strcmp(m + n - 5, "+zstd") == 0)
		return *why = "a zstd-compressed layer (not supported yet)", -1;
	return *why = "a layer of a media type berth does not unpack", -1;
}

int
reg_manifest_parse(const char *raw, size_t len, struct reg_image *m, const char **why)
{
	struct diag d;
	struct ynode *root = NULL;
	const struct ynode *layers;
	int rc = -1;

	diag_init(&d, "manifest");
	if (ytree_parse(raw, len, &d, &root) < 0 || !root || root->type != YNODE_MAP) {
		*why = "the manifest is not a JSON object";
		goto out;
	}
	if (desc_read(reg_json_get(root, "config"), &m->config, why) < 0)
		goto out;
	layers = reg_json_get(root, "layers");
	if (!layers || layers->type != YNODE_SEQ) {
		*why = "the manifest has no list of layers";
		goto out;
	}
	if (!(m->layers = calloc(layers->n ? layers->n : 1, sizeof *m->layers))) {
		*why = "out of memory";
		goto out;
	}
	m->size = m->config.size;
	for (size_t i = 0; i < layers->n; i++) {
		if (desc_read(layers->kids[i], &m->layers[i], why) < 0 ||
		    layer_kind(&m->layers[i], why) < 0)
			goto out;
		m->size += m->layers[i].size;
		m->n_layers++;
	}
	rc = 0;
out:
	ytree_free(root);
	diag_free(&d);
	return rc;
}

void
reg_image_free(struct reg_image *m)
{
	free(m->top_raw);
	free(m->raw);
	free(m->layers);
	memset(m, 0, sizeof *m);
}
