/* SPDX-License-Identifier: MIT */
/* Unit tests of lib/update/esp.c: loader entry names, and scanning, writing,
 * blessing and removing entries in a temporary ESP directory. */
#define _XOPEN_SOURCE 700
#include <dirent.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "update/esp.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void
test_parse_name(void)
{
	static const struct {
		const char *file;
		bool ok;
		const char *version;
		char slot;
		bool counted;
		unsigned left, done;
	} cases[] = {
	    {"berth-1.0-a.conf", true, "1.0", 'a', false, 0, 0},
	    {"berth-0.2.0-b.conf", true, "0.2.0", 'b', false, 0, 0},
	    {"berth-1.0-b+3.conf", true, "1.0", 'b', true, 3, 0},
	    {"berth-1.0-a+0.conf", true, "1.0", 'a', true, 0, 0},
	    {"berth-1.0-a+3-1.conf", true, "1.0", 'a', true, 3, 1},
	    {"berth-1.0-a+0-3.conf", true, "1.0", 'a', true, 0, 3},
	    {"berth-1.0-a+12-34.conf", true, "1.0", 'a', true, 12, 34},
	    {"berth-1.0-rc1-a.conf", true, "1.0-rc1", 'a', false, 0, 0},
	    {"berth-1.0-rc1-b+2-1.conf", true, "1.0-rc1", 'b', true, 2, 1},
	    {"berth-a-b.conf", true, "a", 'b', false, 0, 0},
	    {"berth-1-a-a.conf", true, "1-a", 'a', false, 0, 0},
	    {"berth-1.0~rc1_2-b.conf", true, "1.0~rc1_2", 'b', false, 0, 0},
	    {"berth-1234567890123456789012345678901-a.conf", true,
	     "1234567890123456789012345678901", 'a', false, 0, 0},
	    {"berth-12345678901234567890123456789012-a.conf", false, NULL, 0, false, 0, 0},
	    {"berth-1.0-a+-1.conf", false, NULL, 0, false, 0, 0},
	    {"berth-1.0-a+a.conf", false, NULL, 0, false, 0, 0},
	    {"berth-1.0-a+3-.conf", false, NULL, 0, false, 0, 0},
	    {"berth-1.0-a+.conf", false, NULL, 0, false, 0, 0},
	    {"berth-1.0-a+3x.conf", false, NULL, 0, false, 0, 0},
	    {"berth-1.0-a+3-1x.conf", false, NULL, 0, false, 0, 0},
	    {"berth-1.0-a+3-1-2.conf", false, NULL, 0, false, 0, 0},
	    {"berth-1.0-a+3--1.conf", false, NULL, 0, false, 0, 0},
	    {"berth-1.0-a+ 3.conf", false, NULL, 0, false, 0, 0},
	    {"berth-1.0-a+3- 1.conf", false, NULL, 0, false, 0, 0},
	    {"berth-1.0-a+1+2.conf", false, NULL, 0, false, 0, 0},
	    {"berth-1.0-a+4294967296.conf", false, NULL, 0, false, 0, 0},
	    {"berth-1.0-a+1-4294967297.conf", false, NULL, 0, false, 0, 0},
	    {"berth-1.0-a+65535-65535.conf", true, "1.0", 'a', true, 65535, 65535},
	    {"berth-1.0-c.conf", false, NULL, 0, false, 0, 0},
	    {"berth-1.0-A.conf", false, NULL, 0, false, 0, 0},
	    {"berth-1.0-ab.conf", false, NULL, 0, false, 0, 0},
	    {"berth-1.0a.conf", false, NULL, 0, false, 0, 0},
	    {"berth-1.0.conf", false, NULL, 0, false, 0, 0},
	    {"berth--a.conf", false, NULL, 0, false, 0, 0},
	    {"berth-a.conf", false, NULL, 0, false, 0, 0},
	    {"berth-.conf", false, NULL, 0, false, 0, 0},
	    {"berth-1.0-a", false, NULL, 0, false, 0, 0},
	    {"berth-1.0-a.CONF", false, NULL, 0, false, 0, 0},
	    {"berth-1.0-a.conf.tmp", false, NULL, 0, false, 0, 0},
	    {".berth-1.0-a.conf.tmp", false, NULL, 0, false, 0, 0},
	    {"Berth-1.0-a.conf", false, NULL, 0, false, 0, 0},
	    {"berth_1.0-a.conf", false, NULL, 0, false, 0, 0},
	    {"debian-1.0-a.conf", false, NULL, 0, false, 0, 0},
	    {".conf", false, NULL, 0, false, 0, 0},
	    {"", false, NULL, 0, false, 0, 0},
	};
	struct esp_entry e;

	for (size_t i = 0; i < N(cases); i++) {
		int r = esp_parse_name(cases[i].file, &e);
		if (!cases[i].ok) {
			CHECK(r < 0, "parse_name refuses \"%s\"", cases[i].file);
			continue;
		}
		CHECK(r == 0 && !strcmp(e.version, cases[i].version) && e.slot == cases[i].slot &&
			      e.counted == cases[i].counted && e.left == cases[i].left &&
			      e.done == cases[i].done && !strcmp(e.file, cases[i].file) && e.gen == 0,
		      "parse_name \"%s\": version %s, slot %c, %s +%u-%u", cases[i].file,
		      cases[i].version, cases[i].slot, cases[i].counted ? "counted" : "blessed",
		      cases[i].left, cases[i].done);
	}
	char longname[128];
	snprintf(longname, sizeof(longname), "berth-%090d-a.conf", 1);
	CHECK(esp_parse_name(longname, &e) < 0, "parse_name refuses a name longer than 95 chars");
}

