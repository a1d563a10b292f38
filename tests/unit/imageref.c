/* SPDX-License-Identifier: MIT */
/* Unit tests of lib/image/imageref.c: oci:, docker-archive: and dir: references. */
#include "check.h"
#include "image/imageref.h"

#define D64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

/* Where each reference is baked: the rule builder and supervisor share. */
static void
test_store(void)
{
	static const struct {
		const char *in, *rootfs, *config;
	} cases[] = {
	    {"dir:build/images/busybox", "build/images/busybox", NULL},
	    {"dir:./a//b/", "a/b", NULL},
	    {"dir:/abs/./x", "/abs/x", NULL},
	    {"dir:.", ".", NULL},
	    {"dir:a/../b", "a/../b", NULL},
	    {"oci:images/web:1.0", "oci/images+web@1.0/rootfs", "oci/images+web@1.0/config"},
	    {"oci:./images/web/", "oci/images+web/rootfs", "oci/images+web/config"},
	    {"oci:images/web@sha256:" D64, "oci/images+web/rootfs", "oci/images+web/config"},
	    {"oci:/srv/a b+c%:t", "oci/+srv+a%20b%2Bc%25@t/rootfs", "oci/+srv+a%20b%2Bc%25@t/config"},
	    {"oci:../x.y", "oci/%2E.+x.y/rootfs", "oci/%2E.+x.y/config"},
	    {"oci:.", "oci/%2E/rootfs", "oci/%2E/config"},
	    {"docker-archive:web.tar", "docker-archive/web.tar/rootfs",
	     "docker-archive/web.tar/config"},
	};
	char buf[IMAGE_STORE_MAX];
	const char *why;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct image_ref r;

		if (image_ref_parse(cases[i].in, &r, &why) < 0) {
			CHECK(0, "store of \"%s\": parses (%s)", cases[i].in, why);
			continue;
		}
		CHECK_STR(image_ref_rootfs(&r, buf, sizeof buf) == 0 ? buf : NULL, cases[i].rootfs,
			  "rootfs of \"%s\"", cases[i].in);
		CHECK_STR(image_ref_config(&r, buf, sizeof buf) == 0 ? buf : NULL, cases[i].config,
			  "config of \"%s\"", cases[i].in);
		image_ref_free(&r);
	}
	/* 100 bytes of path grow to 300 escaped: more than a file name holds. */
	char longref[128] = "oci:";
	memset(longref + 4, '~', 100);
	CHECK(image_ref_parse(longref, &(struct image_ref){0}, &why) < 0,
	      "an oci: path too long to escape into a file name is rejected");
}

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
	    {"dir:oci/web", 0, 0, NULL, NULL, NULL},
	    {"dir:./docker-archive", 0, 0, NULL, NULL, NULL},
	    {"dir:/oci/web", 1, IMAGE_DIR, "/oci/web", NULL, ""},
	    {"dir:ocifoo/web", 1, IMAGE_DIR, "ocifoo/web", NULL, ""},
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
	test_store();
	CHECK_EXIT();
}
