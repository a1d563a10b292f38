/* SPDX-License-Identifier: MIT */
/* update-check: what `berthctl update check` runs (docs/update.md, Channel).
 *
 *   berthctl update check --channel URL [--ca FILE] [--state DIR] [--root FILE]
 *                         [--download DIR] [--rate BYTES/s] [--retries N]
 *                         [--machine-id ID] [--json]
 *
 * A program of its own, not part of berthctl, because libcurl and what it
 * loads would triple the root image (docs/update.md says by how much).
 * One look at an update channel (docs/update.md, Channel): the root chain
 * from the trusted root on (N+1.root.json until a 404), release.json with a
 * conditional GET, both verified (lib/update/channel.h) before anything is
 * stored; then which release this host's rollout bucket admits, and with
 * --download the bundle, resumed, capped in rate and size, and checked
 * against the release's SHA-256. Installing it stays `update apply`. */
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/io.h"
#include "base/json.h"
#include "fetch.h"
#include "update/bundle.h"
#include "update/channel.h"
#include "update/filehash.h"
#include "update/slots.h"

#define TRUSTED_ROOT "/usr/share/berth/channel-root.json"
#define CHANNEL_STATE "/var/lib/berth/channel"
#define HOST_MACHINE_ID "/var/lib/berth/state/machine-id"
#define ROOT_CHAIN_MAX 1000 /* root versions fetched in one check */

/* Exit codes, as berthctl's (STYLE.md). */
#define EXIT_INVALID 1
#define EXIT_USAGE 2
#define EXIT_SYSTEM 111

static const char usage[] =
    "usage: berthctl update check --channel URL [--ca FILE] [--state DIR] [--root FILE]\n"
    "                             [--download DIR] [--rate BYTES/s] [--retries N]\n"
    "                             [--machine-id ID] [--manifest-out FILE] [--json]\n";

/* "berthctl: update check: WHAT ARG" and the usage: exit 2. */
static int
usage_error(const char *what, const char *arg)
{
	fprintf(stderr, "berthctl: update check: %s%s\n%s", what, arg, usage);
	return EXIT_USAGE;
}

struct check {
	const char *url, *download, *root_opt, *state_opt, *id_opt, *manifest_out;
	bool json;
	struct fetch f;
	struct slots host; /* version and product only */
	char state[PATH_MAX], trusted[PATH_MAX], machine_id[128];
	struct channel_root root;
	uint64_t root_was;
	struct channel_release *rel;
	bool not_modified;
	const struct channel_entry *newest, *pick;
	const struct channel_manifest *manifest; /* this host's, if any */
	unsigned bucket, percent;
	char got[PATH_MAX]; /* the downloaded bundle */
	bool got_manifest;  /* this host's manifest is in manifest_out */
	uint64_t resumed_at;
	char err[768];
};

static int
refused(struct check *c, const char *what)
{
	fprintf(stderr, "berthctl: update check: %s: %s\n", what, c->err);
	return EXIT_INVALID;
}

static int
parse_args(struct check *c, int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		char *end;

		if (!strcmp(a, "--json")) {
			c->json = true;
			continue;
		}
		if (!v)
			return usage_error("a value is due after ", a);
		i++;
		if (!strcmp(a, "--channel"))
			c->url = v;
		else if (!strcmp(a, "--ca"))
			c->f.ca = v;
		else if (!strcmp(a, "--state"))
			c->state_opt = v;
		else if (!strcmp(a, "--root"))
			c->root_opt = v;
		else if (!strcmp(a, "--download"))
			c->download = v;
		else if (!strcmp(a, "--manifest-out"))
			c->manifest_out = v;
		else if (!strcmp(a, "--machine-id"))
			c->id_opt = v;
		else if (!strcmp(a, "--rate") || !strcmp(a, "--retries")) {
			long long n = strtoll(v, &end, 10);
			if (!*v || *end || n < 0 || (!strcmp(a, "--retries") && n > 20))
				return usage_error("a number (--retries: 0 to 20) is due after ",
						   a);
			if (!strcmp(a, "--rate"))
				c->f.rate = n;
			else
				c->f.retries = (unsigned)n;
		} else
			return usage_error("unknown option ", a);
	}
	if (!c->url)
		return usage_error("--channel URL is required", "");
	return 0;
}