/* The temporary ESP: DIR/loader/entries and DIR/berth. */
static char esp[64];

static void
put(const char *rel, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", esp, rel);
	f = fopen(path, "w");
	if (!f || fputs(text, f) < 0 || fclose(f) != 0) {
		perror(path);
		exit(1);
	}
}

static void
mkdir_in(const char *rel)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", esp, rel);
	if (mkdir(path, 0755) < 0) {
		perror(path);
		exit(1);
	}
}

static bool
exists(const char *rel)
{
	char path[256];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", esp, rel);
	return stat(path, &st) == 0;
}

/* The file's content, in a static buffer; "" when missing. */
static const char *
slurp(const char *rel)
{
	static char buf[2048];
	char path[256];
	size_t n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", esp, rel);
	buf[0] = 0;
	f = fopen(path, "r");
	if (f) {
		n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
	}
	buf[n] = 0;
	return buf;
}

/* How many names in loader/entries contain s. */
static int
count_names(const char *s)
{
	char path[256];
	struct dirent *d;
	DIR *dir;
	int n = 0;

	snprintf(path, sizeof(path), "%s/loader/entries", esp);
	dir = opendir(path);
	while (dir && (d = readdir(dir)))
		n += strstr(d->d_name, s) != NULL;
	if (dir)
		closedir(dir);
	return n;
}

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

static void
fresh_esp(void)
{
	if (esp[0])
		nftw(esp, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	strcpy(esp, "/tmp/berth-unit-esp-XXXXXX");
	if (!mkdtemp(esp)) {
		perror("mkdtemp");
		exit(1);
	}
	mkdir_in("loader");
	mkdir_in("loader/entries");
	mkdir_in("berth");
}

static const struct esp_entry *
find(const struct esp_entry *v, int n, const char *file)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(v[i].file, file))
			return &v[i];
	return NULL;
}

