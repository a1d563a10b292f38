/* SPDX-License-Identifier: MIT */
/* mkbundle: the build side of A/B updates (docs/update.md).
 *
 *   mkbundle keygen DIR                  writes DIR/update.key and DIR/update.pub
 *   mkbundle create [-1] KEY IMGDIR OUT  signs IMGDIR's kernel images and root
 *
 * IMGDIR is what image/mkimage wrote: uki-a.efi and uki-b.efi (the slots'
 * kernel images, signed for Secure Boot), root.img, root.env (verity root
 * hash, hash offset, salt), image.env (version, product, boards) and
 * cmdline-a (the kernel options, less the berth.* keys). -1 writes format
 * 1 of bzImage, initramfs.img and root.img, which names no product: for
 * hosts whose berthctl reads only format 1, as a stepping stone
 * (docs/update.md). The secret key never goes into an image; the public
 * key does (image/stage-rootfs). */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <nettle/sha2.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "update/bundle.h"
#include "base/io.h"

static const char *prog = "mkbundle";

static void __attribute__((noreturn, format(printf, 1, 2)))
die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

/* Writes hex of key to path, created with mode, never over an old file. */
static void
write_key(const char *path, const uint8_t *key, size_t n, mode_t mode)
{
	char hex[2 * BUNDLE_SECRET_SIZE + 2];
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);

	if (fd < 0)
		die("%s: %s", path, strerror(errno));
	bundle_hex(key, n, hex);
	strcat(hex, "\n");
	if (io_write_all(fd, hex, strlen(hex)) < 0 || fsync(fd) < 0 || close(fd) < 0)
		die("%s: %s", path, strerror(errno));
}

static int
keygen(const char *dir)
{
	uint8_t pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
	char path[4096];

	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		die("%s: %s", dir, strerror(errno));
	crypto_sign_keypair(pk, sk);
	snprintf(path, sizeof(path), "%s/update.key", dir);
	write_key(path, sk, sizeof(sk), 0600);
	snprintf(path, sizeof(path), "%s/update.pub", dir);
	write_key(path, pk, sizeof(pk), 0644);
	sodium_memzero(sk, sizeof(sk));
	printf("%s: wrote %s/update.key (secret) and %s/update.pub\n", prog, dir, dir);
	return 0;
}

/* The value of key in a KEY=VALUE file: 0, or -1 when it has none. */
static int
env_find(const char *file, const char *key, char *out, size_t len)
{
	char line[1024];
	size_t k = strlen(key);
	FILE *f = fopen(file, "re");

	if (!f)
		die("%s: %s", file, strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, key, k) || line[k] != '=')
			continue;
		line[strcspn(line, "\n")] = 0;
		snprintf(out, len, "%s", line + k + 1);
		fclose(f);
		return 0;
	}
	fclose(f);
	return -1;
}

/* The value of key in a KEY=VALUE file, or die. */
static void
env_get(const char *file, const char *key, char *out, size_t len)
{
	if (env_find(file, key, out, len) < 0)
		die("%s: no %s=", file, key);
}

/* What the bundle is for: this build's architecture, and image.env's
 * product (berth when it names none) and boards. */
static void
compat_of(const char *file, struct bundle_header *h)
{
	snprintf(h->arch, sizeof(h->arch), "%s", bundle_build_arch());
	if (env_find(file, "product", h->product, sizeof(h->product)) < 0 || !h->product[0])
		snprintf(h->product, sizeof(h->product), "berth");
	if (env_find(file, "boards", h->boards, sizeof(h->boards)) < 0)
		h->boards[0] = 0;
}

/* The kernel options of cmdline-a without berth.* keys. */
static void
options_of(const char *file, char *out, size_t len)
{
	char line[2048], *tok, *save = NULL;
	FILE *f = fopen(file, "re");

	if (!f || !fgets(line, sizeof(line), f))
		die("%s: %s", file, f ? "empty" : strerror(errno));
	fclose(f);
	out[0] = 0;
	for (tok = strtok_r(line, " \n", &save); tok; tok = strtok_r(NULL, " \n", &save)) {
		if (!strncmp(tok, "berth.", 6))
			continue;
		if (strlen(out) + strlen(tok) + 2 > len)
			die("%s: kernel options longer than %zu bytes", file, len - 1);
		if (out[0])
			strcat(out, " ");
		strcat(out, tok);
	}
}

static void
hex_field(const char *file, const char *key, uint8_t *out, size_t n, uint32_t *got)
{
	char hex[256];
	size_t len;

	env_get(file, key, hex, sizeof(hex));
	if (got && !strcmp(hex, "-")) {
		*got = 0;
		return;
	}
	if (sodium_hex2bin(out, n, hex, strlen(hex), NULL, &len, NULL) != 0 ||
	    (!got && len != n))
		die("%s: %s= is not %zu bytes of hex", file, key, n);
	if (got)
		*got = (uint32_t)len;
}

