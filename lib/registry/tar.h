/* SPDX-License-Identifier: MIT */
/* Reading a layer's tar stream (gzip'd or not): ustar, pax and GNU long
 * names, xattrs from pax records. */
#ifndef BERTH_REGISTRY_TAR_H
#define BERTH_REGISTRY_TAR_H

#include <stdint.h>
#include <sys/types.h>
#include <zlib.h>

#define TAR_XATTR_MAX 16

struct tar_xattr {
	char *name;
	char *value;
	size_t len;
};

struct tar_entry {
	char
	    type; /* '0' file, '1' hard link, '2' symlink, '3' char, '4' block, '5' dir, '6' fifo */
	char *path; /* as in the archive */
	char *link; /* link target, for '1' and '2' */
	mode_t mode;
	uid_t uid;
	gid_t gid;
	uint64_t size; /* bytes of data that follow, for '0' */
	int64_t mtime;
	unsigned devmajor, devminor;
	struct tar_xattr xattrs[TAR_XATTR_MAX];
	size_t n_xattrs;
};

struct tar {
	gzFile gz;
	uint64_t left; /* data of the current entry not read yet */
	uint64_t pad;  /* then zero bytes up to the next 512 */
	const char *why;
};

/* 1 with the next entry in e (its strings owned until the next call),
 * 0 at the end, -1 with t->why. Data not read of the entry before is
 * skipped. */
int tar_next(struct tar *t, struct tar_entry *e);
/* Reads up to n bytes of the current entry's data: bytes read, 0 at its
 * end, -1 with t->why. */
ssize_t tar_read(struct tar *t, void *buf, size_t n);
void tar_entry_free(struct tar_entry *e);

#endif
