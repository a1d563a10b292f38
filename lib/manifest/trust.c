/* SPDX-License-Identifier: MIT */
/* The trust policy: its names, berth's default, which list applies to an
 * image, and the policy as containers-policy.json. Reading it from the
 * manifest is manifest-trust.c's. */
#include <stdlib.h>
#include <string.h>

#include "manifest/trust.h"

const char *
trust_transport_str(enum trust_transport t)
{
	static const char *const s[] = {"docker", "oci", "docker-archive", "dir"};

	return (unsigned)t < TRUST_N_TRANSPORTS ? s[t] : "?";
}

const char *
trust_type_str(enum trust_type t)
{
	static const char *const s[] = {"insecureAcceptAnything", "reject", "signedBy"};

	return (unsigned)t < sizeof(s) / sizeof(s[0]) ? s[t] : "?";
}

const char *
trust_identity_str(enum trust_identity i)
{
	static const char *const s[] = {"matchRepoDigestOrExact", "matchExact", "matchRepository",
					"exactReference", "exactRepository"};

	return (unsigned)i < sizeof(s) / sizeof(s[0]) ? s[i] : "?";
}

enum trust_transport
trust_transport_of(enum image_kind k)
{
	switch (k) {
	case IMAGE_OCI:
		return TRUST_OCI;
	case IMAGE_DOCKER_ARCHIVE:
		return TRUST_DOCKER_ARCHIVE;
	case IMAGE_DIR:
		break;
	}
	return TRUST_DIR;
}

static int
one_req(struct trust_list *l, enum trust_type type)
{
	if (!(l->reqs = calloc(1, sizeof(*l->reqs))))
		return -1;
	l->reqs[0].type = type;
	l->n = 1;
	return 0;
}

int
trust_default(struct trust_policy *p)
{
	memset(p, 0, sizeof(*p));
	if (one_req(&p->def, TRUST_REJECT) < 0 || !(p->scopes = calloc(1, sizeof(*p->scopes))))
		return -1;
	p->n_scopes = 1;
	p->scopes[0].transport = TRUST_DIR;
	if (!(p->scopes[0].scope = strdup("")) || one_req(&p->scopes[0].list, TRUST_ACCEPT) < 0)
		return -1;
	return 0;
}

static void
list_free(struct trust_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		for (size_t k = 0; k < l->reqs[i].n_keys; k++)
			free(l->reqs[i].keys[k]);
		free(l->reqs[i].keys);
		free(l->reqs[i].identity_ref);
	}
	free(l->reqs);
	l->reqs = NULL;
	l->n = 0;
}

void
trust_free(struct trust_policy *p)
{
	list_free(&p->def);
	for (size_t i = 0; i < p->n_scopes; i++) {
		free(p->scopes[i].scope);
		list_free(&p->scopes[i].list);
	}
	free(p->scopes);
	p->scopes = NULL;
	p->n_scopes = 0;
}

/* How well scope covers a path name: its length when it is name or a
 * directory above it (or, for oci:, the layout of name's PATH:TAG); -1
 * when it does not. Both are compared in their lexical normal form. */
static long
path_cover(const char *scope, const char *name)
{
	char s[strlen(scope) + 2], n[strlen(name) + 2];
	size_t l;

	image_path_normal(scope, s);
	image_path_normal(name, n);
	l = strlen(s);
	if (strcmp(s, "/") == 0)
		return n[0] == '/' ? 1 : -1;
	if (strncmp(s, n, l) != 0 || (n[l] && n[l] != '/' && n[l] != ':'))
		return -1;
	return (long)l;
}

/* The same for a registry reference: the scope is a repository, a
 * namespace or a registry (host[:port]) the reference is in, or names it
 * with its tag or digest; or *.DOMAIN, any registry under DOMAIN. */