/* Hashes a payload file; returns its size. */
static uint64_t
hash_file(const char *path, uint8_t out[32])
{
	struct sha256_ctx st;
	static uint8_t buf[1 << 20];
	uint64_t size = 0;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		die("%s: %s", path, strerror(errno));
	sha256_init(&st);
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		sha256_update(&st, (size_t)n, buf);
		size += (uint64_t)n;
	}
	if (n < 0)
		die("%s: %s", path, strerror(errno));
	close(fd);
	sha256_digest(&st, 32, out);
	return size;
}

static void
append_file(int out, const char *path, const char *dest)
{
	static uint8_t buf[1 << 20];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		die("%s: %s", path, strerror(errno));
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if (io_write_all(out, buf, (size_t)n) < 0)
			die("%s: %s", dest, strerror(errno));
	if (n < 0)
		die("%s: %s", path, strerror(errno));
	close(fd);
}

static const char *const payload_files[BP_NPARTS] = {"uki-a.efi", "uki-b.efi", "root.img"};
static const char *const payload_files_v1[BP_NPARTS] = {"bzImage", "initramfs.img", "root.img"};

static int
create(const char *keyfile, const char *dir, const char *out, uint32_t format)
{
	struct bundle_header h = {.format = format};
	uint8_t sk[BUNDLE_SECRET_SIZE], buf[BUNDLE_HEADER_SIZE];
	char path[4096], tmp[4200], num[64], err[256];
	const char *const *files = format == BUNDLE_FORMAT_V1 ? payload_files_v1 : payload_files;
	int fd;

	if (bundle_read_key(keyfile, sk, sizeof(sk), err, sizeof(err)) < 0)
		die("%s", err);
	snprintf(path, sizeof(path), "%s/image.env", dir);
	env_get(path, "version", h.version, sizeof(h.version));
	if (!bundle_version_ok(h.version))
		die("%s: version %s: 1-31 characters of [0-9A-Za-z.~_-]", path, h.version);
	if (format != BUNDLE_FORMAT_V1)
		compat_of(path, &h);
	snprintf(path, sizeof(path), "%s/root.env", dir);
	hex_field(path, "roothash", h.roothash, 32, NULL);
	hex_field(path, "salt", h.salt, BUNDLE_SALT_MAX, &h.salt_len);
	env_get(path, "hashoffset", num, sizeof(num));
	h.hashoffset = strtoull(num, NULL, 10);
	snprintf(path, sizeof(path), "%s/cmdline-a", dir);
	options_of(path, h.options,
		   format == BUNDLE_FORMAT_V1 ? BUNDLE_OPTIONS_MAX : BUNDLE_OPTIONS2_MAX);
	for (int i = 0; i < BP_NPARTS; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		h.size[i] = hash_file(path, h.sha256[i]);
	}
	if (bundle_sign(&h, sk) < 0)
		die("signing failed");
	sodium_memzero(sk, sizeof(sk));
	bundle_encode(&h, buf);
	/* Check what we wrote as the host will, before anyone gets it. */
	if (bundle_decode(buf, &h, err, sizeof(err)) < 0)
		die("the bundle would not be accepted: %s", err);
	snprintf(tmp, sizeof(tmp), "%s.tmp", out);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || io_write_all(fd, buf, sizeof(buf)) < 0)
		die("%s: %s", tmp, strerror(errno));
	for (int i = 0; i < BP_NPARTS; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		append_file(fd, path, tmp);
	}
	if (fsync(fd) < 0 || close(fd) < 0 || rename(tmp, out) < 0)
		die("%s: %s", out, strerror(errno));
	printf("%s: wrote %s: berth %s for %s (%s%s%s), %llu bytes (%s %llu, %s %llu, root %llu)\n",
	       prog, out, h.version, h.product[0] ? h.product : "any product (format 1)",
	       h.arch[0] ? h.arch : "-", h.boards[0] ? ", boards " : "", h.boards,
	       (unsigned long long)bundle_total(&h), files[BP_UKI_A],
	       (unsigned long long)h.size[BP_UKI_A], files[BP_UKI_B],
	       (unsigned long long)h.size[BP_UKI_B],
	       (unsigned long long)h.size[BP_ROOT]);
	return 0;
}

int
main(int argc, char **argv)
{
	if (sodium_init() < 0)
		die("libsodium failed to initialise");
	if (argc == 3 && !strcmp(argv[1], "keygen"))
		return keygen(argv[2]);
	if (argc == 5 && !strcmp(argv[1], "create"))
		return create(argv[2], argv[3], argv[4], BUNDLE_FORMAT);
	if (argc == 6 && !strcmp(argv[1], "create") && !strcmp(argv[2], "-1"))
		return create(argv[3], argv[4], argv[5], BUNDLE_FORMAT_V1);
	fprintf(stderr, "usage: %s keygen DIR\n       %s create [-1] KEY IMAGEDIR OUT\n", prog,
		prog);
	return 2;
}
