/* SPDX-License-Identifier: MIT */
/* Reads trust: (the image trust policy, containers-policy.json's terms,
 * camelCase keys and all, so that a policy can be pasted either way). */
#include <stdlib.h>
#include <string.h>

#include "base/suggest.h"
#include "manifest/manifest-parse.h"

static const char *const type_names[] = {"insecureAcceptAnything", "reject", "signedBy",
					 "sigstoreSigned", "signedBaseLayer"};

/* A docker reference, as far as a policy needs it: a repository, lowercase
 * (the tag may have upper case), without spaces; with_tag: it must name a
 * tag or digest, else it must not. */
static const char *
docker_ref_check(const char *s, bool with_tag)
{
	size_t last = 0;
	bool tagged;

	if (!*s)
		return "it is empty";
	if (strlen(s) > 255 + 128 + 72)
		return "it is too long for a reference";
	for (const char *c = s; *c; c++) {
		if (*c == '/')
			last = (size_t)(c - s);
		if (!strchr("abcdefghijklmnopqrstuvwxyz0123456789._-/:@ABCDEFGHIJKLMNOPQRSTUVWXYZ",
			    *c))
			return "only letters, digits and ._-/:@ belong in a reference";
	}
	tagged = strchr(s + last, ':') || strchr(s, '@');
	if (with_tag && !tagged)
		return "it names no tag or digest (registry/repository:tag)";
	if (!with_tag && tagged)
		return "a repository has no tag or digest";
	return NULL;
}

static void
req_keys(struct mparse *p, const struct ynode *key, const struct ynode *val, struct trust_req *r)
{
	const struct ynode *one = mp_get(val, "keyPath"), *many = mp_get(val, "keyPaths");
	const struct ynode *k =
	    mp_get_key(val, "keyPath") ? mp_get_key(val, "keyPath") : mp_get_key(val, "keyPaths");

	if (mp_get(val, "keyData")) {
		mp_error(p, mp_get_key(val, "keyData"),
			 "keyData: not supported: give the public key as a file, keyPath");
		return;
	}
	if (!one == !many) {
		mp_error(p, one ? k : key, "signedBy: %s",
			 one ? "give keyPath or keyPaths, not both"
			     : "missing required key keyPath (a file "
			       "of OpenPGP public keys)");
		return;
	}
	r->keys_list = many != NULL;
	if (one) {
		char *s = NULL;

		if (!mp_string(p, k, one, MP_SHORT_MAX, "a file", &s))
			return;
		if (!(r->keys = calloc(1, sizeof(*r->keys)))) {
			free(s);
			return;
		}
		r->keys[0] = s;
		r->n_keys = 1;
		return;
	}
	if (many->type != YNODE_SEQ || many->n == 0 || many->n > TRUST_MAX_KEYS) {
		mp_error(p, k, "keyPaths: expected a list of 1 to %d files", TRUST_MAX_KEYS);
		return;
	}
	if (!(r->keys = calloc(many->n, sizeof(*r->keys))))
		return;
	for (size_t i = 0; i < many->n; i++)
		if (mp_string(p, k, many->kids[i], MP_SHORT_MAX, "a file", &r->keys[r->n_keys]))
			r->n_keys++;
}

static void
req_identity(struct mparse *p, const struct ynode *id, struct trust_req *r)
{
	static const char *const names[] = {"matchRepoDigestOrExact", "matchExact",
					    "matchRepository",	      "exactReference",
					    "exactRepository",	      "remapIdentity"};
	const struct ynode *k = mp_get_key(id, "signedIdentity");
	const struct ynode *v = mp_get(id, "signedIdentity"), *t, *ref;
	const char *want, *why;
	int e;

	if (!v)
		return;
	if (v->type != YNODE_MAP || !(t = mp_get(v, "type"))) {
		mp_error(p, k,
			 "signedIdentity: expected a mapping with a type (one of "
			 "matchRepoDigestOrExact, matchExact, matchRepository, exactReference, "
			 "exactRepository)");
		return;
	}
	if (!mp_enum(p, mp_get_key(v, "type"), t, names, 6, &e))
		return;
	if (e == 5) {
		mp_error(p, t, "type: remapIdentity is not supported");
		return;
	}
	r->identity = (enum trust_identity)e;
	want = e == TRUST_ID_EXACT_REFERENCE	? "dockerReference"
	       : e == TRUST_ID_EXACT_REPOSITORY ? "dockerRepository"
						: NULL;
	for (size_t i = 0; i + 1 < v->n; i += 2) {
		const char *s = v->kids[i]->str;

		if (!v->kids[i]->skip && strcmp(s, "type") && (!want || strcmp(s, want)))
			mp_error(p, v->kids[i], "signedIdentity: %s takes no key %s",
				 trust_identity_str(r->identity), s);
	}
	if (!want)
		return;
	if (!(ref = mp_get(v, want))) {
		mp_error(p, t, "signedIdentity: %s needs %s", trust_identity_str(r->identity),
			 want);
		return;
	}
	if (!mp_string(p, mp_get_key(v, want), ref, MP_SHORT_MAX, "a reference", &r->identity_ref))
		return;
	if ((why = docker_ref_check(r->identity_ref, e == TRUST_ID_EXACT_REFERENCE)))
		mp_invalid(p, mp_get_key(v, want), ref, want, why);
}

