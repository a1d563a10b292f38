/* SPDX-License-Identifier: MIT */
/* Unit tests of lib/registry/ref.c: docker-style registry references. */
#include <stdlib.h>

#include "check.h"
#include "registry/ref.h"

#define D64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static void
test_good(void)
{
	static const struct {
		const char *in, *registry, *host, *repo, *tag, *digest, *canonical;
	} cases[] = {
	    {"busybox", "docker.io", "registry-1.docker.io", "library/busybox", "latest", "",
	     "docker.io/library/busybox:latest"},
	    {"team/web:1.4", "docker.io", "registry-1.docker.io", "team/web", "1.4", "",
	     "docker.io/team/web:1.4"},
	    {"index.docker.io/busybox", "docker.io", "registry-1.docker.io", "library/busybox",
	     "latest", "", "docker.io/library/busybox:latest"},
	    {"registry.example:5000/team/web:1.4", "registry.example:5000", "registry.example:5000",
	     "team/web", "1.4", "", "registry.example:5000/team/web:1.4"},
	    {"registry.example:5000/team/web:1.4@sha256:" D64, "registry.example:5000",
	     "registry.example:5000", "team/web", "1.4", D64,
	     "registry.example:5000/team/web:1.4@sha256:" D64},
	    {"127.0.0.1:5000/web@sha256:" D64, "127.0.0.1:5000", "127.0.0.1:5000", "web", NULL, D64,
	     "127.0.0.1:5000/web@sha256:" D64},
	    {"localhost/a/b/c", "localhost", "localhost", "a/b/c", "latest", "",
	     "localhost/a/b/c:latest"},
	    {"quay.io/a__b.c-d--e_f:V_1.0-x", "quay.io", "quay.io", "a__b.c-d--e_f", "V_1.0-x", "",
	     "quay.io/a__b.c-d--e_f:V_1.0-x"},
	    {"foo/bar", "docker.io", "registry-1.docker.io", "foo/bar", "latest", "",
	     "docker.io/foo/bar:latest"},
	};
	const char *why = NULL;
	char buf[REGISTRY_REF_MAX];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct registry_ref r;
		const char *in = cases[i].in;

		if (registry_ref_parse(in, &r, &why) < 0) {
			CHECK(0, "\"%s\" parses: %s", in, why);
			continue;
		}
		CHECK_STR(r.registry, cases[i].registry, "\"%s\": registry", in);
		CHECK_STR(r.host, cases[i].host, "\"%s\": host", in);
		CHECK_STR(r.repo, cases[i].repo, "\"%s\": repository", in);
		CHECK_STR(r.tag, cases[i].tag, "\"%s\": tag", in);
		CHECK_STR(r.digest, cases[i].digest, "\"%s\": digest", in);
		CHECK_STR(registry_ref_format(&r, buf, sizeof buf) == 0 ? buf : NULL,
			  cases[i].canonical, "\"%s\": canonical form", in);
		registry_ref_free(&r);
	}
}

static void
test_bad(void)
{
	static const struct {
		const char *in, *why;
	} cases[] = {
	    {"", "an empty reference"},
	    {"team/Web", "a repository path component is lowercase letters and digits, joined by "
			 "'.', '_', '__' or dashes"},
	    {"team//web", "a repository path component is lowercase letters and digits, joined "
			  "by '.', '_', '__' or dashes"},
	    {"team/web.", "a repository path component is lowercase letters and digits, joined "
			  "by '.', '_', '__' or dashes"},
	    {"team/a___b", "a repository path component is lowercase letters and digits, joined "
			   "by '.', '_', '__' or dashes"},
	    {"team/a._b", "a repository path component is lowercase letters and digits, joined "
			  "by '.', '_', '__' or dashes"},
	    {"web:", "a tag uses letters, digits, '_', '.' and '-' (at most 128, not starting "
		     "with '.' or '-')"},
	    {"web:-x", "a tag uses letters, digits, '_', '.' and '-' (at most 128, not starting "
		       "with '.' or '-')"},
	    {"web@sha256:abc", "a digest is sha256: and 64 lowercase hex digits"},
	    {"web@sha512:" D64, "a digest is sha256: and 64 lowercase hex digits"},
	    {"reg.example:/web", "a registry's port is 1 to 5 digits"},
	    {"reg.example:12a/web", "a registry's port is 1 to 5 digits"},
	    {"-reg.example/web", "a registry is a host name with an optional :port"},
	    {"reg..example/web", "a registry is a host name with an optional :port"},
	    {"reg.example/", "a repository path component is lowercase letters and digits, "
			     "joined by '.', '_', '__' or dashes"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct registry_ref r;
		const char *why = NULL;
		int rc = registry_ref_parse(cases[i].in, &r, &why);

		CHECK(rc < 0, "\"%s\" is refused", cases[i].in);
		if (rc < 0)
			CHECK_STR(why, cases[i].why, "\"%s\": the reason", cases[i].in);
		else
			registry_ref_free(&r);
	}

	/* 256 characters of name with the registry: over the spec's 255. */
	char long_name[300] = "r.example/";
	struct registry_ref r;
	const char *why;

	memset(long_name + 10, 'a', 246);
	long_name[256] = '\0';
	CHECK(registry_ref_parse(long_name, &r, &why) < 0, "a 256-character name is refused");
}

int
main(void)
{
	test_good();
	test_bad();
	CHECK_EXIT();
}
