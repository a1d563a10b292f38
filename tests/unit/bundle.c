/* SPDX-License-Identifier: MIT */
/* Unit tests of lib/update/bundle.c: the update bundle's header byte for byte
 * (formats 1 to 3), every reason a header is refused, what a bundle is
 * for against what a host is, the Ed25519 signature over it (every
 * single-bit change rejected), version ordering and key files. */
#include <fcntl.h>
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "update/bundle.h"
#include "check.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Offsets of the encoded header that the cases below poke at; they are
 * the format (docs/update.md), so the test spells them out again. */
enum {
	O_FORMAT = 8,
	O_VERSION = 16,
	O_KEYID = 48,
	O_SIZE = 56,
	O_HASHOFF = 80,
	O_SALTLEN = 216,
	O_OPTIONS = 252,
	O_ARCH = 364,
	O_PRODUCT = 380,
	O_BOARDS = 412,
	O_RESERVED = 444,
};

static void
put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* A well-formed header with every field set to something recognisable. */
static void
sample(struct bundle_header *h)
{
	memset(h, 0, sizeof(*h));
	h->format = BUNDLE_FORMAT;
	strcpy(h->version, "1.2.3-rc1");
	h->size[BP_UKI_A] = 7000001;
	h->size[BP_UKI_B] = 300003;
	h->size[BP_ROOT] = 64ULL << 20;
	for (int p = 0; p < BP_NPARTS; p++)
		for (int i = 0; i < 32; i++)
			h->sha256[p][i] = (uint8_t)(p * 32 + i + 1);
	h->hashoffset = 60ULL << 20;
	for (int i = 0; i < 32; i++) {
		h->roothash[i] = (uint8_t)(0xa0 ^ i);
		h->salt[i] = (uint8_t)(0x50 + i);
	}
	h->salt_len = 32;
	strcpy(h->options, "console=ttyS0 quiet rootwait");
	strcpy(h->arch, "x86_64");
	strcpy(h->product, "edge-gw");
	strcpy(h->boards, "Standard PC (Q35 + ICH9, 2009)");
	memset(h->key_id, 0x11, 8);
	memset(h->signature, 0x22, BUNDLE_SIG_SIZE);
}

static bool
same(const struct bundle_header *a, const struct bundle_header *b)
{
	return a->format == b->format && !strcmp(a->version, b->version) &&
	       !memcmp(a->key_id, b->key_id, 8) && !memcmp(a->size, b->size, sizeof(a->size)) &&
	       !memcmp(a->sha256, b->sha256, sizeof(a->sha256)) &&
	       a->hashoffset == b->hashoffset && !memcmp(a->roothash, b->roothash, 32) &&
	       a->salt_len == b->salt_len && !memcmp(a->salt, b->salt, a->salt_len) &&
	       !strcmp(a->options, b->options) && !strcmp(a->arch, b->arch) &&
	       !strcmp(a->product, b->product) && !strcmp(a->boards, b->boards) &&
	       !memcmp(a->signature, b->signature, BUNDLE_SIG_SIZE);
}

