/* SPDX-License-Identifier: MIT */
/* Linux capability names (as of Linux 6.1), without libcap. */
#ifndef BERTH_CAP_H
#define BERTH_CAP_H

#include <stdint.h>

#define CAP_NUM 41 /* CAP_CHOWN (0) .. CAP_CHECKPOINT_RESTORE (40) */
#define CAP_BIT(c) (UINT64_C(1) << (c))
#define CAP_ALL_SET (CAP_BIT(CAP_NUM) - 1)

/* What a container gets unless the manifest says otherwise: Docker's default
 * set without NET_RAW (raw sockets: spoofing), MKNOD (device nodes),
 * AUDIT_WRITE and SETFCAP (file capabilities a later exec would honour). */
uint64_t cap_default_set(void);

/* NET_BIND_SERVICE, CAP_NET_BIND_SERVICE, net_bind_service -> 10. "ALL" is
 * not a capability; the manifest parser handles it. */
int cap_parse(const char *s, int *cap, const char **why);
/* "NET_BIND_SERVICE" (no CAP_ prefix), or NULL when out of range. */
const char *cap_name(int cap);

#endif