/* Keys other than type that each type takes. */
static void
req_extra_keys(struct mparse *p, const struct ynode *item, enum trust_type t)
{
	static const char *const signed_by[] = {"type",	    "keyType", "keyPath",
						"keyPaths", "keyData", "signedIdentity"};

	for (size_t i = 0; i + 1 < item->n; i += 2) {
		const struct ynode *k = item->kids[i];
		bool ok = strcmp(k->str, "type") == 0;

		for (size_t n = 0; t == TRUST_SIGNED_BY && !ok && n < 6; n++)
			ok = strcmp(k->str, signed_by[n]) == 0;
		if (!ok && !k->skip)
			mp_error(p, k, "%s takes no key %s", trust_type_str(t), k->str);
	}
}

static void
req_item(struct mparse *p, const struct ynode *key, const struct ynode *item, void *obj)
{
	struct trust_list *l = obj;
	const struct ynode *t, *kt;
	struct trust_req *r;
	int e;

	if (item->type != YNODE_MAP || !(t = mp_get(item, "type"))) {
		mp_error(p, item,
			 "%s: a requirement is a mapping with a type (reject, "
			 "insecureAcceptAnything or signedBy)",
			 key->str);
		return;
	}
	if (!mp_enum(p, mp_get_key(item, "type"), t, type_names, 5, &e))
		return;
	if (e == 3 || e == 4) {
		mp_error(p, t,
			 "type: %s is not supported: Debian 12's skopeo has sigstore signing "
			 "and verifying disabled; use signedBy (simple signing, OpenPGP keys)",
			 type_names[e]);
		return;
	}
	req_extra_keys(p, item, (enum trust_type)e);
	if (!(r = mp_push(p, &l->reqs, &l->n, sizeof(*r))))
		return;
	r->type = (enum trust_type)e;
	r->pos = mp_pos(item);
	if (r->type != TRUST_SIGNED_BY)
		return;
	kt = mp_get(item, "keyType");
	if (!kt)
		mp_error(p, t, "signedBy: missing required key keyType (GPGKeys)");
	else if (kt->type != YNODE_SCALAR || strcmp(kt->str, "GPGKeys") != 0)
		mp_error(p, kt, "keyType: only GPGKeys (OpenPGP public keys) is supported");
	req_keys(p, t, item, r);
	req_identity(p, item, r);
}

static void
trust_list(struct mparse *p, const struct ynode *key, const struct ynode *val, struct trust_list *l)
{
	if (val->type != YNODE_SEQ || val->n == 0) {
		mp_error(p, val,
			 "%s: expected a list of requirements, at least one "
			 "(e.g. [{type: reject}])",
			 key->str);
		return;
	}
	mp_seq(p, key, val, TRUST_MAX_REQS, req_item, l);
}

/* A file transport's images have no registry reference: a signature's
 * identity can only be matched against one the policy names. */
static void
file_identity_check(struct mparse *p, const struct trust_scope *s)
{
	for (size_t i = 0; s->transport != TRUST_DOCKER && i < s->list.n; i++) {
		const struct trust_req *r = &s->list.reqs[i];

		if (r->type == TRUST_SIGNED_BY && r->identity != TRUST_ID_EXACT_REFERENCE &&
		    r->identity != TRUST_ID_EXACT_REPOSITORY)
			diag_add(p->d, r->pos.line, r->pos.col,
				 "signedBy: an image read from %s: has no registry reference to "
				 "match the signature's against: give signedIdentity {type: "
				 "exactReference, "
				 "dockerReference: REGISTRY/REPOSITORY:TAG} (or exactRepository)",
				 trust_transport_str(s->transport));
	}
}

static void
trust_scopes(struct mparse *p, const struct ynode *tkey, const struct ynode *map,
	     enum trust_transport t)
{
	struct trust_policy *pol = &p->m->trust;

