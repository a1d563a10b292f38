/* SPDX-License-Identifier: MIT */
/* berthctl update apply [--allow-downgrade] [--reboot] FILE|-
 *
 * Installs a signed bundle into the slot that is not running, in an order
 * that a power cut at any moment survives (docs/update.md):
 *   1. the header's signature, then every payload's SHA-256, are checked
 *      before anything is written (a bundle from a pipe is kept in an
 *      unlinked file on the data partition for this), and the target
 *      slot's kernel image carries a signature and the command line the
 *      header says (lib/update/uki.h);
 *   2. the other slot's loader entries and kernels are removed;
 *   3. the root image is written into the other slot's partition (hashed
 *      again on the way unless nobody but root can have changed the
 *      bundle since step 1: see same_bytes), and fsynced;
 *   4. the slot's signed kernel image goes to the ESP (temporary file,
 *      fsync, rename);
 *   5. the new entry berth-<version>-<slot>+<tries>.conf is written.
 * Until 5 no entry points at the other slot, so the running system stays
 * the default; after 5 the new one is tried on the next boot. */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <nettle/sha2.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "update/bundle.h"
#include "ctl.h"
#include "update/esp.h"
#include "base/io.h"
#include "manifest/manifest.h"
#include "update/paths.h"
#include "update/slots.h"
#include "update/uki.h"
#include "update.h"

#define CHUNK (1 << 20)

struct apply {
	struct slots s;
	struct bundle_header h;
	char target;	   /* the slot written */
	int in;		   /* the bundle, at its first payload byte */
	int src;	   /* payloads for the write pass: in, or the spool */
	off_t src_off;	   /* where the kernel starts in src */
	bool rehash;	   /* hash again while writing: see same_bytes */
	struct stat in_st; /* the input before pass 1 */
	uint8_t *buf;	   /* CHUNK bytes */
	uint8_t *uki_head; /* the first UKI_HEAD_MAX bytes of the target's kernel image */
	size_t uki_len;
	uint64_t done, total; /* progress over both passes */
	int last_pct;
	bool allow_downgrade, reboot;
	char err[512];
};

static int
failed(const char *what, const char *why)
{
	fprintf(stderr, "berthctl: update: %s: %s\n", what, why);
	return EXIT_INVALID;
}

static int
sys_failed(const char *what)
{
	fprintf(stderr, "berthctl: update: %s: %s\n", what, strerror(errno));
	return EXIT_SYSTEM;
}

static void
progress(struct apply *a, uint64_t n, const char *phase)
{
	int pct;

	a->done += n;
	pct = a->total ? (int)(a->done * 100 / a->total) : 100;
	if (pct / 10 == a->last_pct / 10 && pct != 100)
		return;
	if (pct == a->last_pct)
		return;
	a->last_pct = pct;
	fprintf(stderr, "berthctl: update: %3d%% %s\n", pct, phase);
}

/* Reads exactly n bytes; 0, or -1 (errno 0 at EOF). */
static int
read_full(int fd, void *buf, size_t n)
{
	ssize_t r = io_read_full(fd, buf, n);

	if (r >= 0 && (size_t)r < n)
		errno = 0;
	return r >= 0 && (size_t)r == n ? 0 : -1;
}

static int
parse_args(int argc, char **argv, struct apply *a, const char **file)
{
	*file = NULL;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--allow-downgrade"))
			a->allow_downgrade = true;
		else if (!strcmp(argv[i], "--reboot"))
			a->reboot = true;
		else if (argv[i][0] == '-' && argv[i][1])
			return ctl_usage_error("update apply: unknown option \"%s\"", argv[i]);
		else if (*file)
			return ctl_usage_error("update apply: one bundle at a time");
		else
			*file = argv[i];
	}
	if (!*file)
		return ctl_usage_error("update apply: no bundle given (a file, or - for stdin)");
	return 0;
}

/* One apply at a time: a lock held until the process exits. */
static int
take_lock(struct apply *a)
{
	char path[PATH_MAX + 16];
	int fd;

	if (io_mkdir_p(a->s.state, 0700) < 0)
		return sys_failed(a->s.state);
	snprintf(path, sizeof(path), "%s/apply.lock", a->s.state);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return sys_failed(path);
	if (flock(fd, LOCK_EX | LOCK_NB) < 0)
		return errno == EWOULDBLOCK
			       ? failed("refused", "another update is being applied right now")
			       : sys_failed(path);
	return 0; /* fd stays open: the lock lives as long as we do */
}

