/* SPDX-License-Identifier: MIT */
/* Unit tests of lib/update/seal.c and the override rule of lib/update/paths.c: sealing a
 * manifest and checking it in a temporary host (BERTH_UPDATE_ROOT, see
 * lib/update/slots.h), every way a seal must be refused, and which manifest is in
 * force for an unsealed, a sealed and a changed override. */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "base/io.h"
#include "base/json.h"
#include "manifest/manifest.h"
#include "update/paths.h"
#include "update/seal.h"
#include "update/slots.h"

static const char manifest_text[] = "# a host\n"
				    "version: 1\n"
				    "host:\n"
				    "  hostname: sealed-host\n"
				    "containers:\n"
				    "  web:\n"
				    "    image: dir:x\n"
				    "    command: [\"httpd\", \"-f\"]\n"
				    "    restart: always\n";

static char root[64];
static char path[128]; /* the sealed file */

static int
rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(p);
}

static void
put(const char *file, const char *text, size_t len)
{
	int fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	if (fd < 0 || io_write_all(fd, text, len) < 0 || close(fd) < 0) {
		perror(file);
		exit(1);
	}
}

/* The whole file, NUL-terminated; *len its size. */
static char *
get(const char *file, size_t *len)
{
	static char buf[8192];
	ssize_t n = io_read_small(AT_FDCWD, file, buf, sizeof buf);

	*len = n < 0 ? 0 : (size_t)n;
	return buf;
}

/* A host in root: booted from slot a, its ESP the directory esp/. */
static void
host_open(struct slots *s)
{
	char file[128], err[512];

	strcpy(root, "/tmp/berth-unit-seal-XXXXXX");
	if (!mkdtemp(root)) {
		perror("mkdtemp");
		exit(1);
	}
	snprintf(file, sizeof file, "%s/esp", root);
	mkdir(file, 0700);
	snprintf(file, sizeof file, "%s/cmdline", root);
	put(file, "console=ttyS0 berth.slot=a\n", 27);
	setenv("BERTH_UPDATE_ROOT", root, 1);
	if (slots_open(s, err, sizeof err) < 0) {
		printf("fail: slots_open: %s\n", err);
		exit(1);
	}
	snprintf(path, sizeof path, "%s/host.yaml", root);
}

static void
test_round_trip(const struct slots *s)
{
	char err[512], why[512], key[PATH_MAX + 32];
	struct stat st;
	size_t len, len2;
	char *got;

	int r = seal_file_write(s, manifest_text, strlen(manifest_text), path, err, sizeof err);
	CHECK(r == 0, "seal_file_write makes the key and writes the file (%s)", r ? err : "ok");
	snprintf(key, sizeof key, "%s/%s", s->esp, SEAL_KEY_FILE);
	CHECK(stat(key, &st) == 0 && st.st_size == 32 && (st.st_mode & 0777) == 0600,
	      "the key is %s, 32 bytes, mode 0600", key);
	r = seal_check(s, path, why, sizeof why);
	CHECK(r == 0, "a sealed file checks (%s)", r ? why : "ok");
	got = get(path, &len);
	CHECK(len == strlen(manifest_text) + SEAL_LINE_LEN &&
		  !memcmp(got, manifest_text, strlen(manifest_text)) &&
		  !memcmp(got + strlen(manifest_text), SEAL_PREFIX, strlen(SEAL_PREFIX)),
	      "the file is the manifest then one seal line");

	/* Sealing a sealed file again replaces its seal: the same bytes. */
	char copy[8192];
	memcpy(copy, got, len);
	r = seal_file_write(s, copy, len, path, err, sizeof err);
	got = get(path, &len2);
	CHECK(r == 0 && len2 == len && !memcmp(got, copy, len),
	      "resealing a sealed file gives the same file, one seal line");

	/* A body without its last newline gets one, inside the seal. */
	r = seal_file_write(s, "version: 1", 10, path, err, sizeof err);
	got = get(path, &len);
	CHECK(r == 0 && seal_check(s, path, why, sizeof why) == 0 &&
		  !strncmp(got, "version: 1\n" SEAL_PREFIX, 11 + strlen(SEAL_PREFIX)),
	      "a body without a final newline is sealed with one");
}

