/* SPDX-License-Identifier: MIT */
/* Leaving the initramfs for the real root. */
#ifndef BERTH_INIT_SWITCHROOT_H
#define BERTH_INIT_SWITCHROOT_H

int switchroot(const char *newroot, const char **step);

#endif