static void
test_scan(void)
{
	struct esp_entry v[ESP_MAX_ENTRIES];
	const struct esp_entry *e;
	char err[256] = "";
	int n;

	fresh_esp();
	put("loader/entries/berth-0.1.0-a.conf", "title berth 0.1.0 (slot a)\nversion 1\n");
	put("loader/entries/berth-0.2.0-b+2-1.conf",
	    "title x\nsort-key berth\nversion 12\nlinux /berth/0.2.0-b/linux\n");
	put("loader/entries/berth-0.0.9-b.conf", "title old\nversion 4\n");
	put("loader/entries/berth-0.3.0-a+3.conf", "title no generation\noptions version 99\n");
	put("loader/entries/.berth-0.4.0-a+3.conf.tmp", "version 50\n");
	put("loader/entries/debian.conf", "version 77\n");
	put("loader/entries/berth-0.5.0-c.conf", "version 60\n");
	n = esp_scan(esp, v, N(v), err, sizeof(err));
	CHECK(n == 4, "scan finds the 4 berth entries among 7 files (got %d; %s)", n, err);
	e = find(v, n, "berth-0.1.0-a.conf");
	CHECK(e && e->gen == 1 && e->slot == 'a' && !e->counted, "scan: 0.1.0-a, generation 1");
	e = find(v, n, "berth-0.2.0-b+2-1.conf");
	CHECK(e && e->gen == 12 && e->counted && e->left == 2 && e->done == 1,
	      "scan: 0.2.0-b+2-1, generation 12 from a later \"version\" line");
	e = find(v, n, "berth-0.3.0-a+3.conf");
	CHECK(e && e->gen == 0, "scan: an entry without a \"version\" line has generation 0");

	e = esp_slot_entry(v, n, 'b');
	CHECK(e && !strcmp(e->version, "0.2.0"), "slot_entry b: the newest generation (0.2.0)");
	e = esp_slot_entry(v, n, 'a');
	CHECK(e && !strcmp(e->version, "0.1.0"), "slot_entry a: generation 1 beats 0 (0.1.0)");
	CHECK(esp_slot_entry(v, 0, 'a') == NULL, "slot_entry of no entries is NULL");
	CHECK(esp_slot_entry(v, 1, v[0].slot == 'a' ? 'b' : 'a') == NULL,
	      "slot_entry of a slot with no entry is NULL");

	n = esp_scan(esp, v, 2, err, sizeof(err));
	CHECK(n == 2, "scan stops at max (got %d)", n);

	fresh_esp();
	n = esp_scan(esp, v, N(v), err, sizeof(err));
	CHECK(n == 0, "scan of an empty entries directory: 0 (got %d)", n);
	strcpy(err, "");
	n = esp_scan("/nonexistent-esp", v, N(v), err, sizeof(err));
	CHECK(n < 0 && strstr(err, "/nonexistent-esp/loader/entries"),
	      "scan of a missing ESP names the directory: \"%s\"", err);
}

static void
test_write_bless(void)
{
	struct esp_entry e, v[ESP_MAX_ENTRIES];
	char err[256] = "";
	int r, n;

	fresh_esp();
	esp_parse_name("berth-0.4.0-b+3.conf", &e);
	e.gen = 7;
	r = esp_write_entry(esp, &e, err, sizeof(err));
	CHECK(r == 0, "write_entry (%s)", r ? err : "ok");
	CHECK_STR(slurp("loader/entries/berth-0.4.0-b+3.conf"),
		  "title berth 0.4.0 (slot b)\nsort-key berth\nversion 7\n"
		  "efi /berth/0.4.0-b/berth.efi\n",
		  "write_entry: the entry's text, the slot's kernel image and no options line");
	CHECK(count_names(".tmp") == 0, "write_entry leaves no temporary file");
	n = esp_scan(esp, v, N(v), err, sizeof(err));
	CHECK(n == 1 && v[0].gen == 7 && v[0].counted && v[0].left == 3,
	      "scan reads back what write_entry wrote (generation 7, +3)");

	/* Writing again replaces the file whole. */
	e.gen = 8;
	r = esp_write_entry(esp, &e, err, sizeof(err));
	n = esp_scan(esp, v, N(v), err, sizeof(err));
	CHECK(r == 0 && n == 1 && v[0].gen == 8 &&
		      strstr(slurp("loader/entries/berth-0.4.0-b+3.conf"), "version 8\n"),
	      "write_entry over an existing entry replaces it");

	/* systemd-boot counted one try: +3 became +2-1. */
	char from[256], to[256];
	snprintf(from, sizeof(from), "%s/loader/entries/berth-0.4.0-b+3.conf", esp);
	snprintf(to, sizeof(to), "%s/loader/entries/berth-0.4.0-b+2-1.conf", esp);
	rename(from, to);
	n = esp_scan(esp, v, N(v), err, sizeof(err));
	r = n == 1 ? esp_bless(esp, &v[0], err, sizeof(err)) : -1;
	CHECK(r == 0, "bless (%s)", r ? err : "ok");
	CHECK(exists("loader/entries/berth-0.4.0-b.conf") &&
		      !exists("loader/entries/berth-0.4.0-b+2-1.conf") &&
		      strstr(slurp("loader/entries/berth-0.4.0-b.conf"), "version 8\n"),
	      "bless renames berth-0.4.0-b+2-1.conf to berth-0.4.0-b.conf, content kept");
	n = esp_scan(esp, v, N(v), err, sizeof(err));
	CHECK(n == 1 && !v[0].counted && v[0].gen == 8, "a blessed entry scans as not counted");

	esp_parse_name("berth-0.9.0-a+1.conf", &e);
	strcpy(err, "");
	r = esp_bless(esp, &e, err, sizeof(err));
	CHECK(r < 0 && strstr(err, "berth-0.9.0-a+1.conf"),
	      "bless of a missing entry names it: \"%s\"", err);
	strcpy(err, "");
	r = esp_write_entry("/nonexistent-esp", &e, err, sizeof(err));
	CHECK(r < 0 && strstr(err, "/nonexistent-esp/loader/entries"),
	      "write_entry into a missing ESP names the place: \"%s\"", err);
}

