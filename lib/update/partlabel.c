/* SPDX-License-Identifier: MIT */
/* partlabel.c: a partition's device node from its GPT name, via sysfs. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/io.h"
#include "update/partlabel.h"

/* Whether sysfs block device name has PARTNAME=label; fills devname. */
static int
matches(const char *name, const char *label, char *devname, size_t len)
{
	char path[320], buf[1024], *line, *save = NULL;
	int named = 0;

	snprintf(path, sizeof(path), "/sys/class/block/%s/uevent", name);
	if (io_read_small(AT_FDCWD, path, buf, sizeof(buf)) <= 0)
		return 0;
	devname[0] = 0;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(line, "DEVNAME=", 8))
			snprintf(devname, len, "%s", line + 8);
		else if (!strncmp(line, "PARTNAME=", 9))
			named = !strcmp(line + 9, label);
	}
	return named && devname[0];
}

int
partlabel_find(const char *label, char *out, size_t outlen)
{
	char devname[256];
	struct dirent *e;
	int count = 0;
	DIR *dir = opendir("/sys/class/block");

	if (!dir)
		return -1;
	while ((e = readdir(dir))) {
		if (e->d_name[0] == '.' || !matches(e->d_name, label, devname, sizeof(devname)))
			continue;
		if (!count)
			snprintf(out, outlen, "/dev/%s", devname);
		count++;
	}
	closedir(dir);
	if (count == 1)
		return 0;
	errno = count ? EEXIST : ENOENT;
	return -1;
}