static void
test_round_trip(void)
{
	struct bundle_header h, d;
	uint8_t buf[BUNDLE_HEADER_SIZE], again[BUNDLE_HEADER_SIZE];
	char err[256] = "";
	int r;

	sample(&h);
	bundle_encode(&h, buf);
	CHECK(!memcmp(buf, BUNDLE_MAGIC, 8) && buf[O_FORMAT] == BUNDLE_FORMAT &&
		      !memcmp(buf + O_VERSION, "1.2.3-rc1", 10) && buf[O_SIZE] == 0xc1 &&
		      buf[O_SIZE + 1] == 0xcf && buf[O_SIZE + 2] == 0x6a,
	      "encode: magic, format, version and kernel size (little-endian) in place");
	r = bundle_decode(buf, &d, err, sizeof(err));
	CHECK(r == 0 && same(&h, &d), "decode(encode(h)) == h (%s)", r ? err : "ok");
	bundle_encode(&d, again);
	CHECK(!memcmp(buf, again, sizeof(buf)), "encode(decode(buf)) == buf, all 512 bytes");

	/* Shortest and longest of each string, empty options and no salt. */
	strcpy(h.version, "7");
	h.options[0] = 0;
	h.salt_len = 0;
	bundle_encode(&h, buf);
	r = bundle_decode(buf, &d, err, sizeof(err));
	CHECK(r == 0 && same(&h, &d), "round trip: 1-char version, no options, no salt");
	memset(h.version, 'v', BUNDLE_VERSION_MAX - 1);
	h.version[BUNDLE_VERSION_MAX - 1] = 0;
	memset(h.options, 'o', BUNDLE_OPTIONS2_MAX - 1);
	h.options[BUNDLE_OPTIONS2_MAX - 1] = 0;
	memset(h.arch, 'a', BUNDLE_ARCH_MAX - 1);
	memset(h.product, 'p', BUNDLE_PRODUCT_MAX - 1);
	memset(h.boards, 'b', BUNDLE_BOARDS_MAX - 1);
	bundle_encode(&h, buf);
	r = bundle_decode(buf, &d, err, sizeof(err));
	CHECK(r == 0 && same(&h, &d),
	      "round trip: 31-char version, 111-char options, longest arch, product, boards (%s)",
	      r ? err : "ok");
	CHECK(buf[O_ARCH] == 'a' && buf[O_PRODUCT] == 'p' && buf[O_BOARDS] == 'b' &&
		      buf[O_RESERVED] == 0,
	      "formats 2 and 3: arch, product and boards in place, reserved bytes zero");

	/* Format 1: 191-char options, nothing about what it is for. */
	memset(&h.arch, 0, sizeof(h.arch));
	memset(&h.product, 0, sizeof(h.product));
	memset(&h.boards, 0, sizeof(h.boards));
	h.format = BUNDLE_FORMAT_V1;
	memset(h.options, 'o', BUNDLE_OPTIONS_MAX - 1);
	h.options[BUNDLE_OPTIONS_MAX - 1] = 0;
	bundle_encode(&h, buf);
	r = bundle_decode(buf, &d, err, sizeof(err));
	CHECK(r == 0 && same(&h, &d), "round trip: format 1, 191-char options (%s)",
	      r ? err : "ok");
	CHECK_STR(bundle_part_name(&h, BP_UKI_A), "kernel", "bundle_part_name: format 1's first part");
	h.format = BUNDLE_FORMAT;
	CHECK_STR(bundle_part_name(&h, BP_UKI_B), "slot b's kernel image",
		  "bundle_part_name: format 3's second part");
	CHECK_STR(bundle_part_name(&h, BP_ROOT), "root image", "bundle_part_name(BP_ROOT)");
}

/* One way to spoil a good header, and a word the error must contain. */
struct spoil {
	const char *name;
	void (*edit)(uint8_t *b);
	const char *want;
};

