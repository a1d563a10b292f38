/* SPDX-License-Identifier: MIT */
/* Unpacks one image layer onto a tree, whiteouts applied. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "base/io.h"
#include "base/saferesolve.h"
#include "registry/layer.h"
#include "registry/store.h"
#include "registry/tar.h"

#define WH ".wh."
#define WH_OPAQUE ".wh..wh..opq"

struct apply {
	int root;
	struct tar t;
	char **done; /* the paths this layer wrote, which its opaque markers keep */
	size_t n_done;
	char *err;
	size_t errlen;
};

/* Normal form of an entry path: no leading "./" or "/", no trailing "/",
 * no "." or empty components; ".." refused. In place; "" is the root. */
static int
clean(char *p)
{
	char *o = p, *s = p;

	while (*s) {
		size_t n;

		while (*s == '/')
			s++;
		n = strcspn(s, "/");
		if (n == 0)
			break;
		if (n == 2 && s[0] == '.' && s[1] == '.')
			return -1;
		if (!(n == 1 && s[0] == '.')) {
			if (o != p)
				*o++ = '/';
			memmove(o, s, n);
			o += n;
		}
		s += n;
	}
	*o = '\0';
	return 0;
}

/* The parent of path as an O_PATH fd (made when missing), base its name. */
static int
parent_open(struct apply *a, char *path, const char **base)
{
	char *slash = strrchr(path, '/');
	int fd;

	if (!slash) {
		*base = path;
		return fcntl(a->root, F_DUPFD_CLOEXEC, 0);
	}
	*slash = '\0';
	fd = sr_mkdirs(a->root, path, SR_BENEATH, 0755);
	*slash = '/';
	*base = slash + 1;
	return fd;
}

static bool
done_has(const struct apply *a, const char *path)
{
	for (size_t i = 0; i < a->n_done; i++)
		if (strcmp(a->done[i], path) == 0)
			return true;
	return false;
}

/* Empties dir of what the layers below put there. */
static int
opaque(struct apply *a, const char *dir)
{
	int fd = dir[0] ? sr_open(a->root, dir, SR_BENEATH, O_RDONLY | O_DIRECTORY)
			: fcntl(a->root, F_DUPFD_CLOEXEC, 0);
	char path[4096];
	struct dirent *e;
	DIR *d;
	int rc = 0;

	if (fd < 0)
		return errno == ENOENT ? 0 : -1;
	if (!(d = fdopendir(fd))) {
		close(fd);
		return -1;
	}
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(path, sizeof path, "%s%s%s", dir, dir[0] ? "/" : "", e->d_name);
		if (!done_has(a, path) && store_rm_rf(dirfd(d), e->d_name) < 0)
			rc = -1;
	}
	closedir(d);
	return rc;
}

static int
whiteout(struct apply *a, char *path, const char *base)
{
	const char *name = base + strlen(WH);
	int pfd, rc;

	if (strcmp(base, WH_OPAQUE) == 0) {
		char *dir = strndup(path, (size_t)(base - path) ? (size_t)(base - path) - 1 : 0);

		if (!dir)
			return -1;
		rc = opaque(a, dir);
		free(dir);
		return rc;
	}
	if (!*name || (name[0] == '.' && (!name[1] || (name[1] == '.' && !name[2]))))
		return errno = EXDEV, -1;
	if ((pfd = parent_open(a, path, &base)) < 0)
		return errno == ENOENT ? 0 : -1;
	rc = store_rm_rf(pfd, name);
	close(pfd);
	return rc;
}

/* Owner, mode, xattrs, in that order: chown clears set-id bits and file
 * capabilities, so both come after it. */
static int
meta_fd(int fd, const struct tar_entry *e)
{
	if (fchown(fd, e->uid, e->gid) < 0 && errno != EPERM)
		return -1;
	if (fchmod(fd, e->mode) < 0)
		return -1;
	for (size_t i = 0; i < e->n_xattrs; i++)
		if (fsetxattr(fd, e->xattrs[i].name, e->xattrs[i].value, e->xattrs[i].len, 0) < 0 &&
		    errno != EPERM && errno != ENOTSUP)
			return -1;
	return 0;
}

static int
write_file(struct apply *a, int pfd, const char *base, const struct tar_entry *e)
{
	char buf[65536];
	ssize_t n;
	struct timespec ts[2] = {{e->mtime, 0}, {e->mtime, 0}};
	int fd = openat(pfd, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);

	if (fd < 0)
		return -1;
	while ((n = tar_read(&a->t, buf, sizeof buf)) > 0)
		if (io_write_all(fd, buf, (size_t)n) < 0)
			goto out_close;
	if (n < 0) {
		errno = EPROTO;
		goto out_close;
	}
	if (meta_fd(fd, e) < 0 || futimens(fd, ts) < 0)
		goto out_close;
	return close(fd);
out_close:
	n = errno;
	close(fd);
	errno = (int)n;
	return -1;
}

