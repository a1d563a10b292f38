/* SPDX-License-Identifier: MIT */
/* Unit tests of lib/imageref.c: oci:, docker-archive: and dir: references. */
#include "check.h"
#include "imageref.h"

#define D64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

int
main(void)
{
	static const struct {
		const char *in;
		int ok;
		enum image_kind kind;
		const char *path, *tag, *digest;
	} cases[] = {
	    {"oci:images/web", 1, IMAGE_OCI, "images/web", NULL, ""},
	    {"oci:images/web:1.0", 1, IMAGE_OCI, "images/web", "1.0", ""},
	    {"oci:images/web@sha256:" D64, 1, IMAGE_OCI, "images/web", NULL, D64},
	    {"oci:/abs/web:v2_x-y@sha256:" D64, 1, IMAGE_OCI, "/abs/web", "v2_x-y", D64},
	    {"docker-archive:web.tar", 1, IMAGE_DOCKER_ARCHIVE, "web.tar", NULL, ""},
	    {"docker-archive:web.tar@sha256:" D64, 1, IMAGE_DOCKER_ARCHIVE, "web.tar", NULL, D64},
	    {"dir:build/images/busybox", 1, IMAGE_DIR, "build/images/busybox", NULL, ""},
	    {"busybox", 0, 0, NULL, NULL, NULL},
	    {"nginx:latest", 0, 0, NULL, NULL, NULL},
	    {"docker://nginx", 0, 0, NULL, NULL, NULL},
	    {"oci:", 0, 0, NULL, NULL, NULL},
	    {"oci::tag", 0, 0, NULL, NULL, NULL},
	    {"oci:web:", 0, 0, NULL, NULL, NULL},
	    {"oci:web:.bad", 0, 0, NULL, NULL, NULL},
	    {"oci:web:a:b", 0, 0, NULL, NULL, NULL},
	    {"oci:web@sha256:abc", 0, 0, NULL, NULL, NULL},
	    {"oci:web@sha512:" D64, 0, 0, NULL, NULL, NULL},
	    {"oci:web@sha256:" D64 "0", 0, 0, NULL, NULL, NULL},
	    {"oci:web@sha256:0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef", 0,
	     0, NULL, NULL, NULL},
	    {"docker-archive:web.tar:1.0", 0, 0, NULL, NULL, NULL},
	    {"dir:x@sha256:" D64, 0, 0, NULL, NULL, NULL},
	    {"dir:", 0, 0, NULL, NULL, NULL},
	    {"", 0, 0, NULL, NULL, NULL},
	    {"OCI:web", 0, 0, NULL, NULL, NULL},
	};
	const char *why;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct image_ref r;
		int rc = image_ref_parse(cases[i].in, &r, &why), ok;

		if (!cases[i].ok) {
			CHECK(rc < 0 && why && *why && !r.path && !r.tag,
			      "image \"%s\" is rejected", cases[i].in);
			continue;
		}
		ok = rc == 0 && r.kind == cases[i].kind && strcmp(r.path, cases[i].path) == 0 &&
		     (cases[i].tag ? r.tag && strcmp(r.tag, cases[i].tag) == 0 : !r.tag) &&
		     strcmp(r.digest, cases[i].digest) == 0;
		CHECK(ok, "image \"%s\"", cases[i].in);
		image_ref_free(&r);
	}
	CHECK_STR(image_kind_str(IMAGE_DOCKER_ARCHIVE), "docker-archive", "image_kind_str");
	CHECK_EXIT();
}
