/* SPDX-License-Identifier: MIT */
/* Mounts one entry of a mount table unless something is mounted there already. */
#include <errno.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "mount.h"
#include "util.h"

/*
 * Returns 0 when mounted (now or before), 1 when an optional filesystem is
 * not in this kernel, -1 with errno otherwise.
 */
int
mount_one(const struct mnt *m)
{
	int r;

	if (mkdir(m->target, 0755) < 0 && errno != EEXIST)
		return -1;
	r = is_mountpoint(m->target);
	if (r < 0)
		return -1;
	if (r > 0)
		return 0;
	if (mount(m->source, m->target, m->type, m->flags, m->data) == 0)
		return 0;
	if (errno == EINVAL && m->fallback &&
	    mount(m->source, m->target, m->type, m->flags, m->fallback) == 0)
		return 0;
	if (errno == ENODEV && m->optional)
		return 1;
	return -1;
}