static void e_magic(uint8_t *b) { b[7] = 'X'; }
static void e_format0(uint8_t *b) { b[O_FORMAT] = 0; }
static void e_format4(uint8_t *b) { b[O_FORMAT] = 4; }
static void e_format_high(uint8_t *b) { b[O_FORMAT + 3] = 1; }
static void e_ver_unterminated(uint8_t *b) { memset(b + O_VERSION, '1', BUNDLE_VERSION_MAX); }
static void e_ver_empty(uint8_t *b) { memset(b + O_VERSION, 0, BUNDLE_VERSION_MAX); }
static void e_ver_space(uint8_t *b) { memcpy(b + O_VERSION, "1.0 x", 6); }
static void e_ver_plus(uint8_t *b) { memcpy(b + O_VERSION, "1.0+3", 6); }
static void e_ver_slash(uint8_t *b) { memcpy(b + O_VERSION, "../1", 5); }
static void e_ver_dash_first(uint8_t *b) { memcpy(b + O_VERSION, "-1.0", 5); }
static void e_ver_after_nul(uint8_t *b) { b[O_VERSION + 20] = 'x'; }
static void e_ver_high_bit(uint8_t *b) { b[O_VERSION + 1] = 0xc3; }
static void e_kernel0(uint8_t *b) { put64(b + O_SIZE, 0); }
static void e_initrd0(uint8_t *b) { put64(b + O_SIZE + 8, 0); }
static void e_root0(uint8_t *b) { put64(b + O_SIZE + 16, 0); }
static void e_kernel_huge(uint8_t *b) { put64(b + O_SIZE, (1ULL << 40) + 1); }
static void e_initrd_huge(uint8_t *b) { put64(b + O_SIZE + 8, UINT64_MAX); }
static void e_root_huge(uint8_t *b) { put64(b + O_SIZE + 16, 1ULL << 63); }
static void e_hash0(uint8_t *b) { put64(b + O_HASHOFF, 0); }
static void e_hash_odd(uint8_t *b) { put64(b + O_HASHOFF, (60ULL << 20) + 512); }
static void e_hash_end(uint8_t *b) { put64(b + O_HASHOFF, 64ULL << 20); }
static void e_hash_past(uint8_t *b) { put64(b + O_HASHOFF, 128ULL << 20); }
static void e_salt33(uint8_t *b) { b[O_SALTLEN] = 33; }
static void e_salt_high(uint8_t *b) { b[O_SALTLEN + 3] = 0x80; }
static void e_salt_tail(uint8_t *b) { b[O_SALTLEN] = 16; } /* the sample's salt has 32 bytes */
static void e_opt_tab(uint8_t *b) { b[O_OPTIONS + 7] = '\t'; }
static void e_opt_newline(uint8_t *b) { memcpy(b + O_OPTIONS, "quiet\ninit=/x", 14); }
static void e_opt_del(uint8_t *b) { b[O_OPTIONS + 2] = 0x7f; }
static void e_opt_8bit(uint8_t *b) { b[O_OPTIONS + 2] = 0xe9; }
static void e_opt_unterminated(uint8_t *b) { memset(b + O_OPTIONS, 'o', BUNDLE_OPTIONS_MAX); }
static void e_opt_after_nul(uint8_t *b) { b[O_OPTIONS + BUNDLE_OPTIONS2_MAX - 1] = 'x'; }
static void e_arch_empty(uint8_t *b) { memset(b + O_ARCH, 0, BUNDLE_ARCH_MAX); }
static void e_arch_space(uint8_t *b) { memcpy(b + O_ARCH, "x86 64", 6); }
static void e_product_empty(uint8_t *b) { memset(b + O_PRODUCT, 0, BUNDLE_PRODUCT_MAX); }
static void e_product_slash(uint8_t *b) { memcpy(b + O_PRODUCT, "a/b", 4); }
static void e_product_unterminated(uint8_t *b) { memset(b + O_PRODUCT, 'p', BUNDLE_PRODUCT_MAX); }
static void e_boards_empty_name(uint8_t *b) { memcpy(b + O_BOARDS, "a||b", 5); }
static void e_boards_tab(uint8_t *b) { b[O_BOARDS + 2] = '\t'; }
static void e_opt_berth_first(uint8_t *b) { memcpy(b + O_OPTIONS, "berth.slot=b", 13); }
static void e_opt_berth_later(uint8_t *b) { memcpy(b + O_OPTIONS, "quiet berth.root=x", 19); }
static void e_res0(uint8_t *b) { b[O_RESERVED] = 1; }
static void e_res3(uint8_t *b) { b[O_RESERVED + 3] = 0x80; }
static void e_after_format(uint8_t *b) { b[O_FORMAT + 4] = 1; }
static void e_before_version(uint8_t *b) { b[O_VERSION - 1] = 0x40; }

