/* SPDX-License-Identifier: MIT */
/* Finds a partition by its GPT name (PARTNAME= in /sys/class/block/X/uevent). */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "blkdev.h"
#include "util.h"

#define POLL_MS 10

/* Returns 1 if the uevent of sysfs entry name has PARTNAME=label, filling dev. */
static int
uevent_match(const char *name, const char *label, struct blkdev *dev)
{
	char path[300], buf[1024], *line, *save = NULL;
	int named = 0;

	if (path_fmt(path, sizeof(path), "/sys/class/block/%s/uevent", name) < 0 ||
	    read_file(path, buf, sizeof(buf)) < 0)
		return 0;
	memset(dev, 0, sizeof(*dev));
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(line, "MAJOR=", 6))
			dev->major = strtoul(line + 6, NULL, 10);
		else if (!strncmp(line, "MINOR=", 6))
			dev->minor = strtoul(line + 6, NULL, 10);
		else if (!strncmp(line, "DEVNAME=", 8))
			snprintf(dev->name, sizeof(dev->name), "%s", line + 8);
		else if (!strncmp(line, "PARTNAME=", 9))
			named = !strcmp(line + 9, label);
	}
	return named && dev->name[0];
}

static void
blkdev_read_size(const char *name, struct blkdev *dev)
{
	char path[300], buf[32];

	if (path_fmt(path, sizeof(path), "/sys/class/block/%s/size", name) < 0 ||
	    read_file(path, buf, sizeof(buf)) < 0)
		return;
	dev->size = strtoull(buf, NULL, 10) * 512;
}

/*
 * Returns how many partitions are named label (-1 if sysfs is unreadable)
 * and fills out with the one with the lowest device number, so that the
 * choice among duplicates does not depend on directory order.
 */
int
blkdev_find(const char *label, struct blkdev *out)
{
	struct dirent *e;
	struct blkdev dev;
	DIR *dir;
	int count = 0;

	dir = opendir("/sys/class/block");
	if (!dir)
		return -1;
	while ((e = readdir(dir))) {
		if (e->d_name[0] == '.' || !uevent_match(e->d_name, label, &dev))
			continue;
		if (!count || dev.major < out->major ||
		    (dev.major == out->major && dev.minor < out->minor)) {
			*out = dev;
			blkdev_read_size(e->d_name, out);
		}
		count++;
	}
	if (closedir(dir) < 0)
		return -1;
	return count;
}

/* devtmpfs creates the node just after sysfs announces the device. */
static int
node_ready(const struct blkdev *dev)
{
	char path[64];
	struct stat st;

	if (path_fmt(path, sizeof(path), "/dev/%s", dev->name) < 0 || stat(path, &st) < 0)
		return 0;
	return S_ISBLK(st.st_mode) && st.st_rdev == makedev(dev->major, dev->minor);
}

/*
 * Polls until a partition named label exists and has its /dev node, or
 * timeout_ms passes (then -1 with errno ETIMEDOUT). Returns the number of
 * partitions with that name.
 */
int
blkdev_wait(const char *label, long long timeout_ms, struct blkdev *out)
{
	long long deadline = now_ms() + timeout_ms;
	int n;

	for (;;) {
		n = blkdev_find(label, out);
		if (n > 0 && node_ready(out))
			return n;
		if (now_ms() >= deadline)
			break;
		sleep_ms(POLL_MS);
	}
	errno = ETIMEDOUT;
	return -1;
}
