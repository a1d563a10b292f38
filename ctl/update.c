/* SPDX-License-Identifier: MIT */
/* berthctl update apply|check|status: hands each subcommand to its own file. */
#include <string.h>

#include "ctl.h"
#include "update.h"

int
cmd_update(int argc, char **argv)
{
	if (argc < 2)
		return ctl_usage_error("update: apply, check or status?");
	if (!strcmp(argv[1], "apply"))
		return update_apply(argc - 1, argv + 1);
	if (!strcmp(argv[1], "check"))
		return update_check(argv + 1);
	if (!strcmp(argv[1], "status"))
		return update_status(argc - 1, argv + 1);
	return ctl_usage_error("update: unknown subcommand \"%s\" (apply, check or status)", argv[1]);
}
