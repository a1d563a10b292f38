/* SPDX-License-Identifier: MIT */
/* bundle.c: encode, decode, sign and verify the update bundle's header. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/io.h"
#include "base/names.h"
#include "update/bundle.h"

/* Offsets in the encoded header; docs/update.md has the same table. */
enum {
	O_MAGIC = 0,
	O_FORMAT = 8,
	O_VERSION = 16,
	O_KEYID = 48,
	O_SIZE = 56,	   /* 3 x u64 */
	O_HASHOFF = 80,	   /* u64 */
	O_SHA = 88,	   /* 3 x 32 */
	O_ROOTHASH = 184,  /* 32 */
	O_SALTLEN = 216,   /* u32 */
	O_SALT = 220,	   /* 32 */
	O_OPTIONS = 252,   /* 192 in format 1, 112 in format 2 */
	O_ARCH = 364,	   /* format 2: 16 */
	O_PRODUCT = 380,   /* format 2: 32 */
	O_BOARDS = 412,	   /* format 2: 32 */
	O_SIG = BUNDLE_SIGNED_SIZE,
};
_Static_assert(O_OPTIONS + BUNDLE_OPTIONS_MAX <= BUNDLE_SIGNED_SIZE, "header layout");
_Static_assert(O_OPTIONS + BUNDLE_OPTIONS2_MAX == O_ARCH && O_ARCH + BUNDLE_ARCH_MAX == O_PRODUCT &&
		   O_PRODUCT + BUNDLE_PRODUCT_MAX == O_BOARDS &&
		   O_BOARDS + BUNDLE_BOARDS_MAX <= BUNDLE_SIGNED_SIZE,
	       "format 2 layout");

static const char *const part_names[BP_NPARTS] = {"slot a's kernel image",
						   "slot b's kernel image", "root image"};
static const char *const part_names_v2[BP_NPARTS] = {"kernel", "initramfs", "root image"};

const char *
bundle_part_name(const struct bundle_header *h, enum bundle_part p)
{
	return h->format == BUNDLE_FORMAT ? part_names[p] : part_names_v2[p];
}

static void
put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t
get64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static void
put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)get64((const uint8_t[8]){p[0], p[1], p[2], p[3]});
}

void
bundle_encode(const struct bundle_header *h, uint8_t buf[BUNDLE_HEADER_SIZE])
{
	memset(buf, 0, BUNDLE_HEADER_SIZE);
	memcpy(buf + O_MAGIC, BUNDLE_MAGIC, 8);
	put32(buf + O_FORMAT, h->format);
	memcpy(buf + O_VERSION, h->version, strnlen(h->version, BUNDLE_VERSION_MAX - 1));
	memcpy(buf + O_KEYID, h->key_id, 8);
	for (int i = 0; i < BP_NPARTS; i++) {
		put64(buf + O_SIZE + 8 * i, h->size[i]);
		memcpy(buf + O_SHA + 32 * i, h->sha256[i], 32);
	}
	put64(buf + O_HASHOFF, h->hashoffset);
	memcpy(buf + O_ROOTHASH, h->roothash, 32);
	put32(buf + O_SALTLEN, h->salt_len);
	memcpy(buf + O_SALT, h->salt, h->salt_len < BUNDLE_SALT_MAX ? h->salt_len : BUNDLE_SALT_MAX);
	if (h->format == BUNDLE_FORMAT_V1) {
		memcpy(buf + O_OPTIONS, h->options, strnlen(h->options, BUNDLE_OPTIONS_MAX - 1));
	} else {
		memcpy(buf + O_OPTIONS, h->options, strnlen(h->options, BUNDLE_OPTIONS2_MAX - 1));
		memcpy(buf + O_ARCH, h->arch, strnlen(h->arch, BUNDLE_ARCH_MAX - 1));
		memcpy(buf + O_PRODUCT, h->product, strnlen(h->product, BUNDLE_PRODUCT_MAX - 1));
		memcpy(buf + O_BOARDS, h->boards, strnlen(h->boards, BUNDLE_BOARDS_MAX - 1));
	}
	memcpy(buf + O_SIG, h->signature, BUNDLE_SIG_SIZE);
}

