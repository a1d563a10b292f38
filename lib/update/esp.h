/* SPDX-License-Identifier: MIT */
/* esp.h: berth's systemd-boot loader entries on the EFI system partition.
 *
 * An entry is loader/entries/berth-<version>-<slot>[+<left>[-<done>]].conf
 * (docs/update.md). Its "version" line holds the install generation, not the
 * OS version: systemd-boot sorts entries by it, newest first, so the latest
 * install is tried first whatever its OS version. Entries with no tries left
 * sort last; systemd-boot turns +3 into +2-1 on each try, and the supervisor
 * drops the counter once the boot is good (blessing). */
#ifndef BERTH_ESP_H
#define BERTH_ESP_H

#include <stdbool.h>
#include <stddef.h>

#define ESP_MAX_ENTRIES 16
#define ESP_MAX_TRIES 65535 /* a larger counter is not an entry of ours */

struct esp_entry {
	char file[96];	   /* the name in loader/entries */
	char version[32];  /* the OS version, from the name */
	char slot;	   /* 'a' or 'b' */
	bool counted;	   /* the name has +left[-done]: on trial */
	unsigned left, done;
	unsigned long gen; /* the "version" line; 0 when missing */
};

/* Parses an entry's file name; 0, or -1 when it is not a berth entry. */
int esp_parse_name(const char *file, struct esp_entry *e);

/* The berth entries on the ESP mounted at esp, gen read from each file.
 * Returns how many (at most max), or -1 with why in err. */
int esp_scan(const char *esp, struct esp_entry *v, size_t max, char *err, size_t errlen);

/* The entry of slot among v[0..n): the newest generation; NULL if none. */
const struct esp_entry *esp_slot_entry(const struct esp_entry *v, int n, char slot);

/* Writes an entry that boots the slot's signed kernel image,
 * /berth/<version>-<slot>/berth.efi, whose command line is its own:
 * temporary file, fsync, rename, fsync of the directory, so a power cut
 * leaves it whole or absent. */
int esp_write_entry(const char *esp, const struct esp_entry *e, char *err, size_t errlen);

/* Renames e to drop its boot counter: the boot was good. */
int esp_bless(const char *esp, const struct esp_entry *e, char *err, size_t errlen);

/* Removes every entry of slot, then its kernel image directories
 * (/berth/<version>-<slot>/). Entries go first, so that no entry ever
 * points at missing files. */
int esp_remove_slot(const char *esp, char slot, char *err, size_t errlen);

/* rename, then fsync of the file under its new name and of its directory:
 * on vfat the new name's size is written only with the file's inode. 0, or
 * -1 with errno. */
int esp_rename_synced(const char *from, const char *to);

/* fsync of a directory by path; 0 or -1. */
int esp_sync_dir(const char *dir);

#endif
