/* SPDX-License-Identifier: MIT */
/* esp.c: list, write, bless and remove berth's loader entries. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "update/esp.h"
#include "base/io.h"

#define ENTRIES "loader/entries"

/* "+L" or "+L-D" at the end of s (before ".conf" was cut). */
static int
parse_counter(char *s, struct esp_entry *e)
{
	char *plus = strrchr(s, '+'), *end;
	unsigned long n;

	if (!plus)
		return 0;
	/* systemd-boot counts in a few digits; more would wrap. */
	n = strtoul(plus + 1, &end, 10);
	if (end == plus + 1 || !isdigit((unsigned char)plus[1]) || n > ESP_MAX_TRIES)
		return -1;
	e->left = (unsigned)n;
	if (*end == '-') {
		char *d = end + 1;
		n = strtoul(d, &end, 10);
		if (end == d || !isdigit((unsigned char)*d) || n > ESP_MAX_TRIES)
			return -1;
		e->done = (unsigned)n;
	}
	if (*end)
		return -1;
	e->counted = true;
	*plus = 0;
	return 0;
}

int
esp_parse_name(const char *file, struct esp_entry *e)
{
	char s[sizeof(e->file)];
	size_t n = strlen(file);

	memset(e, 0, sizeof(*e));
	if (n >= sizeof(s) || n < 5 || strcmp(file + n - 5, ".conf") != 0 ||
	    strncmp(file, "berth-", 6) != 0)
		return -1;
	memcpy(s, file, n - 5);
	s[n - 5] = 0;
	if (parse_counter(s, e) < 0)
		return -1;
	n = strlen(s);
	/* berth-V-S: at least one character of version. */
	if (n < 9 || s[n - 2] != '-' || (s[n - 1] != 'a' && s[n - 1] != 'b') ||
	    n - 8 >= sizeof(e->version))
		return -1;
	e->slot = s[n - 1];
	memcpy(e->version, s + 6, n - 8);
	e->version[n - 8] = 0;
	snprintf(e->file, sizeof(e->file), "%s", file);
	return 0;
}

/* The "version" line of an entry file: its install generation. */
static unsigned long
read_gen(int dirfd, const char *file)
{
	char buf[2048], *p;

	if (io_read_small(dirfd, file, buf, sizeof(buf)) <= 0)
		return 0;
	for (p = buf; p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (!strncmp(p, "version ", 8))
			return strtoul(p + 8, NULL, 10);
	return 0;
}

int
esp_scan(const char *esp, struct esp_entry *v, size_t max, char *err, size_t errlen)
{
	char path[4096];
	struct dirent *d;
	DIR *dir;
	size_t n = 0;

	snprintf(path, sizeof(path), "%s/" ENTRIES, esp);
	dir = opendir(path);
	if (!dir)
		return io_errf(err, errlen, "%s: %s", path, strerror(errno));
	while ((d = readdir(dir)) && n < max) {
		if (esp_parse_name(d->d_name, &v[n]) < 0)
			continue;
		v[n].gen = read_gen(dirfd(dir), d->d_name);
		n++;
	}
	closedir(dir);
	return (int)n;
}

const struct esp_entry *
esp_slot_entry(const struct esp_entry *v, int n, char slot)
{
	const struct esp_entry *best = NULL;

	for (int i = 0; i < n; i++)
		if (v[i].slot == slot && (!best || v[i].gen > best->gen))
			best = &v[i];
	return best;
}

int
esp_sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), r;

	if (fd < 0)
		return -1;
	r = fsync(fd);
	close(fd);
	return r;
}

/* rename on vfat writes the new directory entry with size 0; the size
 * follows when the inode is written back, up to half a minute later. A power
 * cut in between leaves an empty file under the new name, which systemd-boot
 * ignores. So the file itself is fsynced under its new name, then the
 * directory. */
