/* SPDX-License-Identifier: MIT */
/* A tar reader for image layers: the formats docker, buildkit and umoci
 * write (ustar with pax extended headers, GNU long names). */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "registry/tar.h"

#define BLOCK 512
/* Extended headers carry names, link targets and xattrs: a few KiB. */
#define META_MAX (1024 * 1024)

static int
fail(struct tar *t, const char *why)
{
	t->why = why;
	return -1;
}

static int
read_exact(struct tar *t, void *buf, size_t n)
{
	size_t got = 0;

	while (got < n) {
		int r = gzread(t->gz, (char *)buf + got, (unsigned)(n - got));

		if (r < 0)
			return fail(t, "the layer is not valid gzip");
		if (r == 0)
			return fail(t, "the layer ends in the middle of an entry");
		got += (size_t)r;
	}
	return 0;
}

static int
skip(struct tar *t, uint64_t n)
{
	char buf[8192];

	while (n) {
		size_t k = n > sizeof buf ? sizeof buf : (size_t)n;

		if (read_exact(t, buf, k) < 0)
			return -1;
		n -= k;
	}
	return 0;
}

/* An octal field, or GNU's base-256 when the top bit is set. */
static int
number(const char *f, size_t n, uint64_t *out)
{
	uint64_t v = 0;
	size_t i = 0;

	if ((unsigned char)f[0] & 0x80) {
		v = (unsigned char)f[0] & 0x7f;
		for (i = 1; i < n; i++) {
			if (v >> 56)
				return -1;
			v = (v << 8) | (unsigned char)f[i];
		}
		*out = v;
		return 0;
	}
	while (i < n && f[i] == ' ')
		i++;
	for (; i < n && f[i] >= '0' && f[i] <= '7'; i++) {
		if (v >> 60)
			return -1;
		v = v * 8 + (uint64_t)(f[i] - '0');
	}
	if (i < n && f[i] != '\0' && f[i] != ' ')
		return -1;
	*out = v;
	return 0;
}

static bool
checksum_ok(const unsigned char *h)
{
	uint64_t want, sum = 0;

	if (number((const char *)h + 148, 8, &want) < 0)
		return false;
	for (size_t i = 0; i < BLOCK; i++)
		sum += i >= 148 && i < 156 ? ' ' : h[i];
	return sum == want;
}

static char *
field(const char *f, size_t n)
{
	return strndup(f, strnlen(f, n));
}

/* Reads an extended header's or a long name's data into a new string. */
static char *
read_meta(struct tar *t, uint64_t size)
{
	char *buf;

	if (size > META_MAX) {
		fail(t, "an extended header larger than 1 MiB");
		return NULL;
	}
	if (!(buf = malloc((size_t)size + 1))) {
		fail(t, "out of memory");
		return NULL;
	}
	if (read_exact(t, buf, (size_t)size) < 0 || skip(t, (BLOCK - size % BLOCK) % BLOCK) < 0) {
		free(buf);
		return NULL;
	}
	buf[size] = '\0';
	return buf;
}

/* Pax records "LEN key=value\n", applied over what the header said. */
static int
pax_apply(struct tar *t, const char *p, size_t len, struct tar_entry *e, uint64_t *size)
{
	const char *end = p + len;

	while (p < end) {
		char *q;
		unsigned long n = strtoul(p, &q, 10);
		const char *key, *eq, *val, *rec_end = p + n;

		if (n == 0 || q == p || *q != ' ' || rec_end > end || rec_end[-1] != '\n')
			return fail(t, "a malformed pax record");
		key = q + 1;
		if (!(eq = memchr(key, '=', (size_t)(rec_end - key))))
			return fail(t, "a malformed pax record");
		val = eq + 1;
		size_t vlen = (size_t)(rec_end - 1 - val);
		size_t klen = (size_t)(eq - key);

		if (klen == 4 && !memcmp(key, "path", 4)) {
			free(e->path);
			e->path = strndup(val, vlen);
		} else if (klen == 8 && !memcmp(key, "linkpath", 8)) {
			free(e->link);
			e->link = strndup(val, vlen);
		} else if (klen == 4 && !memcmp(key, "size", 4)) {
			*size = strtoull(val, NULL, 10);
		} else if (klen == 3 && !memcmp(key, "uid", 3)) {
			e->uid = (uid_t)strtoul(val, NULL, 10);
		} else if (klen == 3 && !memcmp(key, "gid", 3)) {
			e->gid = (gid_t)strtoul(val, NULL, 10);
		} else if (klen > 13 && !memcmp(key, "SCHILY.xattr.", 13)) {
			struct tar_xattr *x;

			if (e->n_xattrs == TAR_XATTR_MAX)
				return fail(t, "more than 16 xattrs on one file");
			x = &e->xattrs[e->n_xattrs++];
			x->name = strndup(key + 13, klen - 13);
			x->value = malloc(vlen ? vlen : 1);
			if (x->value)
				memcpy(x->value, val, vlen);
			x->len = vlen;
			if (!x->name || !x->value)
				return fail(t, "out of memory");
		}
		p = rec_end;
	}
	return 0;
}