bool
bundle_version_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= BUNDLE_VERSION_MAX || !isalnum((unsigned char)s[0]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr(".~_-", s[i]))
			return false;
	return true;
}

/* The architecture and product fields hold what update.product may be. */
static bool
name_ok(const char *s)
{
	const char *why;

	return name_product_check(s, &why) == 0;
}

/* Boards: printable ASCII, names separated by '|', none empty. */
static bool
boards_ok(const char *s)
{
	if (!*s)
		return true;
	if (*s == '|' || s[strlen(s) - 1] == '|' || strstr(s, "||"))
		return false;
	for (const char *p = s; *p; p++)
		if (*p < 0x20 || *p > 0x7e)
			return false;
	return true;
}

/* Options go into a loader entry line: printable, no berth.* key (the
 * updater writes those from the header's own fields). */
static bool
options_ok(const char *s)
{
	for (const char *p = s; *p; p++)
		if (*p < 0x20 || *p > 0x7e)
			return false;
	for (const char *p = s; (p = strstr(p, "berth.")); p++)
		if (p == s || p[-1] == ' ')
			return false;
	return true;
}

/* A NUL-terminated string field, NUL-padded to its end. */
static int
get_string(const uint8_t *p, size_t max, char *out)
{
	size_t n = strnlen((const char *)p, max);

	if (n == max)
		return -1;
	for (size_t i = n; i < max; i++)
		if (p[i])
			return -1;
	memcpy(out, p, n + 1);
	return 0;
}

/* Whether buf[from..to) is all zero: the header's unused bytes must be, so
 * that a later format can give them a meaning old readers refuse. */
static bool
zero(const uint8_t *buf, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++)
		if (buf[i])
			return false;
	return true;
}

/* The options and, in format 2, what the bundle is for; the bytes after
 * them up to the signature are reserved, zero. */
static int
decode_tail(const uint8_t *buf, struct bundle_header *h, char *err, size_t errlen)
{
	bool v1 = h->format == BUNDLE_FORMAT_V1;
	size_t end = O_OPTIONS + (v1 ? BUNDLE_OPTIONS_MAX : BUNDLE_OPTIONS2_MAX);

	if (get_string(buf + O_OPTIONS, end - O_OPTIONS, h->options) < 0 || !options_ok(h->options))
		return io_errf(err, errlen, "header: malformed kernel options field");
	if (!v1) {
		if (get_string(buf + O_ARCH, BUNDLE_ARCH_MAX, h->arch) < 0 ||
		    !name_ok(h->arch))
			return io_errf(err, errlen, "header: malformed architecture field");
		if (get_string(buf + O_PRODUCT, BUNDLE_PRODUCT_MAX, h->product) < 0 ||
		    !name_ok(h->product))
			return io_errf(err, errlen, "header: malformed product field");
		if (get_string(buf + O_BOARDS, BUNDLE_BOARDS_MAX, h->boards) < 0 ||
		    !boards_ok(h->boards))
			return io_errf(err, errlen, "header: malformed boards field");
		end = O_BOARDS + BUNDLE_BOARDS_MAX;
	}
	if (!zero(buf, end, O_SIG))
		return io_errf(err, errlen, "header: reserved bytes are not zero");
	return 0;
}

