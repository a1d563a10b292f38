/* SPDX-License-Identifier: MIT */
/* Parses image references of the three kinds the image builder imports. */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image/imageref.h"
#include "base/names.h"

static int
fail(const char **why, const char *reason)
{
	*why = reason;
	return -1;
}

static const char *const kind_names[] = {
    [IMAGE_OCI] = "oci",
    [IMAGE_DOCKER_ARCHIVE] = "docker-archive",
    [IMAGE_DIR] = "dir",
};

const char *
image_kind_str(enum image_kind k)
{
	return (unsigned)k < sizeof(kind_names) / sizeof(kind_names[0]) ? kind_names[k] : "?";
}

int
image_digest_parse(const char *s, char out[IMAGE_DIGEST_LEN + 1], const char **why)
{
	static const char expect[] = "a digest is sha256: and 64 lowercase hex digits";

	if (strncmp(s, "sha256:", 7) != 0 || strlen(s + 7) != IMAGE_DIGEST_LEN)
		return fail(why, expect);
	for (const char *p = s + 7; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return fail(why, expect);
	memcpy(out, s + 7, IMAGE_DIGEST_LEN + 1);
	return 0;
}

int
image_tag_check(const char *s, const char **why)
{
	static const char expect[] = "a tag uses letters, digits, '_', '.' and '-' "
				     "(at most 128, not starting with '.' or '-')";
	size_t n = strlen(s);

	if (n == 0 || n > 128 || s[0] == '.' || s[0] == '-')
		return fail(why, expect);
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      strchr("_.-", c)))
			return fail(why, expect);
	}
	return 0;
}

static int
kind_parse(const char *s, enum image_kind *kind, const char **rest, const char **why)
{
	for (unsigned k = 0; k < sizeof(kind_names) / sizeof(kind_names[0]); k++) {
		size_t n = strlen(kind_names[k]);

		if (strncmp(s, kind_names[k], n) == 0 && s[n] == ':') {
			*kind = (enum image_kind)k;
			*rest = s + n + 1;
			return 0;
		}
	}
	return fail(why,
		    "berth does not pull images: use oci:PATH, docker-archive:PATH or dir:PATH");
}

/* Splits PATH[:TAG][@DIGEST] of rest (modified in place) into *out. */
static int
ref_split(char *rest, struct image_ref *out, const char **why)
{
	char *at = strchr(rest, '@'), *colon;

	if (at) {
		*at = '\0';
		if (out->kind == IMAGE_DIR)
			return fail(why, "a dir: image has no digest");
		if (image_digest_parse(at + 1, out->digest, why) < 0)
			return -1;
	}
	colon = strchr(rest, ':');
	if (colon) {
		*colon = '\0';
		if (out->kind != IMAGE_OCI)
			return fail(why, "only oci: images have a tag (paths cannot contain ':')");
		if (image_tag_check(colon + 1, why) < 0)
			return -1;
		if (!(out->tag = strdup(colon + 1)))
			return fail(why, "out of memory");
	}
	if (!*rest)
		return fail(why, "missing path after the image kind");
	if (strlen(rest) > PATH_MAX_LEN)
		return fail(why, "the path is longer than 4095 bytes");
	if (!(out->path = strdup(rest)))
		return fail(why, "out of memory");
	return 0;
}

void
image_path_normal(const char *path, char *out)
{
	const char *p = path;
	char *o = out;

	if (*p == '/')
		*o++ = '/';
	for (;;) {
		while (*p == '/')
			p++;
		size_t n = strcspn(p, "/");
		if (n == 0)
			break;
		if (n != 1 || p[0] != '.') {
			if (o > out && o[-1] != '/')
				*o++ = '/';
			memcpy(o, p, n);
			o += n;
		}
		p += n;
	}
	if (o == out)
		*o++ = '.';
	*o = '\0';
}

/* The normal form of path as one file name (see imageref.h); -1 with
 * ENAMETOOLONG when it is longer than a file name may be. */
