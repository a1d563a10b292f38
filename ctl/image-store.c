/* SPDX-License-Identifier: MIT */
/* berthctl image ls|rm|prune|verify: what is in the store, and keeping it
 * small and sound. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "base/scalar.h"
#include "ctl.h"
#include "image.h"
#include "registry/treehash.h"

static int
ls_json(const struct store_ref *v, size_t n)
{
	struct json j;
	int rc;

	json_init(&j);
	json_array_begin(&j);
	for (size_t i = 0; i < n; i++)
		store_ref_json(&j, &v[i]);
	json_array_end(&j);
	if ((rc = json_finish(&j)) == 0)
		fputs(j.buf, stdout);
	json_free(&j);
	return rc == 0 ? 0 : EXIT_SYSTEM;
}

/* Opens the store and lists its references; 0, or the exit code after
 * saying why (the store closed). */
static int
refs_load(const struct image_opts *o, enum store_lock lock, struct store *s, struct store_ref **v,
	  size_t *n)
{
	int rc = image_store_open(s, o, lock);

	if (rc)
		return rc;
	if (store_ref_list(s, v, n) < 0) {
		fprintf(stderr, "berthctl: %s\n", s->err);
		store_close(s);
		return EXIT_SYSTEM;
	}
	return 0;
}

int
image_ls(int argc, char **argv)
{
	struct image_opts o;
	struct store s;
	struct store_ref *v;
	size_t n;
	char size[32];
	int rc;

	if ((rc = image_parse_opts(argc, argv, false, &o)) ||
	    (rc = refs_load(&o, STORE_NO_LOCK, &s, &v, &n)))
		return rc;
	if (o.json) {
		rc = ls_json(v, n);
	} else {
		printf("%-50s %-19s %10s  %s\n", "REFERENCE", "DIGEST", "SIZE", "PULLED");
		for (size_t i = 0; i < n; i++) {
			size_format(v[i].size, size, sizeof size);
			printf("%-50s sha256:%.12s %10s  %s\n", v[i].reference, v[i].top, size,
			       v[i].pulled);
		}
	}
	free(v);
	store_close(&s);
	return rc;
}

/* "sha256:HEX" or 12 to 64 hex digits: a digest, not a reference. */
static bool
is_digest(const char *a)
{
	const char *h = strncmp(a, "sha256:", 7) == 0 ? a + 7 : a;
	size_t n = strlen(h);

	return n >= 12 && n <= IMAGE_DIGEST_LEN && strspn(h, "0123456789abcdef") == n &&
	       (h != a || n == IMAGE_DIGEST_LEN || strspn(h, "0123456789") != n);
}

int
image_rm(int argc, char **argv)
{
	struct image_opts o;
	struct store s;
	char canon[REGISTRY_REF_MAX];
	bool digest;
	int rc, n;

	if ((rc = image_parse_opts(argc, argv, true, &o)))
		return rc;
	digest = is_digest(o.arg);
	if (!digest && (rc = image_canonical(o.arg, canon, sizeof canon)))
		return rc;
	if ((rc = image_store_open(&s, &o, STORE_EXCLUSIVE)))
		return rc;
	n = store_ref_remove(&s, digest ? NULL : canon, digest ? o.arg : NULL);
	if (n < 0) {
		fprintf(stderr, "berthctl: %s\n", s.err);
		rc = EXIT_SYSTEM;
	} else if (n == 0) {
		fprintf(stderr, "berthctl: image rm: no image %s in %s\n", digest ? o.arg : canon,
			o.store);
		rc = EXIT_INVALID;
	} else {
		printf("removed %d reference%s; `berthctl image prune` frees what no other "
		       "reference uses\n",
		       n, n == 1 ? "" : "s");
	}
	store_close(&s);
	return rc;
}

int
image_prune(int argc, char **argv)
{
	struct image_opts o;
	struct store s;
	unsigned freed;
	int rc;

	if ((rc = image_parse_opts(argc, argv, false, &o)) ||
	    (rc = image_store_open(&s, &o, STORE_EXCLUSIVE)))
		return rc;
	if (store_prune(&s, &freed) < 0) {
		fprintf(stderr, "berthctl: %s\n", s.err);
		rc = EXIT_SYSTEM;
	} else {
		printf("removed %u blob%s and trees no reference uses\n", freed,
		       freed == 1 ? "" : "s");
	}
	store_close(&s);
	return rc;
}

int
image_verify(int argc, char **argv)
{
	struct image_opts o;
	struct store s;
	struct store_ref *v;
	size_t n;
	char canon[REGISTRY_REF_MAX];
	int rc, found = 0;

	if ((rc = image_parse_opts(argc, argv, true, &o)) ||
	    (rc = image_canonical(o.arg, canon, sizeof canon)) ||
	    (rc = refs_load(&o, STORE_SHARED, &s, &v, &n)))
		return rc;
	for (size_t i = 0; i < n && !found; i++) {
		if (strcmp(v[i].reference, canon) != 0)
			continue;
		found = 1;
		int r = store_verify(&s, v[i].manifest);

		if (r == 0) {
			printf("%s: the unpacked tree is intact\n", canon);
		} else {
			fprintf(stderr, "berthctl: %s: %s\n", canon, s.err);
			rc = r > 0 ? EXIT_INVALID : EXIT_SYSTEM;
		}
	}
	if (!found) {
		fprintf(stderr, "berthctl: image verify: no image %s in %s\n", canon, o.store);
		rc = EXIT_INVALID;
	}
	free(v);
	store_close(&s);
	return rc;
}
