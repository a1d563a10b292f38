/* SPDX-License-Identifier: MIT */
/* Unit tests of lib/registry/layer.c and tar.c: layers built here as plain
 * ustar streams, applied to a scratch tree. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "base/io.h"
#include "registry/layer.h"
#include "registry/store.h"

/* One ustar entry: type, path, link target (or file content). */
struct ent {
	char type;
	const char *path, *arg;
};

/* n - 1 octal digits, zero-padded, then NUL. */
static void
octal(char *f, size_t n, unsigned long v)
{
	f[n - 1] = '\0';
	for (size_t i = n - 1; i-- > 0; v >>= 3)
		f[i] = (char)('0' + (v & 7));
}

/* Writes the entries as a tar to a new temporary file; its fd. With
 * corrupt, the first header's checksum is off by one. */
static int
tar_make(const struct ent *e, size_t n, int end_blocks, int corrupt)
{
	char path[] = "/tmp/registry-layer-tar.XXXXXX";
	int fd = mkstemp(path);

	unlink(path);
	for (size_t i = 0; i < n; i++) {
		char h[512] = {0}, pad[512] = {0};
		size_t size = e[i].type == '0' ? strlen(e[i].arg) : 0;
		unsigned long sum = 0;

		snprintf(h, 100, "%s", e[i].path);
		octal(h + 100, 8, e[i].type == '5' ? 0755 : 0644);
		octal(h + 108, 8, 0);
		octal(h + 116, 8, 0);
		octal(h + 124, 12, size);
		octal(h + 136, 12, 1700000000);
		h[156] = e[i].type;
		if (e[i].type == '1' || e[i].type == '2')
			snprintf(h + 157, 100, "%s", e[i].arg);
		memcpy(h + 257, "ustar", 6);
		memcpy(h + 263, "00", 2);
		memset(h + 148, ' ', 8);
		for (size_t k = 0; k < 512; k++)
			sum += (unsigned char)h[k];
		octal(h + 148, 7, sum + (i == 0 && corrupt));
		if (write(fd, h, 512) != 512 ||
		    (size && (write(fd, e[i].arg, size) != (ssize_t)size ||
			      write(fd, pad, 512 - size % 512) != (ssize_t)(512 - size % 512))))
			return -1;
	}
	for (int b = 0; b < end_blocks; b++) {
		char z[512] = {0};

		if (write(fd, z, 512) != 512)
			return -1;
	}
	lseek(fd, 0, SEEK_SET);
	return fd;
}

static int
apply(int root, const struct ent *e, size_t n, char *err, size_t len)
{
	int fd = tar_make(e, n, 2, 0), rc;

	if (fd < 0)
		return -2;
	rc = layer_apply(root, fd, err, len);
	close(fd);
	return rc;
}

static int
exists(int root, const char *p)
{
	struct stat st;

	return fstatat(root, p, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

static void
test_layers(int root)
{
	char err[256] = "", buf[64] = "";
	struct stat a, b;
	const struct ent l1[] = {
	    {'5', "./etc/", NULL},	{'0', "etc/hosts", "one\n"},
	    {'2', "etc/link", "hosts"}, {'1', "etc/hard", "etc/hosts"},
	    {'5', "old/", NULL},	{'0', "old/stale", "x"},
	    {'0', "gone", "y"},
	};
	const struct ent l2[] = {
	    {'0', "old/new", "n"},
	    {'0', "old/.wh..wh..opq", ""},
	    {'0', ".wh.gone", ""},
	};

	CHECK(apply(root, l1, sizeof l1 / sizeof l1[0], err, sizeof err) == 0,
	      "layer 1 applies (%s)", err);
	CHECK(io_read_small(root, "etc/hosts", buf, sizeof buf) == 4 && !strcmp(buf, "one\n"),
	      "layer 1: etc/hosts has its content");
	CHECK(readlinkat(root, "etc/link", buf, sizeof buf) == 5 && !memcmp(buf, "hosts", 5),
	      "layer 1: etc/link is a symlink to hosts");
	CHECK(fstatat(root, "etc/hosts", &a, 0) == 0 && fstatat(root, "etc/hard", &b, 0) == 0 &&
		  a.st_ino == b.st_ino,
	      "layer 1: etc/hard is a hard link of etc/hosts");
	CHECK(apply(root, l2, sizeof l2 / sizeof l2[0], err, sizeof err) == 0,
	      "layer 2 applies (%s)", err);
	CHECK(!exists(root, "old/stale"), "layer 2: the opaque old/ hides old/stale");
	CHECK(exists(root, "old/new"), "layer 2: old/new, of the same layer, stays");
	CHECK(!exists(root, "old/.wh..wh..opq"), "layer 2: the opaque marker is not a file");
	CHECK(!exists(root, "gone") && !exists(root, ".wh.gone"), "layer 2: .wh.gone removes gone");
}

static void
test_refused(int root)
{
	static const struct {
		const char *name;
		struct ent e[2];
		size_t n;
	} cases[] = {
	    {"a path with ..", {{'0', "../escaped", "x"}}, 1},
	    {"a path through a symlink", {{'2', "out", "/tmp"}, {'0', "out/escaped", "x"}}, 2},
	    {"a hard link out of the tree", {{'1', "hl", "../../etc/passwd"}}, 1},
	    {"a whiteout of ..", {{'0', "etc/.wh...", ""}}, 1},
	};
	char err[256];

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		err[0] = '\0';
		CHECK(
		    apply(root, cases[i].e, cases[i].n, err, sizeof err) == -1 &&
			strstr(err, "refused: the path goes through a symlink or out of the tree"),
		    "refused: %s (%s)", cases[i].name, err);
	}
	CHECK(access("/tmp/escaped", F_OK) < 0, "refused: nothing written out of the tree");
}

static void
test_streams(int root)
{
	const struct ent e[] = {{'0', "late", "z"}};
	char err[256] = "";
	int fd = tar_make(e, 1, 0, 0);

	CHECK(fd >= 0 && layer_apply(root, fd, err, sizeof err) == 0 && exists(root, "late"),
	      "a tar without end blocks applies (%s)", err);
	close(fd);
	fd = tar_make(e, 1, 2, 1);
	CHECK(fd >= 0 && layer_apply(root, fd, err, sizeof err) < 0 &&
		  strstr(err, "a tar header with a bad checksum"),
	      "a bad checksum is refused: %s", err);
	close(fd);
}

int
main(void)
{
	char dir[] = "/tmp/registry-layer.XXXXXX";
	int root;

	if (!mkdtemp(dir) || (root = open(dir, O_RDONLY | O_DIRECTORY)) < 0) {
		CHECK(0, "a scratch directory: %s", strerror(errno));
		CHECK_EXIT();
	}
	test_layers(root);
	test_refused(root);
	test_streams(root);
	close(root);
	store_rm_rf(AT_FDCWD, dir);
	CHECK_EXIT();
}
