/* SPDX-License-Identifier: MIT */
/* channel-write.c: the publisher's side of channel.h: root and release
 * objects as JSON text, and signed documents around them. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "update/bundle.h"
#include "update/channel.h"

static void
head(struct json *j, const char *type, uint64_t version, time_t expires)
{
	char when[21];

	channel_time_format(expires, when);
	json_key(j, "type");
	json_string(j, type);
	json_key(j, "version");
	json_uint(j, version);
	json_key(j, "expires");
	json_string(j, when);
}

static void
role(struct json *j, const char *name, const struct channel_role *r)
{
	json_key(j, name);
	json_object_begin(j);
	json_key(j, "keyids");
	json_array_begin(j);
	for (size_t i = 0; i < r->n; i++)
		json_string(j, r->keyids[i]);
	json_array_end(j);
	json_key(j, "threshold");
	json_uint(j, r->threshold);
	json_object_end(j);
}

/* Takes the finished text out of j, without its final newline. */
static char *
take(struct json *j)
{
	char *s;

	if (json_finish(j) < 0) {
		json_free(j);
		return NULL;
	}
	s = j->buf;
	if (j->len && s[j->len - 1] == '\n')
		s[j->len - 1] = 0;
	j->buf = NULL;
	json_free(j);
	return s;
}

char *
channel_root_text(const struct channel_root *r)
{
	struct json j;
	char hex[65];

	json_init(&j);
	json_object_begin(&j);
	head(&j, "root", r->version, r->expires);
	json_key(&j, "keys");
	json_object_begin(&j);
	for (size_t i = 0; i < r->nkeys; i++) {
		json_key(&j, r->keys[i].id);
		bundle_hex(r->keys[i].pub, 32, hex);
		json_string(&j, hex);
	}
	json_object_end(&j);
	json_key(&j, "roles");
	json_object_begin(&j);
	role(&j, "root", &r->root);
	role(&j, "release", &r->release);
	json_object_end(&j);
	json_object_end(&j);
	return take(&j);
}

static void
target(struct json *j, const char *path, uint64_t size, const uint8_t sha[32])
{
	char hex[65];

	bundle_hex(sha, 32, hex);
	json_key(j, "path");
	json_string(j, path);
	json_key(j, "size");
	json_uint(j, size);
	json_key(j, "sha256");
	json_string(j, hex);
}

static void
entry(struct json *j, const struct channel_entry *e)
{
	char when[21];

	channel_time_format(e->rollout.start, when);
	json_object_begin(j);
	json_key(j, "version");
	json_string(j, e->version);
	target(j, e->path, e->size, e->sha256);
	json_key(j, "rollout");
	json_object_begin(j);
	json_key(j, "start");
	json_string(j, when);
	json_key(j, "percent");
	json_uint(j, e->rollout.percent);
	if (e->rollout.ramp_hours) {
		json_key(j, "ramp_hours");
		json_uint(j, e->rollout.ramp_hours);
	}
	json_object_end(j);
	json_object_end(j);
}

char *
channel_release_text(const struct channel_release *r)
{
	struct json j;

	json_init(&j);
	json_object_begin(&j);
	head(&j, "release", r->version, r->expires);
	json_key(&j, "product");
	json_string(&j, r->product);
	json_key(&j, "releases");
	json_array_begin(&j);
	for (size_t i = 0; i < r->nentries; i++)
		entry(&j, &r->entries[i]);
	json_array_end(&j);
	json_key(&j, "manifests");
	json_array_begin(&j);
	for (size_t i = 0; i < r->nmanifests; i++) {
		const struct channel_manifest *m = &r->manifests[i];
		json_object_begin(&j);
		json_key(&j, "match");
		json_object_begin(&j);
		json_key(&j, m->match == CHANNEL_MATCH_HOSTNAME ? "hostname" : "machine_id");
		json_string(&j, m->value);
		json_object_end(&j);
		target(&j, m->path, m->size, m->sha256);
		json_object_end(&j);
	}
	json_array_end(&j);
	json_object_end(&j);
	return take(&j);
}

char *
channel_document(const char *signed_text, const uint8_t (*sks)[64], size_t n)
{
	size_t plen = strlen(CHANNEL_SIG_PREFIX), tlen = strlen(signed_text);
	size_t cap = tlen + 64 + n * 250;
	char *m = malloc(plen + tlen), *out = malloc(cap), *o = out;

	if (!m || !out || sodium_init() < 0)
		goto fail;
	memcpy(m, CHANNEL_SIG_PREFIX, plen);
	memcpy(m + plen, signed_text, tlen);
	o += sprintf(o, "{\"signed\": %s,\n\"signatures\": [", signed_text);
	for (size_t i = 0; i < n; i++) {
		uint8_t sig[64];
		char id[CHANNEL_KEYID_LEN + 1], hex[129];

		/* libsodium's secret key holds the public key in its second half. */
		channel_keyid(sks[i] + 32, id);
		if (crypto_sign_detached(sig, NULL, (const uint8_t *)m, plen + tlen, sks[i]) < 0)
			goto fail;
		bundle_hex(sig, sizeof(sig), hex);
		o += sprintf(o, "%s\n  {\"keyid\": \"%s\", \"sig\": \"%s\"}", i ? "," : "", id, hex);
	}
	sprintf(o, "\n]}\n");
	free(m);
	return out;
fail:
	free(m);
	free(out);
	return NULL;
}
