/* SPDX-License-Identifier: MIT */
/* Unit tests of lib/update/channel*.c and cjson.c: signed root and release
 * documents made with fresh keys, then every way one must be refused, root
 * rotation, rollout buckets and the pick under a ramp. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "update/channel.h"
#include "update/cjson.h"

#define NOW ((time_t)1796000000) /* 2026-11-30 */
#define DAY 86400

struct keypair {
	uint8_t pk[32], sk[64];
};

static struct keypair root_a, root_b, rel, rel2, stranger;
static char err[512];

static void
add_key(struct channel_root *r, struct channel_role *role, const struct keypair *k)
{
	struct channel_key *ck = NULL;

	channel_keyid(k->pk, r->keys[r->nkeys].id);
	for (size_t i = 0; i < r->nkeys; i++)
		if (!strcmp(r->keys[i].id, r->keys[r->nkeys].id))
			ck = &r->keys[i];
	if (!ck) {
		ck = &r->keys[r->nkeys++];
		memcpy(ck->pub, k->pk, 32);
	}
	memcpy(role->keyids[role->n++], ck->id, sizeof(ck->id));
}

/* A root of version v whose root role is rk and release role rel; signed
 * by each of the n keys in signers. */
static char *
root_doc(struct channel_root *r, uint64_t v, const struct keypair *rk,
	 const struct keypair *const *signers, size_t n)
{
	uint8_t sks[4][64];
	char *text, *doc;

	memset(r, 0, sizeof(*r));
	r->version = v;
	r->expires = NOW + 365 * DAY;
	add_key(r, &r->root, rk);
	add_key(r, &r->release, &rel);
	r->root.threshold = r->release.threshold = 1;
	for (size_t i = 0; i < n; i++)
		memcpy(sks[i], signers[i]->sk, 64);
	text = channel_root_text(r);
	doc = channel_document(text, (const uint8_t(*)[64])sks, n);
	free(text);
	return doc;
}

static struct channel_entry entries[3] = {
	{"0.2.0", "bundles/a.bundle", 1000, {1}, {NOW - 10 * 3600, 100, 0}},
	{"0.3.0", "bundles/b.bundle", 2000, {2}, {NOW - 5 * 3600, 50, 10}},
	{"0.1.0", "bundles/c.bundle", 3000, {3}, {NOW - DAY, 100, 0}},
};

static char *
release_doc(uint64_t v, time_t expires, const char *product, const struct keypair *signer)
{
	struct channel_manifest m = {CHANNEL_MATCH_HOSTNAME, "web1", "manifests/x.yaml", 10, {4}};
	struct channel_release r = {.version = v, .expires = expires, .entries = entries,
				    .nentries = 3, .manifests = &m, .nmanifests = 1};
	char *text, *doc;

	snprintf(r.product, sizeof(r.product), "%s", product);
	text = channel_release_text(&r);
	doc = channel_document(text, (const uint8_t(*)[64])signer->sk, 1);
	free(text);
	return doc;
}

/* Verifies doc against root; 0 or -1 with err. */
static int
verify(const struct channel_root *root, const char *doc, const struct channel_seen *seen,
       struct channel_release **out)
{
	struct channel_release *r = NULL;
	int rc;

	err[0] = 0;
	rc = channel_release_verify(root, doc, strlen(doc), NOW, seen, "berth", &r, err,
					sizeof(err));

	if (out)
		*out = r;
	else
		channel_release_free(r);
	return rc;
}

#define REFUSED(rc, want, name) CHECK((rc) < 0 && strstr(err, want), "%s: %s", name, err)

static void
test_signatures(const struct channel_root *root)
{
	struct channel_release *r = NULL;
	char *doc = release_doc(7, NOW + DAY, "berth", &rel), *p;

	CHECK(verify(root, doc, NULL, &r) == 0 && r->nentries == 3 && r->version == 7 &&
		      r->nmanifests == 1,
	      "signature ok: release 7 with 3 entries (%s)", r ? "" : err);
	channel_release_free(r);
	p = strstr(doc, "bundles/b");
	p[8] = 'c';
	REFUSED(verify(root, doc, NULL, NULL), "bad signature", "tampered byte refused");
	free(doc);

	doc = release_doc(7, NOW + DAY, "berth", &stranger);
	REFUSED(verify(root, doc, NULL, NULL), "unknown key", "wrong key refused");
	free(doc);
	doc = release_doc(7, NOW + DAY, "edge", &rel);
	REFUSED(verify(root, doc, NULL, NULL), "wrong product", "wrong product refused");
	free(doc);
}

