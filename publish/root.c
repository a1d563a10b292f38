/* SPDX-License-Identifier: MIT */
/* root.c: publish keygen, init and rotate-root: the channel's keys and its
 * root of trust. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/io.h"
#include "publish.h"
#include "update/bundle.h"

/* dir/name with hex of key, created with mode, never over an old file. */
static void
key_write(const char *dir, const char *name, const uint8_t *key, size_t n, mode_t mode)
{
	char path[PATH_MAX], hex[2 * 64 + 2];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)) < 0)
		die("%s: %s", path, strerror(errno));
	bundle_hex(key, n, hex);
	strcat(hex, "\n");
	if (io_write_all(fd, hex, strlen(hex)) < 0 || fsync(fd) < 0 || close(fd) < 0)
		die("%s: %s", path, strerror(errno));
}

int
cmd_keygen(const char *dir)
{
	static const char *const roles[] = {"channel-root", "channel-release"};
	char name[64], path[PATH_MAX];

	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		die("%s: %s", dir, strerror(errno));
	/* Check both pairs first, so that a refusal writes nothing. */
	for (int i = 0; i < 2; i++)
		for (int pub = 0; pub < 2; pub++) {
			snprintf(path, sizeof(path), "%s/%s.%s", dir, roles[i], pub ? "pub" : "key");
			if (access(path, F_OK) == 0)
				die("%s: already there; keys are never overwritten", path);
		}
	for (int i = 0; i < 2; i++) {
		uint8_t pk[32], sk[64];

		crypto_sign_keypair(pk, sk);
		snprintf(name, sizeof(name), "%s.key", roles[i]);
		key_write(dir, name, sk, sizeof(sk), 0600);
		snprintf(name, sizeof(name), "%s.pub", roles[i]);
		key_write(dir, name, pk, sizeof(pk), 0644);
		sodium_memzero(sk, sizeof(sk));
	}
	printf("publish: wrote %s/channel-root.key, channel-release.key (secret) and their .pub\n",
	       dir);
	return 0;
}

/* Puts pub into r's key list (once) and into role. */
static void
role_add(struct channel_root *r, struct channel_role *role, const uint8_t pub[32])
{
	char id[CHANNEL_KEYID_LEN + 1];
	size_t i;

	channel_keyid(pub, id);
	for (i = 0; i < r->nkeys && strcmp(r->keys[i].id, id); i++)
		;
	if (i == r->nkeys) {
		memcpy(r->keys[i].id, id, sizeof(id));
		memcpy(r->keys[i].pub, pub, 32);
		r->nkeys++;
	}
	memcpy(role->keyids[role->n++], id, sizeof(id));
	role->threshold = 1;
}

/* Writes N.root.json and root.json for r, signed by the n keys. */
static void
root_write(const char *dir, const struct channel_root *r, const uint8_t (*sks)[64], size_t n)
{
	char name[64], *text = channel_root_text(r);

	if (!text)
		die("out of memory");
	snprintf(name, sizeof(name), "%llu.root.json", (unsigned long long)r->version);
	doc_write(dir, name, text, sks, n);
	/* root.json last: a client that sees it can fetch every version. */
	doc_write(dir, "root.json", text, sks, n);
	free(text);
	printf("publish: wrote %s/%s and root.json\n", dir, name);
}

int
cmd_init(const char *dir, const struct opts *o)
{
	struct channel_root r = {.version = 1};
	uint8_t sk[1][64], rel_sk[64], rel_pub[32];
	char path[PATH_MAX];
	bool secret;

	if (!o->root_key || !o->release_key)
		die("init: --root-key and --release-key are required");
	key_load_secret(o->root_key, sk[0]);
	key_load(o->release_key, rel_sk, rel_pub, &secret);
	snprintf(path, sizeof(path), "%s/root.json", dir);
	if (access(path, F_OK) == 0)
		die("%s: already there; the channel has a root (rotate-root changes it)", path);
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		die("%s: %s", dir, strerror(errno));
	r.expires = expiry_of(o->expires, "365d");
	role_add(&r, &r.root, sk[0] + 32);
	role_add(&r, &r.release, rel_pub);
	root_write(dir, &r, (const uint8_t(*)[64])sk, 1);
	sodium_memzero(sk, sizeof(sk));
	sodium_memzero(rel_sk, sizeof(rel_sk));
	return 0;
}

int
cmd_rotate_root(const char *dir, const struct opts *o)
{
	struct channel_root old, next = {0}, check;
	uint8_t sks[2][64], rel_sk[64], rel_pub[32];
	char *text, *doc, err[400];
	bool secret;

	if (!o->root_key || !o->new_root_key)
		die("rotate-root: --root-key (the current one) and --new-root-key are required");
	root_read(dir, &old);
	key_load_secret(o->root_key, sks[0]);
	key_load_secret(o->new_root_key, sks[1]);
	next.version = old.version + 1;
	next.expires = expiry_of(o->expires, "365d");
	role_add(&next, &next.root, sks[1] + 32);
	if (o->new_release_key) {
		key_load(o->new_release_key, rel_sk, rel_pub, &secret);
		role_add(&next, &next.release, rel_pub);
	} else {
		for (size_t i = 0; i < old.release.n; i++) {
			for (size_t k = 0; k < old.nkeys; k++)
				if (!strcmp(old.keys[k].id, old.release.keyids[i]))
					role_add(&next, &next.release, old.keys[k].pub);
		}
		next.release.threshold = old.release.threshold;
	}
	/* Check the new version as a host will before anyone can fetch it. */
	if (!(text = channel_root_text(&next)) ||
	    !(doc = channel_document(text, (const uint8_t(*)[64])sks, 2)))
		die("out of memory");
	check = old;
	if (channel_root_next(&check, doc, strlen(doc), err, sizeof(err)) < 0)
		die("%s/%llu.root.json: hosts would refuse it: %s", dir,
		    (unsigned long long)next.version, err);
	free(doc);
	free(text);
	root_write(dir, &next, (const uint8_t(*)[64])sks, 2);
	sodium_memzero(sks, sizeof(sks));
	if (o->new_release_key)
		printf("publish: the release key changed: run publish refresh with it, hosts "
		       "refuse the old release.json now\n");
	return 0;
}
