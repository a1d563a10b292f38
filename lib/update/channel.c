/* SPDX-License-Identifier: MIT */
/* channel.c: reads and verifies the channel's root and release documents. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/io.h"
#include "base/names.h"
#include "update/bundle.h"
#include "update/channel.h"
#include "update/cjson.h"

/* A document's parts: the "signed" object and the signatures list. */
struct doc {
	struct cj top;
	const struct cj *signed_, *sigs;
};

static int
malformed(char *err, size_t errlen, const char *field, const char *why)
{
	return io_errf(err, errlen, "malformed: %s: %s", field, why);
}

static int
doc_parse(const char *buf, size_t len, struct doc *d, char *err, size_t errlen)
{
	char why[200];

	if (len > CHANNEL_META_MAX)
		return io_errf(err, errlen, "too large: %zu bytes (at most %d)", len,
			       CHANNEL_META_MAX);
	if (cj_parse(buf, len, &d->top, why, sizeof(why)) < 0)
		return io_errf(err, errlen, "malformed: not JSON: %s", why);
	d->signed_ = cj_get(&d->top, "signed");
	d->sigs = cj_get(&d->top, "signatures");
	if (!d->signed_ || d->signed_->type != CJ_OBJECT)
		return malformed(err, errlen, "signed", "missing or not an object");
	if (!d->sigs || d->sigs->type != CJ_ARRAY)
		return malformed(err, errlen, "signatures", "missing or not a list");
	return 0;
}

static const struct cj *
field(const struct cj *o, const char *key, enum cj_type t, char *err, size_t errlen)
{
	const struct cj *v = cj_get(o, key);
	char why[64];

	if (!v) {
		malformed(err, errlen, key, "missing");
		return NULL;
	}
	if (v->type != t) {
		snprintf(why, sizeof(why), "%s, not %s", cj_type_name(t), cj_type_name(v->type));
		malformed(err, errlen, key, why);
		return NULL;
	}
	return v;
}

static int
get_uint(const struct cj *o, const char *key, uint64_t max, uint64_t *out, char *err,
	 size_t errlen)
{
	const struct cj *v = field(o, key, CJ_INT, err, errlen);

	if (!v)
		return -1;
	if (v->num < 0 || (uint64_t)v->num > max)
		return malformed(err, errlen, key, "out of range");
	*out = (uint64_t)v->num;
	return 0;
}

static int
get_str(const struct cj *o, const char *key, char *out, size_t len, char *err, size_t errlen)
{
	const struct cj *v = field(o, key, CJ_STRING, err, errlen);

	if (!v)
		return -1;
	if (!v->str[0] || strlen(v->str) >= len)
		return malformed(err, errlen, key, "empty or too long");
	memcpy(out, v->str, strlen(v->str) + 1);
	return 0;
}

static int
get_hex(const struct cj *o, const char *key, uint8_t *out, size_t n, char *err, size_t errlen)
{
	const struct cj *v = field(o, key, CJ_STRING, err, errlen);
	size_t got;

	if (!v)
		return -1;
	if (strlen(v->str) != 2 * n ||
	    sodium_hex2bin(out, n, v->str, 2 * n, NULL, &got, NULL) != 0 || got != n)
		return malformed(err, errlen, key, "not hex of the right length");
	return 0;
}

static int
get_time(const struct cj *o, const char *key, time_t *out, char *err, size_t errlen)
{
	const struct cj *v = field(o, key, CJ_STRING, err, errlen);

	if (!v)
		return -1;
	if (channel_time_parse(v->str, out) < 0)
		return malformed(err, errlen, key, "not an RFC 3339 UTC time (2026-12-06T21:00:00Z)");
	return 0;
}