int
esp_rename_synced(const char *from, const char *to)
{
	char dir[4200];
	char *slash;
	int fd, r;

	if (rename(from, to) < 0)
		return -1;
	fd = open(to, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	r = fsync(fd);
	close(fd);
	if (r < 0)
		return -1;
	snprintf(dir, sizeof(dir), "%s", to);
	slash = strrchr(dir, '/');
	if (slash)
		*slash = 0;
	return esp_sync_dir(slash ? dir : ".");
}

int
esp_write_entry(const char *esp, const struct esp_entry *e, char *err, size_t errlen)
{
	char dir[4096], tmp[4200], path[4200], text[1024];
	int fd, n;

	snprintf(dir, sizeof(dir), "%s/" ENTRIES, esp);
	snprintf(path, sizeof(path), "%s/%s", dir, e->file);
	snprintf(tmp, sizeof(tmp), "%s/.%s.tmp", dir, e->file);
	/* No options line: the command line, with the verity root hash, is
	 * the one signed inside the image; with Secure Boot on, systemd's
	 * stub ignores any other, and without it one would only override. */
	n = snprintf(text, sizeof(text),
		     "title berth %s (slot %c)\nsort-key berth\nversion %lu\n"
		     "efi /berth/%s-%c/berth.efi\n",
		     e->version, e->slot, e->gen, e->version, e->slot);
	if (n < 0 || (size_t)n >= sizeof(text))
		return io_errf(err, errlen, "loader entry %s: too long", e->file);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return io_errf(err, errlen, "%s: %s", tmp, strerror(errno));
	if (io_write_all(fd, text, (size_t)n) < 0 || fsync(fd) < 0) {
		io_errf(err, errlen, "%s: %s", tmp, strerror(errno));
		close(fd);
		unlink(tmp);
		return -1;
	}
	close(fd);
	if (esp_rename_synced(tmp, path) < 0) {
		io_errf(err, errlen, "rename %s: %s", tmp, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

int
esp_bless(const char *esp, const struct esp_entry *e, char *err, size_t errlen)
{
	char dir[4096], from[4200], to[4200];

	snprintf(dir, sizeof(dir), "%s/" ENTRIES, esp);
	snprintf(from, sizeof(from), "%s/%s", dir, e->file);
	snprintf(to, sizeof(to), "%s/berth-%s-%c.conf", dir, e->version, e->slot);
	if (esp_rename_synced(from, to) < 0)
		return io_errf(err, errlen, "rename %s: %s", from, strerror(errno));
	return 0;
}

/* Removes the files of one directory, then the directory. */
static int
remove_dir(const char *path)
{
	struct dirent *d;
	DIR *dir = opendir(path);

	if (!dir)
		return errno == ENOENT ? 0 : -1;
	while ((d = readdir(dir))) {
		if (d->d_name[0] == '.' && (!d->d_name[1] || !strcmp(d->d_name, "..")))
			continue;
		if (unlinkat(dirfd(dir), d->d_name, 0) < 0) {
			closedir(dir);
			return -1;
		}
	}
	closedir(dir);
	return rmdir(path);
}

/* Removes what matches in dir: berth entries of slot (entries), or kernel
 * directories <version>-<slot> (!entries). */
static int
remove_matching(const char *dir, char slot, bool entries, char *err, size_t errlen)
{
	char p[4608];
	struct dirent *d;
	struct esp_entry e;
	DIR *dh = opendir(dir);

	if (!dh)
		return errno == ENOENT ? 0 : io_errf(err, errlen, "%s: %s", dir, strerror(errno));
	while ((d = readdir(dh))) {
		size_t n = strlen(d->d_name);
		bool hit = entries ? esp_parse_name(d->d_name, &e) == 0 && e.slot == slot
				   : n > 2 && d->d_name[0] != '.' && d->d_name[n - 2] == '-' &&
					     d->d_name[n - 1] == slot;
		if (!hit)
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, d->d_name);
		if ((entries ? unlink(p) : remove_dir(p)) < 0) {
			io_errf(err, errlen, "remove %s: %s", p, strerror(errno));
			closedir(dh);
			return -1;
		}
	}
	closedir(dh);
	if (esp_sync_dir(dir) < 0 && errno != ENOENT)
		return io_errf(err, errlen, "fsync %s: %s", dir, strerror(errno));
	return 0;
}

int
esp_remove_slot(const char *esp, char slot, char *err, size_t errlen)
{
	char dir[4200];

	snprintf(dir, sizeof(dir), "%s/" ENTRIES, esp);
	if (remove_matching(dir, slot, true, err, errlen) < 0)
		return -1;
	snprintf(dir, sizeof(dir), "%s/berth", esp);
	return remove_matching(dir, slot, false, err, errlen);
}
