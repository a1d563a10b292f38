/* SPDX-License-Identifier: MIT */
/* partlabel.h: finds a partition's device node by its GPT name, as init's
 * stage 1 does (PARTNAME= in /sys/class/block/X/uevent); no udev needed. */
#ifndef BERTH_PARTLABEL_H
#define BERTH_PARTLABEL_H

#include <stddef.h>

/* Writes "/dev/NAME" of the partition named label into out. Returns 0, or -1
 * when none or more than one partition has that name (errno ENOENT or
 * EEXIST). */
int partlabel_find(const char *label, char *out, size_t outlen);

#endif