	if (map->type != YNODE_MAP) {
		mp_expected(p, tkey, map, "a mapping of scopes to requirement lists");
		return;
	}
	for (size_t i = 0; i + 1 < map->n; i += 2) {
		const struct ynode *k = map->kids[i], *v = map->kids[i + 1];
		struct trust_scope *s;

		if (k->skip || v->type == YNODE_BAD)
			continue;
		if (pol->n_scopes == TRUST_MAX_SCOPES) {
			mp_error(p, k, "trust: at most %d scopes", TRUST_MAX_SCOPES);
			return;
		}
		if (t != TRUST_DOCKER && strchr(k->str, '\n')) {
			mp_error(p, k, "scope: a line break in a path is not supported");
			continue;
		}
		if (!(s = mp_push(p, &pol->scopes, &pol->n_scopes, sizeof(*s))))
			return;
		s->transport = t;
		s->pos = mp_pos(k);
		if (!(s->scope = strdup(k->str))) {
			diag_add(p->d, 0, 0, "out of memory");
			return;
		}
		trust_list(p, k, v, &s->list);
		file_identity_check(p, s);
	}
}

static void
trust_transports(struct mparse *p, const struct ynode *key, const struct ynode *val)
{
	static const char *const names[] = {"docker", "oci", "docker-archive", "dir"};

	if (val->type != YNODE_MAP) {
		mp_expected(p, key, val,
			    "a mapping of transports (docker, oci, docker-archive, dir)");
		return;
	}
	for (size_t i = 0; i + 1 < val->n; i += 2) {
		const struct ynode *k = val->kids[i];
		const char *best;
		int t;

		if (k->skip)
			continue;
		for (t = 0; t < TRUST_N_TRANSPORTS; t++)
			if (strcmp(k->str, names[t]) == 0)
				break;
		if (t < TRUST_N_TRANSPORTS) {
			trust_scopes(p, k, val->kids[i + 1], (enum trust_transport)t);
			continue;
		}
		best = suggest(k->str, names, TRUST_N_TRANSPORTS);
		mp_error(p, k,
			 "unknown transport %s%s%s%s (berth reads images of docker, oci, "
			 "docker-archive and dir)",
			 k->str, best ? " (did you mean " : "", best ? best : "", best ? "?)" : "");
	}
}

void
mp_trust(struct mparse *p, const struct ynode *key, const struct ynode *val, void *obj)
{
	struct trust_policy *pol = &p->m->trust;
	const struct ynode *def;

	(void)obj;
	if (val->type != YNODE_MAP) {
		mp_expected(p, key, val, "a mapping (default, transports)");
		return;
	}
	/* The manifest's policy replaces berth's default whole, as a
	 * policy.json does. */
	trust_free(pol);
	pol->given = true;
	for (size_t i = 0; i + 1 < val->n; i += 2) {
		const struct ynode *k = val->kids[i];

		static const char *const keys[] = {"default", "transports"};
		const char *best;

		if (k->skip || !strcmp(k->str, "default") || !strcmp(k->str, "transports"))
			continue;
		best = suggest(k->str, keys, 2);
		mp_error(p, k, "unknown key %s in trust%s%s%s", k->str,
			 best ? " (did you mean \"" : " (it has default and transports)",
			 best ? best : "", best ? "\"?)" : "");
	}
	if (!(def = mp_get(val, "default")))
		mp_error(p, key,
			 "trust: missing required key default (the requirements for an "
			 "image no scope covers; [{type: reject}] refuses it)");
	else
		trust_list(p, mp_get_key(val, "default"), def, &pol->def);
	if (mp_get(val, "transports"))
		trust_transports(p, mp_get_key(val, "transports"), mp_get(val, "transports"));
}

int
trust_parse_json(const char *name, const char *json, size_t len, struct trust_policy *out,
		 struct diag *d)
{
	static const char head[] = "version: 1\ntrust: ";
	char *buf = malloc(sizeof(head) + len);
	struct manifest m;
	int r;

	memset(out, 0, sizeof(*out));
	if (!buf) {
		diag_init(d, name);
		diag_add(d, 0, 0, "out of memory");
		return -1;
	}
	/* one line of JSON is a YAML flow mapping */
	memcpy(buf, head, sizeof(head) - 1);
	memcpy(buf + sizeof(head) - 1, json, len);
	r = manifest_parse_buffer(name, buf, sizeof(head) - 1 + len, &m, d);
	free(buf);
	if (r == 0 && !memchr(json, '\n', len ? len - 1 : 0)) {
		*out = m.trust;
		memset(&m.trust, 0, sizeof(m.trust));
	} else if (r == 0) {
		diag_add(d, 0, 0, "a policy here is one line of JSON (as the build writes it)");
		r = -1;
	}
	manifest_free(&m);
	return r;
}
