/* SPDX-License-Identifier: MIT */
/* The image store's directories, lock, blobs and references. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/io.h"
#include "registry/manifest.h"
#include "registry/store.h"

int
store_errno(struct store *s, const char *what)
{
	if (errno == ENOSPC || errno == EDQUOT)
		return io_errf(s->err, sizeof s->err,
			       "store %s: the disk is full (%s): %s; nothing partial was kept",
			       s->dir, strerror(errno), what);
	return io_errf(s->err, sizeof s->err, "store %s: %s: %s", s->dir, what, strerror(errno));
}

int
store_path(const struct store *s, char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(buf, len, "%s/", s->dir);

	if (n < 0 || (size_t)n >= len)
		return -1;
	va_start(ap, fmt);
	int m = vsnprintf(buf + n, len - (size_t)n, fmt, ap);
	va_end(ap);
	return m < 0 || (size_t)m >= len - (size_t)n ? -1 : 0;
}

bool
store_has(const struct store *s, const char *rel)
{
	return faccessat(s->fd, rel, F_OK, AT_SYMLINK_NOFOLLOW) == 0;
}

int
store_open(struct store *s, const char *dir, enum store_lock lock)
{
	static const char *const sub[] = {"blobs/sha256", "tmp", "refs", "unpacked"};
	char path[4096];

	memset(s, 0, sizeof *s);
	s->fd = s->lock_fd = -1;
	if (!(s->dir = strdup(dir)))
		return io_errf(s->err, sizeof s->err, "out of memory");
	for (size_t i = 0; i < sizeof sub / sizeof sub[0]; i++) {
		if (store_path(s, path, sizeof path, "%s", sub[i]) < 0)
			return io_errf(s->err, sizeof s->err, "store %s: the path is too long",
				       dir);
		if (io_mkdir_p(path, 0700) < 0)
			return store_errno(s, sub[i]);
	}
	if ((s->fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
		return store_errno(s, "open");
	if (lock == STORE_NO_LOCK)
		return 0;
	s->lock_fd = openat(s->fd, "lock", O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (s->lock_fd < 0)
		return store_errno(s, "lock");
	/* Two pulls of one blob would write one .part; a prune would remove
	 * what a pull has not referenced yet. */
	while (flock(s->lock_fd, lock == STORE_SHARED ? LOCK_SH : LOCK_EX) < 0)
		if (errno != EINTR)
			return store_errno(s, "lock");
	return 0;
}

void
store_close(struct store *s)
{
	if (s->lock_fd >= 0)
		close(s->lock_fd);
	if (s->fd >= 0)
		close(s->fd);
	free(s->dir);
	s->dir = NULL;
	s->fd = s->lock_fd = -1;
}

int
store_put_blob(struct store *s, const char *hex, const void *buf, size_t len)
{
	char dir[4096];

	if (store_path(s, dir, sizeof dir, "blobs/sha256") < 0)
		return io_errf(s->err, sizeof s->err, "store %s: the path is too long", s->dir);
	if (io_replace_file(dir, hex, buf, len, 0644) < 0)
		return store_errno(s, "writing a manifest");
	return 0;
}

int
store_rm_rf(int at, const char *name)
{
	struct stat st;
	DIR *d;
	struct dirent *e;
	int fd, rc = 0;

	if (fstatat(at, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISDIR(st.st_mode))
		return unlinkat(at, name, 0) < 0 && errno != ENOENT ? -1 : 0;
	fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || !(d = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") &&
		    store_rm_rf(dirfd(d), e->d_name) < 0)
			rc = -1;
	closedir(d);
	if (rc == 0 && unlinkat(at, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
		rc = -1;
	return rc;
}
