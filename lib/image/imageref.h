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
/* "sha256:" and 64 lowercase hex digits; the digits go to out. */
int image_digest_parse(const char *s, char out[IMAGE_DIGEST_LEN + 1], const char **why);
/* An OCI tag: [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}; shared with registry references. */
int image_tag_check(const char *s, const char **why);

/*
 * Where an image is baked, the one rule the image builder (through
 * `berthctl show --json`) and the supervisor share. Paths are relative to
 * the images directory (/usr/share/berth/images) unless a dir: PATH is
 * absolute:
 *   dir:PATH                  PATH in normal form ("./a/" is "a")
 *   oci:PATH[:TAG]            oci/KEY/rootfs and oci/KEY/config
 *   docker-archive:PATH       docker-archive/KEY/rootfs and .../config
 * KEY is the normal form of PATH as one file name: '/' becomes '+', bytes
 * other than letters, digits, '_', '-' and a '.' not in front become %XX;
 * then "@TAG" when there is a tag. The digest is no part of it: it checks
 * what the build imports, it does not choose it. config holds the image
 * config's defaults (lib/manifest/imageconfig.h); a dir: image has none.
 */
/* The lexical normal form of path into out (room for strlen(path) + 2):
 * no empty or "." components, no trailing '/'; ".." stays, since only the
 * file system knows where it leads. Nothing left is ".". */
void image_path_normal(const char *path, char *out);

#define IMAGE_STORE_MAX 4160 /* room for either path of any parsed reference */
int image_ref_rootfs(const struct image_ref *r, char *buf, size_t len);
int image_ref_config(const struct image_ref *r, char *buf, size_t len); /* ENOENT for dir: */

#endif
