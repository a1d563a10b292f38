/* SPDX-License-Identifier: MIT */
/* Fetches the manifest a reference names, through an index to linux/amd64,
 * each checked against its digest. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "manifest/ytree.h"
#include "base/io.h"
#include "registry/jsonget.h"
#include "registry/manifest.h"

#define MT_OCI_INDEX "application/vnd.oci.image.index.v1+json"
#define MT_OCI_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define MT_DOCKER_LIST "application/vnd.docker.distribution.manifest.list.v2+json"
#define MT_DOCKER_MANIFEST "application/vnd.docker.distribution.manifest.v2+json"
#define ACCEPT MT_OCI_INDEX ", " MT_OCI_MANIFEST ", " MT_DOCKER_LIST ", " MT_DOCKER_MANIFEST

/* GETs manifests/WHAT into *buf, checks its digest against want (hex; ""
 * when nothing pins it) and returns its digest in got. */
static int
fetch(struct reg_client *c, const char *what, const char *want, struct reg_membuf *buf,
      char got[IMAGE_DIGEST_LEN + 1], char *type, size_t type_len)
{
	char url[1024], ref[REGISTRY_REF_MAX];
	struct reg_req r = {.url = url, .accept = ACCEPT, .write = reg_membuf_write, .arg = buf};

	buf->max = REG_MANIFEST_MAX;
	if (reg_url(c, "manifests", what, url, sizeof url) < 0)
		return io_errf(c->err, sizeof c->err, "registry %s: the URL is too long",
			       c->ref->registry);
	if (reg_request(c, &r) < 0) {
		registry_ref_format(c->ref, ref, sizeof ref);
		if (r.status == 404)
			return io_errf(
			    c->err, sizeof c->err,
			    "%s: not found in the registry (404: no such tag or manifest)", ref);
		if (r.sink_failed)
			return io_errf(c->err, sizeof c->err,
				       "%s: the manifest is larger than %d bytes", ref,
				       REG_MANIFEST_MAX);
		return -1;
	}
	reg_sha256_hex(buf->p ? buf->p : "", buf->n, got);
	if (want[0] && strcmp(got, want) != 0) {
		registry_ref_format(c->ref, ref, sizeof ref);
		return io_errf(c->err, sizeof c->err,
			       "%s: digest mismatch: the registry's manifest is sha256:%s, the "
			       "reference pins sha256:%s",
			       ref, got, want);
	}
	snprintf(type, type_len, "%s", r.content_type);
	type[strcspn(type, "; ")] = '\0';
	return 0;
}

/* The digest of the linux/amd64 manifest in an index. */
static int
pick_platform(struct reg_client *c, const char *raw, size_t len, char out[IMAGE_DIGEST_LEN + 1])
{
	struct diag d;
	struct ynode *root = NULL;
	const struct ynode *list;
	int rc = io_errf(c->err, sizeof c->err, "registry %s: the index has no linux/amd64 image",
			 c->ref->registry);

	diag_init(&d, "index");
	if (ytree_parse(raw, len, &d, &root) == 0 && (list = reg_json_get(root, "manifests")) &&
	    list->type == YNODE_SEQ) {
		for (size_t i = 0; i < list->n; i++) {
			const struct ynode *p = reg_json_get(list->kids[i], "platform");
			const char *why;

			if (strcmp(reg_json_str(reg_json_get(p, "os")), "linux") != 0 ||
			    strcmp(reg_json_str(reg_json_get(p, "architecture")), "amd64") != 0)
				continue;
			rc = image_digest_parse(reg_json_str(reg_json_get(list->kids[i], "digest")),
						out, &why);
			if (rc < 0)
				io_errf(c->err, sizeof c->err, "registry %s: the index: %s",
					c->ref->registry, why);
			break;
		}
	}
	ytree_free(root);
	diag_free(&d);
	return rc;
}

static int
is_index(const char *type, const char *raw)
{
	if (strcmp(type, MT_OCI_INDEX) == 0 || strcmp(type, MT_DOCKER_LIST) == 0)
		return 1;
	/* Some registries answer a generic type; the body names its kind. */
	return strstr(raw, MT_OCI_INDEX) || strstr(raw, MT_DOCKER_LIST) ? 1 : 0;
}

int
reg_manifest_fetch(struct reg_client *c, struct reg_image *out)
{
	struct reg_membuf top = {0}, img = {0};
	char type[128], what[80], child[IMAGE_DIGEST_LEN + 1];
	const char *why;

	memset(out, 0, sizeof *out);
	if (c->ref->tag)
		snprintf(what, sizeof what, "%s", c->ref->tag);
	else
		snprintf(what, sizeof what, "sha256:%s", c->ref->digest);
	if (fetch(c, what, c->ref->digest, &top, out->top, type, sizeof type) < 0)
		goto fail;
	if (!is_index(type, top.p ? top.p : "")) {
		memcpy(out->digest, out->top, sizeof out->digest);
		out->raw = top.p, out->len = top.n;
	} else {
		out->top_raw = top.p, out->top_len = top.n;
		top.p = NULL;
		if (pick_platform(c, out->top_raw, out->top_len, child) < 0)
			goto fail;
		snprintf(what, sizeof what, "sha256:%s", child);
		if (fetch(c, what, child, &img, out->digest, type, sizeof type) < 0)
			goto fail;
		out->raw = img.p, out->len = img.n;
	}
	if (!out->raw || reg_manifest_parse(out->raw, out->len, out, &why) < 0) {
		io_errf(c->err, sizeof c->err, "registry %s: manifest sha256:%s: %s",
			c->ref->registry, out->digest, out->raw ? why : "empty");
		goto fail_img;
	}
	return 0;
fail:
	free(top.p);
	free(img.p);
fail_img:
	reg_image_free(out);
	return -1;
}