static void
test_threshold(void)
{
	struct channel_root r;
	struct keypair const *one[] = {&root_a};
	char *rdoc = root_doc(&r, 1, &root_a, one, 1), *doc;

	free(rdoc);
	add_key(&r, &r.release, &rel2);
	r.release.threshold = 2;
	doc = release_doc(3, NOW + DAY, "berth", &rel);
	REFUSED(verify(&r, doc, NULL, NULL), "below threshold: 1 of 2", "threshold 2 of 2, one signs");
	free(doc);
}

static void
test_expiry_rollback(const struct channel_root *root)
{
	struct channel_release *r = NULL;
	struct channel_seen seen = {5, {0}};
	char *doc = release_doc(5, NOW - DAY, "berth", &rel);

	REFUSED(verify(root, doc, NULL, NULL), "expired: release.json expired on 2026-11-29T",
		"expired release refused, with its date");
	free(doc);
	doc = release_doc(4, NOW + DAY, "berth", &rel);
	REFUSED(verify(root, doc, &seen, NULL), "version rollback: seen release 5, got 4",
		"lower release version refused");
	free(doc);
	doc = release_doc(5, NOW + DAY, "berth", &rel);
	REFUSED(verify(root, doc, &seen, NULL), "seen before with other contents",
		"same version, other bytes refused");
	if (verify(root, doc, NULL, &r) == 0)
		memcpy(seen.digest, r->digest, 32);
	channel_release_free(r);
	CHECK(verify(root, doc, &seen, NULL) == 0, "same version, same bytes accepted (%s)", err);
	free(doc);
}

/* Root rotation, in order against one trusted root that starts at 1 (key
 * A): each case offers the next document; want NULL means accepted. */
static void
test_rotation(void)
{
	static const struct keypair *const a[] = {&root_a}, *const b[] = {&root_b},
					    *const ab[] = {&root_a, &root_b};
	static const struct {
		uint64_t version;
		const struct keypair *root_key;
		const struct keypair *const *signers;
		size_t nsigners;
		const char *want, *name;
	} cases[] = {
		{2, &root_b, b, 1, "old root", "rotation signed only by the new key refused"},
		{2, &root_b, a, 1, "new root", "rotation signed only by the old key refused"},
		{2, &root_b, ab, 2, NULL, "rotation signed by old and new accepted"},
		{3, &root_a, a, 1, "unknown key", "root 3 signed by the retired key refused"},
		{4, &root_b, b, 1, "root version 4 where 3 is due", "a skipped root version refused"},
	};
	struct channel_root trusted, r;
	char *doc = root_doc(&trusted, 1, &root_a, a, 1);

	err[0] = 0;
	CHECK(channel_root_load(doc, strlen(doc), &trusted, err, sizeof(err)) == 0,
	      "root 1 loads (%s)", err);
	free(doc);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint64_t before = trusted.version;
		int rc;

		doc = root_doc(&r, cases[i].version, cases[i].root_key, cases[i].signers,
			       cases[i].nsigners);
		err[0] = 0;
		rc = channel_root_next(&trusted, doc, strlen(doc), err, sizeof(err));
		free(doc);
		if (cases[i].want)
			CHECK(rc < 0 && strstr(err, cases[i].want) && trusted.version == before,
			      "%s, trust unchanged: %s", cases[i].name, err);
		else
			CHECK(rc == 0 && trusted.version == cases[i].version, "%s (%s)",
			      cases[i].name, err);
	}
}

static void
test_buckets(void)
{
	unsigned count[10] = {0}, lo = 1000, hi = 0;
	char id[40];

	CHECK(channel_bucket("5f0c0e1a") == channel_bucket("5f0c0e1a") &&
		      channel_bucket("5f0c0e1a") < 100,
	      "bucket stable: %u", channel_bucket("5f0c0e1a"));
	for (int i = 0; i < 10000; i++) {
		snprintf(id, sizeof(id), "%032x", i * 2654435761u);
		count[channel_bucket(id) / 10]++;
	}
	for (int i = 0; i < 10; i++) {
		lo = count[i] < lo ? count[i] : lo;
		hi = count[i] > hi ? count[i] : hi;
	}
	CHECK(lo > 900 && hi < 1100, "buckets of 10000 ids: each tenth holds 900-1100 (%u-%u)",
	      lo, hi);
}

