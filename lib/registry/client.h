/* SPDX-License-Identifier: MIT */
/* The registry client: one libcurl handle per registry, its credentials and
 * token, and requests retried with backoff. */
#ifndef BERTH_REGISTRY_CLIENT_H
#define BERTH_REGISTRY_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "registry/ref.h"

struct reg_opts {
	const char *ca_file;   /* an extra CA bundle, or NULL: the system's only */
	const char *auth_file; /* credentials (docker's config.json form), or NULL */
	unsigned retries;      /* attempts after the first for a transient failure */
	unsigned backoff_ms;   /* the first delay; it doubles, up to 30 s */
	/* Optional: bytes of a blob as they come (total 0 when unknown), and
	 * one-line notes (retries, resumes). */
	void (*progress)(void *arg, const char *digest, uint64_t done, uint64_t total);
	void (*note)(void *arg, const char *msg);
	void *arg;
	/* Optional: whether the image may be pulled, once its manifest is
	 * known and before any blob is fetched (the trust policy, image-pull's
	 * signatures.c). digest: what the reference names, index or manifest,
	 * lowercase hex. 0 to go on, -1 with err set. */
	int (*accept)(void *accept_arg, const struct registry_ref *r, const char *digest, char *err,
		      size_t errlen);
	void *accept_arg;
};

enum reg_auth { REG_AUTH_NONE, REG_AUTH_BASIC, REG_AUTH_BEARER };

#define REG_ERR_MAX 512

struct reg_client {
	void *curl; /* CURL * */
	const struct registry_ref *ref;
	const struct reg_opts *opts;
	char *user, *pass; /* from the auth file; NULL when it has none */
	char *token;	   /* the bearer token once fetched */
	enum reg_auth auth;
	char err[REG_ERR_MAX]; /* why the last call failed; never a password */
};

/* One GET. The sink gets the body of a 2xx answer only; begin (optional)
 * runs before each attempt and may set from (a Range start) or fail. */
struct reg_req {
	const char *url;
	const char *accept; /* an Accept header value, or NULL */
	const char *label;  /* the digest for progress, or NULL for none */
	uint64_t from;	    /* Range: bytes=from-, when not 0 */
	uint64_t total;	    /* for progress: the whole size when known */
	size_t (*write)(const char *p, size_t n, void *arg); /* n, or 0 to abort */
	int (*begin)(struct reg_req *r, void *arg);
	void *arg;
	/* out */
	long status;
	char content_type[128];
	char challenge[1024]; /* WWW-Authenticate of a 401 */
	char header_buf[1024];
	bool sink_failed; /* write returned 0: its own error is in c->err */
};

/* Reads the credentials for r->registry from opts->auth_file (refused
 * unless mode 0600) and makes the handle. -1 with c->err on failure. */
int reg_client_init(struct reg_client *c, const struct registry_ref *r, const struct reg_opts *o);
void reg_client_free(struct reg_client *c);

/* "https://HOST/v2/REPO/KIND/WHAT" into buf. */
int reg_url(const struct reg_client *c, const char *kind, const char *what, char *buf, size_t len);

/* Runs r with authentication (a 401 fetches a token or sends the basic
 * credentials, once) and retries transient failures (no connection, a
 * timeout, a cut transfer, 429, 5xx). 0 when the answer was 2xx; else -1
 * with c->err set and r->status the last HTTP status (0: none). */
int reg_request(struct reg_client *c, struct reg_req *r);

/* One attempt, no retries and no answer to a 401: 0 when an answer came
 * (r->status says which), else -1 with c->err. For the token fetch. */
int reg_request_once(struct reg_client *c, struct reg_req *r);

/* A sink into memory, refusing more than max bytes. */
struct reg_membuf {
	char *p; /* NUL-terminated */
	size_t n, cap, max;
};
size_t reg_membuf_write(const char *p, size_t n, void *arg);

/* auth.c */
/* Reads the user and password of registry from file into c. 0 also when
 * the file has none for it. */
int reg_auth_load(struct reg_client *c, const char *file);
/* Answers a 401's challenge: Bearer (fetches a token from its realm, with
 * the basic credentials if any) or Basic (needs credentials). -1 with
 * c->err when it cannot. */
int reg_auth_answer(struct reg_client *c, const char *challenge);
/* One parameter of a challenge ("realm", "service", "scope") into buf. */
int reg_auth_param(const char *challenge, const char *name, char *buf, size_t len);
/* "registry R: authentication failed (401) for user U" into c->err. */
void reg_auth_failed(struct reg_client *c, long status);

#endif
