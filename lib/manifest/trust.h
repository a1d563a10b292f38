/* SPDX-License-Identifier: MIT */
/*
 * The manifest's trust policy: which container images a host runs, in the
 * terms of containers-policy.json(5) (skopeo, podman and CRI-O read the
 * same). A policy is a default list of requirements and, per transport,
 * per scope, lists that replace it; every requirement of the list that
 * applies must be met. docs/manifest.md, Trust, is the user's reference.
 */
#ifndef BERTH_TRUST_H
#define BERTH_TRUST_H

#include <stdbool.h>
#include <stddef.h>

#include "base/diag.h"
#include "base/json.h"
#include "image/imageref.h"

#define TRUST_MAX_SCOPES 256 /* in all transports */
#define TRUST_MAX_REQS 16    /* per list */
#define TRUST_MAX_KEYS 16    /* keyPaths of one requirement */

enum trust_type {
	TRUST_ACCEPT,	 /* insecureAcceptAnything */
	TRUST_REJECT,	 /* reject */
	TRUST_SIGNED_BY, /* signedBy, keyType GPGKeys: a simple-signing signature */
};

/* signedBy's signedIdentity: how the reference the signature names must
 * match the image's. */
enum trust_identity {
	TRUST_ID_MATCH_REPO_DIGEST_OR_EXACT, /* the default */
	TRUST_ID_MATCH_EXACT,
	TRUST_ID_MATCH_REPOSITORY,
	TRUST_ID_EXACT_REFERENCE,  /* the signature names dockerReference */
	TRUST_ID_EXACT_REPOSITORY, /* the signature names a reference in dockerRepository */
};

/* The transports berth reads images of; "docker" is a registry. */
enum trust_transport {
	TRUST_DOCKER,
	TRUST_OCI,
	TRUST_DOCKER_ARCHIVE,
	TRUST_DIR,
	TRUST_N_TRANSPORTS,
};

struct trust_req {
	enum trust_type type;
	char **keys; /* keyPath (one) or keyPaths; relative: from the build's directory */
	size_t n_keys;
	bool keys_list; /* given as keyPaths */
	enum trust_identity identity;
	char *identity_ref; /* dockerReference or dockerRepository */
	struct srcpos pos;
};

struct trust_list {
	struct trust_req *reqs;
	size_t n;
};

struct trust_scope {
	enum trust_transport transport;
	char *scope; /* "" is the transport's own default */
	struct trust_list list;
	struct srcpos pos;
};

struct trust_policy {
	bool given; /* false: berth's default (docs/manifest.md, Trust) */
	struct trust_list def;
	struct trust_scope *scopes;
	size_t n_scopes;
};

const char *trust_transport_str(enum trust_transport t); /* "docker", "oci", ... */
const char *trust_type_str(enum trust_type t);		 /* "signedBy", ... */
const char *trust_identity_str(enum trust_identity i);	 /* "matchRepository", ... */
enum trust_transport trust_transport_of(enum image_kind k);

/* berth's default policy: reject, except dir: trees (the build's own input). */
int trust_default(struct trust_policy *p);
void trust_free(struct trust_policy *p);

/* The list that applies to an image of transport t named name (a path for
 * the file transports, a reference for docker), and the scope it came from
 * ("" for the transport's default, NULL for the policy's default). The
 * most specific scope wins: for paths the longest one that is name or a
 * directory above it, for references the longest repository prefix. */
const struct trust_list *trust_lookup(const struct trust_policy *p, enum trust_transport t,
				      const char *name, const char **scope);

/* Reads a policy from one line of containers-policy.json's JSON (what the
 * build bakes as /usr/share/berth/trust/policy.json); -1 with the reasons
 * in d (positions on line 2). Release *out with trust_free. */
int trust_parse_json(const char *name, const char *json, size_t len, struct trust_policy *out,
		     struct diag *d);

/* The policy as containers-policy.json writes it. */
void trust_to_json(const struct trust_policy *p, struct json *j);
void trust_list_to_json(const struct trust_list *l, struct json *j);
/* The same on one line, allocated; NULL when memory runs out. */
char *trust_line(const struct trust_policy *p);

#endif
