/* SPDX-License-Identifier: MIT */
/* berthctl validate FILE...: checks manifests and reports every error. */
#include <stdio.h>

#include "ctl.h"
#include "manifest.h"

int
cmd_validate(int argc, char **argv)
{
	int status = 0;

	if (argc < 2)
		return ctl_usage_error("validate: no manifest given");
	for (int i = 1; i < argc; i++)
		if (argv[i][0] == '-' && argv[i][1])
			return ctl_usage_error("validate: unknown option \"%s\"", argv[i]);
	for (int i = 1; i < argc; i++) {
		struct manifest m;
		struct diag d;

		if (manifest_parse_file(argv[i], &m, &d) == 0) {
			printf("%s: ok\n", argv[i]);
		} else {
			fflush(stdout);
			ctl_report(&d);
			status = EXIT_INVALID;
		}
		manifest_free(&m);
		diag_free(&d);
	}
	if (fflush(stdout) != 0) {
		perror("berthctl: writing output");
		return EXIT_SYSTEM;
	}
	return status;
}