/* Where things live: the defaults, or under BERTH_UPDATE_ROOT for tests. */
static int
paths(struct check *c)
{
	const char *t = getenv("BERTH_UPDATE_ROOT");
	char idfile[PATH_MAX];
	ssize_t n;

	if (t && *t) {
		snprintf(c->state, sizeof(c->state), "%s/state/channel", t);
		snprintf(c->trusted, sizeof(c->trusted), "%s/channel-root.json", t);
		snprintf(idfile, sizeof(idfile), "%s/machine-id", t);
	} else {
		snprintf(c->state, sizeof(c->state), "%s", CHANNEL_STATE);
		snprintf(c->trusted, sizeof(c->trusted), "%s", TRUSTED_ROOT);
		/* berth's own (the supervisor makes it at its first start,
		 * autoupdate.c), else a system's */
		snprintf(idfile, sizeof(idfile), "%s",
			 access(HOST_MACHINE_ID, R_OK) == 0 ? HOST_MACHINE_ID : "/etc/machine-id");
	}
	if (c->state_opt)
		snprintf(c->state, sizeof(c->state), "%s", c->state_opt);
	if (c->root_opt)
		snprintf(c->trusted, sizeof(c->trusted), "%s", c->root_opt);
	if (c->id_opt) {
		snprintf(c->machine_id, sizeof(c->machine_id), "%s", c->id_opt);
	} else if ((n = io_read_small(AT_FDCWD, idfile, c->machine_id, sizeof(c->machine_id))) <=
		   0) {
		io_errf(c->err, sizeof(c->err), "%s: %s (or give --machine-id)", idfile,
			n < 0 ? strerror(errno) : "empty");
		return -1;
	}
	c->machine_id[strcspn(c->machine_id, "\n")] = 0;
	slots_read_identity(&c->host);
	return 0;
}

/* A file of at most max bytes, or NULL (errno ENOENT when missing). */
static char *
slurp(const char *path, size_t max, size_t *len)
{
	char *buf = malloc(max + 1);
	ssize_t n;

	if (!buf)
		return NULL;
	if ((n = io_read_small(AT_FDCWD, path, buf, max + 1)) < 0 || (size_t)n > max - 1) {
		if (n >= 0)
			errno = EFBIG;
		free(buf);
		return NULL;
	}
	*len = (size_t)n;
	return buf;
}

/* The root this host trusts: the one stored by an earlier check, or the
 * image's, whichever is newer (an image may bring a newer root). */
static int
trusted_root(struct check *c)
{
	char path[PATH_MAX + 16], *buf;
	struct channel_root stored;
	size_t len;

	if (!(buf = slurp(c->trusted, CHANNEL_META_MAX, &len)))
		return io_errf(c->err, sizeof(c->err), "%s: %s", c->trusted, strerror(errno));
	if (channel_root_load(buf, len, &c->root, c->err, sizeof(c->err)) < 0) {
		free(buf);
		return -1;
	}
	free(buf);
	snprintf(path, sizeof(path), "%s/root.json", c->state);
	if ((buf = slurp(path, CHANNEL_META_MAX, &len))) {
		if (channel_root_load(buf, len, &stored, c->err, sizeof(c->err)) == 0 &&
		    stored.version > c->root.version)
			c->root = stored;
		free(buf);
	}
	c->root_was = c->root.version;
	return 0;
}

/* A state file (name in the state directory), or "" when there is none. */
static void
state_get(const struct check *c, const char *name, char *out, size_t len)
{
	char path[PATH_MAX + 32];

	snprintf(path, sizeof(path), "%s/%s", c->state, name);
	if (io_read_small(AT_FDCWD, path, out, len) < 0)
		out[0] = 0;
}

static int
state_put(struct check *c, const char *name, const char *text, size_t len)
{
	if (io_replace_file(c->state, name, text, len, 0644) < 0)
		return io_errf(c->err, sizeof(c->err), "%s/%s: %s", c->state, name,
			       strerror(errno));
	return 0;
}

static void
url_of(const struct check *c, const char *name, char *out, size_t len)
{
	size_t n = strlen(c->url);

	while (n && c->url[n - 1] == '/')
		n--;
	snprintf(out, len, "%.*s/%s", (int)n, c->url, name);
}

