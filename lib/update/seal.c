/* SPDX-License-Identifier: MIT */
/* seal.c: sealing a manifest with this host's key, and checking a seal. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "update/esp.h"
#include "base/io.h"
#include "update/seal.h"

#define KEY_BYTES crypto_auth_hmacsha256_KEYBYTES
#define MAC_BYTES crypto_auth_hmacsha256_BYTES
#define SEAL_TAG "# berth-seal:" /* any version */

static void
key_path(const struct slots *s, char *path, size_t len)
{
	snprintf(path, len, "%s/%s", s->esp, SEAL_KEY_FILE);
}

/* The host's sealing key. -1 with why, errno ENOENT when there is none. */
static int
key_read(const struct slots *s, unsigned char key[KEY_BYTES], char *why, size_t whylen)
{
	char path[PATH_MAX + 32];
	struct stat st;
	ssize_t n = -1;
	int fd;

	key_path(s, path, sizeof path);
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return io_errf(why, whylen, "no sealing key on the ESP (%s: %s)", path,
			       strerror(errno));
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == KEY_BYTES)
		n = io_read_full(fd, key, KEY_BYTES);
	close(fd);
	if (n != KEY_BYTES) {
		sodium_memzero(key, KEY_BYTES);
		errno = EINVAL;
		return io_errf(why, whylen, "sealing key %s is not a file of %d bytes", path,
			       KEY_BYTES);
	}
	return 0;
}

/* fsync of path under its new name, then of dir: on vfat a renamed file's
 * size reaches the disk only with its inode (esp_rename_synced). */
static int
sync_renamed(const char *path, const char *dir)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), r;

	if (fd < 0)
		return -1;
	r = fsync(fd);
	close(fd);
	return r < 0 ? -1 : esp_sync_dir(dir);
}

/* Stores a new random key. RENAME_NOREPLACE: of two first seals racing,
 * the later keeps the earlier's key instead of voiding its seal. */
static int
key_store(const struct slots *s, char *err, size_t errlen)
{
	unsigned char key[KEY_BYTES];
	char dir[PATH_MAX + 32], path[PATH_MAX + 32], tmp[PATH_MAX + 48];
	ssize_t got;
	int fd, r;

	key_path(s, path, sizeof path);
	snprintf(dir, sizeof dir, "%s", path);
	*strrchr(dir, '/') = 0;
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	if (io_mkdir_p(dir, 0700) < 0)
		return io_errf(err, errlen, "mkdir %s: %s", dir, strerror(errno));
	while ((got = getrandom(key, sizeof key, 0)) < 0 && errno == EINTR)
		;
	if (got != (ssize_t)sizeof key)
		return io_errf(err, errlen, "getrandom: %s", got < 0 ? strerror(errno) : "short");
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		sodium_memzero(key, sizeof key);
		return io_errf(err, errlen, "%s: %s", tmp, strerror(errno));
	}
	r = io_write_all(fd, key, sizeof key);
	sodium_memzero(key, sizeof key);
	if (r == 0)
		r = fsync(fd);
	if (close(fd) < 0)
		r = -1;
	if (r == 0)
		r = renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_NOREPLACE);
	if (r < 0) {
		int e = errno;
		unlink(tmp);
		return e == EEXIST ? 0 : io_errf(err, errlen, "%s: %s", path, strerror(e));
	}
	if (sync_renamed(path, dir) < 0)
		return io_errf(err, errlen, "fsync %s: %s", path, strerror(errno));
	return 0;
}

/* The host's key, made first when the ESP has none: the ESP is writable
 * only around that write. */
static int
key_get(const struct slots *s, unsigned char key[KEY_BYTES], char *err, size_t errlen)
{
	char rerr[512];
	int r;

	if (key_read(s, key, err, errlen) == 0)
		return 0;
	if (errno != ENOENT)
		return -1;
	if (slots_esp_writable(s, true, err, errlen) < 0)
		return -1;
	r = key_store(s, err, errlen);
	if (slots_esp_writable(s, false, rerr, sizeof rerr) < 0 && r == 0)
		r = io_errf(err, errlen, "%s", rerr);
	return r < 0 ? -1 : key_read(s, key, err, errlen);
}

/* Where the last line of buf starts (a final newline ends it). */
static size_t
last_line(const char *buf, size_t len)
{
	size_t i = len;

	if (i && buf[i - 1] == '\n')
		i--;
	while (i && buf[i - 1] != '\n')
		i--;
	return i;
}

/* The length of buf without a seal line at its end. */
static size_t
body_len(const char *buf, size_t len)
{
	size_t start = last_line(buf, len);

	if (len - start >= strlen(SEAL_TAG) && !memcmp(buf + start, SEAL_TAG, strlen(SEAL_TAG)))
		return start;
	return len;
}

/* Splits buf into the sealed bytes (*body of them) and the MAC. */
static int
seal_parse(const char *buf, size_t len, size_t *body, unsigned char mac[MAC_BYTES], char *why,
	   size_t whylen)
{
	size_t start = last_line(buf, len), n = len - start, got;
	const char *line = buf + start, *hex = line + strlen(SEAL_PREFIX);

	if (body_len(buf, len) == len)
		return io_errf(why, whylen, "no seal line (berth did not write it)");
	/* Lower case only, as written: one file, one spelling of its seal. */
	if (n != SEAL_LINE_LEN || memcmp(line, SEAL_PREFIX, strlen(SEAL_PREFIX)) ||
	    line[n - 1] != '\n' || strspn(hex, "0123456789abcdef") != 2 * MAC_BYTES ||
	    sodium_hex2bin(mac, MAC_BYTES, hex, 2 * MAC_BYTES, NULL, &got, NULL) < 0 ||
	    got != MAC_BYTES)
		return io_errf(why, whylen, "malformed seal line (expected \"%s<64 hex digits>\")",
			       SEAL_PREFIX);
	*body = start;
	return 0;
}