static void
test_pick(void)
{
	struct channel_release r = {.entries = entries, .nentries = 3};
	const struct channel_entry *e;

	/* 0.3.0: 50% ramped over 10 h, 5 h in: 25% now. */
	CHECK(channel_percent_now(&entries[1].rollout, NOW) == 25, "ramp half way: 25%% (%u)",
	      channel_percent_now(&entries[1].rollout, NOW));
	CHECK(channel_percent_now(&entries[1].rollout, NOW - 6 * 3600) == 0, "before start: 0%%");
	CHECK(channel_percent_now(&entries[1].rollout, NOW + 6 * 3600) == 50, "ramp done: 50%%");
	e = channel_pick(&r, "0.1.0", 24, NOW);
	CHECK(e && !strcmp(e->version, "0.3.0"), "bucket 24 gets 0.3.0");
	e = channel_pick(&r, "0.1.0", 25, NOW);
	CHECK(e && !strcmp(e->version, "0.2.0"), "bucket 25 waits for 0.3.0, gets 0.2.0");
	CHECK(channel_pick(&r, "0.3.0", 0, NOW) == NULL, "nothing newer than 0.3.0");
	e = channel_newest(&r, "0.2.0");
	CHECK(e && !strcmp(e->version, "0.3.0"), "newest above 0.2.0 is 0.3.0");
}

static void
test_limits(const struct channel_root *root)
{
	size_t n = CHANNEL_META_MAX + 1;
	char *big = malloc(n + 1);
	struct channel_release *r = NULL;
	struct cj v;

	memset(big, ' ', n);
	big[n] = 0;
	REFUSED(channel_release_verify(root, big, n, NOW, NULL, NULL, &r, err, sizeof(err)),
		"too large", "metadata over 1 MiB refused before parsing");
	free(big);
	REFUSED(verify(root, "{\"signed\": {}, \"signatures\": []}", NULL, NULL), "below threshold",
		"unsigned document refused");
	REFUSED(cj_parse("{\"a\":1,\"a\":2}", 13, &v, err, sizeof(err)), "duplicate key",
		"duplicate JSON key refused");
	REFUSED(cj_parse("[1.5]", 5, &v, err, sizeof(err)), "whole numbers", "fraction refused");
	REFUSED(cj_parse("[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]", 37, &v, err, sizeof(err)),
		"too deep", "deep nesting refused");
	big = malloc(CJ_MAX_MEMBERS * 12 + 16);
	n = (size_t)sprintf(big, "{");
	for (int i = 0; i <= CJ_MAX_MEMBERS; i++)
		n += (size_t)sprintf(big + n, "%s\"k%d\":1", i ? "," : "", i);
	n += (size_t)sprintf(big + n, "}");
	REFUSED(cj_parse(big, n, &v, err, sizeof(err)), "too many members",
		"an object of 257 members refused");
	free(big);
}

static void
test_malformed(const struct channel_root *root)
{
	char *doc = release_doc(7, NOW + DAY, "berth", &rel), *p = strstr(doc, "\"size\"");
	struct channel_release *r = NULL;

	p[1] = 'S';
	CHECK(channel_release_read(doc, strlen(doc), &r, err, sizeof(err)) < 0 &&
		      strstr(err, "malformed: size: missing"),
	      "a missing field is named: %s", err);
	(void)root;
	free(doc);
}

int
main(void)
{
	struct channel_root root;
	struct keypair const *a[] = {&root_a};
	char *rdoc;

	if (sodium_init() < 0)
		return 1;
	crypto_sign_keypair(root_a.pk, root_a.sk);
	crypto_sign_keypair(root_b.pk, root_b.sk);
	crypto_sign_keypair(rel.pk, rel.sk);
	crypto_sign_keypair(rel2.pk, rel2.sk);
	crypto_sign_keypair(stranger.pk, stranger.sk);
	rdoc = root_doc(&root, 1, &root_a, a, 1);
	CHECK(channel_root_load(rdoc, strlen(rdoc), &root, err, sizeof(err)) == 0,
	      "root signed by its own key loads (%s)", err);
	free(rdoc);
	test_signatures(&root);
	test_threshold();
	test_expiry_rollback(&root);
	test_rotation();
	test_buckets();
	test_pick();
	test_limits(&root);
	test_malformed(&root);
	CHECK_EXIT();
}