static const struct spoil spoils[] = {
    {"bad magic", e_magic, "bad magic"},
    {"format 0", e_format0, "format 0"},
    {"format 4", e_format4, "format 4"},
    {"format 16777219", e_format_high, "format 16777219"},
    {"version of 32 chars, no NUL", e_ver_unterminated, "version"},
    {"empty version", e_ver_empty, "version"},
    {"version with a space", e_ver_space, "version"},
    {"version with '+' (would read as a boot counter)", e_ver_plus, "version"},
    {"version with '/'", e_ver_slash, "version"},
    {"version starting with '-'", e_ver_dash_first, "version"},
    {"version field with bytes after its NUL", e_ver_after_nul, "version"},
    {"version with a non-ASCII byte", e_ver_high_bit, "version"},
    {"slot a's kernel image size 0", e_kernel0, "slot a's kernel image size 0"},
    {"slot b's kernel image size 0", e_initrd0, "slot b's kernel image size 0"},
    {"root size 0", e_root0, "root image size 0"},
    {"slot a's kernel image size 2^40+1", e_kernel_huge, "kernel image size 1099511627777"},
    {"slot b's kernel image size 2^64-1", e_initrd_huge, "slot b's kernel image size"},
    {"root size 2^63", e_root_huge, "root image size"},
    {"hash offset 0", e_hash0, "hash offset 0"},
    {"hash offset not 4096-aligned", e_hash_odd, "not inside the root"},
    {"hash offset at the root's end", e_hash_end, "hash offset 67108864"},
    {"hash offset past the root", e_hash_past, "hash offset"},
    {"salt length 33", e_salt33, "salt length 33"},
    {"salt length 2^31+32", e_salt_high, "salt length"},
    {"salt byte past the salt length", e_salt_tail, "salt bytes past its length"},
    {"options with a tab", e_opt_tab, "kernel options"},
    {"options with a newline (a second entry line)", e_opt_newline, "kernel options"},
    {"options with DEL", e_opt_del, "kernel options"},
    {"options with a non-ASCII byte", e_opt_8bit, "kernel options"},
    {"options of 192 chars, no NUL", e_opt_unterminated, "kernel options"},
    {"options field with bytes after its NUL", e_opt_after_nul, "kernel options"},
    {"options starting with berth.slot=", e_opt_berth_first, "kernel options"},
    {"options with a later berth.root=", e_opt_berth_later, "kernel options"},
    {"empty architecture", e_arch_empty, "architecture"},
    {"architecture with a space", e_arch_space, "architecture"},
    {"empty product", e_product_empty, "product"},
    {"product with '/'", e_product_slash, "product"},
    {"product of 32 chars, no NUL", e_product_unterminated, "product"},
    {"boards with an empty name", e_boards_empty_name, "boards"},
    {"boards with a tab", e_boards_tab, "boards"},
    {"first reserved byte set", e_res0, "reserved"},
    {"last reserved byte set", e_res3, "reserved"},
    {"byte after the format set", e_after_format, "reserved"},
    {"byte before the version set", e_before_version, "reserved"},
};

static void
test_decode_errors(void)
{
	struct bundle_header h, d;
	uint8_t good[BUNDLE_HEADER_SIZE], buf[BUNDLE_HEADER_SIZE];
	char err[256];

	sample(&h);
	bundle_encode(&h, good);
	for (size_t i = 0; i < N(spoils); i++) {
		memcpy(buf, good, sizeof(buf));
		spoils[i].edit(buf);
		strcpy(err, "");
		int r = bundle_decode(buf, &d, err, sizeof(err));
		CHECK(r < 0 && strstr(err, spoils[i].want), "decode refuses %s: want \"%s\" in \"%s\"",
		      spoils[i].name, spoils[i].want, err);
	}
}

/* Edge values on the good side of each limit. */
static void
test_decode_limits(void)
{
	static const struct {
		const char *name;
		uint64_t root, hashoffset;
		uint32_t salt_len;
		const char *options;
	} ok[] = {
	    {"root 2^40, hash offset 4096", 1ULL << 40, 4096, 32, ""},
	    {"hash offset one block before the end", 8192, 4096, 0, ""},
	    {"options with berth. inside a value", 64ULL << 20, 4096, 1, "x=berth.y root=/berth."},
	    {"options with printable punctuation", 64ULL << 20, 4096, 1, "a=\"b c\" ~!@#$%^&*()"},
	};
	struct bundle_header h, d;
	uint8_t buf[BUNDLE_HEADER_SIZE];
	char err[256];

	for (size_t i = 0; i < N(ok); i++) {
		sample(&h);
		h.size[BP_ROOT] = ok[i].root;
		h.hashoffset = ok[i].hashoffset;
		h.salt_len = ok[i].salt_len;
		strcpy(h.options, ok[i].options);
		bundle_encode(&h, buf);
		strcpy(err, "");
		int r = bundle_decode(buf, &d, err, sizeof(err));
		CHECK(r == 0 && same(&h, &d), "decode accepts %s (%s)", ok[i].name, r ? err : "ok");
	}
}

