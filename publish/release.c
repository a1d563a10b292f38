/* SPDX-License-Identifier: MIT */
/* release.c: publish add, manifest and refresh: release.json, the one
 * signed document that says what the channel offers. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/io.h"
#include "publish.h"
#include "update/bundle.h"

/* The release being edited, with the key that will sign it. */
struct edit {
	const char *dir;
	struct channel_release *r;
	uint8_t sk[1][64];
};

/* Reads release.json as a host would, at any age (now 0: an expired one
 * may be refreshed), so that a file changed in the channel behind the
 * publisher's back is never signed again. It must carry a threshold of
 * the release role of the current root or, right after a rotation that
 * changed the release key, of the previous one. */
static void
release_load(const char *dir, const struct channel_root *root, const char *buf, size_t len,
	     struct channel_release **out)
{
	char err[400], why[400], prev[PATH_MAX], *pbuf;
	struct channel_root old;
	size_t plen;

	if (channel_release_verify(root, buf, len, 0, NULL, NULL, out, err, sizeof(err)) == 0)
		return;
	snprintf(prev, sizeof(prev), "%s/%llu.root.json", dir,
		 (unsigned long long)root->version - 1);
	if (root->version > 1 && (pbuf = file_read(prev, CHANNEL_META_MAX, &plen))) {
		int rc = channel_root_load(pbuf, plen, &old, why, sizeof(why));

		free(pbuf);
		if (rc == 0 &&
		    channel_release_verify(&old, buf, len, 0, NULL, NULL, out, why, sizeof(why)) == 0)
			return;
	}
	die("%s/release.json: %s; not signing it again (restore it, or remove it to start "
	    "afresh)", dir, err);
}

/* Loads the release key (which root.json must list for the release role,
 * or hosts would refuse what we sign) and release.json, or an empty
 * release when the channel has none yet. */
static void
edit_begin(struct edit *e, const char *dir, const struct opts *o)
{
	struct channel_root root;
	char path[PATH_MAX], id[CHANNEL_KEYID_LEN + 1], *buf;
	bool listed = false;
	size_t len;

	e->dir = dir;
	if (!o->release_key)
		die("--release-key is required");
	key_load_secret(o->release_key, e->sk[0]);
	root_read(dir, &root);
	channel_keyid(e->sk[0] + 32, id);
	for (size_t i = 0; i < root.release.n; i++)
		listed |= !strcmp(root.release.keyids[i], id);
	if (!listed)
		die("%s: the key is not in %s/root.json's release role (key id %.16s)",
		    o->release_key, dir, id);
	snprintf(path, sizeof(path), "%s/release.json", dir);
	if (!(buf = file_read(path, CHANNEL_META_MAX, &len))) {
		if (errno != ENOENT)
			die("%s: %s", path, strerror(errno));
		if (!(e->r = calloc(1, sizeof(*e->r))))
			die("out of memory");
		return;
	}
	release_load(dir, &root, buf, len, &e->r);
	free(buf);
}

/* Bumps the counter, sets the expiry, signs and replaces release.json. */
static void
edit_commit(struct edit *e, const struct opts *o)
{
	char *text;

	e->r->version++;
	e->r->expires = expiry_of(o->expires, "30d");
	if (!(text = channel_release_text(e->r)))
		die("out of memory");
	doc_write(e->dir, "release.json", text, (const uint8_t(*)[64])e->sk, 1);
	free(text);
	sodium_memzero(e->sk, sizeof(e->sk));
	printf("publish: wrote %s/release.json, version %llu\n", e->dir,
	       (unsigned long long)e->r->version);
	channel_release_free(e->r);
}

/* A new zeroed element at the end of the array *arr of *n, each size bytes. */
static void *
grow(void *arr, size_t *n, size_t size)
{
	void **a = arr;
	char *p = realloc(*a, (*n + 1) * size);

	if (!p)
		die("out of memory");
	*a = p;
	memset(p + *n * size, 0, size);
	return p + (*n)++ * size;
}

