/* SPDX-License-Identifier: MIT */
/* berthctl image pull: runs the image-pull program, which alone links
 * libcurl (image-pull/main.c says why). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ctl.h"
#include "image.h"

/* Where a host keeps berth's programs. */
#define PULL_INSTALLED "/usr/lib/berth/image-pull"

/* Beside berthctl first (a build tree), then where a host has it. */
static int
find(char *buf, size_t len)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	char *slash;

	if (n > 0) {
		self[n] = '\0';
		if ((slash = strrchr(self, '/'))) {
			*slash = '\0';
			int m = snprintf(buf, len, "%s/image-pull", self);

			if (m > 0 && (size_t)m < len && access(buf, X_OK) == 0)
				return 0;
		}
	}
	snprintf(buf, len, "%s", PULL_INSTALLED);
	return access(buf, X_OK);
}

int
image_pull(int argc, char **argv)
{
	char prog[PATH_MAX];

	(void)argc;
	if (find(prog, sizeof prog) < 0) {
		fprintf(stderr, "berthctl: image pull: this host cannot pull: %s: %s\n",
			PULL_INSTALLED, strerror(errno));
		return EXIT_SYSTEM;
	}
	argv[0] = "image-pull";
	execv(prog, argv);
	fprintf(stderr, "berthctl: image pull: %s: %s\n", prog, strerror(errno));
	return EXIT_SYSTEM;
}
