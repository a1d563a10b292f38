/* SPDX-License-Identifier: MIT */
/* Parses registry references by the distribution spec's grammar. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "registry/ref.h"

/* The spec's limit on a repository name with its registry. */
#define NAME_MAX_LEN 255

static int
fail(const char **why, const char *reason)
{
	*why = reason;
	return -1;
}

static bool
lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/*
 * A path component: [a-z0-9]+ joined by one separator: '.', '_', "__" or
 * any run of '-'.
 */
static int
component_check(const char *s, size_t n, const char **why)
{
	static const char expect[] = "a repository path component is lowercase letters and "
				     "digits, joined by '.', '_', '__' or dashes";

	if (n == 0 || !lower_alnum(s[0]) || !lower_alnum(s[n - 1]))
		return fail(why, expect);
	for (size_t i = 1; i < n; i++) {
		if (lower_alnum(s[i]))
			continue;
		size_t j = i;

		while (j < n && !lower_alnum(s[j]))
			j++;
		size_t run = j - i;
		bool ok = (run == 1 && (s[i] == '.' || s[i] == '_')) ||
			  (run == 2 && s[i] == '_' && s[i + 1] == '_') || strspn(s + i, "-") >= run;

		if (!ok)
			return fail(why, expect);
		i = j - 1;
	}
	return 0;
}

/* host[:port]: DNS labels of letters, digits and inner '-', joined by '.'. */
static int
registry_check(const char *s, size_t n, const char **why)
{
	static const char expect[] = "a registry is a host name with an optional :port";
	const char *colon = memchr(s, ':', n);
	size_t h = colon ? (size_t)(colon - s) : n;

	if (h == 0)
		return fail(why, expect);
	for (size_t i = 0; i < h; i++) {
		char c = s[i];
		bool alnum =
		    (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
		bool edge = i == 0 || i + 1 == h || s[i - 1] == '.' || s[i + 1] == '.';

		if (!alnum && !(c == '-' && !edge) && !(c == '.' && !edge))
			return fail(why, expect);
	}
	if (!colon)
		return 0;
	if (n - h < 2 || n - h > 6 || strspn(colon + 1, "0123456789") != n - h - 1)
		return fail(why, "a registry's port is 1 to 5 digits");
	return 0;
}

/* Docker's rule for whether the part before the first '/' names a registry. */
static bool
is_registry(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] == '.' || s[i] == ':' || (s[i] >= 'A' && s[i] <= 'Z'))
			return true;
	return n == 9 && memcmp(s, "localhost", 9) == 0;
}

static int
repo_check(const char *s, const char **why)
{
	for (const char *p = s;;) {
		const char *slash = strchr(p, '/');
		size_t n = slash ? (size_t)(slash - p) : strlen(p);

		if (component_check(p, n, why) < 0)
			return -1;
		if (!slash)
			return 0;
		p = slash + 1;
	}
}

/* Splits "name[:tag][@digest]" in place (s is a copy) into its parts. */
static int
split(char *s, char **tag, char digest[IMAGE_DIGEST_LEN + 1], const char **why)
{
	char *at = strchr(s, '@');
	char *slash, *colon;

	digest[0] = '\0';
	*tag = NULL;
	if (at) {
		*at = '\0';
		if (image_digest_parse(at + 1, digest, why) < 0)
			return -1;
	}
	slash = strrchr(s, '/');
	colon = strrchr(slash ? slash : s, ':');
	if (colon) {
		*colon = '\0';
		if (image_tag_check(colon + 1, why) < 0)
			return -1;
		*tag = colon + 1;
	}
	return 0;
}

static int
fill(struct registry_ref *out, const char *reg, size_t reg_len, const char *repo, const char *tag)
{
	bool docker = reg_len == 9 && memcmp(reg, "docker.io", 9) == 0;
	bool library = docker && !strchr(repo, '/');

	out->registry = strndup(reg, reg_len);
	out->host = docker ? strdup("registry-1.docker.io") : strndup(reg, reg_len);
	if (library) {
		if ((out->repo = malloc(strlen(repo) + 9)))
			sprintf(out->repo, "library/%s", repo);
	} else {
		out->repo = strdup(repo);
	}
	out->tag = tag ? strdup(tag) : NULL;
	if (!out->registry || !out->host || !out->repo || (tag && !out->tag))
		return -1;
	return 0;
}

int
registry_ref_parse(const char *s, struct registry_ref *out, const char **why)
{
	char *copy, *tag, *name, *slash;
	const char *reg = "docker.io";
	size_t reg_len = 9;
	int rc = -1;

	memset(out, 0, sizeof *out);
	if (!*s)
		return fail(why, "an empty reference");
	if (strlen(s) >= REGISTRY_REF_MAX)
		return fail(why, "the reference is too long");
	if (!(copy = strdup(s)))
		return fail(why, "out of memory");
	if (split(copy, &tag, out->digest, why) < 0)
		goto out_free;
	name = copy;
	slash = strchr(name, '/');
	if (slash && is_registry(name, (size_t)(slash - name))) {
		reg = name;
		reg_len = (size_t)(slash - name);
		if (registry_check(reg, reg_len, why) < 0)
			goto out_free;
		name = slash + 1;
	}
	if (strlen(name) + reg_len + 1 > NAME_MAX_LEN) {
		fail(why, "the repository name is longer than 255 characters");
		goto out_free;
	}
	if (repo_check(name, why) < 0)
		goto out_free;
	/* "index.docker.io" is an old name of docker.io, as docker reads it. */
	if (reg_len == 15 && memcmp(reg, "index.docker.io", 15) == 0)
		reg = "docker.io", reg_len = 9;
	if (!tag && !out->digest[0])
		tag = "latest";
	if (fill(out, reg, reg_len, name, tag) < 0) {
		fail(why, "out of memory");
		registry_ref_free(out);
		goto out_free;
	}
	rc = 0;
out_free:
	free(copy);
	return rc;
}

void
registry_ref_free(struct registry_ref *r)
{
	free(r->registry);
	free(r->host);
	free(r->repo);
	free(r->tag);
	memset(r, 0, sizeof *r);
}

int
registry_ref_format(const struct registry_ref *r, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s/%s%s%s%s%s", r->registry, r->repo, r->tag ? ":" : "",
			 r->tag ? r->tag : "", r->digest[0] ? "@sha256:" : "", r->digest);

	return n < 0 || (size_t)n >= len ? -1 : 0;
}
