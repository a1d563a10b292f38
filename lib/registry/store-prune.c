/* SPDX-License-Identifier: MIT */
/* Removing what no reference needs: blobs, unpacked trees, leftovers. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/io.h"
#include "registry/manifest.h"
#include "registry/store.h"

struct keep {
	char (*v)[IMAGE_DIGEST_LEN + 1];
	size_t n;
};

static int
keep_add(struct keep *k, const char *hex)
{
	char(*nv)[IMAGE_DIGEST_LEN + 1] = realloc(k->v, (k->n + 1) * sizeof *k->v);

	if (!nv)
		return -1;
	k->v = nv;
	memcpy(k->v[k->n++], hex, IMAGE_DIGEST_LEN + 1);
	return 0;
}

static bool
keep_has(const struct keep *k, const char *hex)
{
	for (size_t i = 0; i < k->n; i++)
		if (strcmp(k->v[i], hex) == 0)
			return true;
	return false;
}

/* The blobs an image manifest names, read from the store. A manifest that
 * is missing or unreadable keeps nothing more: its layers go, and the next
 * pull fetches them again. */
static int
keep_manifest(struct store *s, struct keep *k, const char *hex)
{
	char path[4096];
	struct reg_image m = {0};
	const char *why;
	int fd;
	off_t size;
	char *buf;
	int rc = 0;

	if (store_path(s, path, sizeof path, "blobs/sha256/%s", hex) < 0 ||
	    (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return 0;
	size = lseek(fd, 0, SEEK_END);
	if (size <= 0 || size > REG_MANIFEST_MAX || !(buf = malloc((size_t)size + 1))) {
		close(fd);
		return 0;
	}
	if (pread(fd, buf, (size_t)size, 0) == size) {
		buf[size] = '\0';
		if (reg_manifest_parse(buf, (size_t)size, &m, &why) == 0) {
			rc = keep_add(k, m.config.digest);
			for (size_t i = 0; rc == 0 && i < m.n_layers; i++)
				rc = keep_add(k, m.layers[i].digest);
		}
	}
	free(m.layers);
	free(buf);
	close(fd);
	return rc;
}

/* Removes the entries of DIR (below the store) not in keep. */
static int
sweep(struct store *s, const char *dir, const struct keep *k, unsigned *freed)
{
	struct dirent *e;
	DIR *d;
	int fd = openat(s->fd, dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc = 0;

	if (fd < 0 || !(d = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return store_errno(s, dir);
	}
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (k && keep_has(k, e->d_name))
			continue;
		if (store_rm_rf(dirfd(d), e->d_name) < 0)
			rc = store_errno(s, e->d_name);
		else if (k)
			(*freed)++;
	}
	if (fsync(dirfd(d)) < 0 && rc == 0)
		rc = store_errno(s, dir);
	closedir(d);
	return rc;
}

int
store_prune(struct store *s, unsigned *freed)
{
	struct keep blobs = {0}, trees = {0};
	struct store_ref *v = NULL;
	size_t n = 0;
	int rc = -1;

	*freed = 0;
	if (store_ref_list(s, &v, &n) < 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (keep_add(&blobs, v[i].top) < 0 || keep_add(&blobs, v[i].manifest) < 0 ||
		    keep_add(&trees, v[i].manifest) < 0 ||
		    keep_manifest(s, &blobs, v[i].manifest) < 0) {
			errno = ENOMEM;
			store_errno(s, "prune");
			goto out;
		}
	/* tmp/ first: a tree half unpacked is no one's. The store is locked,
	 * so no pull is writing there now. */
	if (sweep(s, "tmp", NULL, freed) == 0 && sweep(s, "unpacked", &trees, freed) == 0 &&
	    sweep(s, "blobs/sha256", &blobs, freed) == 0)
		rc = 0;
out:
	free(v);
	free(blobs.v);
	free(trees.v);
	return rc;
}