/* Reads a whole regular file. A symbolic link is refused: berth writes a
 * file there, never a link. */
static int
file_read(const char *path, char **out, size_t *outlen, char *why, size_t whylen)
{
	struct stat st;
	char *buf = NULL;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0 && errno == ELOOP)
		return io_errf(why, whylen, "it is a symbolic link (berth writes a file)");
	if (fd < 0)
		return io_errf(why, whylen, "cannot read it: %s", strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > SEAL_MAX_FILE) {
		io_errf(why, whylen, "not a regular file of at most %d bytes", SEAL_MAX_FILE);
		goto out_close;
	}
	if (!(buf = malloc(st.st_size + 1))) {
		io_errf(why, whylen, "%s", strerror(errno));
		goto out_close;
	}
	/* One byte more than the size: a file growing meanwhile is refused. */
	n = io_read_full(fd, buf, st.st_size + 1);
	if (n != st.st_size) {
		io_errf(why, whylen, "cannot read it: %s", n < 0 ? strerror(errno) : "it changed");
		goto out_free;
	}
	close(fd);
	buf[n] = 0;
	*out = buf;
	*outlen = n;
	return 0;
out_free:
	free(buf);
out_close:
	close(fd);
	return -1;
}

int
seal_check(const struct slots *s, const char *path, char *why, size_t whylen)
{
	unsigned char key[KEY_BYTES], mac[MAC_BYTES];
	size_t len = 0, body = 0;
	char *buf = NULL;
	int r;

	if (file_read(path, &buf, &len, why, whylen) < 0)
		return -1;
	r = seal_parse(buf, len, &body, mac, why, whylen);
	if (r == 0 && sodium_init() < 0)
		r = io_errf(why, whylen, "libsodium failed to initialise");
	if (r == 0)
		r = key_read(s, key, why, whylen);
	if (r == 0) {
		if (crypto_auth_hmacsha256_verify(mac, (const unsigned char *)buf, body, key))
			r = io_errf(why, whylen,
				    "seal does not match (the file was changed "
				    "outside berth, or sealed on another host)");
		sodium_memzero(key, sizeof key);
	}
	free(buf);
	return r;
}

/* Replaces dest with len bytes of buf: temporary file, fsync, rename, fsync
 * of the directory, so that a power cut leaves the old file or the new. */
static int
file_replace(const char *dest, const char *buf, size_t len, char *err, size_t errlen)
{
	char dir[PATH_MAX], tmp[PATH_MAX];
	const char *base = strrchr(dest, '/');
	int fd, r;

	base = base ? base + 1 : dest;
	if (snprintf(dir, sizeof dir, "%.*s", (int)(base - dest), dest) >= (int)sizeof dir ||
	    snprintf(tmp, sizeof tmp, "%s.%s.tmp", dir, base) >= (int)sizeof tmp)
		return io_errf(err, errlen, "%s: path too long", dest);
	if (!*dir)
		snprintf(dir, sizeof dir, "./");
	if (io_mkdir_p(dir, 0700) < 0)
		return io_errf(err, errlen, "mkdir %s: %s", dir, strerror(errno));
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return io_errf(err, errlen, "%s: %s", tmp, strerror(errno));
	r = io_write_all(fd, buf, len);
	if (r == 0)
		r = fsync(fd);
	if (close(fd) < 0)
		r = -1;
	if (r == 0)
		r = rename(tmp, dest);
	if (r < 0) {
		int e = errno;
		unlink(tmp);
		return io_errf(err, errlen, "writing %s: %s", dest, strerror(e));
	}
	if (esp_sync_dir(dir) < 0)
		return io_errf(err, errlen, "fsync %s: %s", dir, strerror(errno));
	return 0;
}

int
seal_file_write(const struct slots *s, const char *buf, size_t len, const char *dest, char *err,
		size_t errlen)
{
	unsigned char key[KEY_BYTES], mac[MAC_BYTES];
	size_t n = body_len(buf, len);
	char *out;
	int r;

	if (n + 1 + SEAL_LINE_LEN > SEAL_MAX_FILE)
		return io_errf(err, errlen,
			       "%s: %zu bytes, more than a sealed manifest may have (%d)", dest, n,
			       SEAL_MAX_FILE);
	if (sodium_init() < 0)
		return io_errf(err, errlen, "libsodium failed to initialise");
	if (key_get(s, key, err, errlen) < 0)
		return -1;
	/* The body, a newline if it lacks one, the line, a NUL for bin2hex. */
	if (!(out = malloc(n + 1 + SEAL_LINE_LEN + 1))) {
		sodium_memzero(key, sizeof key);
		return io_errf(err, errlen, "%s", strerror(errno));
	}
	memcpy(out, buf, n);
	if (n && out[n - 1] != '\n')
		out[n++] = '\n';
	crypto_auth_hmacsha256(mac, (const unsigned char *)out, n, key);
	sodium_memzero(key, sizeof key);
	memcpy(out + n, SEAL_PREFIX, strlen(SEAL_PREFIX));
	sodium_bin2hex(out + n + strlen(SEAL_PREFIX), 2 * MAC_BYTES + 1, mac, MAC_BYTES);
	out[n + SEAL_LINE_LEN - 1] = '\n';
	r = file_replace(dest, out, n + SEAL_LINE_LEN, err, errlen);
	free(out);
	return r;
}
