/* SPDX-License-Identifier: MIT */
/* bundle.h: the update bundle's signed header (docs/update.md).
 *
 * A bundle is a 512-byte header, then three payloads back to back: in
 * format 3 slot a's and slot b's signed unified kernel image (each holds
 * kernel, initramfs and that slot's command line, signed for Secure Boot)
 * and the root image (erofs + verity tree); in formats 1 and 2 a kernel,
 * an initramfs and the root image. The header's first 448 bytes are signed
 * with Ed25519; the signature fills the last 64. Every integer is
 * little-endian. Format 2 adds what the bundle is for (architecture,
 * product, boards) in the tail of format 1's options field, which format 2
 * shortens; format 3 has format 2's header. Formats 1 and 2 are still
 * read, and refused by the compatibility check (format 1 names nothing,
 * format 2 carries no signed kernel image). Nothing here touches a disk:
 * the parse and the checks are pure, so that the unit tests cover them. */
#ifndef BERTH_BUNDLE_H
#define BERTH_BUNDLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BUNDLE_MAGIC "BERTHUPD"
#define BUNDLE_FORMAT 3	 /* what mkbundle writes */
#define BUNDLE_FORMAT_V2 2 /* still read: kernel and initramfs, no signed kernel image */
#define BUNDLE_FORMAT_V1 1 /* still read (and made with mkbundle -1) */
#define BUNDLE_HEADER_SIZE 512
#define BUNDLE_SIGNED_SIZE 448 /* bytes the signature covers */
#define BUNDLE_VERSION_MAX 32  /* with its NUL */
#define BUNDLE_OPTIONS_MAX 192 /* with its NUL; format 1 */
#define BUNDLE_OPTIONS2_MAX 112 /* with its NUL; format 2 */
#define BUNDLE_ARCH_MAX 16
#define BUNDLE_PRODUCT_MAX 32
#define BUNDLE_BOARDS_MAX 32
#define BUNDLE_SALT_MAX 32
#define BUNDLE_KEY_SIZE 32    /* Ed25519 public key */
#define BUNDLE_SECRET_SIZE 64 /* Ed25519 secret key (libsodium's form) */
#define BUNDLE_SIG_SIZE 64

/* The payloads in their order. Formats 1 and 2 had the kernel and the
 * initramfs where format 3 has the two kernel images. */
enum bundle_part { BP_UKI_A, BP_UKI_B, BP_ROOT, BP_NPARTS };

struct bundle_header {
	uint32_t format;
	char version[BUNDLE_VERSION_MAX];    /* the OS version it installs */
	uint8_t key_id[8];		     /* first bytes of SHA-256(public key) */
	uint64_t size[BP_NPARTS];	     /* payload sizes, in this order */
	uint8_t sha256[BP_NPARTS][32];	     /* and their SHA-256 */
	uint64_t hashoffset;		     /* where the verity tree starts in root */
	uint8_t roothash[32];		     /* verity root hash (sha256) */
	uint8_t salt[BUNDLE_SALT_MAX];	     /* verity salt */
	uint32_t salt_len;		     /* 0: no salt */
	char options[BUNDLE_OPTIONS_MAX];    /* kernel command line, less berth.* slot keys */
	/* Format 2: what the bundle is for; "" in format 1. */
	char arch[BUNDLE_ARCH_MAX];	  /* uname machine: x86_64 */
	char product[BUNDLE_PRODUCT_MAX]; /* the manifest's update.product */
	char boards[BUNDLE_BOARDS_MAX];	  /* '|'-separated DMI product names; "": any */
	uint8_t signature[BUNDLE_SIG_SIZE];
};

/* What a host is, for bundle_compat_check. */
struct bundle_host {
	const char *arch;    /* uname machine */
	const char *product; /* BERTH_PRODUCT of os-release */
	const char *board;   /* DMI product name; "" when unknown */
};

/* A payload's name in messages, as h's format has it. */
const char *bundle_part_name(const struct bundle_header *h, enum bundle_part p);

/* The payload that holds slot's kernel image (format 3). */
static inline enum bundle_part
bundle_uki_part(char slot)
{
	return slot == 'a' ? BP_UKI_A : BP_UKI_B;
}

/* Encodes h (signature included as it is) into buf. */
void bundle_encode(const struct bundle_header *h, uint8_t buf[BUNDLE_HEADER_SIZE]);

/* Decodes and checks the form of a header (magic, format, strings
 * terminated and of allowed characters, sizes, hash offset inside the root).
 * Does not check the signature. Returns 0, or -1 with why in err. */
int bundle_decode(const uint8_t buf[BUNDLE_HEADER_SIZE], struct bundle_header *h, char *err,
		  size_t errlen);

/* The key id of a public key. */
void bundle_key_id(const uint8_t pub[BUNDLE_KEY_SIZE], uint8_t id[8]);

/* Signs the header's first BUNDLE_SIGNED_SIZE bytes into h->signature (and
 * sets h->key_id) with a libsodium Ed25519 secret key. 0 or -1. */
int bundle_sign(struct bundle_header *h, const uint8_t sk[BUNDLE_SECRET_SIZE]);

/* Checks buf's signature with pub. 0 when good; -1 with why in err (signed
 * by another key, or a bad signature). */
int bundle_verify(const uint8_t buf[BUNDLE_HEADER_SIZE], const uint8_t pub[BUNDLE_KEY_SIZE],
		  char *err, size_t errlen);

/* Whether a bundle is for this host: its architecture and product equal
 * the host's, and its board list (when not empty) names the host's board.
 * 0, or -1 with both values in err. Format 1 names nothing: refused. */
int bundle_compat_check(const struct bundle_header *h, const struct bundle_host *host,
			char *err, size_t errlen);

/* The architecture berth was built for, as uname(2) names it. */
const char *bundle_build_arch(void);

/* Total bundle size: header and payloads; 0 on overflow. */
uint64_t bundle_total(const struct bundle_header *h);

/* Orders two OS versions as systemd-boot does for dotted numbers:
 * negative, 0 or positive. */
int bundle_vercmp(const char *a, const char *b);

/* Whether s is a valid OS version: 1-31 chars of [0-9A-Za-z.~_-], starting
 * with an alphanumeric. */
bool bundle_version_ok(const char *s);

/* Reads a key file: hex digits of n bytes, optional trailing newline. */
int bundle_read_key(const char *path, uint8_t *key, size_t n, char *err, size_t errlen);

/* Hex of n bytes into out (2n+1). */
void bundle_hex(const uint8_t *b, size_t n, char *out);

#endif