/* What a bundle is for against what a host is. */
static void
test_compat(void)
{
	static const struct {
		const char *name, *arch, *product, *boards, *board;
		uint32_t format;
		const char *want; /* NULL: accepted; else a part of the error */
	} cases[] = {
	    {"same arch and product, any board", "x86_64", "edge-gw", "", "Some Board", 3, NULL},
	    {"the host's board listed first", "x86_64", "edge-gw", "Standard PC (Q35 + ICH9, 2009)|X",
	     "Standard PC (Q35 + ICH9, 2009)", 3, NULL},
	    {"the host's board listed last", "x86_64", "edge-gw", "X|Y", "Y", 3, NULL},
	    {"another architecture", "aarch64", "edge-gw", "", "", 3,
	     "the bundle is for architecture aarch64, this host is x86_64"},
	    {"another product", "x86_64", "berth", "", "", 3,
	     "the bundle is for product \"berth\", this host is \"edge-gw\""},
	    {"a board not listed", "x86_64", "edge-gw", "X|Y", "Z", 3,
	     "the bundle is for boards \"X|Y\", this host is \"Z\""},
	    {"a prefix of a listed board", "x86_64", "edge-gw", "XY", "X", 3, "boards"},
	    {"boards listed, the host's unknown", "x86_64", "edge-gw", "X", "", 3,
	     "this host is \"(unknown)\""},
	    {"format 1 (names nothing)", "", "", "", "", 1,
	     "does not say which product it is for; this host is \"edge-gw\" (x86_64)"},
	    {"format 2 (no signed kernel images)", "x86_64", "edge-gw", "", "", 2,
	     "the bundle (format 2) carries a kernel and an initramfs, not signed kernel images"},
	};
	struct bundle_host host = {.arch = "x86_64", .product = "edge-gw"};
	struct bundle_header h;
	char err[256];

	for (size_t i = 0; i < N(cases); i++) {
		sample(&h);
		h.format = cases[i].format;
		strcpy(h.arch, cases[i].arch);
		strcpy(h.product, cases[i].product);
		strcpy(h.boards, cases[i].boards);
		host.board = cases[i].board;
		strcpy(err, "");
		int r = bundle_compat_check(&h, &host, err, sizeof(err));
		if (!cases[i].want)
			CHECK(r == 0, "compat: %s accepted (%s)", cases[i].name, err);
		else
			CHECK(r < 0 && strstr(err, cases[i].want), "compat: %s refused: want \"%s\" in \"%s\"",
			      cases[i].name, cases[i].want, err);
	}
	CHECK_STR(bundle_build_arch(), "x86_64", "bundle_build_arch() names this build's machine");
}

/* Flips each bit of a signed header in turn; every copy must be refused.
 * Prints the first accepted offset, if any. */