/* The common head of a signed object: type, version, expires. */
static int
get_head(const struct cj *s, const char *type, uint64_t *version, time_t *expires, char *err,
	 size_t errlen)
{
	const struct cj *t = field(s, "type", CJ_STRING, err, errlen);

	if (!t)
		return -1;
	if (strcmp(t->str, type))
		return io_errf(err, errlen, "malformed: type: \"%s\", want \"%s\"", t->str, type);
	if (get_uint(s, "version", INT64_MAX, version, err, errlen) < 0 ||
	    get_time(s, "expires", expires, err, errlen) < 0)
		return -1;
	if (*version == 0)
		return malformed(err, errlen, "version", "starts at 1");
	return 0;
}

static const struct channel_key *
key_find(const struct channel_root *r, const char *id)
{
	for (size_t i = 0; i < r->nkeys; i++)
		if (!strcmp(r->keys[i].id, id))
			return &r->keys[i];
	return NULL;
}

static bool
role_has(const struct channel_role *role, const char *id)
{
	for (size_t i = 0; i < role->n; i++)
		if (!strcmp(role->keyids[i], id))
			return true;
	return false;
}

static bool
sig_ok(const struct channel_key *k, const struct cj *signed_, const uint8_t sig[64])
{
	size_t plen = strlen(CHANNEL_SIG_PREFIX);
	uint8_t *m = malloc(plen + signed_->rawlen);
	bool ok;

	if (!m)
		return false;
	memcpy(m, CHANNEL_SIG_PREFIX, plen);
	memcpy(m + plen, signed_->raw, signed_->rawlen);
	ok = crypto_sign_verify_detached(sig, m, plen + signed_->rawlen, k->pub) == 0;
	free(m);
	return ok;
}

/* Appends ", WHAT KEYID" to notes (short ids: the first 16 digits). */
static void
note(char *notes, size_t len, const char *what, const char *id)
{
	size_t n = strlen(notes);

	if (n + 1 < len)
		snprintf(notes + n, len - n, "; %s %.16s", what, id);
}

/* Whether a threshold of role's keys (looked up in keys) signed d; else
 * the count and each signature's fault in err. */
static int
threshold_check(const struct channel_root *keys, const struct channel_role *role,
		const char *rolename, const struct doc *d, char *err, size_t errlen)
{
	char counted[CHANNEL_MAX_KEYS][CHANNEL_KEYID_LEN + 1], notes[300] = "";
	size_t ngood = 0;

	for (size_t i = 0; i < d->sigs->n; i++) {
		const struct cj *s = &d->sigs->kids[i], *id = cj_get(s, "keyid");
		const struct channel_key *k;
		uint8_t sig[64];
		char why[160];
		bool dup = false;

		if (!id || id->type != CJ_STRING ||
		    get_hex(s, "sig", sig, sizeof(sig), why, sizeof(why)) < 0)
			return malformed(err, errlen, "signatures", "each needs keyid and sig (hex)");
		if (!(k = key_find(keys, id->str)) || !role_has(role, id->str)) {
			note(notes, sizeof(notes), "unknown key", id->str);
			continue;
		}
		for (size_t j = 0; j < ngood; j++)
			dup |= !strcmp(counted[j], id->str);
		if (dup)
			continue;
		if (!sig_ok(k, d->signed_, sig)) {
			note(notes, sizeof(notes), "bad signature by key", id->str);
			continue;
		}
		if (ngood < CHANNEL_MAX_KEYS)
			memcpy(counted[ngood++], id->str, CHANNEL_KEYID_LEN + 1);
	}
	if (ngood >= role->threshold)
		return 0;
	return io_errf(err, errlen, "below threshold: %zu of %u %s signatures valid%s", ngood,
		       role->threshold, rolename, notes);
}

static int
role_parse(const struct cj *roles, const char *name, const struct channel_root *r,
	   struct channel_role *out, char *err, size_t errlen)
{
	const struct cj *o = field(roles, name, CJ_OBJECT, err, errlen), *ids;
	uint64_t t = 0;