/* The booted entry must be confirmed: the other slot is its fallback. */
static int
check_entries(struct apply *a)
{
	struct esp_entry v[ESP_MAX_ENTRIES];
	const struct esp_entry *cur;
	int n = esp_scan(a->s.esp, v, ESP_MAX_ENTRIES, a->err, sizeof(a->err));

	if (n < 0)
		return failed("reading the loader entries", a->err);
	cur = esp_slot_entry(v, n, a->s.booted);
	if (!cur)
		return failed("refused", "the booted slot has no loader entry on the ESP");
	if (cur->counted) {
		snprintf(a->err, sizeof(a->err),
			 "this boot (berth %s, slot %c) is on trial and not confirmed yet; its "
			 "fallback is the other slot, which an update would overwrite",
			 cur->version, cur->slot);
		return failed("refused", a->err);
	}
	return 0;
}

/* Header: signature first, then form, then whether this host takes it. */
/* Whether the bundle is for this host's architecture, product and board,
 * before anything is written. */
static int
check_compat(struct apply *a)
{
	struct utsname u;
	struct bundle_host host = {.product = a->s.product, .board = a->s.board};

	if (uname(&u) < 0)
		return io_errf(a->err, sizeof(a->err), "uname: %s", strerror(errno));
	host.arch = u.machine;
	return bundle_compat_check(&a->h, &host, a->err, sizeof(a->err));
}

static int
read_header(struct apply *a)
{
	uint8_t raw[BUNDLE_HEADER_SIZE], pub[BUNDLE_KEY_SIZE];

	if (bundle_read_key(a->s.pubkey, pub, sizeof(pub), a->err, sizeof(a->err)) < 0)
		return failed("no update key in this image", a->err);
	if (read_full(a->in, raw, sizeof(raw)) < 0)
		return errno ? sys_failed("reading the bundle")
			     : failed("bundle", "shorter than its header");
	if (bundle_verify(raw, pub, a->err, sizeof(a->err)) < 0)
		return failed("bundle rejected", a->err);
	if (bundle_decode(raw, &a->h, a->err, sizeof(a->err)) < 0)
		return failed("bundle rejected", a->err);
	if (check_compat(a) < 0)
		return failed("refused", a->err);
	if (bundle_vercmp(a->h.version, a->s.version) < 0 && !a->allow_downgrade) {
		snprintf(a->err, sizeof(a->err),
			 "berth %s is older than the running %s (--allow-downgrade installs it)",
			 a->h.version, a->s.version);
		return failed("refused", a->err);
	}
	return 0;
}

/* The root image must fit the other slot's partition. */
static int
check_target(struct apply *a)
{
	const char *dev = a->s.dev[a->target - 'a'];
	uint64_t size = 0;
	struct stat st;
	int fd = open(dev, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &st) < 0)
		return sys_failed(dev);
	if (S_ISBLK(st.st_mode) && ioctl(fd, BLKGETSIZE64, &size) < 0)
		size = 0;
	if (!S_ISBLK(st.st_mode))
		size = (uint64_t)st.st_size;
	close(fd);
	if (a->h.size[BP_ROOT] > size) {
		snprintf(a->err, sizeof(a->err), "the root image (%llu bytes) is larger than %s "
						 "(%llu bytes)",
			 (unsigned long long)a->h.size[BP_ROOT], dev, (unsigned long long)size);
		return failed("refused", a->err);
	}
	return 0;
}

/* The command line the target slot's kernel image must hold: the bundle's
 * options, then the slot keys from the signed header, as image/mkimage
 * writes them (docs/boot-contract.md). */
static void
expected_cmdline(const struct apply *a, char *out, size_t len)
{
	char hash[65], salt[2 * BUNDLE_SALT_MAX + 1];

	bundle_hex(a->h.roothash, 32, hash);
	bundle_hex(a->h.salt, a->h.salt_len, salt);
	snprintf(out, len, "%s%sberth.slot=%c berth.roothash=%s berth.hashoffset=%llu berth.salt=%s",
		 a->h.options, a->h.options[0] ? " " : "", a->target, hash,
		 (unsigned long long)a->h.hashoffset, a->h.salt_len ? salt : "-");
}

