/* SPDX-License-Identifier: MIT */
/* Parses image references of the three kinds the image builder imports. */
#include <stdlib.h>
#include <string.h>

#include "imageref.h"
#include "names.h"

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

/* "sha256:" and 64 lowercase hex digits. */
static int
digest_parse(const char *s, char *out, const char **why)
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

/* An OCI tag: [A-Za-z0-9_][A-Za-z0-9_.-]{0,127} */
static int
tag_check(const char *s, const char **why)
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
		if (digest_parse(at + 1, out->digest, why) < 0)
			return -1;
	}
	colon = strchr(rest, ':');
	if (colon) {
		*colon = '\0';
		if (out->kind != IMAGE_OCI)
			return fail(why, "only oci: images have a tag (paths cannot contain ':')");
		if (tag_check(colon + 1, why) < 0)
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