	if (!o || !(ids = field(o, "keyids", CJ_ARRAY, err, errlen)) ||
	    get_uint(o, "threshold", CHANNEL_MAX_KEYS, &t, err, errlen) < 0)
		return -1;
	if (t == 0 || ids->n > CHANNEL_MAX_KEYS || t > ids->n)
		return malformed(err, errlen, name, "threshold must be 1 to the number of keyids");
	out->threshold = (unsigned)t;
	out->n = 0;
	for (size_t i = 0; i < ids->n; i++) {
		const struct cj *id = &ids->kids[i];
		if (id->type != CJ_STRING || !key_find(r, id->str))
			return malformed(err, errlen, name, "a keyid not in keys");
		if (role_has(out, id->str))
			return malformed(err, errlen, name, "a keyid listed twice");
		memcpy(out->keyids[out->n++], id->str, strlen(id->str) + 1);
	}
	return 0;
}

/* The signed part of a root document, no signature checked. */
static int
root_parse(const struct cj *s, struct channel_root *r, char *err, size_t errlen)
{
	const struct cj *keys, *roles;

	memset(r, 0, sizeof(*r));
	if (get_head(s, "root", &r->version, &r->expires, err, errlen) < 0 ||
	    !(keys = field(s, "keys", CJ_OBJECT, err, errlen)) ||
	    !(roles = field(s, "roles", CJ_OBJECT, err, errlen)))
		return -1;
	if (keys->n > CHANNEL_MAX_KEYS)
		return malformed(err, errlen, "keys", "too many");
	for (size_t i = 0; i < keys->n; i++) {
		struct channel_key *k = &r->keys[r->nkeys++];
		if (get_hex(keys, keys->kids[i].key, k->pub, 32, err, errlen) < 0)
			return -1;
		channel_keyid(k->pub, k->id);
		if (strcmp(k->id, keys->kids[i].key))
			return malformed(err, errlen, "keys", "a keyid is not the key's SHA-256");
	}
	if (role_parse(roles, "root", r, &r->root, err, errlen) < 0 ||
	    role_parse(roles, "release", r, &r->release, err, errlen) < 0)
		return -1;
	return 0;
}

int
channel_root_load(const char *buf, size_t len, struct channel_root *out, char *err,
		  size_t errlen)
{
	struct doc d = {0};
	int rc = -1;

	if (sodium_init() < 0)
		return io_errf(err, errlen, "libsodium failed to initialise");
	if (doc_parse(buf, len, &d, err, errlen) < 0 ||
	    root_parse(d.signed_, out, err, errlen) < 0 ||
	    threshold_check(out, &out->root, "root", &d, err, errlen) < 0)
		goto out;
	rc = 0;
out:
	cj_free(&d.top);
	return rc;
}

int
channel_root_next(struct channel_root *trusted, const char *buf, size_t len, char *err,
		  size_t errlen)
{
	struct channel_root next;
	struct doc d = {0};
	char why[400];
	int rc = -1;

	if (sodium_init() < 0)
		return io_errf(err, errlen, "libsodium failed to initialise");
	if (doc_parse(buf, len, &d, err, errlen) < 0 || root_parse(d.signed_, &next, err, errlen) < 0)
		goto out;
	if (next.version != trusted->version + 1) {
		io_errf(err, errlen, "root version %llu where %llu is due",
			(unsigned long long)next.version, (unsigned long long)trusted->version + 1);
		goto out;
	}
	/* TUF's rule: the old root vouches for the new, and the new root's
	 * keys show they are held, so neither side alone can move trust. */
	if (threshold_check(trusted, &trusted->root, "old root", &d, why, sizeof(why)) < 0 ||
	    threshold_check(&next, &next.root, "new root", &d, why, sizeof(why)) < 0) {
		io_errf(err, errlen, "root version %llu: %s", (unsigned long long)next.version, why);
		goto out;
	}
	*trusted = next;
	rc = 0;
out:
	cj_free(&d.top);
	return rc;
}

