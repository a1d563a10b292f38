/* SPDX-License-Identifier: MIT */
/* Registry image references: [registry[:port]/]repo[:tag][@sha256:hex]. */
#ifndef BERTH_REGISTRY_REF_H
#define BERTH_REGISTRY_REF_H

#include <stddef.h>

#include "image/imageref.h"

/* The longest reference the store keeps (host, repository, tag, digest). */
#define REGISTRY_REF_MAX 512

struct registry_ref {
	char *registry; /* as named: "docker.io" when none was given */
	char *host;	/* where the API is: "registry-1.docker.io" for docker.io */
	char *repo;	/* "library/busybox" for docker.io's "busybox" */
	char *tag;	/* NULL when only a digest pins the image */
	char digest[IMAGE_DIGEST_LEN + 1]; /* the pin, lowercase hex; "" when none */
};

/*
 * Parses s as docker does (the distribution spec's reference grammar): the
 * first component is a registry when it has a '.' or a ':' or is
 * "localhost"; else the registry is docker.io, whose one-component
 * repositories live under "library/". Without tag and digest the tag is
 * "latest". On success the strings of *out are allocated (registry_ref_free);
 * on failure *why says what is wrong.
 */
int registry_ref_parse(const char *s, struct registry_ref *out, const char **why);
void registry_ref_free(struct registry_ref *r);

/* The canonical form "registry/repo[:tag][@sha256:hex]" (the store's key). */
int registry_ref_format(const struct registry_ref *r, char *buf, size_t len);

#endif
