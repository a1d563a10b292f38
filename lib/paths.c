/* SPDX-License-Identifier: MIT */
/* Where berth's programs find the manifest in force on a host. */
#include <unistd.h>

#include "paths.h"

const char *
manifest_default_path(void)
{
	return access(MANIFEST_OVERRIDE, F_OK) == 0 ? MANIFEST_OVERRIDE : MANIFEST_BAKED;
}
