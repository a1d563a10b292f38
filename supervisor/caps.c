/* SPDX-License-Identifier: MIT */
/* caps.c: in the child, the container's capability set (computed by the
 * manifest parser, lib/manifest/cap.h) applied with libcap. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/capability.h>

#include "supervisor.h"

#define BIT(c) ((uint64_t)1 << (c))

static uint64_t
caps_all(void)
{
	unsigned n = (unsigned)cap_max_bits();
	return n >= 64 ? ~(uint64_t)0 : BIT(n) - 1;
}

/* The set limited to what this kernel knows: the manifest's "ALL" names
 * capabilities an older kernel may lack, and capset refuses those. */
uint64_t
caps_supported(uint64_t set)
{
	return set & caps_all();
}

/* Drops from the bounding set every capability not in set; needs
 * CAP_SETPCAP, so it runs before the switch to the container's user. */
int
caps_bound(uint64_t set)
{
	unsigned n = (unsigned)cap_max_bits();
	for (unsigned c = 0; c < n && c < 64; c++) {
		if (set & BIT(c))
			continue;
		if (cap_drop_bound((cap_value_t)c) < 0)
			return -1;
	}
	return 0;
}

/*
 * Sets permitted and effective to set and clears inheritable and ambient.
 * For a user other than root the kernel already cleared permitted at
 * setuid(), and that is what we want (as Docker): pass 0 then.
 */
int
caps_set(uint64_t set)
{
	cap_value_t list[64];
	int n = 0;

	for (unsigned c = 0; c < 64; c++)
		if (set & BIT(c))
			list[n++] = (cap_value_t)c;
	cap_t caps = cap_init();
	if (!caps)
		return -1;
	int rc = -1;
	if (n > 0 && (cap_set_flag(caps, CAP_PERMITTED, n, list, CAP_SET) < 0 ||
		      cap_set_flag(caps, CAP_EFFECTIVE, n, list, CAP_SET) < 0))
		goto out_free;
	if (cap_set_proc(caps) < 0)
		goto out_free;
	if (cap_reset_ambient() < 0 && errno != EINVAL)
		goto out_free;
	rc = 0;
out_free:
	cap_free(caps);
	return rc;
}

/* Effective again as permitted: a change of the file system ids away from
 * 0 clears the file capabilities from effective (capabilities(7)), and the
 * child, which makes files as its container's root, still needs them to
 * set the container up. */
int
caps_raise_effective(void)
{
	cap_value_t list[64];
	cap_flag_value_t v;
	int n = 0;

	cap_t caps = cap_get_proc();
	if (!caps)
		return -1;
	for (unsigned c = 0; c < 64 && c < (unsigned)cap_max_bits(); c++)
		if (cap_get_flag(caps, (cap_value_t)c, CAP_PERMITTED, &v) == 0 && v == CAP_SET)
			list[n++] = (cap_value_t)c;
	int rc = -1;
	if (n > 0 && cap_set_flag(caps, CAP_EFFECTIVE, n, list, CAP_SET) < 0)
		goto out_free;
	rc = cap_set_proc(caps);
out_free:
	cap_free(caps);
	return rc;
}