void
tar_entry_free(struct tar_entry *e)
{
	free(e->path);
	free(e->link);
	for (size_t i = 0; i < e->n_xattrs; i++) {
		free(e->xattrs[i].name);
		free(e->xattrs[i].value);
	}
	memset(e, 0, sizeof *e);
}

/* The ustar header's own fields; names from extended headers win. */
static int
header_read(struct tar *t, const unsigned char *h, struct tar_entry *e, uint64_t *size)
{
	uint64_t v[7];
	const char *f = (const char *)h;

	if (number(f + 100, 8, &v[0]) < 0 || number(f + 108, 8, &v[1]) < 0 ||
	    number(f + 116, 8, &v[2]) < 0 || number(f + 124, 12, &v[3]) < 0 ||
	    number(f + 136, 12, &v[4]) < 0 || number(f + 329, 8, &v[5]) < 0 ||
	    number(f + 337, 8, &v[6]) < 0)
		return fail(t, "a tar header with a bad number");
	e->mode = (mode_t)(v[0] & 07777);
	if (!e->uid)
		e->uid = (uid_t)v[1];
	if (!e->gid)
		e->gid = (gid_t)v[2];
	if (*size == UINT64_MAX)
		*size = v[3];
	e->mtime = (int64_t)v[4];
	e->devmajor = (unsigned)v[5];
	e->devminor = (unsigned)v[6];
	e->type = h[156] ? (char)h[156] : '0';
	if (!e->path) {
		char name[256 + 2];
		size_t n = 0, k;

		/* ustar: prefix "/" name when the magic says so. */
		if (!memcmp(f + 257, "ustar", 5) && f[345]) {
			k = strnlen(f + 345, 155);
			memcpy(name, f + 345, k);
			name[k] = '/';
			n = k + 1;
		}
		k = strnlen(f, 100);
		memcpy(name + n, f, k);
		name[n + k] = '\0';
		e->path = strdup(name);
	}
	if (!e->link)
		e->link = field(f + 157, 100);
	if (!e->path || !e->link)
		return fail(t, "out of memory");
	return 0;
}

int
tar_next(struct tar *t, struct tar_entry *e)
{
	unsigned char h[BLOCK];
	uint64_t size = UINT64_MAX;
	char *meta;

	tar_entry_free(e);
	if (skip(t, t->left) < 0)
		return -1;
	t->left = 0;
	for (;;) {
		/* Some writers (umoci among them) end a layer right after the
		 * last file's data, without padding or end blocks: the end of
		 * the stream there is the end of the archive. */
		if (t->pad) {
			char buf[BLOCK];
			int r = gzread(t->gz, buf, (unsigned)t->pad);

			if (r < 0)
				return fail(t, "the layer is not valid gzip");
			if (r == 0)
				return 0;
			if ((uint64_t)r < t->pad && read_exact(t, buf, t->pad - (uint64_t)r) < 0)
				return -1;
			t->pad = 0;
		}
		int r = gzread(t->gz, h, BLOCK);

		if (r == 0)
			return 0; /* no end blocks: an end all the same */
		if (r < 0)
			return fail(t, "the layer is not valid gzip");
		if (r < BLOCK && read_exact(t, h + r, (size_t)(BLOCK - r)) < 0)
			return -1;
		size_t z = 0;

		while (z < BLOCK && !h[z])
			z++;
		if (z == BLOCK)
			return 0; /* the end-of-archive block */
		if (!checksum_ok(h))
			return fail(t, "a tar header with a bad checksum");
		uint64_t n;

		if (number((const char *)h + 124, 12, &n) < 0)
			return fail(t, "a tar header with a bad size");
		switch (h[156]) {
		case 'x':
			if (!(meta = read_meta(t, n)))
				return -1;
			int rc = pax_apply(t, meta, (size_t)n, e, &size);

			free(meta);
			if (rc < 0)
				return -1;
			continue;
		case 'g':
			if (skip(t, n + (BLOCK - n % BLOCK) % BLOCK) < 0)
				return -1;
			continue;
		case 'L':
		case 'K':
			if (!(meta = read_meta(t, n)))
				return -1;
			char **slot = h[156] == 'L' ? &e->path : &e->link;

			free(*slot);
			*slot = meta;
			continue;
		}
		if (header_read(t, h, e, &size) < 0)
			return -1;
		/* Only files have data; a hard link's size field is not its data. */
		e->size = e->type == '0' || e->type == '7' ? size : 0;
		if (e->type == '7')
			e->type = '0';
		/* Links, devices and directories have no data whatever the size
		 * field says; other types carry theirs, skipped. */
		if (strchr("123456", e->type))
			size = 0;
		t->left = size;
		t->pad = (BLOCK - size % BLOCK) % BLOCK;
		return 1;
	}
}

ssize_t
tar_read(struct tar *t, void *buf, size_t n)
{
	if (n > t->left)
		n = (size_t)t->left;
	if (!n)
		return 0;
	if (read_exact(t, buf, n) < 0)
		return -1;
	t->left -= n;
	return (ssize_t)n;
}