static int
rollout_parse(const struct cj *e, struct channel_rollout *ro, char *err, size_t errlen)
{
	const struct cj *o = field(e, "rollout", CJ_OBJECT, err, errlen);
	uint64_t v = 0;

	if (!o || get_time(o, "start", &ro->start, err, errlen) < 0 ||
	    get_uint(o, "percent", 100, &v, err, errlen) < 0)
		return -1;
	ro->percent = (unsigned)v;
	ro->ramp_hours = 0;
	if (cj_get(o, "ramp_hours")) {
		if (get_uint(o, "ramp_hours", 24 * 365, &v, err, errlen) < 0)
			return -1;
		ro->ramp_hours = (unsigned)v;
	}
	return 0;
}

/* A relative path inside the channel: no "..", no absolute path, no
 * scheme, only [A-Za-z0-9._/-]. */
static bool
path_ok(const char *p)
{
	if (p[0] == '/' || strstr(p, ".."))
		return false;
	for (; *p; p++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._/-", *p))
			return false;
	return true;
}

static int
target_parse(const struct cj *o, char *path, uint64_t *size, uint8_t sha[32], char *err,
	     size_t errlen)
{
	if (get_str(o, "path", path, CHANNEL_PATH_MAX, err, errlen) < 0 ||
	    get_uint(o, "size", UINT64_C(1) << 42, size, err, errlen) < 0 ||
	    get_hex(o, "sha256", sha, 32, err, errlen) < 0)
		return -1;
	if (!path_ok(path))
		return malformed(err, errlen, "path", "not a plain relative path");
	return 0;
}

static int
entry_parse(const struct cj *o, struct channel_entry *e, char *err, size_t errlen)
{
	if (o->type != CJ_OBJECT)
		return malformed(err, errlen, "releases", "an item is not an object");
	if (get_str(o, "version", e->version, sizeof(e->version), err, errlen) < 0 ||
	    target_parse(o, e->path, &e->size, e->sha256, err, errlen) < 0 ||
	    rollout_parse(o, &e->rollout, err, errlen) < 0)
		return -1;
	if (!bundle_version_ok(e->version))
		return malformed(err, errlen, "version", "not an OS version");
	return 0;
}

static int
manifest_parse(const struct cj *o, struct channel_manifest *m, char *err, size_t errlen)
{
	const struct cj *match = field(o, "match", CJ_OBJECT, err, errlen);

	if (!match)
		return -1;
	if (match->n != 1 || (strcmp(match->kids[0].key, "hostname") &&
			      strcmp(match->kids[0].key, "machine_id")))
		return malformed(err, errlen, "match", "one of hostname or machine_id");
	m->match = strcmp(match->kids[0].key, "hostname") ? CHANNEL_MATCH_MACHINE_ID
							  : CHANNEL_MATCH_HOSTNAME;
	if (get_str(match, match->kids[0].key, m->value, sizeof(m->value), err, errlen) < 0)
		return -1;
	for (const char *p = m->value; *p; p++)
		if (*p <= ' ' || *p > '~')
			return malformed(err, errlen, "match", "not printable ASCII");
	return target_parse(o, m->path, &m->size, m->sha256, err, errlen);
}

static int
release_parse(const struct cj *s, struct channel_release *r, char *err, size_t errlen)
{
	const struct cj *list, *mans;

	if (get_head(s, "release", &r->version, &r->expires, err, errlen) < 0 ||
	    get_str(s, "product", r->product, sizeof(r->product), err, errlen) < 0 ||
	    !(list = field(s, "releases", CJ_ARRAY, err, errlen)) ||
	    !(mans = field(s, "manifests", CJ_ARRAY, err, errlen)))
		return -1;
	const char *why;
	if (name_product_check(r->product, &why) < 0)
		return malformed(err, errlen, "product", why);
	r->entries = calloc(list->n + 1, sizeof(*r->entries));
	r->manifests = calloc(mans->n + 1, sizeof(*r->manifests));
	if (!r->entries || !r->manifests)
		return io_errf(err, errlen, "out of memory");
	for (; r->nentries < list->n; r->nentries++)
		if (entry_parse(&list->kids[r->nentries], &r->entries[r->nentries], err, errlen) < 0)
			return -1;
	for (; r->nmanifests < mans->n; r->nmanifests++)
		if (manifest_parse(&mans->kids[r->nmanifests], &r->manifests[r->nmanifests], err,
				   errlen) < 0)
			return -1;
	return 0;
}

static int
expiry_check(const char *what, time_t expires, time_t now, char *err, size_t errlen)
{
	char when[21];

	if (expires > now)
		return 0;
	channel_time_format(expires, when);
	return io_errf(err, errlen, "expired: %s expired on %s", what, when);
}

/* The rollback rule: never a lower counter; the same counter only with
 * the same bytes (a replay of what was seen is harmless). */
static int
rollback_check(const struct channel_release *r, const struct channel_seen *seen, char *err,
	       size_t errlen)
{
	if (!seen || !seen->version)
		return 0;
	if (r->version < seen->version)
		return io_errf(err, errlen, "version rollback: seen release %llu, got %llu",
			       (unsigned long long)seen->version, (unsigned long long)r->version);
	if (r->version == seen->version && memcmp(r->digest, seen->digest, 32))
		return io_errf(err, errlen,
			       "version rollback: release %llu seen before with other contents",
			       (unsigned long long)r->version);
	return 0;
}

int
channel_release_verify(const struct channel_root *root, const char *buf, size_t len, time_t now,
		       const struct channel_seen *seen, const char *product,
		       struct channel_release **out, char *err, size_t errlen)
{
	struct channel_release *r = calloc(1, sizeof(*r));
	struct doc d = {0};

	if (!r)
		return io_errf(err, errlen, "out of memory");
	if (sodium_init() < 0) {
		io_errf(err, errlen, "libsodium failed to initialise");
		goto fail;
	}
	char what[64];

	snprintf(what, sizeof(what), "root version %llu", (unsigned long long)root->version);
	if (expiry_check(what, root->expires, now, err, errlen) < 0 ||
	    doc_parse(buf, len, &d, err, errlen) < 0 ||
	    threshold_check(root, &root->release, "release", &d, err, errlen) < 0 ||
	    release_parse(d.signed_, r, err, errlen) < 0)
		goto fail;
	crypto_hash_sha256(r->digest, (const uint8_t *)d.signed_->raw, d.signed_->rawlen);
	if (expiry_check("release.json", r->expires, now, err, errlen) < 0 ||
	    rollback_check(r, seen, err, errlen) < 0)
		goto fail;
	if (product && strcmp(product, r->product)) {
		io_errf(err, errlen, "wrong product: the channel is for \"%s\", this host is \"%s\"",
			r->product, product);
		goto fail;
	}
	cj_free(&d.top);
	*out = r;
	return 0;
fail:
	cj_free(&d.top);
	channel_release_free(r);
	return -1;
}

int
channel_release_read(const char *buf, size_t len, struct channel_release **out, char *err,
		     size_t errlen)
{
	struct channel_release *r = calloc(1, sizeof(*r));
	struct doc d = {0};
	int rc = -1;

	if (!r)
		return io_errf(err, errlen, "out of memory");
	if (doc_parse(buf, len, &d, err, errlen) == 0 &&
	    release_parse(d.signed_, r, err, errlen) == 0) {
		*out = r;
		r = NULL;
		rc = 0;
	}
	cj_free(&d.top);
	channel_release_free(r);
	return rc;
}

void
channel_release_free(struct channel_release *r)
{
	if (!r)
		return;
	free(r->entries);
	free(r->manifests);
	free(r);
}