static void
test_remove_slot(void)
{
	char err[256] = "";
	int r;

	fresh_esp();
	put("loader/entries/berth-0.1.0-a.conf", "version 1\n");
	put("loader/entries/berth-0.3.0-a+2-1.conf", "version 3\n");
	put("loader/entries/berth-0.2.0-b.conf", "version 2\n");
	put("loader/entries/debian-a.conf", "version 9\n");
	put("loader/entries/berth-0.5.0-c.conf", "version 9\n");
	put("loader/loader.conf", "timeout 0\n");
	mkdir_in("berth/0.1.0-a");
	put("berth/0.1.0-a/linux", "k");
	put("berth/0.1.0-a/initrd", "i");
	mkdir_in("berth/0.3.0-a");
	put("berth/0.3.0-a/linux", "k");
	mkdir_in("berth/0.2.0-b");
	put("berth/0.2.0-b/linux", "k");
	put("berth/0.2.0-b/initrd", "i");
	mkdir_in("berth/keep");
	put("berth/keep/x", "x");

	r = esp_remove_slot(esp, 'a', err, sizeof(err));
	CHECK(r == 0, "remove_slot a (%s)", r ? err : "ok");
	CHECK(!exists("loader/entries/berth-0.1.0-a.conf") &&
		      !exists("loader/entries/berth-0.3.0-a+2-1.conf"),
	      "remove_slot a removes both of slot a's entries, counted or not");
	CHECK(!exists("berth/0.1.0-a") && !exists("berth/0.3.0-a"),
	      "remove_slot a removes /berth/0.1.0-a and /berth/0.3.0-a");
	CHECK(exists("loader/entries/berth-0.2.0-b.conf") && exists("berth/0.2.0-b/linux") &&
		      exists("berth/0.2.0-b/initrd"),
	      "remove_slot a leaves slot b's entry and kernel");
	CHECK(exists("loader/entries/debian-a.conf") && exists("loader/entries/berth-0.5.0-c.conf") &&
		      exists("loader/loader.conf") && exists("berth/keep/x"),
	      "remove_slot a leaves what is not berth's slot a");

	r = esp_remove_slot(esp, 'a', err, sizeof(err));
	CHECK(r == 0, "remove_slot a again, with nothing left of it (%s)", r ? err : "ok");

	r = esp_remove_slot(esp, 'b', err, sizeof(err));
	CHECK(r == 0 && !exists("loader/entries/berth-0.2.0-b.conf") && !exists("berth/0.2.0-b") &&
		      exists("berth/keep/x"),
	      "remove_slot b removes slot b's entry and kernel (%s)", r ? err : "ok");
	nftw(esp, rm_one, 16, FTW_DEPTH | FTW_PHYS);

	r = esp_remove_slot(esp, 'a', err, sizeof(err));
	CHECK(r == 0, "remove_slot on an ESP without berth's directories is a no-op (%s)",
	      r ? err : "ok");
	esp[0] = 0;
}

int
main(void)
{
	test_parse_name();
	test_scan();
	test_write_bless();
	test_remove_slot();
	CHECK_EXIT();
}
