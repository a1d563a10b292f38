/* SPDX-License-Identifier: MIT */
/* Hashes an unpacked tree so that a changed byte, mode or owner shows. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <nettle/sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "registry/manifest.h"
#include "registry/treehash.h"

#define PATH_LEN 4096

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
file_hash(int dirfd, const char *name, char out[IMAGE_DIGEST_LEN + 1])
{
	struct sha256_ctx ctx;
	uint8_t d[SHA256_DIGEST_SIZE], buf[65536];
	ssize_t n;
	int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);

	if (fd < 0)
		return -1;
	sha256_init(&ctx);
	while ((n = read(fd, buf, sizeof buf)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			close(fd);
			return -1;
		}
		sha256_update(&ctx, (size_t)n, buf);
	}
	close(fd);
	sha256_digest(&ctx, sizeof d, d);
	reg_hex(d, sizeof d, out);
	return 0;
}

/* The "X" of an entry's line. */
static int
entry_value(int dirfd, const char *name, const struct stat *st, char *x, size_t len)
{
	char target[PATH_LEN];
	ssize_t n;

	if (S_ISREG(st->st_mode))
		return file_hash(dirfd, name, x);
	if (S_ISLNK(st->st_mode)) {
		if ((n = readlinkat(dirfd, name, target, sizeof target)) < 0)
			return -1;
		reg_sha256_hex(target, (size_t)n, x);
		return 0;
	}
	if (S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode))
		snprintf(x, len, "%u,%u", major(st->st_rdev), minor(st->st_rdev));
	else
		snprintf(x, len, "-");
	return 0;
}

static int walk(int dirfd, char *path, size_t plen, struct sha256_ctx *ctx, char *err,
		size_t errlen);

/* One entry's line, and the walk below it for a directory. */
static int
visit(int dirfd, const char *name, char *path, size_t plen, struct sha256_ctx *ctx, char *err,
      size_t errlen)
{
	struct stat st;
	char x[IMAGE_DIGEST_LEN + 1], line[200];
	size_t nlen = strlen(name);
	int n, fd, rc;

	if (plen + nlen + 2 > PATH_LEN)
		return errno = ENAMETOOLONG, snprintf(err, errlen, "%s/%s", path, name), -1;
	path[plen] = '/';
	memcpy(path + plen + 1, name, nlen + 1);
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
	    entry_value(dirfd, name, &st, x, sizeof x) < 0)
		return snprintf(err, errlen, "%s", path), -1;
	n = snprintf(line, sizeof line, "%o %o %u %u %s\n", st.st_mode & S_IFMT, st.st_mode & 07777,
		     st.st_uid, st.st_gid, x);
	sha256_update(ctx, plen + nlen + 2, (const uint8_t *)path);
	sha256_update(ctx, (size_t)n, (const uint8_t *)line);
	if (!S_ISDIR(st.st_mode))
		return 0;
	if ((fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return snprintf(err, errlen, "%s", path), -1;
	rc = walk(fd, path, plen + nlen + 1, ctx, err, errlen);
	close(fd);
	return rc;
}

static int
walk(int dirfd, char *path, size_t plen, struct sha256_ctx *ctx, char *err, size_t errlen)
{
	int fd = dup(dirfd), rc = 0;
	char **names = NULL;
	size_t n = 0;
	struct dirent *e;
	DIR *d;

	if (fd < 0 || !(d = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return snprintf(err, errlen, "%s", plen ? path : "/"), -1;
	}
	while ((e = readdir(d))) {
		char **nv;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (!(nv = realloc(names, (n + 1) * sizeof *nv)) || !(nv[n] = strdup(e->d_name))) {
			names = nv ? nv : names;
			rc = -1;
			break;
		}
		names = nv;
		n++;
	}
	closedir(d);
	if (rc == 0 && n)
		qsort(names, n, sizeof *names, cmp_names);
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = visit(dirfd, names[i], path, plen, ctx, err, errlen);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	path[plen] = '\0';
	return rc;
}

int
treehash(int dirfd, char out[IMAGE_DIGEST_LEN + 1], char *err, size_t errlen)
{
	struct sha256_ctx ctx;
	uint8_t d[SHA256_DIGEST_SIZE];
	char path[PATH_LEN] = "";

	sha256_init(&ctx);
	if (walk(dirfd, path, 0, &ctx, err, errlen) < 0)
		return -1;
	sha256_digest(&ctx, sizeof d, d);
	reg_hex(d, sizeof d, out);
	return 0;
}
