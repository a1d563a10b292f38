/* SPDX-License-Identifier: MIT */
/*
 * "Simple signing" container image signatures (containers-signature(5)):
 * an OpenPGP signed message whose payload names an image's manifest digest
 * and a docker reference. The OpenPGP part is Debian's gpgv's, as apt
 * does it: berth parses no OpenPGP packets itself, only the payload gpgv
 * hands back once it has found a good signature by a key of the keyrings.
 */
#ifndef BERTH_SIMPLESIGN_H
#define BERTH_SIMPLESIGN_H

#include <stddef.h>

#include "manifest/trust.h"

#define SIMPLESIGN_MAX (64 * 1024) /* a signature is a few hundred bytes */
#define SIMPLESIGN_REF_MAX 512

enum simplesign_status {
	SS_GOOD,      /* a good signature by a key of the keyrings; payload read */
	SS_NO_KEY,    /* made by a key not in the keyrings */
	SS_BAD,	      /* a key of the keyrings, but the signature does not verify */
	SS_MALFORMED, /* not a signature, or not a simple-signing payload */
	SS_ERROR,     /* gpgv could not be run or read; errno-like trouble */
};

struct simple_sig {
	char digest[80];		    /* "sha256:HEX" */
	char reference[SIMPLESIGN_REF_MAX]; /* the signed docker reference */
	char fingerprint[64];		    /* the signing key's primary fingerprint */
};

/* The gpgv it runs: $BERTH_GPGV, else /usr/bin/gpgv. */
const char *simplesign_gpgv(void);

/* Checks the signature sig (len bytes) against the keyrings (binary
 * OpenPGP keyrings, as `gpg --export` writes them). SS_GOOD fills *out;
 * otherwise why says what is wrong, for a message. */
enum simplesign_status simplesign_verify(const void *sig, size_t len, char *const *keyrings,
					 size_t n_keyrings, struct simple_sig *out, char *why,
					 size_t whylen);

/* Parses a payload (JSON) into *out's digest and reference; -1 with why. */
int simplesign_payload(const char *json, size_t len, struct simple_sig *out, const char **why);

/* Whether a good signature meets a signedBy requirement for the image
 * ref (a docker reference, with a tag or a digest) whose manifest has
 * digest ("sha256:HEX"); -1 with why when not. */
int simplesign_accepts(const struct trust_req *r, const struct simple_sig *s, const char *ref,
		       const char *digest, char *why, size_t whylen);

#endif
