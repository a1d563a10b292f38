/* SPDX-License-Identifier: MIT */
/* berthctl update check: runs the channel client, update-check/ (a program
 * of its own so that libcurl stays out of berthctl; docs/update.md). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl.h"
#include "update.h"

#define UPDATE_CHECK "/usr/lib/berth/update-check"

int
update_check(char **argv)
{
	/* BERTH_UPDATE_CHECK: another client, for tests and the build host. */
	const char *prog = getenv("BERTH_UPDATE_CHECK");

	if (!prog || !*prog)
		prog = UPDATE_CHECK;
	argv[0] = "update-check";
	execv(prog, argv);
	fprintf(stderr, "berthctl: update check: %s: %s%s\n", prog, strerror(errno),
		errno == ENOENT ? " (this image has no channel client yet: see docs/update.md, "
				  "Channel)"
				: "");
	return EXIT_SYSTEM;
}
