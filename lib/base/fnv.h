/* SPDX-License-Identifier: MIT */
/* FNV-1a, 64 bits: a fingerprint to recognise our own output again (the
 * firewall's ruleset, the precompiled seccomp program), never a defence.
 * Incremental: h = fnv1a64(FNV1A64_INIT, a, n); h = fnv1a64(h, b, m). */
#ifndef BERTH_FNV_H
#define BERTH_FNV_H

#include <stddef.h>
#include <stdint.h>

#define FNV1A64_INIT 0xcbf29ce484222325ULL

static inline uint64_t
fnv1a64(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 0x100000001b3ULL;
	return h;
}

#endif
