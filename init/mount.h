/* SPDX-License-Identifier: MIT */
/* Table-driven mounts shared by stage 1 and stage 2. */
#ifndef BERTH_INIT_MOUNT_H
#define BERTH_INIT_MOUNT_H

struct mnt {
	const char *source, *target, *type;
	unsigned long flags;
	const char *data;
	const char *fallback; /* options to retry with if data is refused */
	int optional;	      /* a filesystem missing from the kernel is no error */
};

int mount_one(const struct mnt *m);

#endif
