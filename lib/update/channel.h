/* SPDX-License-Identifier: MIT */
/* channel.h: an update channel's signed metadata (docs/update.md, Channel).
 *
 * A channel is a directory a static web server serves: N.root.json (every
 * root version), root.json (the latest), release.json and the bundles and
 * manifests it names. Each document is {"signed": {...}, "signatures":
 * [{"keyid", "sig"}]}; a signature is Ed25519 over CHANNEL_SIG_PREFIX and
 * the exact bytes of the "signed" value. After The Update Framework, with
 * its targets, snapshot and timestamp roles merged into one release role.
 * Nothing here touches a disk or the network: the unit tests cover it all. */
#ifndef BERTH_CHANNEL_H
#define BERTH_CHANNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define CHANNEL_META_MAX (1 << 20) /* refused before parsing: endless data */
#define CHANNEL_MAX_KEYS 16
#define CHANNEL_KEYID_LEN 64 /* hex of SHA-256(public key) */
#define CHANNEL_PATH_MAX 256
#define CHANNEL_SIG_PREFIX "berth-channel-v1\n"

struct channel_key {
	char id[CHANNEL_KEYID_LEN + 1];
	uint8_t pub[32];
};

struct channel_role {
	char keyids[CHANNEL_MAX_KEYS][CHANNEL_KEYID_LEN + 1];
	size_t n;
	unsigned threshold;
};

struct channel_root {
	uint64_t version;
	time_t expires;
	struct channel_key keys[CHANNEL_MAX_KEYS];
	size_t nkeys;
	struct channel_role root, release;
};

struct channel_rollout {
	time_t start;
	unsigned percent;    /* 0-100 */
	unsigned ramp_hours; /* 0: percent from start on */
};

struct channel_entry {
	char version[32]; /* the bundle's OS version */
	char path[CHANNEL_PATH_MAX];
	uint64_t size;
	uint8_t sha256[32];
	struct channel_rollout rollout;
};

enum channel_match { CHANNEL_MATCH_HOSTNAME, CHANNEL_MATCH_MACHINE_ID };

struct channel_manifest {
	enum channel_match match;
	char value[256];
	char path[CHANNEL_PATH_MAX];
	uint64_t size;
	uint8_t sha256[32];
};

struct channel_release {
	uint64_t version;
	time_t expires;
	uint8_t digest[32]; /* SHA-256 of the signed bytes: same version, same text */
	char product[32];
	struct channel_entry *entries;
	size_t nentries;
	struct channel_manifest *manifests;
	size_t nmanifests;
};

/* What a host saw last: the release counter and digest (0: nothing). */
struct channel_seen {
	uint64_t version;
	uint8_t digest[32];
};

/* Parses a root document and checks that it is signed by a threshold of its
 * own root keys, but not against anything older: for the root a host
 * already trusts (baked into the image or stored after verification). */
int channel_root_load(const char *buf, size_t len, struct channel_root *out, char *err,
		      size_t errlen);

/* Moves *trusted to the next root version: buf must be version
 * trusted->version + 1, signed by a threshold of trusted's root keys and of
 * its own. On failure *trusted is unchanged and err says why. */
int channel_root_next(struct channel_root *trusted, const char *buf, size_t len, char *err,
		      size_t errlen);

/* Verifies release.json against the (final, already updated) root: the
 * root not expired at now, a threshold of release signatures, type, not
 * expired, the product, and no rollback against seen (a lower version, or
 * the same with other bytes). *out is allocated; free with channel_release_free. */
int channel_release_verify(const struct channel_root *root, const char *buf, size_t len,
			   time_t now, const struct channel_seen *seen, const char *product,
			   struct channel_release **out, char *err, size_t errlen);
void channel_release_free(struct channel_release *r);

/* The publisher's reading of its own release.json: the signed part only,
 * no signature, expiry or rollback checked. */
int channel_release_read(const char *buf, size_t len, struct channel_release **out, char *err,
			 size_t errlen);

/* The signed objects as JSON text (malloc'd, NUL-terminated; NULL when
 * out of memory), and a document around such a text signed by each of n
 * libsodium Ed25519 secret keys (channel-write.c). */
char *channel_root_text(const struct channel_root *r);
char *channel_release_text(const struct channel_release *r);
char *channel_document(const char *signed_text, const uint8_t (*sks)[64], size_t n);

/* A host's stable rollout bucket, 0-99: SHA-256("berth-rollout:" ID), its
 * first 8 bytes big-endian, mod 100. */
unsigned channel_bucket(const char *machine_id);

/* The rollout percentage an entry admits at now (ramped, 0 before start). */
unsigned channel_percent_now(const struct channel_rollout *ro, time_t now);

/* The highest entry newer than running whose rollout admits bucket at now
 * (bucket < percent), or NULL. */
const struct channel_entry *channel_pick(const struct channel_release *r, const char *running,
					 unsigned bucket, time_t now);

/* The highest entry newer than running, admitted or not, or NULL. */
const struct channel_entry *channel_newest(const struct channel_release *r,
					   const char *running);

/* The manifest for this host: machine id matches first, then hostname. */
const struct channel_manifest *channel_manifest_for(const struct channel_release *r,
						    const char *hostname,
						    const char *machine_id);

/* RFC 3339 UTC, "2026-12-06T21:00:00Z": parse (-1 on a bad form) and format. */
int channel_time_parse(const char *s, time_t *out);
void channel_time_format(time_t t, char out[21]);

/* Key id (hex of SHA-256 of the public key). */
void channel_keyid(const uint8_t pub[32], char out[CHANNEL_KEYID_LEN + 1]);

#endif