static void
flip_each_bit(const uint8_t *good, const uint8_t *pk, size_t from, size_t to, const char *what)
{
	uint8_t buf[BUNDLE_HEADER_SIZE];
	char err[256];
	size_t accepted = 0, first = 0, other_key = 0;

	for (size_t bit = from * 8; bit < to * 8; bit++) {
		memcpy(buf, good, sizeof(buf));
		buf[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		if (bundle_verify(buf, pk, err, sizeof(err)) == 0) {
			if (!accepted++)
				first = bit;
		} else if (strstr(err, "another key")) {
			other_key++;
		}
	}
	if (accepted)
		printf("# %zu flips accepted, the first at byte %zu bit %zu\n", accepted, first / 8,
		       first % 8);
	CHECK(accepted == 0, "each of the %zu single-bit flips in the %s is rejected",
	      (to - from) * 8, what);
	if (from <= O_KEYID && to >= O_KEYID + 8)
		CHECK(other_key == 64, "flips in the key id say \"another key\" (%zu of 64)",
		      other_key);
}

static void
test_sign_verify(void)
{
	uint8_t pk[BUNDLE_KEY_SIZE], sk[BUNDLE_SECRET_SIZE], pk2[BUNDLE_KEY_SIZE],
	    sk2[BUNDLE_SECRET_SIZE], id[8], good[BUNDLE_HEADER_SIZE], buf[BUNDLE_HEADER_SIZE];
	struct bundle_header h, h2;
	char err[256] = "";
	int r;

	CHECK(sodium_init() >= 0, "libsodium initialises");
	crypto_sign_keypair(pk, sk);
	crypto_sign_keypair(pk2, sk2);
	sample(&h);
	CHECK(bundle_sign(&h, sk) == 0, "bundle_sign");
	bundle_key_id(pk, id);
	CHECK(!memcmp(h.key_id, id, 8), "bundle_sign sets the key id of its public key");
	bundle_encode(&h, good);
	r = bundle_verify(good, pk, err, sizeof(err));
	CHECK(r == 0, "a signed header verifies with its key (%s)", r ? err : "ok");

	strcpy(err, "");
	r = bundle_verify(good, pk2, err, sizeof(err));
	CHECK(r < 0 && strstr(err, "signed by another key"),
	      "another key refuses it: \"signed by another key\" in \"%s\"", err);

	/* Signed by key 2 while claiming key 1's id: the id check passes and
	 * the signature check must not. */
	sample(&h2);
	bundle_sign(&h2, sk2);
	memcpy(h2.key_id, id, 8);
	bundle_encode(&h2, buf);
	strcpy(err, "");
	r = bundle_verify(buf, pk, err, sizeof(err));
	CHECK(r < 0 && strstr(err, "bad signature"),
	      "another key's signature under this key's id: \"bad signature\" in \"%s\"", err);

	/* A signature copied onto a different header. */
	sample(&h2);
	h2.size[BP_ROOT] += 4096;
	memcpy(h2.key_id, h.key_id, 8);
	memcpy(h2.signature, h.signature, BUNDLE_SIG_SIZE);
	bundle_encode(&h2, buf);
	CHECK(bundle_verify(buf, pk, err, sizeof(err)) < 0,
	      "a signature moved to another header is refused");

	flip_each_bit(good, pk, 0, BUNDLE_SIGNED_SIZE, "448 signed bytes");
	flip_each_bit(good, pk, BUNDLE_SIGNED_SIZE, BUNDLE_HEADER_SIZE, "64 signature bytes");
}

static void
test_total(void)
{
	struct bundle_header h;

	memset(&h, 0, sizeof(h));
	h.size[0] = 1, h.size[1] = 2, h.size[2] = 3;
	CHECK(bundle_total(&h) == BUNDLE_HEADER_SIZE + 6, "bundle_total: header plus payloads");
	h.size[0] = UINT64_MAX - BUNDLE_HEADER_SIZE, h.size[1] = h.size[2] = 0;
	CHECK(bundle_total(&h) == UINT64_MAX, "bundle_total: exactly 2^64-1 is not an overflow");
	h.size[0] = UINT64_MAX - BUNDLE_HEADER_SIZE + 1;
	CHECK(bundle_total(&h) == 0, "bundle_total: one past 2^64-1 is an overflow (0)");
	h.size[0] = 1ULL << 62, h.size[1] = 1ULL << 62, h.size[2] = 1ULL << 63;
	CHECK(bundle_total(&h) == 0, "bundle_total: overflow in the last addition (0)");
	h.size[0] = h.size[1] = h.size[2] = UINT64_MAX;
	CHECK(bundle_total(&h) == 0, "bundle_total: three 2^64-1 sizes (0)");
}

static int
sign(int v)
{
	return (v > 0) - (v < 0);
}

static void
test_vercmp(void)
{
	static const struct {
		const char *a, *b;
		int want;
	} cases[] = {
	    {"1.0", "1.0.1", -1},
	    {"1.0.1", "1.1", -1},
	    {"1.1", "1.10", -1},
	    {"1.0", "1.10", -1},
	    {"1.9", "1.10", -1},
	    {"0.9", "0.10", -1},
	    {"0.10", "1.0", -1},
	    {"1.0~rc1", "1.0", -1},
	    {"1.0~rc1", "1.0~rc2", -1},
	    {"1.0~rc2", "1.0~rc10", -1},
	    {"1.0~~", "1.0~", -1},
	    {"1.0~", "1.0", -1},
	    {"0.9", "1.0~rc1", -1},
	    {"1.0", "1.0a", -1},
	    {"1.0a", "1.0b", -1},
	    {"1.0rc", "1.0rca", -1},
	    {"1.a", "1.1", -1},
	    {"1.z", "1.0", -1},
	    {"A", "a", -1},
	    {"1.0", "1.0.0", -1},
	    {"1.01", "1.1", 0},
	    {"1.007", "1.7", 0},
	    {"1.000", "1.0", 0},
	    {"1.2.3", "1.2.3", 0},
	    {"1.0-rc1", "1.0.rc1", 0},
	    {"1_0", "1.0", 0},
	    {"1.99999999999999999999", "1.100000000000000000000", -1},
	    {"18446744073709551616", "18446744073709551617", -1},
	    {"2", "10", -1},
	};

	for (size_t i = 0; i < N(cases); i++) {
		int ab = sign(bundle_vercmp(cases[i].a, cases[i].b));
		int ba = sign(bundle_vercmp(cases[i].b, cases[i].a));
		CHECK(ab == cases[i].want && ba == -cases[i].want, "vercmp(%s, %s) = %d, and %d swapped",
		      cases[i].a, cases[i].b, cases[i].want, -cases[i].want);
	}
	CHECK(bundle_vercmp("1.0", "1.0") == 0, "vercmp of a version with itself is 0");
}

static void
test_version_ok(void)
{
	static const struct {
		const char *s;
		bool ok;
	} cases[] = {
	    {"1", true},	      {"0.2.0", true},	      {"1.0-rc1", true},
	    {"1.0~rc1", true},	      {"a", true},	      {"2026_11_22", true},
	    {"Z9", true},	      {"", false},	      {".1", false},
	    {"-1", false},	      {"~1", false},	      {"_1", false},
	    {"1 0", false},	      {"1/0", false},	      {"1+2", false},
	    {"1;0", false},	      {"1:0", false},	      {"\xc3\xa9", false},
	    {"1234567890123456789012345678901", true},
	    {"12345678901234567890123456789012", false},
	};

	for (size_t i = 0; i < N(cases); i++)
		CHECK(bundle_version_ok(cases[i].s) == cases[i].ok, "version_ok(\"%s\") is %s",
		      cases[i].s, cases[i].ok ? "true" : "false");
}

/* Writes text to a fresh temporary file; returns its path (static). */
static const char *
key_file(const char *text)
{
	static char path[64];
	int fd;

	strcpy(path, "/tmp/berth-unit-key-XXXXXX");
	fd = mkstemp(path);
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
		perror("key file");
		exit(1);
	}
	close(fd);
	return path;
}