int
bundle_decode(const uint8_t buf[BUNDLE_HEADER_SIZE], struct bundle_header *h, char *err,
	      size_t errlen)
{
	memset(h, 0, sizeof(*h));
	if (memcmp(buf + O_MAGIC, BUNDLE_MAGIC, 8) != 0)
		return io_errf(err, errlen, "not a berth update bundle (bad magic)");
	h->format = get32(buf + O_FORMAT);
	if (h->format != BUNDLE_FORMAT && h->format != BUNDLE_FORMAT_V2 &&
	    h->format != BUNDLE_FORMAT_V1)
		return io_errf(err, errlen, "bundle format %u; this berthctl reads formats %d to %d",
			   h->format, BUNDLE_FORMAT_V1, BUNDLE_FORMAT);
	if (get_string(buf + O_VERSION, BUNDLE_VERSION_MAX, h->version) < 0 ||
	    !bundle_version_ok(h->version))
		return io_errf(err, errlen, "header: malformed version field");
	memcpy(h->key_id, buf + O_KEYID, 8);
	for (int i = 0; i < BP_NPARTS; i++) {
		h->size[i] = get64(buf + O_SIZE + 8 * i);
		memcpy(h->sha256[i], buf + O_SHA + 32 * i, 32);
		if (h->size[i] == 0 || h->size[i] > (1ULL << 40))
			return io_errf(err, errlen, "header: %s size %llu is out of range",
				   bundle_part_name(h, i), (unsigned long long)h->size[i]);
	}
	h->hashoffset = get64(buf + O_HASHOFF);
	if (h->hashoffset == 0 || h->hashoffset % 4096 || h->hashoffset >= h->size[BP_ROOT])
		return io_errf(err, errlen, "header: verity hash offset %llu is not inside the root",
			   (unsigned long long)h->hashoffset);
	memcpy(h->roothash, buf + O_ROOTHASH, 32);
	h->salt_len = get32(buf + O_SALTLEN);
	if (h->salt_len > BUNDLE_SALT_MAX)
		return io_errf(err, errlen, "header: salt length %u", h->salt_len);
	memcpy(h->salt, buf + O_SALT, BUNDLE_SALT_MAX);
	for (uint32_t i = h->salt_len; i < BUNDLE_SALT_MAX; i++)
		if (h->salt[i])
			return io_errf(err, errlen, "header: salt bytes past its length are not zero");
	if (decode_tail(buf, h, err, errlen) < 0)
		return -1;
	if (!zero(buf, O_FORMAT + 4, O_VERSION))
		return io_errf(err, errlen, "header: reserved bytes are not zero");
	memcpy(h->signature, buf + O_SIG, BUNDLE_SIG_SIZE);
	return 0;
}