/* The target's kernel image, once its hash matched: a signature, and the
 * command line of this slot and root. The firmware checks the signature
 * itself at boot; this refuses what would surely fail before anything is
 * written. */
static int
check_uki(struct apply *a)
{
	char want[1024], why[400];
	enum bundle_part p = bundle_uki_part(a->target);

	expected_cmdline(a, want, sizeof(want));
	if (uki_check(a->uki_head, a->uki_len, a->h.size[p], want, why, sizeof(why)) == 0)
		return 0;
	snprintf(a->err, sizeof(a->err), "%s: %s", bundle_part_name(&a->h, p), why);
	return failed("bundle rejected", a->err);
}

/* Keeps the first bytes of the target slot's kernel image for check_uki. */
static void
keep_head(struct apply *a, int part, const uint8_t *buf, size_t n)
{
	if (part != (int)bundle_uki_part(a->target) || a->uki_len >= UKI_HEAD_MAX)
		return;
	if (n > UKI_HEAD_MAX - a->uki_len)
		n = UKI_HEAD_MAX - a->uki_len;
	memcpy(a->uki_head + a->uki_len, buf, n);
	a->uki_len += n;
}

/* Pass 1: reads every payload, checks its hash, and keeps a copy in spool
 * (an unlinked file on the data partition) when the input cannot seek. */
static int
verify_payloads(struct apply *a, int spool)
{
	for (int i = 0; i < BP_NPARTS; i++) {
		struct sha256_ctx st;
		uint8_t d[32];

		sha256_init(&st);
		for (uint64_t left = a->h.size[i]; left;) {
			size_t n = left < CHUNK ? (size_t)left : CHUNK;
			if (read_full(a->in, a->buf, n) < 0)
				return errno ? sys_failed("reading the bundle")
					     : failed("bundle rejected", "it ends early");
			if (spool >= 0 && io_write_all(spool, a->buf, n) < 0)
				return sys_failed("keeping the bundle on /var");
			sha256_update(&st, n, a->buf);
			keep_head(a, i, a->buf, n);
			left -= n;
			progress(a, n, "verified");
		}
		sha256_digest(&st, sizeof d, d);
		if (memcmp(d, a->h.sha256[i], 32) != 0) {
			snprintf(a->err, sizeof(a->err),
				 "the %s's SHA-256 is not the one the header was signed with",
				 bundle_part_name(&a->h, i));
			return failed("bundle rejected", a->err);
		}
	}
	return check_uki(a);
}

/* Whether the write pass may trust that the input still holds the bytes
 * pass 1 hashed, and skip hashing them again (the costlier half of an
 * apply where the CPU is slow: docs/update.md, Performance): a file or
 * device that only root may write (root can write the slots anyway), and
 * for a regular file only while its size and change time stay as they
 * were (checked again once written, in unchanged). Anything else is
 * hashed again. The spool (open_source) is trusted as it is: an unlinked
 * file only this process holds. */
static bool
same_bytes(const struct stat *st)
{
	if (!S_ISREG(st->st_mode) && !S_ISBLK(st->st_mode))
		return false;
	return st->st_uid == 0 && !(st->st_mode & (S_IWGRP | S_IWOTH));
}

/* Sets up src for the write pass: the input itself when it can seek back,
 * else a spool that pass 1 fills. */