/* N+1.root.json, N+2.root.json, ... until a 404, each verified by the one
 * before it. */
static int
fetch_roots(struct check *c)
{
	char name[64], url[PATH_MAX];
	struct fetch_doc d;

	for (int i = 0; i < ROOT_CHAIN_MAX; i++) {
		snprintf(name, sizeof(name), "%llu.root.json",
			 (unsigned long long)c->root.version + 1);
		url_of(c, name, url, sizeof(url));
		int code =
		    fetch_doc(&c->f, url, CHANNEL_META_MAX, NULL, NULL, &d, c->err, sizeof(c->err));
		if (code < 0)
			return -1;
		/* The end of the chain. S3 and its kind answer 403 for a
		 * missing object when listing is not allowed. */
		if (code == 404 || code == 403) {
			free(d.data);
			return 0;
		}
		if (code != 200) {
			free(d.data);
			return io_errf(c->err, sizeof(c->err), "%s: HTTP status %d", url, code);
		}
		char why[512];
		if (channel_root_next(&c->root, d.data, d.len, why, sizeof(why)) < 0) {
			free(d.data);
			return io_errf(c->err, sizeof(c->err), "%s: %s", name, why);
		}
		/* Verified: trusted from now on, whatever comes next. */
		if (state_put(c, "root.json", d.data, d.len) < 0) {
			free(d.data);
			return -1;
		}
		free(d.data);
	}
	return io_errf(c->err, sizeof(c->err), "more than %d root versions at once",
		       ROOT_CHAIN_MAX);
}

static void
seen_read(const struct check *c, struct channel_seen *seen)
{
	char path[PATH_MAX + 16], line[128], hex[65];
	unsigned long long v;
	size_t got;

	memset(seen, 0, sizeof(*seen));
	snprintf(path, sizeof(path), "%s/release.seen", c->state);
	if (io_read_small(AT_FDCWD, path, line, sizeof(line)) < 0 ||
	    sscanf(line, "%llu %64s", &v, hex) != 2 ||
	    sodium_hex2bin(seen->digest, 32, hex, 64, NULL, &got, NULL) != 0)
		return;
	seen->version = v;
}

/* Stores what was verified: the release seen and its
 * validators, so that the next check asks "anything newer than this?". */
static int
store(struct check *c, const struct fetch_doc *rel)
{
	char hex[65], line[128];

	bundle_hex(c->rel->digest, 32, hex);
	snprintf(line, sizeof(line), "%llu %s\n", (unsigned long long)c->rel->version, hex);
	if (state_put(c, "release.json", rel->data, rel->len) < 0 ||
	    state_put(c, "release.seen", line, strlen(line)) < 0 ||
	    state_put(c, "release.etag", rel->etag, strlen(rel->etag)) < 0 ||
	    state_put(c, "release.modified", rel->modified, strlen(rel->modified)) < 0)
		return -1;
	return 0;
}

/* release.json: a 304 means the stored copy is still the latest, and it is
 * verified again (it may have expired since: a server that answers 304 for
 * ever must not freeze the host). */
static int fetch_release_once(struct check *c, bool conditional);

static int
fetch_release(struct check *c)
{
	/* A 304 whose stored copy no longer verifies (expired, say) may be a
	 * validator that did not change with the file (nginx's ETag is the
	 * mtime in seconds and the size): ask once more for the document. */
	if (fetch_release_once(c, true) == 0)
		return 0;
	if (!c->not_modified)
		return -1;
	fprintf(stderr, "berthctl: update check: %s; fetching release.json in full\n", c->err);
	c->not_modified = false;
	return fetch_release_once(c, false);
}

