/* SPDX-License-Identifier: MIT */
/* Blob downloads: a .part file resumed with Range, hashed as it is written,
 * renamed into the store only when complete and verified. */
#include <errno.h>
#include <fcntl.h>
#include <nettle/sha2.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/io.h"
#include "registry/blob.h"

struct part {
	struct reg_client *c;
	struct store *s;
	const struct reg_desc *d;
	int fd;
	uint64_t have; /* bytes in the part, all hashed into sha */
	struct sha256_ctx sha;
	bool first; /* no byte of this attempt's body seen yet */
	const struct reg_req *req;
	char name[IMAGE_DIGEST_LEN + 16];
};

static int
store_fail(struct part *p, const char *what)
{
	store_errno(p->s, what);
	snprintf(p->c->err, sizeof p->c->err, "%s", p->s->err);
	return -1;
}

static int
restart(struct part *p)
{
	if (ftruncate(p->fd, 0) < 0 || lseek(p->fd, 0, SEEK_SET) < 0)
		return -1;
	sha256_init(&p->sha);
	p->have = 0;
	return 0;
}

/* Hashes what an earlier try left in the part, so that the download goes
 * on from its end; a part longer than the blob is no part of it. */
static int
part_open(struct part *p)
{
	char buf[65536], msg[160];
	ssize_t n;

	p->fd = openat(p->s->fd, p->name, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (p->fd < 0)
		return store_fail(p, "tmp");
	sha256_init(&p->sha);
	p->have = 0;
	while ((n = io_read_full(p->fd, buf, sizeof buf)) > 0) {
		sha256_update(&p->sha, (size_t)n, (const uint8_t *)buf);
		p->have += (uint64_t)n;
	}
	if (n < 0)
		return store_fail(p, p->name);
	if (p->have > p->d->size && restart(p) < 0)
		return store_fail(p, p->name);
	if (p->have && p->c->opts->note) {
		snprintf(msg, sizeof msg, "resuming blob sha256:%.12s at %llu of %llu bytes",
			 p->d->digest, (unsigned long long)p->have, (unsigned long long)p->d->size);
		p->c->opts->note(p->c->opts->arg, msg);
	}
	return 0;
}

static int
on_begin(struct reg_req *r, void *arg)
{
	struct part *p = arg;

	r->from = p->have;
	p->first = true;
	return 0;
}

static size_t
on_write(const char *buf, size_t n, void *arg)
{
	struct part *p = arg;

	/* A registry that ignores Range sends the whole blob again. */
	if (p->first && p->have && p->req->status == 200 && restart(p) < 0) {
		store_fail(p, "writing a blob");
		return 0;
	}
	p->first = false;
	if (p->have + n > p->d->size) {
		io_errf(p->c->err, sizeof p->c->err,
			"blob sha256:%s: the registry sent more than the %llu bytes its "
			"descriptor says",
			p->d->digest, (unsigned long long)p->d->size);
		return 0;
	}
	if (io_write_all(p->fd, buf, n) < 0) {
		store_fail(p, "writing a blob");
		return 0;
	}
	sha256_update(&p->sha, n, (const uint8_t *)buf);
	p->have += n;
	return n;
}

/* The whole part is there: its hash must be the digest; then it goes
 * into blobs/ durably (fsync of the file, rename, fsync of the folder). */
static int
part_commit(struct part *p)
{
	uint8_t d[SHA256_DIGEST_SIZE];
	char got[IMAGE_DIGEST_LEN + 1], dest[IMAGE_DIGEST_LEN + 16];
	int dfd;

	if (p->have != p->d->size)
		return io_errf(p->c->err, sizeof p->c->err,
			       "blob sha256:%s: %llu bytes came, its descriptor says %llu",
			       p->d->digest, (unsigned long long)p->have,
			       (unsigned long long)p->d->size);
	sha256_digest(&p->sha, sizeof d, d);
	reg_hex(d, sizeof d, got);
	if (strcmp(got, p->d->digest) != 0)
		return io_errf(p->c->err, sizeof p->c->err,
			       "blob sha256:%s: digest mismatch: the registry sent content "
			       "whose digest is sha256:%s",
			       p->d->digest, got);
	snprintf(dest, sizeof dest, "blobs/sha256/%s", p->d->digest);
	if (fsync(p->fd) < 0)
		return store_fail(p, "writing a blob");
	if (renameat(p->s->fd, p->name, p->s->fd, dest) < 0)
		return store_fail(p, "storing a blob");
	dfd = openat(p->s->fd, "blobs/sha256", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || fsync(dfd) < 0) {
		if (dfd >= 0)
			close(dfd);
		return store_fail(p, "storing a blob");
	}
	close(dfd);
	return 0;
}

int
reg_blob_fetch(struct reg_client *c, struct store *s, const struct reg_desc *d)
{
	char url[1024], what[IMAGE_DIGEST_LEN + 8], have[IMAGE_DIGEST_LEN + 16];
	struct part p = {.c = c, .s = s, .d = d, .fd = -1};
	struct reg_req r = {.url = url,
			    .label = d->digest,
			    .total = d->size,
			    .write = on_write,
			    .begin = on_begin,
			    .arg = &p};
	int rc = -1;
	bool keep = false;

	p.req = &r;
	snprintf(have, sizeof have, "blobs/sha256/%s", d->digest);
	if (store_has(s, have))
		return 0;
	snprintf(p.name, sizeof p.name, "tmp/%s.part", d->digest);
	snprintf(what, sizeof what, "sha256:%s", d->digest);
	if (reg_url(c, "blobs", what, url, sizeof url) < 0)
		return io_errf(c->err, sizeof c->err, "registry %s: the URL is too long",
			       c->ref->registry);
	if (part_open(&p) < 0)
		goto out;
	if (p.have < d->size && reg_request(c, &r) < 0) {
		if (r.status == 404)
			io_errf(c->err, sizeof c->err,
				"blob sha256:%s: not found in the registry (404)", d->digest);
		/* A part cut by the network or a busy registry is kept for the
		 * next try; one the sink refused (too long, disk full) or a
		 * registry refused (416: it is not a prefix of the blob) is not. */
		keep = !r.sink_failed && (r.status == 0 || (r.status >= 200 && r.status <= 299) ||
					  r.status == 408 || r.status == 429 || r.status >= 500);
		goto out;
	}
	rc = part_commit(&p);
out:
	if (p.fd >= 0)
		close(p.fd);
	if (rc < 0 && !keep)
		unlinkat(s->fd, p.name, 0);
	return rc;
}
