/* SPDX-License-Identifier: MIT */
/* A policy's requirement list against an image and its signatures. */
#include <stdio.h>
#include <string.h>

#include "trust/trustcheck.h"

/* One signedBy requirement: met by any signature that verifies with its
 * keys and accepts the image; else the reason of the last one tried (or
 * "no signature"). */
static int
signed_by(const struct trust_req *r, const char *ref, const char *digest,
	  const struct sig_blob *sigs, size_t n, char *why, size_t whylen, char *who, size_t wholen)
{
	struct simple_sig s;

	snprintf(why, whylen, "no signature");
	for (size_t i = 0; i < n; i++) {
		enum simplesign_status st = simplesign_verify(sigs[i].data, sigs[i].len, r->keys,
							      r->n_keys, &s, why, whylen);

		if (st == SS_ERROR)
			return -1;
		if (st != SS_GOOD || simplesign_accepts(r, &s, ref, digest, why, whylen) < 0)
			continue;
		if (who)
			snprintf(who, wholen, "signed by %s as %s", s.fingerprint, s.reference);
		return 0;
	}
	return -1;
}

int
trust_check(const struct trust_policy *p, enum trust_transport t, const char *ref,
	    const char *digest, const struct sig_blob *sigs, size_t n_sigs, char *why,
	    size_t whylen, char *who, size_t wholen)
{
	const char *scope;
	const struct trust_list *l = trust_lookup(p, t, ref, &scope);
	char reason[1024], where[600];

	if (scope)
		snprintf(where, sizeof where, "%s scope \"%s\"", trust_transport_str(t), scope);
	else
		snprintf(where, sizeof where, "the policy's default");
	if (who)
		snprintf(who, wholen, "accepted unsigned (%s)", where);
	for (size_t i = 0; i < l->n; i++) {
		const struct trust_req *r = &l->reqs[i];

		if (r->type == TRUST_ACCEPT)
			continue;
		if (r->type == TRUST_REJECT) {
			snprintf(why, whylen, "%s: the policy rejects it (type: reject)", where);
			return -1;
		}
		if (signed_by(r, ref, digest, sigs, n_sigs, reason, sizeof reason, who, wholen) <
		    0) {
			snprintf(why, whylen, "%s: %s", where, reason);
			return -1;
		}
	}
	return 0;
}