static int
fetch_release_once(struct check *c, bool conditional)
{
	char url[PATH_MAX + 16], etag[128] = "", modified[64] = "", *stored = NULL;
	struct channel_seen seen;
	struct fetch_doc d;
	size_t len = 0;
	int code, rc = -1;

	seen_read(c, &seen);
	snprintf(url, sizeof(url), "%s/release.json", c->state);
	/* Validators only with a stored copy to fall back on, and a root
	 * that has not changed (it may have retired the copy's key). */
	if (conditional && c->root.version == c->root_was &&
	    (stored = slurp(url, CHANNEL_META_MAX, &len))) {
		state_get(c, "release.etag", etag, sizeof(etag));
		state_get(c, "release.modified", modified, sizeof(modified));
	}
	url_of(c, "release.json", url, sizeof(url));
	code = fetch_doc(&c->f, url, CHANNEL_META_MAX, etag, modified, &d, c->err, sizeof(c->err));
	if (code < 0)
		goto out;
	if (code == 304 && stored) {
		free(d.data);
		d.data = stored, d.len = len, stored = NULL;
		snprintf(d.etag, sizeof(d.etag), "%s", etag);
		snprintf(d.modified, sizeof(d.modified), "%s", modified);
		c->not_modified = true;
	} else if (code != 200) {
		io_errf(c->err, sizeof(c->err), "%s: HTTP status %d", url, code);
		goto out_free;
	}
	char why[600];
	if (channel_release_verify(&c->root, d.data, d.len, time(NULL), &seen, c->host.product,
				   &c->rel, why, sizeof(why)) < 0) {
		io_errf(c->err, sizeof(c->err), "release.json%s: %s",
			c->not_modified ? " (stored, not modified)" : "", why);
		goto out_free;
	}
	rc = store(c, &d);
out_free:
	free(d.data);
out:
	free(stored);
	return rc;
}

static void
decide(struct check *c)
{
	time_t now = time(NULL);
	char host[256] = "";

	if (gethostname(host, sizeof(host) - 1) < 0)
		host[0] = 0;
	c->manifest = channel_manifest_for(c->rel, host, c->machine_id);
	c->bucket = channel_bucket(c->machine_id);
	c->newest = channel_newest(c->rel, c->host.version);
	c->pick = channel_pick(c->rel, c->host.version, c->bucket, now);
	if (c->newest)
		c->percent = channel_percent_now(&(c->pick ? c->pick : c->newest)->rollout, now);
}

/* The channel's file at path into dest through dest.part (resumed from
 * *from bytes): never past the signed size, kept only when its SHA-256 is
 * the signed one, else deleted. */
static int
fetch_signed(struct check *c, const char *path, uint64_t size, const uint8_t sha256[32],
	     const char *dest, uint64_t *from)
{
	char url[PATH_MAX], part[PATH_MAX + 8];
	uint8_t sha[32];

	snprintf(part, sizeof(part), "%s.part", dest);
	url_of(c, path, url, sizeof(url));
	if (fetch_file(&c->f, url, part, size, from, c->err, sizeof(c->err)) < 0)
		return -1;
	if (filehash_sha256(part, sha, NULL) < 0)
		return io_errf(c->err, sizeof(c->err), "%s: %s", part, strerror(errno));
	if (memcmp(sha, sha256, 32)) {
		unlink(part);
		return io_errf(c->err, sizeof(c->err),
			       "%s: SHA-256 does not match release.json: deleted the download",
			       url);
	}
	if (rename(part, dest) < 0)
		return io_errf(c->err, sizeof(c->err), "%s: %s", dest, strerror(errno));
	return 0;
}

/* Downloads the picked bundle into DIR/berth-VERSION.bundle, resumed from
 * its .part. */
static int
download(struct check *c)
{
	const struct channel_entry *e = c->pick;

	snprintf(c->got, sizeof(c->got), "%s/berth-%s.bundle", c->download, e->version);
	return fetch_signed(c, e->path, e->size, e->sha256, c->got, &c->resumed_at);
}

/* This host's manifest from the channel into --manifest-out, from the
 * start (it is small). */
static int
download_manifest(struct check *c)
{
	const struct channel_manifest *m = c->manifest;
	char part[PATH_MAX + 8];
	uint64_t from = 0;

	snprintf(part, sizeof(part), "%s.part", c->manifest_out);
	unlink(part);
	if (fetch_signed(c, m->path, m->size, m->sha256, c->manifest_out, &from) < 0)
		return -1;
	c->got_manifest = true;
	return 0;
}

