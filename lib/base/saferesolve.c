/* SPDX-License-Identifier: MIT */
/* Opens and makes paths below a directory fd with openat2, never following a
 * symlink out of it (see saferesolve.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/saferesolve.h"

static unsigned long long
scope_flags(enum sr_scope scope)
{
	if (scope == SR_IN_ROOT)
		return RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
	return RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
}

int
sr_open(int dirfd, const char *path, enum sr_scope scope, int oflags)
{
	/* openat2 refuses flags O_PATH ignores (EINVAL), O_NOCTTY among them. */
	int extra = (oflags & O_PATH) ? 0 : O_NOCTTY;
	struct open_how how = {
	    .flags = (unsigned long long)(oflags | O_CLOEXEC | extra),
	    .resolve = scope_flags(scope),
	};
	long fd;

	/* RESOLVE_BENEATH refuses an absolute path (EXDEV); say it early. */
	if (scope == SR_BENEATH && path[0] == '/') {
		errno = EXDEV;
		return -1;
	}
	/* The kernel answers EAGAIN when a rename raced the lookup. */
	do
		fd = syscall(SYS_openat2, dirfd, *path ? path : ".", &how, sizeof how);
	while (fd < 0 && (errno == EAGAIN || errno == EINTR));
	return (int)fd;
}

/* The prefix of path up to (not including) the '/' at end, or "." for
 * an empty one, into buf. */
static int
prefix(const char *path, const char *end, char *buf, size_t len)
{
	size_t n = (size_t)(end - path);

	if (n + 1 > len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(buf, path, n);
	buf[n] = '\0';
	return 0;
}

/* One step of sr_mkdirs: opens path up to end, made with mkdirat in
 * parent (an fd of the path before it) if it is missing. */
static int
step(int dirfd, int parent, const char *path, const char *comp, const char *end,
     enum sr_scope scope, mode_t mode)
{
	char buf[PATH_MAX], name[NAME_MAX + 1];
	int oflags = O_PATH | (*end ? O_DIRECTORY : 0), fd;

	if (prefix(path, end, buf, sizeof buf) < 0)
		return -1;
	if ((fd = sr_open(dirfd, buf, scope, oflags)) >= 0 || errno != ENOENT)
		return fd;
	if ((size_t)(end - comp) > NAME_MAX) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(name, comp, (size_t)(end - comp));
	name[end - comp] = '\0';
	/* mkdirat never follows a symlink in its last component: an existing
	 * one gives EEXIST, and the open below refuses it (or, in a root,
	 * finds its target missing: ENOENT). */
	if (mkdirat(parent, name, mode) < 0 && errno != EEXIST)
		return -1;
	return sr_open(dirfd, buf, scope, oflags);
}

/*
 * Each component is opened from dirfd with the whole prefix, not from the
 * previous component's fd: in a root, a symlink's absolute target must
 * resolve from the root, and openat2 treats its dirfd as the root.
 */
int
sr_mkdirs(int dirfd, const char *path, enum sr_scope scope, mode_t mode)
{
	const char *p = path, *comp;
	int parent, fd;

	if ((fd = sr_open(dirfd, path, scope, O_PATH)) >= 0 || errno != ENOENT)
		return fd;
	if ((parent = sr_open(dirfd, "", scope, O_PATH | O_DIRECTORY)) < 0)
		return -1;
	while (*p == '/')
		p++;
	while (*p) {
		comp = p;
		p += strcspn(p, "/");
		fd = step(dirfd, parent, path, comp, p, scope, mode);
		close(parent);
		if (fd < 0)
			return -1;
		parent = fd;
		while (*p == '/')
			p++;
	}
	return parent;
}

const char *
sr_strerror(int err)
{
	switch (err) {
	case ELOOP:
		return "a symlink in the path (refused)";
	case EXDEV:
		return "the path leads out of its directory (refused)";
	case ENOTDIR:
		return "a file where a directory belongs";
	}
	return strerror(err);
}