static int
open_source(struct apply *a, int *spool)
{
	off_t here = lseek(a->in, 0, SEEK_CUR);

	*spool = -1;
	if (here >= 0) {
		if (fstat(a->in, &a->in_st) < 0)
			return sys_failed("the bundle");
		a->src = a->in;
		a->src_off = here;
		a->rehash = !same_bytes(&a->in_st);
		return 0;
	}
	*spool = open(a->s.state, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (*spool < 0)
		return sys_failed("a spool file for the bundle in the update state directory");
	a->src = *spool;
	a->src_off = 0;
	a->rehash = false;
	return 0;
}

/* A regular file trusted by same_bytes must not have been written since
 * pass 1 began: its change time moves with every write. */
static int
unchanged(const struct apply *a)
{
	struct stat st;

	if (a->rehash || a->src != a->in || !S_ISREG(a->in_st.st_mode))
		return 0;
	if (fstat(a->in, &st) < 0)
		return sys_failed("the bundle");
	if (st.st_size == a->in_st.st_size && st.st_ctim.tv_sec == a->in_st.st_ctim.tv_sec &&
	    st.st_ctim.tv_nsec == a->in_st.st_ctim.tv_nsec)
		return 0;
	return failed("bundle", "it changed while it was being applied");
}

/* Copies part i from src (at its offset) to out, hashing it again when
 * a->rehash: what is written must be what was verified. */
static int
copy_part(struct apply *a, int i, off_t at, int out, const char *dest)
{
	struct sha256_ctx st;
	uint8_t d[32];
	off_t off = at;

	sha256_init(&st);
	for (uint64_t left = a->h.size[i]; left;) {
		size_t n = left < CHUNK ? (size_t)left : CHUNK;
		ssize_t r = pread(a->src, a->buf, n, off);
		if (r <= 0)
			return r < 0 ? sys_failed("reading the bundle again")
				     : failed("bundle", "it got shorter while being applied");
		if (io_write_all(out, a->buf, (size_t)r) < 0)
			return sys_failed(dest);
		if (a->rehash)
			sha256_update(&st, (size_t)r, a->buf);
		left -= (uint64_t)r;
		off += r;
		progress(a, (uint64_t)r, "written");
	}
	if (fsync(out) < 0)
		return sys_failed(dest);
	if (!a->rehash)
		return unchanged(a);
	sha256_digest(&st, sizeof d, d);
	if (memcmp(d, a->h.sha256[i], 32) != 0)
		return failed(dest, "the bundle changed while it was being applied");
	return 0;
}

static off_t
part_offset(const struct apply *a, int i)
{
	off_t off = a->src_off;

	for (int j = 0; j < i; j++)
		off += (off_t)a->h.size[j];
	return off;
}

static int
write_root(struct apply *a)
{
	const char *dev = a->s.dev[a->target - 'a'];
	int fd = open(dev, O_WRONLY | O_CLOEXEC), r;

	if (fd < 0)
		return sys_failed(dev);
	r = copy_part(a, BP_ROOT, part_offset(a, BP_ROOT), fd, dev);
	if (close(fd) < 0 && !r)
		return sys_failed(dev);
	return r;
}

/* A payload into /berth/<version>-<slot>/NAME on the ESP. */
static int
write_boot_file(struct apply *a, int i, const char *dir, const char *name)
{
	char tmp[PATH_MAX + 128], path[PATH_MAX + 128];
	int fd, r;

	snprintf(tmp, sizeof(tmp), "%s/%s.tmp", dir, name);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return sys_failed(tmp);
	r = copy_part(a, i, part_offset(a, i), fd, tmp);
	if (close(fd) < 0 && !r)
		r = sys_failed(tmp);
	if (!r && esp_rename_synced(tmp, path) < 0)
		r = sys_failed(path);
	if (r)
		unlink(tmp);
	return r;
}

static int
write_boot_files(struct apply *a)
{
	char dir[PATH_MAX + 64];

	snprintf(dir, sizeof(dir), "%s/berth/%s-%c", a->s.esp, a->h.version, a->target);
	if (io_mkdir_p(dir, 0700) < 0)
		return sys_failed(dir);
	/* The bundle has one image per slot: each names its slot on its
	 * signed command line. The other slot's is verified, never written. */
	if (write_boot_file(a, bundle_uki_part(a->target), dir, "berth.efi"))
		return EXIT_SYSTEM;
	if (esp_sync_dir(dir) < 0)
		return sys_failed(dir);
	return 0;
}

/* How many boots the new version gets: update.tries of the manifest in
 * force (its default when the manifest cannot be read). */
static unsigned
tries(void)
{
	struct manifest m;
	struct diag d;
	unsigned t = 3;

	if (manifest_parse_file(manifest_default_path(), &m, &d) == 0 && m.update.tries)
		t = m.update.tries;
	manifest_free(&m);
	diag_free(&d);
	return t;
}

static int
write_entry(struct apply *a)
{
	struct esp_entry v[ESP_MAX_ENTRIES], e = {.slot = a->target, .counted = true};
	int n = esp_scan(a->s.esp, v, ESP_MAX_ENTRIES, a->err, sizeof(a->err));

	if (n < 0)
		return failed("reading the loader entries", a->err);
	for (int i = 0; i < n; i++)
		if (v[i].gen >= e.gen)
			e.gen = v[i].gen + 1;
	e.left = tries();
	snprintf(e.version, sizeof(e.version), "%s", a->h.version);
	snprintf(e.file, sizeof(e.file), "berth-%s-%c+%u.conf", e.version, e.slot, e.left);
	if (esp_write_entry(a->s.esp, &e, a->err, sizeof(a->err)) < 0)
		return failed("writing the loader entry", a->err);
	fprintf(stderr, "berthctl: update: berth %s is in slot %c; the next boot tries it "
			"(%u tries, then the running berth %s boots again)\n",
		e.version, e.slot, e.left, a->s.version);
	return 0;
}

/* What update status reports about the last apply. */
static void
record(struct apply *a)
{
	char text[256];

	snprintf(text, sizeof(text), "%s %c %s %lld", a->h.version, a->target, a->s.version,
		 (long long)time(NULL));
	slots_clear_state(&a->s, "trial-failure");
	if (slots_write_state(&a->s, "last-apply", text) < 0)
		fprintf(stderr, "berthctl: update: warning: recording the update in %s: %s\n",
			a->s.state, strerror(errno));
}

/* The writes, in the order that keeps a power cut safe: the old entries of
 * the target slot go first, its new entry last. */
static int
write_slot(struct apply *a)
{
	int r;

	if (esp_remove_slot(a->s.esp, a->target, a->err, sizeof(a->err)) < 0)
		return failed("removing the other slot's entries", a->err);
	if ((r = write_root(a)) || (r = write_boot_files(a)) || (r = write_entry(a)))
		return r;
	return 0;
}

static int
install(struct apply *a)
{
	int r, spool;

	if ((r = check_target(a)) || (r = open_source(a, &spool)))
		return r;
	/* Every payload is read once to verify it; the root and the target
	 * slot's kernel image are written. */
	for (int i = 0; i < BP_NPARTS; i++)
		a->total += a->h.size[i];
	a->total += a->h.size[BP_ROOT] + a->h.size[bundle_uki_part(a->target)];
	if (!a->rehash)
		fprintf(stderr, "berthctl: update: only root can change %s: its payloads are "
				"hashed once, and written as read\n",
			a->src == a->in ? "the bundle" : "the bundle's copy on /var");
	if ((r = verify_payloads(a, spool)))
		return r;
	if (slots_esp_writable(&a->s, true, a->err, sizeof(a->err)) < 0)
		return failed("making the ESP writable", a->err);
	r = write_slot(a);
	if (slots_esp_writable(&a->s, false, a->err, sizeof(a->err)) < 0)
		fprintf(stderr, "berthctl: update: warning: %s\n", a->err);
	if (!r)
		record(a);
	return r;
}

static int
reboot_now(void)
{
	struct ctl_opts o = {.socket = CONTROL_SOCKET};
	struct control_reply r;
	int rc = ctl_call(&o, "reboot", &r);

	if (rc == 0) {
		printf("%s\n", r.body);
		control_reply_free(&r);
	}
	return rc;
}

int
update_apply(int argc, char **argv)
{
	struct apply a = {.in = -1, .last_pct = -1};
	const char *file;
	int r;

	if ((r = parse_args(argc, argv, &a, &file)))
		return r;
	if (slots_open(&a.s, a.err, sizeof(a.err)) < 0)
		return failed("finding the slots", a.err);
	a.target = slots_other(a.s.booted);
	if ((r = take_lock(&a)) || (r = check_entries(&a)))
		return r;
	a.in = strcmp(file, "-") ? open(file, O_RDONLY | O_CLOEXEC) : 0;
	if (a.in < 0)
		return sys_failed(file);
	if (sodium_init() < 0 || !(a.buf = malloc(CHUNK)) || !(a.uki_head = malloc(UKI_HEAD_MAX)))
		return failed("setup", "out of memory or libsodium failed");
	r = read_header(&a);
	if (!r)
		r = install(&a);
	free(a.buf);
	free(a.uki_head);
	if (!r && a.reboot)
		r = reboot_now();
	return r;
}
