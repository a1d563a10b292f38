/* SPDX-License-Identifier: MIT */
/* The host's content-addressed image store: verified blobs, references,
 * unpacked trees, each made complete in tmp/ and renamed into place. */
#ifndef BERTH_REGISTRY_STORE_H
#define BERTH_REGISTRY_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "registry/client.h"
#include "registry/ref.h"

#define STORE_DEFAULT "/var/lib/berth/images"

/*
 * DIR/lock               flock'd by whoever changes the store
 * DIR/blobs/sha256/HEX   complete blobs whose sha256 is HEX (manifests too)
 * DIR/tmp/               partial downloads (HEX.part) and trees being unpacked
 * DIR/refs/KEY           one reference: its manifest digests, size, time
 * DIR/unpacked/HEX/      rootfs/, config, tree.sha256 of image manifest HEX
 */
struct store {
	char *dir;
	int fd;	     /* DIR, O_PATH */
	int lock_fd; /* DIR/lock, flock'd exclusively */
	char err[REG_ERR_MAX];
};

struct store_ref {
	char reference[REGISTRY_REF_MAX];    /* canonical (registry_ref_format) */
	char top[IMAGE_DIGEST_LEN + 1];	     /* what the reference names */
	char manifest[IMAGE_DIGEST_LEN + 1]; /* the linux/amd64 image manifest */
	uint64_t size;			     /* config and layers, compressed */
	char pulled[32];		     /* UTC, ISO 8601 */
};

/* How a command holds the store: pulls, rm and prune change it, one at a
 * time; verify reads trees prune could remove; ls reads references only,
 * which are replaced atomically, and need not wait for a long pull. */
enum store_lock { STORE_NO_LOCK, STORE_SHARED, STORE_EXCLUSIVE };

/* Opens DIR (made when missing, with its folders) and locks it. */
int store_open(struct store *s, const char *dir, enum store_lock lock);
void store_close(struct store *s);

/* "DIR/blobs/sha256/HEX" and the like into buf; -1 when too long. */
int store_path(const struct store *s, char *buf, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
bool store_has(const struct store *s, const char *rel);
/* Writes len bytes as blob HEX (their sha256), atomically and durably. */
int store_put_blob(struct store *s, const char *hex, const void *buf, size_t len);

/* The file name of a reference: '/' becomes '+', which no reference has. */
void store_ref_key(const char *reference, char *key, size_t len);
int store_ref_write(struct store *s, const struct store_ref *r);
/* r as a JSON object: reference, digest, manifest, size, pulled. */
struct json;
void store_ref_json(struct json *j, const struct store_ref *r);
/* Every reference, sorted by name; *v is the caller's to free. */
int store_ref_list(struct store *s, struct store_ref **v, size_t *n);
/* Removes the references named by reference (canonical) or by digest (a
 * top or manifest digest, "sha256:" optional, at least 12 hex digits).
 * Returns how many, or -1. */
int store_ref_remove(struct store *s, const char *reference, const char *digest);

/* Removes the blobs and unpacked trees no reference needs, and tmp/.
 * *freed counts the blobs and trees removed. */
int store_prune(struct store *s, unsigned *freed);

/* rm -rf of name below at, never following a symlink. */
int store_rm_rf(int at, const char *name);
/* Sets s->err to "store DIR: WHAT: strerror", naming a full disk plainly. */
int store_errno(struct store *s, const char *what);

#endif
