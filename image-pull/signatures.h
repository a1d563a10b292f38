/* SPDX-License-Identifier: MIT */
/* The trust policy's say on a pull (signatures.c). */
#ifndef BERTH_IMAGE_PULL_SIGNATURES_H
#define BERTH_IMAGE_PULL_SIGNATURES_H

#include <stddef.h>

#include "manifest/trust.h"
#include "registry/ref.h"

#define TRUST_POLICY_DEFAULT "/usr/share/berth/trust/policy.json"
#define SIGS_MAX 16

struct sigcheck {
	const char *policy_file; /* the host's policy, as the build bakes it */
	const char *lookaside;	 /* where signatures are: a URL, or NULL */
	const char *ca_file;	 /* an extra CA for an https lookaside */
	struct trust_policy policy;
	void (*note)(void *arg, const char *msg);
	void *note_arg;
};

/* Reads the policy; -1 with err set. */
int sigcheck_load(struct sigcheck *sc, char *err, size_t errlen);
void sigcheck_free(struct sigcheck *sc);
/* reg_opts.accept: the image's signatures from the lookaside
 * (LOOKASIDE/REPO@sha256=HEX/signature-N, as containers-registries.d(5)
 * lays them out), checked against the policy (lib/trust). */
int sigcheck_accept(void *sc, const struct registry_ref *r, const char *digest, char *err,
		    size_t errlen);

#endif