/* Writes text (len bytes) to path and checks it: refused, with want in why. */
static void
refused(const struct slots *s, const char *text, size_t len, const char *want, const char *name)
{
	char why[512];

	put(path, text, len);
	int r = seal_check(s, path, why, sizeof why);
	CHECK(r < 0 && strstr(why, want), "%s: refused with \"%s\" (%s)", name, want,
	      r < 0 ? why : "accepted");
}

/* Every single byte of a sealed file flipped: never accepted. */
static void
test_flipped(const struct slots *s)
{
	char err[512], why[512], orig[8192], *got;
	size_t len, bad = 0, i;

	seal_file_write(s, manifest_text, strlen(manifest_text), path, err, sizeof err);
	got = get(path, &len);
	memcpy(orig, got, len);
	for (i = 0; i < len; i++) {
		orig[i] ^= 0x20;
		put(path, orig, len);
		if (seal_check(s, path, why, sizeof why) == 0) {
			printf("  byte %zu flipped is accepted\n", i);
			bad++;
		}
		orig[i] ^= 0x20;
	}
	CHECK(bad == 0, "each of the %zu bytes flipped, one at a time, is refused", len);
	put(path, orig, len);
	CHECK(seal_check(s, path, why, sizeof why) == 0, "unflipped, it checks again");
}

static void
test_refused(const struct slots *s, const struct slots *other, const struct slots *keyless)
{
	char err[512], why[512] = "", sealed[8192], buf[8192], *got;
	size_t len, body = strlen(manifest_text);

	seal_file_write(s, manifest_text, body, path, err, sizeof err);
	got = get(path, &len);
	memcpy(sealed, got, len);

	refused(s, manifest_text, body, "no seal line", "an unsealed manifest");
	refused(s, "", 0, "no seal line", "an empty file");
	refused(s, sealed, len - 1, "malformed seal line", "the final newline cut off");
	refused(s, sealed, len - 10, "malformed seal line", "the seal cut short");
	refused(s, sealed, body, "no seal line", "the seal line cut off");
	refused(s, sealed, body - 5, "no seal line", "truncated in the body");
	refused(s, sealed, len / 2, "no seal line", "truncated to half");

	memcpy(buf, sealed, len);
	memcpy(buf + len, "x: 1\n", 5);
	refused(s, buf, len + 5, "no seal line", "a line added after the seal");
	memcpy(buf, manifest_text, body);
	memcpy(buf + body, sealed + body, SEAL_LINE_LEN);
	memcpy(buf + body + SEAL_LINE_LEN, manifest_text, body);
	memcpy(buf + 2 * body + SEAL_LINE_LEN, sealed + body, SEAL_LINE_LEN);
	refused(s, buf, 2 * (body + SEAL_LINE_LEN), "seal does not match",
		"two sealed files joined");
	memcpy(buf, sealed, len);
	memcpy(buf + body + 14, "v2", 2);
	refused(s, buf, len, "malformed seal line", "a seal of another version");

	int r = seal_file_write(other, manifest_text, body, path, err, sizeof err);
	CHECK(r == 0 && seal_check(other, path, why, sizeof why) == 0,
	      "sealed under another host's key, it checks there (%s)", r ? err : why);
	r = seal_check(s, path, why, sizeof why);
	CHECK(r < 0 && strstr(why, "seal does not match"),
	      "sealed under another host's key: refused here (%s)", r < 0 ? why : "accepted");

	put(path, sealed, len);
	r = seal_check(keyless, path, why, sizeof why);
	CHECK(r < 0 && strstr(why, "no sealing key on the ESP"),
	      "a host without a key refuses every seal (%s)", r < 0 ? why : "accepted");

	char link[160];
	snprintf(link, sizeof link, "%s/link.yaml", root);
	r = symlink(path, link);
	r = r == 0 ? seal_check(s, link, why, sizeof why) : 0;
	CHECK(r < 0 && strstr(why, "symbolic link"),
	      "a symbolic link to a sealed file is refused (%s)", r < 0 ? why : "accepted");
	r = seal_check(s, root, why, sizeof why);
	CHECK(r < 0 && strstr(why, "regular file"), "a directory is refused (%s)",
	      r < 0 ? why : "accepted");
}

