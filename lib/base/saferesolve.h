/* SPDX-License-Identifier: MIT */
/* Opening and making paths below a directory fd without ever following a
 * symlink out of it: what the supervisor resolves on a container's behalf. */
#ifndef BERTH_SAFERESOLVE_H
#define BERTH_SAFERESOLVE_H

#include <sys/types.h>

enum sr_scope {
	/* A host path below the directory: no symlink, no "..", no magic
	 * link. A symlink anywhere in the path fails with ELOOP. */
	SR_BENEATH,
	/* A path inside a container's root: symlinks are followed, but "/"
	 * and ".." stop at the directory, as if it were the root (chroot). */
	SR_IN_ROOT,
};

/* Opens path (relative, or absolute for SR_IN_ROOT) below dirfd with
 * openat2 and the scope's resolve flags. oflags: O_PATH, O_DIRECTORY,
 * O_RDONLY... (O_CLOEXEC is added). Returns the fd, or -1 with errno. */
int sr_open(int dirfd, const char *path, enum sr_scope scope, int oflags);

/* Like sr_open(path, O_PATH), making each missing component a directory
 * with mode, one mkdirat at a time, never following a symlink of the
 * scope's kind. The last component may be an existing file. Returns an
 * O_PATH fd of it, or -1 with errno (ELOOP: a symlink in the path,
 * ENOTDIR: a file in the way, EXDEV: the path leaves the directory). */
int sr_mkdirs(int dirfd, const char *path, enum sr_scope scope, mode_t mode);

/* Why sr_open or sr_mkdirs failed, in words for a status line. */
const char *sr_strerror(int err);

#endif
