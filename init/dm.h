/* SPDX-License-Identifier: MIT */
/* dm-verity devices through the device-mapper ioctls. */
#ifndef BERTH_INIT_DM_H
#define BERTH_INIT_DM_H

#include <sys/types.h>

#define VERITY_BLOCK 4096

/* Data and hash tree share one device; the tree starts right after the data. */
struct verity_params {
	dev_t dev;
	unsigned long long data_blocks;
	const char *roothash;
	const char *salt; /* hex or "-" */
};

enum dm_step {
	DM_STEP_CONTROL,
	DM_STEP_CREATE,
	DM_STEP_LOAD,
	DM_STEP_RESUME,
	DM_STEP_NODE,
};

const char *dm_step_str(enum dm_step step);
int dm_verity_create(const char *name, const struct verity_params *p, enum dm_step *step);
int dm_status(const char *name, char *buf, size_t size);
int dm_verity_corrupted(const char *name);

#endif
