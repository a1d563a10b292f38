/* SPDX-License-Identifier: MIT */
/* Container image references: oci:, docker-archive: and dir: sources. */
#ifndef BERTH_IMAGEREF_H
#define BERTH_IMAGEREF_H

enum image_kind {
	IMAGE_OCI,	      /* oci:PATH[:TAG][@sha256:HEX] - an OCI image layout */
	IMAGE_DOCKER_ARCHIVE, /* docker-archive:PATH[@sha256:HEX] - docker save */
	IMAGE_DIR,	      /* dir:PATH - a root filesystem tree */
};

#define IMAGE_DIGEST_LEN 64

struct image_ref {
	enum image_kind kind;
	char *path;			   /* relative paths: from where the build runs */
	char *tag;			   /* oci: only; NULL when not given */
	char digest[IMAGE_DIGEST_LEN + 1]; /* sha256 in lowercase hex; "" when not given */
};

/* On success the strings of *out are allocated; release with image_ref_free. */
int image_ref_parse(const char *s, struct image_ref *out, const char **why);
void image_ref_free(struct image_ref *r);
const char *image_kind_str(enum image_kind k); /* "oci", "docker-archive", "dir" */

#endif
