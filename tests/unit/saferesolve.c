/* SPDX-License-Identifier: MIT */
/* Unit tests of lib/base/saferesolve.c: paths below a directory fd, symlinks
 * refused (host side) or kept inside the root (container side). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "base/saferesolve.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static char top[64];

/* Makes the test tree: a host side (base/) with symlinks planted, a root
 * (root/) whose links point outside, and a victim directory beside both. */
static int
tree(void)
{
	char p[128];
	int fd;

	strcpy(top, "/tmp/saferesolve.XXXXXX");
	if (!mkdtemp(top))
		return -1;
	static const char *const dirs[] = {"base", "base/a", "root", "root/inner", "victim"};
	for (size_t i = 0; i < N(dirs); i++) {
		snprintf(p, sizeof p, "%s/%s", top, dirs[i]);
		if (mkdir(p, 0755) < 0)
			return -1;
	}
	static const struct {
		const char *target, *path;
	} links[] = {
	    {"../victim", "base/out"},	{"a", "base/in"},
	    {"/", "base/a/root"},	{"/inner", "root/abs"},
	    {"../../../..", "root/up"}, {"/proc/self/root", "root/magic"},
	};
	for (size_t i = 0; i < N(links); i++) {
		snprintf(p, sizeof p, "%s/%s", top, links[i].path);
		if (symlink(links[i].target, p) < 0)
			return -1;
	}
	snprintf(p, sizeof p, "%s/base/file", top);
	if ((fd = open(p, O_CREAT | O_WRONLY, 0644)) < 0)
		return -1;
	return close(fd);
}

static int
exists(const char *rel)
{
	char p[128];
	struct stat st;

	snprintf(p, sizeof p, "%s/%s", top, rel);
	return lstat(p, &st) == 0;
}

static int
dirfd_of(const char *rel)
{
	char p[128];

	snprintf(p, sizeof p, "%s/%s", top, rel);
	return open(p, O_PATH | O_DIRECTORY | O_CLOEXEC);
}

int
main(void)
{
	static const struct {
		const char *dir, *path;
		enum sr_scope scope;
		int err;		   /* 0: success */
		const char *made, *absent; /* a path made, one never made */
	} cases[] = {
	    {"base", "x/y/z", SR_BENEATH, 0, "base/x/y/z", NULL},
	    {"base", "a", SR_BENEATH, 0, "base/a", NULL},
	    {"base", "file", SR_BENEATH, 0, "base/file", NULL},
	    {"base", "out", SR_BENEATH, ELOOP, NULL, NULL},
	    {"base", "out/sub", SR_BENEATH, ELOOP, NULL, "victim/sub"},
	    {"base", "in/sub", SR_BENEATH, ELOOP, NULL, "base/a/sub"},
	    {"base", "a/root/tmp", SR_BENEATH, ELOOP, NULL, NULL},
	    {"base", "file/x", SR_BENEATH, ENOTDIR, NULL, NULL},
	    {"base", "../victim/x", SR_BENEATH, EXDEV, NULL, "victim/x"},
	    {"base", "/tmp", SR_BENEATH, EXDEV, NULL, NULL},
	    {"root", "/data/sub", SR_IN_ROOT, 0, "root/data/sub", NULL},
	    {"root", "/abs/sub", SR_IN_ROOT, 0, "root/inner/sub", "inner"},
	    {"root", "/up/escaped", SR_IN_ROOT, 0, "root/escaped", "escaped"},
	    /* The link's target is looked up in the root, whose /proc is missing. */
	    {"root", "/magic/m", SR_IN_ROOT, ENOENT, NULL, "root/magic/m"},
	};

	if (tree() < 0) {
		CHECK(0, "make the test tree in /tmp: %s", strerror(errno));
		CHECK_EXIT();
	}
	for (size_t i = 0; i < N(cases); i++) {
		int dfd = dirfd_of(cases[i].dir), fd;

		errno = 0;
		fd = sr_mkdirs(dfd, cases[i].path, cases[i].scope, 0755);
		if (cases[i].err)
			CHECK(fd < 0 && errno == cases[i].err,
			      "sr_mkdirs %s %s fails with %s (got %s)", cases[i].dir, cases[i].path,
			      strerror(cases[i].err), fd < 0 ? strerror(errno) : "success");
		else
			CHECK(fd >= 0, "sr_mkdirs %s %s succeeds (got %s)", cases[i].dir,
			      cases[i].path, fd < 0 ? strerror(errno) : "success");
		if (cases[i].made)
			CHECK(exists(cases[i].made), "sr_mkdirs %s %s makes %s", cases[i].dir,
			      cases[i].path, cases[i].made);
		if (cases[i].absent)
			CHECK(!exists(cases[i].absent), "sr_mkdirs %s %s makes no %s", cases[i].dir,
			      cases[i].path, cases[i].absent);
		if (fd >= 0)
			close(fd);
		close(dfd);
	}
	CHECK_STR(sr_strerror(ELOOP), "a symlink in the path (refused)", "sr_strerror ELOOP");
	char cmd[96];
	snprintf(cmd, sizeof cmd, "rm -rf %s", top);
	CHECK(system(cmd) == 0, "remove the test tree");
	CHECK_EXIT();
}