/* The manifest's JSON form, "" when it does not parse. */
static char *
parsed_json(const char *text, size_t len)
{
	struct manifest m;
	struct diag d;
	struct json j;
	char *out = NULL;

	json_init(&j);
	if (manifest_parse_buffer("host.yaml", text, len, &m, &d) == 0) {
		manifest_to_json(&m, &j);
		if (json_finish(&j) == 0 && j.buf)
			out = strdup(j.buf);
	}
	json_free(&j);
	manifest_free(&m);
	diag_free(&d);
	return out ? out : strdup("");
}

static void
test_parses_same(const struct slots *s)
{
	char err[512], *got;
	size_t len;

	seal_file_write(s, manifest_text, strlen(manifest_text), path, err, sizeof err);
	got = get(path, &len);
	char *want = parsed_json(manifest_text, strlen(manifest_text));
	char *have = parsed_json(got, len);
	CHECK(*want && strstr(want, "sealed-host"), "the unsealed manifest parses");
	CHECK_STR(have, want, "the sealed file parses as the same manifest");
	free(want);
	free(have);
}

/* manifest_choose: which manifest is in force, and why. */
static void
test_in_force(const struct slots *s)
{
	char err[512], why[512], baked[160], nokey[160], file[200];
	const char *got;

	snprintf(baked, sizeof baked, "%s/baked.yaml", root);
	put(baked, manifest_text, strlen(manifest_text));
	unlink(path);
	got = manifest_choose(path, baked, why, sizeof why);
	CHECK(got == baked && !*why, "no override: the baked manifest, no reason (%s)", why);

	put(path, "version: 1\nhost: {hostname: evil}\n", 34);
	got = manifest_choose(path, baked, why, sizeof why);
	CHECK(got == baked && strstr(why, "no seal line"),
	      "an unsealed override: the baked manifest, because \"%s\"", why);

	seal_file_write(s, manifest_text, strlen(manifest_text), path, err, sizeof err);
	got = manifest_choose(path, baked, why, sizeof why);
	CHECK(got == path && !*why, "a sealed override is in force (%s)", why);

	int fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
	if (fd >= 0 && io_write_all(fd, "# x\n", 4) == 0)
		close(fd);
	got = manifest_choose(path, baked, why, sizeof why);
	CHECK(got == baked && strstr(why, "no seal line"),
	      "a sealed override changed afterwards: the baked manifest, because \"%s\"", why);

	/* A kernel not booted from a berth slot: no ESP, so no key. */
	seal_file_write(s, manifest_text, strlen(manifest_text), path, err, sizeof err);
	snprintf(nokey, sizeof nokey, "%s/plain", root);
	mkdir(nokey, 0700);
	snprintf(file, sizeof file, "%s/cmdline", nokey);
	put(file, "console=ttyS0\n", 14);
	setenv("BERTH_UPDATE_ROOT", nokey, 1);
	got = manifest_choose(path, baked, why, sizeof why);
	CHECK(got == baked && strstr(why, "no sealing key") && strstr(why, "berth.slot"),
	      "not booted from a berth slot: the baked manifest, because \"%s\"", why);
	setenv("BERTH_UPDATE_ROOT", root, 1);
}

int
main(void)
{
	struct slots s, other, keyless;

	host_open(&s);
	other = s;
	snprintf(other.esp, sizeof other.esp, "%s/esp-other", root);
	keyless = s;
	snprintf(keyless.esp, sizeof keyless.esp, "%s/esp-empty", root);
	mkdir(keyless.esp, 0700);

	test_round_trip(&s);
	test_flipped(&s);
	test_refused(&s, &other, &keyless);
	test_parses_same(&s);
	test_in_force(&s);
	nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	CHECK_EXIT();
}
