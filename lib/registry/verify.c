/* SPDX-License-Identifier: MIT */
/* Checks a stored tree against the hash recorded when it was unpacked. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/io.h"
#include "registry/treehash.h"

int
store_verify(struct store *s, const char *hex)
{
	char path[128], want[IMAGE_DIGEST_LEN + 16], got[IMAGE_DIGEST_LEN + 1], err[256];
	int fd, rc;

	snprintf(path, sizeof path, "unpacked/%s/" TREEHASH_FILE, hex);
	if (io_read_small(s->fd, path, want, sizeof want) < 0)
		return io_errf(s->err, sizeof s->err, "store %s: %s: %s", s->dir, path,
			       strerror(errno));
	want[strcspn(want, "\n")] = '\0';
	snprintf(path, sizeof path, "unpacked/%s/rootfs", hex);
	if ((fd = openat(s->fd, path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return io_errf(s->err, sizeof s->err, "store %s: %s: %s", s->dir, path,
			       strerror(errno));
	rc = treehash(fd, got, err, sizeof err);
	close(fd);
	if (rc < 0)
		return io_errf(s->err, sizeof s->err, "store %s: hashing %s: %s: %s", s->dir, path,
			       err, strerror(errno));
	if (strncmp(want, "sha256:", 7) != 0 || strcmp(want + 7, got) != 0) {
		io_errf(s->err, sizeof s->err,
			"unpacked/%s: the tree has changed: its hash is sha256:%s, %s is %s", hex,
			got, TREEHASH_FILE, want);
		return 1;
	}
	return 0;
}