/* The bundle's signed header, for its version and product. */
static void
bundle_head(const char *path, struct bundle_header *h)
{
	uint8_t buf[BUNDLE_HEADER_SIZE];
	char err[300];
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || io_read_full(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf))
		die("%s: %s", path, fd < 0 ? strerror(errno) : "shorter than a bundle header");
	close(fd);
	if (bundle_decode(buf, h, err, sizeof(err)) < 0)
		die("%s: %s", path, err);
	if (h->format == BUNDLE_FORMAT_V1)
		die("%s: format 1 names no product; make it with this berth's mkbundle", path);
}

static void
rollout_of(const struct opts *o, struct channel_rollout *ro)
{
	ro->start = time(NULL);
	if (o->rollout_start && strcmp(o->rollout_start, "now") &&
	    channel_time_parse(o->rollout_start, &ro->start) < 0)
		die("--rollout-start %s: an RFC 3339 UTC time (2026-12-06T21:00:00Z) or now",
		    o->rollout_start);
	ro->percent = o->percent_set ? o->percent : 100;
	ro->ramp_hours = o->ramp_hours;
}

int
cmd_add(const char *dir, const struct opts *o)
{
	struct channel_entry ne = {0}, *e = NULL;
	struct bundle_header h;
	struct edit ed;

	if (o->nargs != 1)
		die("add: CHANNEL BUNDLE");
	bundle_head(o->args[0], &h);
	edit_begin(&ed, dir, o);
	if (!ed.r->product[0])
		snprintf(ed.r->product, sizeof(ed.r->product), "%s", h.product);
	if (strcmp(ed.r->product, h.product))
		die("%s: a bundle for product \"%s\"; the channel is for \"%s\"", o->args[0],
		    h.product, ed.r->product);
	file_publish(dir, "bundles", "bundle", o->args[0], ne.path, &ne.size, ne.sha256);
	snprintf(ne.version, sizeof(ne.version), "%s", h.version);
	rollout_of(o, &ne.rollout);
	for (size_t i = 0; i < ed.r->nentries; i++)
		if (!strcmp(ed.r->entries[i].version, h.version))
			e = &ed.r->entries[i];
	if (e && memcmp(e->sha256, ne.sha256, 32))
		die("%s: version %s is in the channel already with other bytes; give the new "
		    "build a new version", o->args[0], h.version);
	if (!e)
		e = grow(&ed.r->entries, &ed.r->nentries, sizeof(*e));
	*e = ne; /* the same bundle again: a new rollout */
	printf("publish: %s: berth %s for %s as %s, %d%% from %s\n", o->args[0], h.version,
	       h.product, ne.path, ne.rollout.percent, o->rollout_start ? o->rollout_start : "now");
	edit_commit(&ed, o);
	return 0;
}

int
cmd_manifest(const char *dir, const struct opts *o)
{
	struct channel_manifest nm = {0}, *m = NULL;
	struct edit ed;

	if (o->nargs != 1 || !o->hostname == !o->machine_id)
		die("manifest: CHANNEL FILE and one of --hostname or --machine-id");
	nm.match = o->hostname ? CHANNEL_MATCH_HOSTNAME : CHANNEL_MATCH_MACHINE_ID;
	if (strlen(o->hostname ? o->hostname : o->machine_id) >= sizeof(nm.value))
		die("manifest: the hostname or machine id is too long");
	snprintf(nm.value, sizeof(nm.value), "%s", o->hostname ? o->hostname : o->machine_id);
	edit_begin(&ed, dir, o);
	file_publish(dir, "manifests", "yaml", o->args[0], nm.path, &nm.size, nm.sha256);
	for (size_t i = 0; i < ed.r->nmanifests; i++)
		if (ed.r->manifests[i].match == nm.match &&
		    !strcmp(ed.r->manifests[i].value, nm.value))
			m = &ed.r->manifests[i];
	if (!m)
		m = grow(&ed.r->manifests, &ed.r->nmanifests, sizeof(*m));
	*m = nm;
	printf("publish: %s for %s %s as %s\n", o->args[0], o->hostname ? "hostname" : "machine id",
	       nm.value, nm.path);
	edit_commit(&ed, o);
	return 0;
}

int
cmd_refresh(const char *dir, const struct opts *o)
{
	struct edit ed;
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/release.json", dir);
	if (access(path, F_OK) < 0)
		die("%s: %s (publish add makes it)", path, strerror(errno));
	edit_begin(&ed, dir, o);
	edit_commit(&ed, o);
	return 0;
}