static void
test_read_key(void)
{
#define HEX32 "00112233445566778899aabbccddeeff0123456789abcdefFEDCBA9876543210"
	static const uint8_t want[32] = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
					 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff,
					 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef,
					 0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54, 0x32, 0x10};
	static const struct {
		const char *name, *text;
		bool ok;
	} cases[] = {
	    {"64 hex digits", HEX32, true},
	    {"64 hex digits and a newline", HEX32 "\n", true},
	    {"64 hex digits and two newlines", HEX32 "\n\n", true},
	    {"62 hex digits", "00112233445566778899aabbccddeeff0123456789abcdefFEDCBA98765432",
	     false},
	    {"66 hex digits", HEX32 "00", false},
	    {"a non-hex digit", "0g112233445566778899aabbccddeeff0123456789abcdefFEDCBA9876543210",
	     false},
	    {"a colon in the middle",
	     "00112233445566778899aabbccddeeff:123456789abcdefFEDCBA9876543210", false},
	    {"a newline in the middle",
	     "00112233445566778899aabbccddeeff\n0123456789abcdefFEDCBA9876543210", false},
	    {"empty", "", false},
	};
	uint8_t key[32];
	char err[256];

	for (size_t i = 0; i < N(cases); i++) {
		const char *path = key_file(cases[i].text);
		memset(key, 0, sizeof(key));
		strcpy(err, "");
		int r = bundle_read_key(path, key, sizeof(key), err, sizeof(err));
		if (cases[i].ok)
			CHECK(r == 0 && !memcmp(key, want, 32), "read_key: %s (%s)", cases[i].name,
			      r ? err : "ok");
		else
			CHECK(r < 0 && strstr(err, path) && strstr(err, "64 hex digits"),
			      "read_key refuses %s: \"%s\"", cases[i].name, err);
		unlink(path);
	}
	strcpy(err, "");
	CHECK(bundle_read_key("/nonexistent/update.pub", key, 32, err, sizeof(err)) < 0 &&
		      strstr(err, "/nonexistent/update.pub: No such file"),
	      "read_key of a missing file names it: \"%s\"", err);

	/* A libsodium secret key in its 128-digit form, as make keys writes it. */
	uint8_t pk[32], sk[64], got[64];
	char hex[129];
	crypto_sign_keypair(pk, sk);
	bundle_hex(sk, 64, hex);
	const char *path = key_file(hex);
	int r = bundle_read_key(path, got, 64, err, sizeof(err));
	CHECK(r == 0 && !memcmp(got, sk, 64), "read_key: a 64-byte secret key from bundle_hex");
	unlink(path);
}

int
main(void)
{
	test_round_trip();
	test_decode_errors();
	test_decode_limits();
	test_compat();
	test_sign_verify();
	test_total();
	test_vercmp();
	test_version_ok();
	test_read_key();
	CHECK_EXIT();
}
