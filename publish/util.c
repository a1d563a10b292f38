/* SPDX-License-Identifier: MIT */
/* util.c: the publisher's keys, durations and files. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/io.h"
#include "publish.h"
#include "update/bundle.h"
#include "update/filehash.h"

void
die(const char *fmt, ...)
{
	char msg[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "publish: %s\n", msg);
	exit(1);
}

void
key_load(const char *path, uint8_t sk[64], uint8_t pub[32], bool *secret)
{
	char err[300];

	if (bundle_read_key(path, sk, 64, err, sizeof(err)) == 0) {
		memcpy(pub, sk + 32, 32);
		*secret = true;
		return;
	}
	if (bundle_read_key(path, pub, 32, err, sizeof(err)) < 0)
		die("%s: not a key (64 or 128 hex digits expected)", path);
	*secret = false;
}

void
key_load_secret(const char *path, uint8_t sk[64])
{
	uint8_t pub[32];
	bool secret;

	key_load(path, sk, pub, &secret);
	if (!secret)
		die("%s: a public key; signing needs the secret one (.key)", path);
}

time_t
expiry_of(const char *spec, const char *dflt)
{
	const char *s = spec ? spec : dflt;
	char *end;
	unsigned long long n;
	time_t unit;

	errno = 0;
	n = strtoull(s, &end, 10);
	if (errno || end == s || end[0] == 0 || end[1] != 0 || n > 100ULL * 365 * 86400)
		die("--expires %s: a number and s, m, h or d (30d)", s);
	switch (*end) {
	case 's': unit = 1; break;
	case 'm': unit = 60; break;
	case 'h': unit = 3600; break;
	case 'd': unit = 86400; break;
	default: die("--expires %s: a number and s, m, h or d (30d)", s);
	}
	return time(NULL) + (time_t)n * unit;
}

char *
file_read(const char *path, size_t max, size_t *len)
{
	struct stat st;
	char *buf;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) < 0 || (size_t)st.st_size > max) {
		if (errno == 0 || (size_t)st.st_size > max)
			errno = EFBIG;
		close(fd);
		return NULL;
	}
	if (!(buf = malloc((size_t)st.st_size + 1)) ||
	    (n = io_read_full(fd, buf, (size_t)st.st_size)) < 0) {
		free(buf);
		close(fd);
		return NULL;
	}
	close(fd);
	buf[n] = 0;
	*len = (size_t)n;
	return buf;
}

void
file_replace(const char *dir, const char *name, const char *text)
{
	if (io_replace_file(dir, name, text, strlen(text), 0644) < 0)
		die("%s/%s: %s", dir, name, strerror(errno));
}

static void
copy_file(const char *src, const char *dst)
{
	static uint8_t buf[1 << 20];
	char tmp[PATH_MAX];
	ssize_t n;
	int in = open(src, O_RDONLY | O_CLOEXEC), out;

	if (in < 0)
		die("%s: %s", src, strerror(errno));
	if (snprintf(tmp, sizeof(tmp), "%s.tmp", dst) >= (int)sizeof(tmp))
		die("%s: path too long", dst);
	if ((out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0)
		die("%s: %s", tmp, strerror(errno));
	while ((n = io_read_full(in, buf, sizeof(buf))) > 0)
		if (io_write_all(out, buf, (size_t)n) < 0)
			goto fail;
	if (n < 0 || fsync(out) < 0 || close(out) < 0 || rename(tmp, dst) < 0)
		goto fail;
	close(in);
	return;
fail:
	unlink(tmp);
	die("%s: %s", dst, strerror(errno));
}

void
file_publish(const char *dir, const char *sub, const char *ext, const char *src,
	     char path[CHANNEL_PATH_MAX], uint64_t *size, uint8_t sha[32])
{
	char hex[65], full[PATH_MAX], subdir[PATH_MAX];
	uint8_t have[32];
	uint64_t have_size;

	if (filehash_sha256(src, sha, size) < 0)
		die("%s: %s", src, strerror(errno));
	bundle_hex(sha, 32, hex);
	snprintf(path, CHANNEL_PATH_MAX, "%s/%s.%s", sub, hex, ext);
	if (snprintf(subdir, sizeof(subdir), "%s/%s", dir, sub) >= (int)sizeof(subdir) ||
	    snprintf(full, sizeof(full), "%s/%s", dir, path) >= (int)sizeof(full))
		die("%s: path too long", dir);
	if (mkdir(subdir, 0755) < 0 && errno != EEXIST)
		die("%s: %s", subdir, strerror(errno));
	if (filehash_sha256(full, have, &have_size) == 0) {
		if (have_size != *size || memcmp(have, sha, 32))
			die("%s: already there with other bytes; a published file never changes",
			    full);
		return;
	}
	if (errno != ENOENT)
		die("%s: %s", full, strerror(errno));
	copy_file(src, full);
}

void
root_read(const char *dir, struct channel_root *r)
{
	char path[PATH_MAX], err[400], *buf;
	size_t len;

	snprintf(path, sizeof(path), "%s/root.json", dir);
	if (!(buf = file_read(path, CHANNEL_META_MAX, &len)))
		die("%s: %s", path, strerror(errno));
	if (channel_root_load(buf, len, r, err, sizeof(err)) < 0)
		die("%s: %s", path, err);
	free(buf);
}

void
doc_write(const char *dir, const char *name, const char *signed_text, const uint8_t (*sks)[64],
	  size_t n)
{
	char *doc = channel_document(signed_text, sks, n);

	if (!doc)
		die("%s/%s: signing failed", dir, name);
	file_replace(dir, name, doc);
	free(doc);
}
