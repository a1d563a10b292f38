/* SPDX-License-Identifier: MIT */
/* A pull: manifest, blobs, tree, then the reference, in that order. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "registry/blob.h"
#include "registry/manifest.h"
#include "registry/pull.h"
#include "registry/unpack.h"

static int
blobs(struct reg_client *c, struct store *s, const struct reg_image *m)
{
	if (reg_blob_fetch(c, s, &m->config) < 0)
		return -1;
	for (size_t i = 0; i < m->n_layers; i++)
		if (reg_blob_fetch(c, s, &m->layers[i]) < 0)
			return -1;
	return 0;
}

/* The manifests go in last but for the reference: prune reads them. */
static int
manifests(struct store *s, const struct reg_image *m)
{
	if (m->top_raw && store_put_blob(s, m->top, m->top_raw, m->top_len) < 0)
		return -1;
	return store_put_blob(s, m->digest, m->raw, m->len);
}

int
reg_pull(struct store *s, const struct registry_ref *r, const struct reg_opts *o,
	 struct store_ref *out, char *err, size_t errlen)
{
	struct reg_client c;
	struct reg_image m = {0};
	time_t now = time(NULL);
	struct tm tm;
	int rc = -1;

	memset(out, 0, sizeof *out);
	if (registry_ref_format(r, out->reference, sizeof out->reference) < 0)
		return snprintf(err, errlen, "the reference is too long"), -1;
	if (reg_client_init(&c, r, o) < 0) {
		snprintf(err, errlen, "%s", c.err);
		goto out;
	}
	if (reg_manifest_fetch(&c, &m) < 0) {
		snprintf(err, errlen, "%s", c.err);
		goto out;
	}
	/* Nothing of an image the policy refuses is fetched or stored. */
	if (o->accept && o->accept(o->accept_arg, r, m.top, err, errlen) < 0)
		goto out;
	if (blobs(&c, s, &m) < 0) {
		snprintf(err, errlen, "%s", c.err);
		goto out;
	}
	if (store_unpack(s, &m, out->reference) < 0 || manifests(s, &m) < 0) {
		snprintf(err, errlen, "%s", s->err);
		goto out;
	}
	memcpy(out->top, m.top, sizeof out->top);
	memcpy(out->manifest, m.digest, sizeof out->manifest);
	out->size = m.size;
	gmtime_r(&now, &tm);
	strftime(out->pulled, sizeof out->pulled, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (store_ref_write(s, out) < 0) {
		snprintf(err, errlen, "%s", s->err);
		goto out;
	}
	rc = 0;
out:
	reg_image_free(&m);
	reg_client_free(&c);
	return rc;
}