void
bundle_key_id(const uint8_t pub[BUNDLE_KEY_SIZE], uint8_t id[8])
{
	uint8_t d[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(d, pub, BUNDLE_KEY_SIZE);
	memcpy(id, d, 8);
}

int
bundle_sign(struct bundle_header *h, const uint8_t sk[BUNDLE_SECRET_SIZE])
{
	uint8_t buf[BUNDLE_HEADER_SIZE];

	if (sodium_init() < 0)
		return -1;
	/* libsodium's secret key holds the public key in its second half. */
	bundle_key_id(sk + 32, h->key_id);
	bundle_encode(h, buf);
	return crypto_sign_detached(h->signature, NULL, buf, BUNDLE_SIGNED_SIZE, sk);
}

void
bundle_hex(const uint8_t *b, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", b[i]);
	out[2 * n] = 0;
}

int
bundle_verify(const uint8_t buf[BUNDLE_HEADER_SIZE], const uint8_t pub[BUNDLE_KEY_SIZE],
	      char *err, size_t errlen)
{
	uint8_t id[8];
	char want[17], got[17];

	if (sodium_init() < 0)
		return io_errf(err, errlen, "libsodium failed to initialise");
	bundle_key_id(pub, id);
	if (memcmp(id, buf + O_KEYID, 8) != 0) {
		bundle_hex(id, 8, want);
		bundle_hex(buf + O_KEYID, 8, got);
		return io_errf(err, errlen,
			   "signed by another key (key id %s; this host trusts %s)", got, want);
	}
	if (crypto_sign_verify_detached(buf + O_SIG, buf, BUNDLE_SIGNED_SIZE, pub) != 0)
		return io_errf(err, errlen, "bad signature: the header was changed or not signed "
					"by this host's update key");
	return 0;
}

uint64_t
bundle_total(const struct bundle_header *h)
{
	uint64_t t = BUNDLE_HEADER_SIZE;

	for (int i = 0; i < BP_NPARTS; i++) {
		if (t + h->size[i] < t)
			return 0;
		t += h->size[i];
	}
	return t;
}

/* One segment of a version: a run of digits or of letters; separators
 * only split. '~' sorts before anything, even the end. */
int
bundle_vercmp(const char *a, const char *b)
{
	for (;;) {
		while (*a && !isalnum((unsigned char)*a) && *a != '~')
			a++;
		while (*b && !isalnum((unsigned char)*b) && *b != '~')
			b++;
		if (*a == '~' || *b == '~') {
			if (*a != '~')
				return 1;
			if (*b != '~')
				return -1;
			a++, b++;
			continue;
		}
		if (!*a || !*b)
			return (*a != 0) - (*b != 0);
		if (isdigit((unsigned char)*a) != isdigit((unsigned char)*b))
			return isdigit((unsigned char)*a) ? 1 : -1;
		const char *ea = a, *eb = b;
		if (isdigit((unsigned char)*a)) {
			while (*a == '0')
				a++;
			while (*b == '0')
				b++;
			for (ea = a; isdigit((unsigned char)*ea); ea++)
				;
			for (eb = b; isdigit((unsigned char)*eb); eb++)
				;
			if (ea - a != eb - b)
				return ea - a < eb - b ? -1 : 1;
		} else {
			for (; isalpha((unsigned char)*ea); ea++)
				;
			for (; isalpha((unsigned char)*eb); eb++)
				;
		}
		size_t la = (size_t)(ea - a), lb = (size_t)(eb - b);
		int r = strncmp(a, b, la < lb ? la : lb);
		if (r)
			return r < 0 ? -1 : 1;
		if (la != lb)
			return la < lb ? -1 : 1;
		a = ea, b = eb;
	}
}

int
bundle_read_key(const char *path, uint8_t *key, size_t n, char *err, size_t errlen)
{
	char hex[2 * BUNDLE_SECRET_SIZE + 2];
	ssize_t r;
	size_t got;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return io_errf(err, errlen, "%s: %s", path, strerror(errno));
	r = read(fd, hex, sizeof(hex) - 1);
	close(fd);
	if (r < 0)
		return io_errf(err, errlen, "%s: %s", path, strerror(errno));
	while (r > 0 && (hex[r - 1] == '\n' || hex[r - 1] == ' '))
		r--;
	hex[r] = 0;
	if ((size_t)r != 2 * n || sodium_hex2bin(key, n, hex, (size_t)r, NULL, &got, NULL) != 0 ||
	    got != n)
		return io_errf(err, errlen, "%s: not a key (%zu hex digits expected)", path, 2 * n);
	return 0;
}

const char *
bundle_build_arch(void)
{
#if defined(__x86_64__)
	return "x86_64";
#elif defined(__aarch64__)
	return "aarch64";
#else
#error "bundle_build_arch: name this architecture as uname(2) does"
#endif
}

/* Whether the '|'-separated list names board exactly. */
static bool
boards_have(const char *list, const char *board)
{
	size_t n = strlen(board);

	for (const char *p = list; p; p = strchr(p, '|') ? strchr(p, '|') + 1 : NULL)
		if (n && !strncmp(p, board, n) && (p[n] == '|' || !p[n]))
			return true;
	return false;
}

int
bundle_compat_check(const struct bundle_header *h, const struct bundle_host *host, char *err,
		    size_t errlen)
{
	if (h->format == BUNDLE_FORMAT_V1)
		return io_errf(err, errlen,
			       "the bundle (format 1) does not say which product it is for; this "
			       "host is \"%s\" (%s): make the bundle with this berth's mkbundle",
			       host->product, host->arch);
	if (h->format == BUNDLE_FORMAT_V2)
		return io_errf(err, errlen,
			       "the bundle (format 2) carries a kernel and an initramfs, not signed "
			       "kernel images, which this host boots only: make the bundle with "
			       "this berth's mkbundle");
	if (strcmp(h->arch, host->arch))
		return io_errf(err, errlen, "the bundle is for architecture %s, this host is %s",
			       h->arch, host->arch);
	if (strcmp(h->product, host->product))
		return io_errf(err, errlen, "the bundle is for product \"%s\", this host is \"%s\"",
			       h->product, host->product);
	if (h->boards[0] && !boards_have(h->boards, host->board))
		return io_errf(err, errlen, "the bundle is for boards \"%s\", this host is \"%s\"",
			       h->boards, host->board[0] ? host->board : "(unknown)");
	return 0;
}
