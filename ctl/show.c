/* SPDX-License-Identifier: MIT */
/* berthctl show --json FILE: the normalised manifest, defaults included. */
#include <stdio.h>
#include <string.h>

#include "ctl.h"
#include "manifest/manifest.h"

int
cmd_show(int argc, char **argv)
{
	struct manifest m;
	struct diag d;
	struct json j;
	int status = 0;

	if (argc != 3 || strcmp(argv[1], "--json") != 0)
		return ctl_usage_error("show: expected --json FILE");
	if (manifest_parse_file(argv[2], &m, &d) < 0) {
		ctl_report(&d);
		status = EXIT_INVALID;
		goto out;
	}
	json_init(&j);
	manifest_to_json(&m, &j);
	if (json_finish(&j) < 0) {
		fprintf(stderr, "berthctl: %s: could not write the JSON (out of memory)\n",
			argv[2]);
		status = EXIT_SYSTEM;
	} else if (fwrite(j.buf, 1, j.len, stdout) != j.len || fflush(stdout) != 0) {
		perror("berthctl: writing output");
		status = EXIT_SYSTEM;
	}
	json_free(&j);
out:
	manifest_free(&m);
	diag_free(&d);
	return status;
}
