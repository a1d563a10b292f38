/* SPDX-License-Identifier: MIT */
/* The baseline hardening sysctls stage 2 sets before starting anything. */
#ifndef BERTH_INIT_SYSCTL_H
#define BERTH_INIT_SYSCTL_H

int sysctl_apply_baseline(void);

#endif