static int
make_dir(int pfd, const char *base, const struct tar_entry *e)
{
	int fd, rc;

	if (mkdirat(pfd, base, 0700) < 0 && errno != EEXIST)
		return -1;
	fd = openat(pfd, base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	rc = meta_fd(fd, e);
	close(fd);
	return rc;
}

/* A hard link to a path inside the tree, never through a symlink. */
static int
make_link(struct apply *a, int pfd, const char *base, char *target)
{
	char proc[64];
	int tfd, rc;

	if (clean(target) < 0 || !target[0])
		return errno = EXDEV, -1;
	if ((tfd = sr_open(a->root, target, SR_BENEATH, O_PATH)) < 0)
		return -1;
	snprintf(proc, sizeof proc, "/proc/self/fd/%d", tfd);
	rc = linkat(AT_FDCWD, proc, pfd, base, AT_SYMLINK_FOLLOW);
	close(tfd);
	return rc;
}

static int
make_node(int pfd, const char *base, const struct tar_entry *e)
{
	struct timespec ts[2] = {{e->mtime, 0}, {e->mtime, 0}};
	mode_t type = e->type == '3' ? S_IFCHR : e->type == '4' ? S_IFBLK : S_IFIFO;

	if (e->type == '2') {
		if (symlinkat(e->link, pfd, base) < 0)
			return -1;
	} else if (mknodat(pfd, base, type | e->mode, makedev(e->devmajor, e->devminor)) < 0) {
		/* Devices need root; without it the tree goes without them. */
		return errno == EPERM ? 0 : -1;
	}
	if (fchownat(pfd, base, e->uid, e->gid, AT_SYMLINK_NOFOLLOW) < 0 && errno != EPERM)
		return -1;
	if (e->type != '2' && fchmodat(pfd, base, e->mode, 0) < 0)
		return -1;
	return utimensat(pfd, base, ts, AT_SYMLINK_NOFOLLOW);
}

/* Makes room for the entry: what is there goes, unless both are folders. */
static int
clear(int pfd, const char *base, char type)
{
	struct stat st;

	if (fstatat(pfd, base, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : -1;
	if (type == '5' && S_ISDIR(st.st_mode))
		return 0;
	return store_rm_rf(pfd, base);
}

static int
entry(struct apply *a, struct tar_entry *e)
{
	const char *base;
	int pfd, rc;

	if (clean(e->path) < 0)
		return errno = EXDEV, -1;
	if (!e->path[0])
		return 0; /* the root's own entry: it keeps the store's mode */
	base = strrchr(e->path, '/') ? strrchr(e->path, '/') + 1 : e->path;
	if (strncmp(base, WH, strlen(WH)) == 0)
		return whiteout(a, e->path, base);
	if ((pfd = parent_open(a, e->path, &base)) < 0)
		return -1;
	rc = clear(pfd, base, e->type);
	if (rc == 0) {
		switch (e->type) {
		case '0':
			rc = write_file(a, pfd, base, e);
			break;
		case '1':
			rc = make_link(a, pfd, base, e->link);
			break;
		case '5':
			rc = make_dir(pfd, base, e);
			break;
		case '2':
		case '3':
		case '4':
		case '6':
			rc = make_node(pfd, base, e);
			break;
		default:
			rc = 0; /* sockets, contiguous files...: nothing to make */
		}
	}
	close(pfd);
	if (rc == 0) {
		char **nd = realloc(a->done, (a->n_done + 1) * sizeof *nd);

		if (!nd || !(nd[a->n_done] = strdup(e->path)))
			return errno = ENOMEM, -1;
		a->done = nd;
		a->n_done++;
	}
	return rc;
}

int
layer_apply(int rootfd, int fd, char *err, size_t errlen)
{
	struct apply a = {.root = rootfd, .err = err, .errlen = errlen};
	struct tar_entry e = {0};
	int dfd = dup(fd), r, rc = -1;

	if (dfd < 0 || !(a.t.gz = gzdopen(dfd, "rb"))) {
		if (dfd >= 0)
			close(dfd);
		snprintf(err, errlen, "%s", strerror(errno));
		return -1;
	}
	gzbuffer(a.t.gz, 128 * 1024);
	while ((r = tar_next(&a.t, &e)) > 0) {
		if (entry(&a, &e) < 0) {
			int en = errno;

			snprintf(err, errlen, "%s: %s", e.path,
				 en == ELOOP || en == EXDEV ? "refused: the path goes through a "
							      "symlink or out of the tree"
				 : en == EPROTO		    ? a.t.why
							    : strerror(en));
			errno = en;
			goto out;
		}
	}
	if (r < 0) {
		snprintf(err, errlen, "%s", a.t.why);
		errno = EPROTO;
		goto out;
	}
	rc = 0;
out:
	tar_entry_free(&e);
	gzclose(a.t.gz);
	for (size_t i = 0; i < a.n_done; i++)
		free(a.done[i]);
	free(a.done);
	return rc;
}