static int
path_key(const char *path, char out[NAME_MAX + 1])
{
	char norm[strlen(path) + 2];
	size_t o = 0;

	image_path_normal(path, norm);
	for (const char *p = norm; *p; p++) {
		unsigned char c = (unsigned char)*p;
		char esc[4];
		bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			    (c >= '0' && c <= '9') || c == '_' || c == '-' || (c == '.' && p != norm);

		if (c == '/')
			strcpy(esc, "+");
		else if (keep)
			snprintf(esc, sizeof esc, "%c", c);
		else
			snprintf(esc, sizeof esc, "%%%02X", c);
		size_t n = strlen(esc);
		if (o + n > NAME_MAX)
			return errno = ENAMETOOLONG, -1;
		memcpy(out + o, esc, n);
		o += n;
	}
	out[o] = '\0';
	return 0;
}

/* The image's directory (dir:) or the directory of its rootfs and config. */
static int
store_dir(const struct image_ref *r, char *buf, size_t len)
{
	char key[NAME_MAX + 1];
	int n;

	if (r->kind == IMAGE_DIR) {
		if (strlen(r->path) + 2 > len)
			return errno = ENAMETOOLONG, -1;
		image_path_normal(r->path, buf);
		return 0;
	}
	if (path_key(r->path, key) < 0)
		return -1;
	n = snprintf(buf, len, "%s/%s%s%s", image_kind_str(r->kind), key, r->tag ? "@" : "",
		     r->tag ? r->tag : "");
	if (n < 0 || (size_t)n >= len)
		return errno = ENAMETOOLONG, -1;
	return 0;
}

static int
store_file(const struct image_ref *r, const char *name, char *buf, size_t len)
{
	size_t n;

	if (store_dir(r, buf, len) < 0)
		return -1;
	n = strlen(buf);
	if (n + 1 + strlen(name) + 1 > len)
		return errno = ENAMETOOLONG, -1;
	buf[n] = '/';
	strcpy(buf + n + 1, name);
	return 0;
}

int
image_ref_rootfs(const struct image_ref *r, char *buf, size_t len)
{
	return r->kind == IMAGE_DIR ? store_dir(r, buf, len) : store_file(r, "rootfs", buf, len);
}

int
image_ref_config(const struct image_ref *r, char *buf, size_t len)
{
	if (r->kind == IMAGE_DIR)
		return errno = ENOENT, -1;
	return store_file(r, "config", buf, len);
}

/* What a parsed reference must also be to have a place to be baked. */
static int
store_check(const struct image_ref *r, const char **why)
{
	char buf[IMAGE_STORE_MAX];

	if (image_ref_rootfs(r, buf, sizeof buf) < 0)
		return fail(why, "the path, escaped as one file name, is longer than 255 bytes");
	if (r->kind != IMAGE_DIR || buf[0] == '/')
		return 0;
	/* oci/ and docker-archive/ of the images directory hold imports. */
	for (unsigned k = 0; k < sizeof(kind_names) / sizeof(kind_names[0]); k++) {
		size_t n = strlen(kind_names[k]);

		if (k != IMAGE_DIR && strncmp(buf, kind_names[k], n) == 0 &&
		    (buf[n] == '/' || buf[n] == '\0'))
			return fail(why, "a dir: PATH cannot start with oci/ or docker-archive/: "
					 "those directories of the images directory hold imported "
					 "images");
	}
	return 0;
}

int
image_ref_parse(const char *s, struct image_ref *out, const char **why)
{
	const char *rest;
	char *buf;
	int r;

	memset(out, 0, sizeof(*out));
	if (!*s)
		return fail(why, "empty");
	if (kind_parse(s, &out->kind, &rest, why) < 0)
		return -1;
	if (strlen(rest) > 2 * PATH_MAX_LEN)
		return fail(why, "too long");
	if (!(buf = strdup(rest)))
		return fail(why, "out of memory");
	r = ref_split(buf, out, why);
	free(buf);
	if (r == 0)
		r = store_check(out, why);
	if (r < 0)
		image_ref_free(out);
	return r;
}

void
image_ref_free(struct image_ref *r)
{
	free(r->path);
	free(r->tag);
	r->path = r->tag = NULL;
}
