/* SPDX-License-Identifier: MIT */
/* The store's references: one small file each, replaced atomically. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/io.h"
#include "base/json.h"
#include "registry/store.h"

#define REF_FILE_MAX 2048

void
store_ref_key(const char *reference, char *key, size_t len)
{
	size_t i;

	for (i = 0; reference[i] && i + 1 < len; i++)
		key[i] = reference[i] == '/' ? '+' : reference[i];
	key[i] = '\0';
}

int
store_ref_write(struct store *s, const struct store_ref *r)
{
	char dir[4096], key[REGISTRY_REF_MAX], text[REF_FILE_MAX];
	int n;

	n = snprintf(text, sizeof text,
		     "reference %s\ndigest sha256:%s\nmanifest sha256:%s\nsize %llu\npulled %s\n",
		     r->reference, r->top, r->manifest, (unsigned long long)r->size, r->pulled);
	if (n < 0 || (size_t)n >= sizeof text || store_path(s, dir, sizeof dir, "refs") < 0)
		return store_errno(s, "a reference too long");
	store_ref_key(r->reference, key, sizeof key);
	if (io_replace_file(dir, key, text, (size_t)n, 0644) < 0)
		return store_errno(s, "writing the reference");
	return 0;
}

void
store_ref_json(struct json *j, const struct store_ref *r)
{
	char d[8 + IMAGE_DIGEST_LEN];

	json_object_begin(j);
	json_key(j, "reference");
	json_string(j, r->reference);
	snprintf(d, sizeof d, "sha256:%s", r->top);
	json_key(j, "digest");
	json_string(j, d);
	snprintf(d, sizeof d, "sha256:%s", r->manifest);
	json_key(j, "manifest");
	json_string(j, d);
	json_key(j, "size");
	json_uint(j, r->size);
	json_key(j, "pulled");
	json_string(j, r->pulled);
	json_object_end(j);
}

/* Reads one reference file; -1 when it is not one (skipped by the list). */
static int
ref_read(int dirfd, const char *name, struct store_ref *r)
{
	char text[REF_FILE_MAX], *save = NULL, *line;
	int have = 0;

	memset(r, 0, sizeof *r);
	if (io_read_small(dirfd, name, text, sizeof text) < 0)
		return -1;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *v = strchr(line, ' ');

		if (!v)
			continue;
		*v++ = '\0';
		if (!strcmp(line, "reference"))
			have |= 1, snprintf(r->reference, sizeof r->reference, "%s", v);
		else if (!strcmp(line, "digest") && strlen(v) == 7 + IMAGE_DIGEST_LEN)
			have |= 2, memcpy(r->top, v + 7, sizeof r->top);
		else if (!strcmp(line, "manifest") && strlen(v) == 7 + IMAGE_DIGEST_LEN)
			have |= 4, memcpy(r->manifest, v + 7, sizeof r->manifest);
		else if (!strcmp(line, "size"))
			r->size = strtoull(v, NULL, 10);
		else if (!strcmp(line, "pulled"))
			snprintf(r->pulled, sizeof r->pulled, "%s", v);
	}
	return have == 7 ? 0 : -1;
}

static int
by_reference(const void *a, const void *b)
{
	return strcmp(((const struct store_ref *)a)->reference,
		      ((const struct store_ref *)b)->reference);
}

int
store_ref_list(struct store *s, struct store_ref **out, size_t *n_out)
{
	struct store_ref *v = NULL;
	size_t n = 0;
	struct dirent *e;
	DIR *d;
	int fd = openat(s->fd, "refs", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0 || !(d = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return store_errno(s, "refs");
	}
	while ((e = readdir(d))) {
		struct store_ref r, *nv;

		if (e->d_name[0] == '.' || ref_read(dirfd(d), e->d_name, &r) < 0)
			continue;
		if (!(nv = realloc(v, (n + 1) * sizeof *v))) {
			free(v);
			closedir(d);
			errno = ENOMEM;
			return store_errno(s, "refs");
		}
		v = nv;
		v[n++] = r;
	}
	closedir(d);
	if (n)
		qsort(v, n, sizeof *v, by_reference);
	*out = v;
	*n_out = n;
	return 0;
}

/* A digest given by the user: "sha256:" optional, a prefix of 12 or more. */
static int
digest_matches(const char *given, const char *hex)
{
	size_t n;

	if (strncmp(given, "sha256:", 7) == 0)
		given += 7;
	n = strlen(given);
	return n >= 12 && n <= IMAGE_DIGEST_LEN && strncmp(given, hex, n) == 0;
}

int
store_ref_remove(struct store *s, const char *reference, const char *digest)
{
	struct store_ref *v;
	size_t n;
	int removed = 0;
	char key[REGISTRY_REF_MAX], dir[4096];

	if (store_ref_list(s, &v, &n) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		bool hit = reference ? strcmp(v[i].reference, reference) == 0
				     : digest_matches(digest, v[i].top) ||
					   digest_matches(digest, v[i].manifest);

		if (!hit)
			continue;
		store_ref_key(v[i].reference, key, sizeof key);
		if (store_path(s, dir, sizeof dir, "refs/%s", key) < 0 || unlink(dir) < 0) {
			free(v);
			return store_errno(s, "removing a reference");
		}
		removed++;
	}
	free(v);
	if (removed && store_path(s, dir, sizeof dir, "refs") == 0) {
		int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		/* The removal is durable before rm says it is done. */
		if (fd >= 0) {
			fsync(fd);
			close(fd);
		}
	}
	return removed;
}
