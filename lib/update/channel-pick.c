/* SPDX-License-Identifier: MIT */
/* channel-pick.c: which release a host takes (rollout buckets and ramps),
 * its manifest, and the channel's time and key id forms. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "update/bundle.h"
#include "update/channel.h"

unsigned
channel_bucket(const char *machine_id)
{
	static const char prefix[] = "berth-rollout:";
	crypto_hash_sha256_state st;
	uint8_t d[crypto_hash_sha256_BYTES];
	uint64_t v = 0;

	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, (const uint8_t *)prefix, strlen(prefix));
	crypto_hash_sha256_update(&st, (const uint8_t *)machine_id, strlen(machine_id));
	crypto_hash_sha256_final(&st, d);
	for (int i = 0; i < 8; i++)
		v = v << 8 | d[i];
	return (unsigned)(v % 100);
}

unsigned
channel_percent_now(const struct channel_rollout *ro, time_t now)
{
	uint64_t ramp = (uint64_t)ro->ramp_hours * 3600, elapsed;

	if (now < ro->start)
		return 0;
	elapsed = (uint64_t)(now - ro->start);
	if (!ramp || elapsed >= ramp)
		return ro->percent;
	return (unsigned)(ro->percent * elapsed / ramp);
}

static const struct channel_entry *
best(const struct channel_release *r, const char *running, bool admitted_only, unsigned bucket,
     time_t now)
{
	const struct channel_entry *pick = NULL;

	for (size_t i = 0; i < r->nentries; i++) {
		const struct channel_entry *e = &r->entries[i];
		if (bundle_vercmp(e->version, running) <= 0)
			continue;
		if (admitted_only && bucket >= channel_percent_now(&e->rollout, now))
			continue;
		if (!pick || bundle_vercmp(e->version, pick->version) > 0)
			pick = e;
	}
	return pick;
}

const struct channel_entry *
channel_pick(const struct channel_release *r, const char *running, unsigned bucket, time_t now)
{
	return best(r, running, true, bucket, now);
}

const struct channel_entry *
channel_newest(const struct channel_release *r, const char *running)
{
	return best(r, running, false, 0, 0);
}

const struct channel_manifest *
channel_manifest_for(const struct channel_release *r, const char *hostname,
		     const char *machine_id)
{
	for (int pass = 0; pass < 2; pass++) {
		enum channel_match m = pass ? CHANNEL_MATCH_HOSTNAME : CHANNEL_MATCH_MACHINE_ID;
		const char *want = pass ? hostname : machine_id;

		for (size_t i = 0; want && i < r->nmanifests; i++)
			if (r->manifests[i].match == m && !strcmp(r->manifests[i].value, want))
				return &r->manifests[i];
	}
	return NULL;
}

int
channel_time_parse(const char *s, time_t *out)
{
	struct tm tm = {0};
	char z = 0;
	int n = 0;

	if (strlen(s) != 20 ||
	    sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%c%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
		   &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &z, &n) != 7 ||
	    n != 20 || z != 'Z')
		return -1;
	if (tm.tm_year < 1970 || tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 ||
	    tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 60)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	*out = timegm(&tm);
	return 0;
}

void
channel_time_format(time_t t, char out[21])
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void
channel_keyid(const uint8_t pub[32], char out[CHANNEL_KEYID_LEN + 1])
{
	uint8_t d[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(d, pub, 32);
	bundle_hex(d, sizeof(d), out);
}