static long
ref_cover(const char *scope, const char *name)
{
	size_t l = strlen(scope), host = strcspn(name, "/");

	if (strncmp(scope, "*.", 2) == 0) {
		const char *dot = memchr(name, '.', host);
		size_t rest;

		if (!dot)
			return -1;
		rest = host - (size_t)(dot - name);
		/* a port is no part of the match */
		if (memchr(dot, ':', rest))
			rest = (size_t)((const char *)memchr(dot, ':', rest) - dot);
		if (rest < l - 1 || memcmp(dot + rest - (l - 1), scope + 1, l - 1) != 0)
			return -1;
		return 0; /* a wildcard is less specific than any registry */
	}
	if (strncmp(scope, name, l) != 0 ||
	    (name[l] && name[l] != '/' && name[l] != ':' && name[l] != '@'))
		return -1;
	/* "host:5000" against "host:5000/x" or "host/x:5000" */
	if (name[l] == ':' && l < host)
		return -1;
	return (long)l;
}

const struct trust_list *
trust_lookup(const struct trust_policy *p, enum trust_transport t, const char *name,
	     const char **scope)
{
	const struct trust_scope *best = NULL;
	long best_len = -1;

	for (size_t i = 0; i < p->n_scopes; i++) {
		const struct trust_scope *s = &p->scopes[i];
		long c;

		if (s->transport != t || !s->scope[0])
			continue;
		c = t == TRUST_DOCKER ? ref_cover(s->scope, name) : path_cover(s->scope, name);
		if (c > best_len) {
			best = s;
			best_len = c;
		}
	}
	for (size_t i = 0; !best && i < p->n_scopes; i++)
		if (p->scopes[i].transport == t && !p->scopes[i].scope[0])
			best = &p->scopes[i];
	if (scope)
		*scope = best ? best->scope : NULL;
	return best ? &best->list : &p->def;
}

static void
req_to_json(const struct trust_req *r, struct json *j)
{
	json_object_begin(j);
	json_key(j, "type");
	json_string(j, trust_type_str(r->type));
	if (r->type == TRUST_SIGNED_BY) {
		json_key(j, "keyType");
		json_string(j, "GPGKeys");
		json_key(j, r->keys_list ? "keyPaths" : "keyPath");
		if (r->keys_list)
			json_array_begin(j);
		for (size_t k = 0; k < r->n_keys; k++)
			json_string(j, r->keys[k]);
		if (r->keys_list)
			json_array_end(j);
		json_key(j, "signedIdentity");
		json_object_begin(j);
		json_key(j, "type");
		json_string(j, trust_identity_str(r->identity));
		if (r->identity == TRUST_ID_EXACT_REFERENCE ||
		    r->identity == TRUST_ID_EXACT_REPOSITORY) {
			json_key(j, r->identity == TRUST_ID_EXACT_REFERENCE ? "dockerReference"
									    : "dockerRepository");
			json_string(j, r->identity_ref);
		}
		json_object_end(j);
	}
	json_object_end(j);
}

void
trust_list_to_json(const struct trust_list *l, struct json *j)
{
	json_array_begin(j);
	for (size_t i = 0; i < l->n; i++)
		req_to_json(&l->reqs[i], j);
	json_array_end(j);
}

void
trust_to_json(const struct trust_policy *p, struct json *j)
{
	json_object_begin(j);
	json_key(j, "default");
	trust_list_to_json(&p->def, j);
	json_key(j, "transports");
	json_object_begin(j);
	for (int t = 0; t < TRUST_N_TRANSPORTS; t++) {
		bool any = false;

		for (size_t i = 0; i < p->n_scopes; i++) {
			if (p->scopes[i].transport != (enum trust_transport)t)
				continue;
			if (!any) {
				json_key(j, trust_transport_str(t));
				json_object_begin(j);
				any = true;
			}
			json_key(j, p->scopes[i].scope);
			trust_list_to_json(&p->scopes[i].list, j);
		}
		if (any)
			json_object_end(j);
	}
	json_object_end(j);
	json_object_end(j);
}

char *
trust_line(const struct trust_policy *p)
{
	struct json j;
	char *s = NULL;

	json_init(&j);
	trust_to_json(p, &j);
	if (json_finish(&j) == 0) {
		json_compact(j.buf);
		s = strdup(j.buf);
	}
	json_free(&j);
	return s;
}
