/* SPDX-License-Identifier: MIT */
/* Whether an image is accepted by a trust policy, given its signatures:
 * the host's side of what image/trust.sh has skopeo do at build time. */
#ifndef BERTH_TRUSTCHECK_H
#define BERTH_TRUSTCHECK_H

#include <stddef.h>

#include "trust/simplesign.h"
#include "manifest/trust.h"

struct sig_blob {
	const void *data;
	size_t len;
};

/* 0 when every requirement of the list the policy has for the image ref
 * (transport t; a docker reference for TRUST_DOCKER) whose manifest has
 * digest is met by the signatures; -1 with the reason in why otherwise
 * (the scope it came from included). On success who (if not NULL) says
 * which key signed what, or that the policy takes the image unsigned. */
int trust_check(const struct trust_policy *p, enum trust_transport t, const char *ref,
		const char *digest, const struct sig_blob *sigs, size_t n_sigs, char *why,
		size_t whylen, char *who, size_t wholen);

#endif
