/* SPDX-License-Identifier: MIT */
/* Unpacks an image into the store so that no half-made tree is ever seen. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/io.h"
#include "registry/config.h"
#include "registry/layer.h"
#include "registry/treehash.h"
#include "registry/unpack.h"

/* An error while unpacking: a full disk is said plainly. */
static int
unpack_errf(struct store *s, const char *what, const char *detail)
{
	if (errno == ENOSPC || errno == EDQUOT)
		return io_errf(s->err, sizeof s->err,
			       "store %s: the disk is full (%s): %s; nothing partial was kept",
			       s->dir, strerror(errno), what);
	return io_errf(s->err, sizeof s->err, "store %s: %s: %s", s->dir, what, detail);
}

static int
layers(struct store *s, int rootfd, const struct reg_image *m)
{
	char path[128], err[REG_ERR_MAX - 128], what[128];

	for (size_t i = 0; i < m->n_layers; i++) {
		int fd, rc;

		snprintf(path, sizeof path, "blobs/sha256/%s", m->layers[i].digest);
		if ((fd = openat(s->fd, path, O_RDONLY | O_CLOEXEC)) < 0)
			return unpack_errf(s, path, strerror(errno));
		rc = layer_apply(rootfd, fd, err, sizeof err);
		close(fd);
		snprintf(what, sizeof what, "unpacking layer %zu (sha256:%.12s)", i + 1,
			 m->layers[i].digest);
		if (rc < 0)
			return unpack_errf(s, what, err);
	}
	return 0;
}

/* The config lines from the config blob. */
static int
config(struct store *s, int dirfd, const struct reg_image *m, const char *reference)
{
	char path[128], *json, *text;
	const char *why;
	struct stat st;
	int fd, rc = -1;

	snprintf(path, sizeof path, "blobs/sha256/%s", m->config.digest);
	if ((fd = openat(s->fd, path, O_RDONLY | O_CLOEXEC)) < 0 || fstat(fd, &st) < 0 ||
	    st.st_size > REG_MANIFEST_MAX || !(json = malloc((size_t)st.st_size + 1))) {
		if (fd >= 0)
			close(fd);
		return unpack_errf(s, "the image config", strerror(errno ? errno : ENOMEM));
	}
	if (io_read_full(fd, json, (size_t)st.st_size) != st.st_size) {
		unpack_errf(s, "the image config", strerror(errno));
		goto out;
	}
	json[st.st_size] = '\0';
	char digest[8 + IMAGE_DIGEST_LEN];

	snprintf(digest, sizeof digest, "sha256:%s", m->digest);
	if (!(text = reg_config_text(json, (size_t)st.st_size, reference, digest, &why))) {
		io_errf(s->err, sizeof s->err, "%s: its image config: %s", reference, why);
		goto out;
	}
	int cfd = openat(dirfd, "config", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);

	if (cfd < 0 || io_write_all(cfd, text, strlen(text)) < 0 || fsync(cfd) < 0)
		unpack_errf(s, "writing the config", strerror(errno));
	else
		rc = 0;
	if (cfd >= 0)
		close(cfd);
	free(text);
out:
	free(json);
	close(fd);
	return rc;
}

static int
hash_write(struct store *s, int dirfd, int rootfd)
{
	char hex[IMAGE_DIGEST_LEN + 1], line[IMAGE_DIGEST_LEN + 16], err[256];
	int fd, n;

	if (treehash(rootfd, hex, err, sizeof err) < 0)
		return unpack_errf(s, "hashing the tree", err);
	n = snprintf(line, sizeof line, "sha256:%s\n", hex);
	fd = openat(dirfd, TREEHASH_FILE, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0 || io_write_all(fd, line, (size_t)n) < 0 || fsync(fd) < 0) {
		if (fd >= 0)
			close(fd);
		return unpack_errf(s, "writing " TREEHASH_FILE, strerror(errno));
	}
	return close(fd);
}

/* The made tree into unpacked/: one rename, after syncfs made every file
 * durable, so that a power cut leaves a whole tree or none. */
static int
publish(struct store *s, int rootfd, const char *tmp, const char *hex)
{
	char dest[128];
	int ufd;

	if (syncfs(rootfd) < 0)
		return unpack_errf(s, "syncing the tree", strerror(errno));
	snprintf(dest, sizeof dest, "unpacked/%s", hex);
	if (renameat(s->fd, tmp, s->fd, dest) < 0) {
		/* Made meanwhile by another pull of the same image: keep that. */
		if (errno == EEXIST || errno == ENOTEMPTY)
			return 0;
		return unpack_errf(s, "storing the tree", strerror(errno));
	}
	ufd = openat(s->fd, "unpacked", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (ufd < 0 || fsync(ufd) < 0) {
		if (ufd >= 0)
			close(ufd);
		return unpack_errf(s, "storing the tree", strerror(errno));
	}
	return close(ufd);
}

int
store_unpack(struct store *s, const struct reg_image *m, const char *reference)
{
	char tmp[128], dest[128];
	int dirfd = -1, rootfd = -1, rc = -1;

	snprintf(dest, sizeof dest, "unpacked/%s", m->digest);
	if (store_has(s, dest))
		return 0;
	snprintf(tmp, sizeof tmp, "tmp/unpack-%s.%d", m->digest, (int)getpid());
	store_rm_rf(s->fd, tmp);
	if (mkdirat(s->fd, tmp, 0755) < 0 ||
	    (dirfd = openat(s->fd, tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 ||
	    mkdirat(dirfd, "rootfs", 0755) < 0 ||
	    (rootfd = openat(dirfd, "rootfs", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		unpack_errf(s, "making the tree", strerror(errno));
		goto out;
	}
	if (layers(s, rootfd, m) < 0 || config(s, dirfd, m, reference) < 0 ||
	    hash_write(s, dirfd, rootfd) < 0 || publish(s, rootfd, tmp, m->digest) < 0)
		goto out;
	rc = 0;
out:
	if (rootfd >= 0)
		close(rootfd);
	if (dirfd >= 0)
		close(dirfd);
	if (rc < 0)
		store_rm_rf(s->fd, tmp);
	return rc;
}
