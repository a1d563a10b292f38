/* SPDX-License-Identifier: MIT */
/* Finding block devices by GPT partition name (PARTLABEL) through sysfs. */
#ifndef BERTH_INIT_BLKDEV_H
#define BERTH_INIT_BLKDEV_H

struct blkdev {
	char name[32]; /* kernel name under /dev, e.g. vda2 */
	unsigned int major, minor;
	unsigned long long size; /* bytes */
};

int blkdev_find(const char *label, struct blkdev *out);
int blkdev_wait(const char *label, long long timeout_ms, struct blkdev *out);

#endif