static void
print_text(const struct check *c)
{
	printf("channel: %s\n", c->url);
	if (c->root.version != c->root_was)
		printf("root: version %llu (was %llu)\n", (unsigned long long)c->root.version,
		       (unsigned long long)c->root_was);
	else
		printf("root: version %llu\n", (unsigned long long)c->root.version);
	printf("release: version %llu%s\n", (unsigned long long)c->rel->version,
	       c->not_modified ? " (not modified: 304)" : "");
	printf("bucket: %u (machine id %s)\n", c->bucket, c->machine_id);
	if (!c->newest)
		printf("nothing new (running %s)\n", c->host.version);
	else if (c->pick)
		printf("found %s, bucket %u < %u%%\n", c->pick->version, c->bucket, c->percent);
	else
		printf("found %s, waiting: bucket %u >= %u%% now\n", c->newest->version, c->bucket,
		       c->percent);
	if (c->manifest)
		printf("manifest: %s (for %s %s%s)\n", c->manifest->path,
		       c->manifest->match == CHANNEL_MATCH_HOSTNAME ? "hostname" : "machine id",
		       c->manifest->value, c->got_manifest ? "; fetched" : "; not fetched");
	if (c->got[0])
		printf("downloaded: %s (%llu bytes, sha256 ok%s)\n", c->got,
		       (unsigned long long)c->pick->size, c->resumed_at ? ", resumed" : "");
	printf("wire: %llu bytes in %u requests\n", (unsigned long long)c->f.wire, c->f.requests);
}

static void
print_json(const struct check *c)
{
	const struct channel_entry *e = c->pick ? c->pick : c->newest;
	struct json j;

	json_init(&j);
	json_object_begin(&j);
	json_key(&j, "channel");
	json_string(&j, c->url);
	json_key(&j, "root_version");
	json_uint(&j, c->root.version);
	json_key(&j, "release_version");
	json_uint(&j, c->rel->version);
	json_key(&j, "not_modified");
	json_bool(&j, c->not_modified);
	json_key(&j, "bucket");
	json_uint(&j, c->bucket);
	json_key(&j, "decision");
	json_string(&j, !c->newest ? "nothing-new" : c->pick ? "found" : "waiting");
	json_key(&j, "version");
	json_string(&j, e ? e->version : NULL);
	json_key(&j, "percent");
	json_uint(&j, c->percent);
	json_key(&j, "manifest");
	json_string(&j, c->manifest ? c->manifest->path : NULL);
	char hex[65] = "";
	for (int i = 0; c->manifest && i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", c->manifest->sha256[i]);
	json_key(&j, "manifest_sha256");
	json_string(&j, c->manifest ? hex : NULL);
	json_key(&j, "manifest_file");
	json_string(&j, c->got_manifest ? c->manifest_out : NULL);
	json_key(&j, "download");
	json_string(&j, c->got[0] ? c->got : NULL);
	json_key(&j, "wire_bytes");
	json_uint(&j, c->f.wire);
	json_object_end(&j);
	if (json_finish(&j) == 0)
		fputs(j.buf, stdout);
	json_free(&j);
}

int
main(int argc, char **argv)
{
	struct check c = {.f.retries = 3};
	int rc;

	if ((rc = parse_args(&c, argc, argv)))
		return rc;
	if (paths(&c) < 0)
		return refused(&c, "machine id");
	if (io_mkdir_p(c.state, 0755) < 0) {
		fprintf(stderr, "berthctl: update check: %s: %s\n", c.state, strerror(errno));
		return EXIT_SYSTEM;
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0 || sodium_init() < 0) {
		fprintf(stderr, "berthctl: update check: libcurl or libsodium failed to start\n");
		return EXIT_SYSTEM;
	}
	rc = EXIT_INVALID;
	if (trusted_root(&c) < 0)
		refused(&c, "trusted root");
	else if (fetch_roots(&c) < 0)
		refused(&c, "root");
	else if (fetch_release(&c) < 0)
		refused(&c, "release");
	else {
		decide(&c);
		if (c.download && c.pick && download(&c) < 0)
			refused(&c, "download");
		else if (c.manifest_out && c.manifest && download_manifest(&c) < 0)
			refused(&c, "manifest");
		else
			rc = 0;
		(c.json ? print_json : print_text)(&c);
	}
	if (rc && !c.json)
		fprintf(stderr, "wire: %llu bytes in %u requests\n", (unsigned long long)c.f.wire,
			c.f.requests);
	channel_release_free(c.rel);
	curl_global_cleanup();
	return rc;
}
