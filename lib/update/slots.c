/* SPDX-License-Identifier: MIT */
/* slots.c: the booted slot, the slot devices, the ESP and the state dir. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/io.h"
#include "update/partlabel.h"
#include "update/slots.h"

/* berth.slot= of the kernel command line. */
static int
read_slot(const char *cmdline, char *slot, char *err, size_t errlen)
{
	char buf[4096], *p;

	if (io_read_small(AT_FDCWD, cmdline, buf, sizeof(buf)) < 0)
		return io_errf(err, errlen, "%s: %s", cmdline, strerror(errno));
	for (p = buf; (p = strstr(p, "berth.slot=")); p++) {
		if (p != buf && p[-1] != ' ')
			continue;
		if ((p[11] == 'a' || p[11] == 'b') && (!p[12] || p[12] == ' ' || p[12] == '\n')) {
			*slot = p[11];
			return 0;
		}
	}
	io_errf(err, errlen, "%s has no berth.slot=a|b: not booted from a berth slot", cmdline);
	return -2;
}

/* KEY= of os-release (KEY includes the '='), or dflt. */
static void
read_osrel(const char *osrel, const char *key, const char *dflt, char *out, size_t len)
{
	char buf[2048], *p, *end;
	size_t k = strlen(key);

	snprintf(out, len, "%s", dflt);
	if (io_read_small(AT_FDCWD, osrel, buf, sizeof(buf)) < 0)
		return;
	for (p = buf; p; p = (p = strchr(p, '\n')) ? p + 1 : NULL) {
		if (strncmp(p, key, k))
			continue;
		p += k;
		if (*p == '"')
			p++;
		end = p + strcspn(p, "\"\n");
		snprintf(out, len, "%.*s", (int)(end - p), p);
		return;
	}
}

/* The ESP is mounted read-only and noatime: reading the loader entries at
 * every boot must not write the FAT (an access date, the dirty bit), which
 * wears flash and gives a power cut one more write to tear. The few writers
 * (confirmation, update apply) remount it writable around their writes with
 * slots_esp_writable(). */
#define ESP_FLAGS (MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME)
#define ESP_OPTS "umask=0077"

/* Mounts the ESP on ESP_MOUNT unless something already is mounted there
 * (or is, by the time the mount is refused). */
static int
mount_esp(char *err, size_t errlen)
{
	struct stat run, esp;
	char dev[PATH_MAX], dir[] = ESP_MOUNT;

	if (io_mkdir_p(dir, 0700) < 0)
		return io_errf(err, errlen, "mkdir %s: %s", ESP_MOUNT, strerror(errno));
	if (stat("/run/berth", &run) < 0 || stat(ESP_MOUNT, &esp) < 0)
		return io_errf(err, errlen, "%s: %s", ESP_MOUNT, strerror(errno));
	if (run.st_dev != esp.st_dev)
		return 0;
	if (partlabel_find("berth-esp", dev, sizeof(dev)) < 0)
		return io_errf(err, errlen, "partition berth-esp: %s",
			    errno == EEXIST ? "more than one" : "not found");
	if (mount(dev, ESP_MOUNT, "vfat", ESP_FLAGS | MS_RDONLY, ESP_OPTS) == 0)
		return 0;
	/* At boot netsetup and the supervisor read the sealed manifest side
	 * by side: the other one may have mounted it just now (the kernel
	 * refuses the same file system twice on one mount point, EBUSY). */
	if (errno == EBUSY && stat(ESP_MOUNT, &esp) == 0 && esp.st_dev != run.st_dev)
		return 0;
	return io_errf(err, errlen, "mount %s on %s: %s", dev, ESP_MOUNT, strerror(errno));
}

int
slots_esp_writable(const struct slots *s, bool rw, char *err, size_t errlen)
{
	/* Under BERTH_UPDATE_ROOT the ESP is a plain directory. */
	if (strcmp(s->esp, ESP_MOUNT))
		return 0;
	if (mount(NULL, ESP_MOUNT, NULL, MS_REMOUNT | ESP_FLAGS | (rw ? 0 : MS_RDONLY), ESP_OPTS) < 0)
		return io_errf(err, errlen, "remounting %s %s: %s", ESP_MOUNT,
			       rw ? "read-write" : "read-only", strerror(errno));
	return 0;
}

static void
read_identity(struct slots *s, const char *osrel, const char *board)
{
	read_osrel(osrel, "VERSION_ID=", "unknown", s->version, sizeof(s->version));
	read_osrel(osrel, "BERTH_PRODUCT=", "berth", s->product, sizeof(s->product));
	if (io_read_small(AT_FDCWD, board, s->board, sizeof(s->board)) < 0)
		s->board[0] = 0;
	s->board[strcspn(s->board, "\n")] = 0;
}

static int
find_devices(struct slots *s, char *err, size_t errlen)
{
	for (int i = 0; i < 2; i++) {
		char label[32];

		snprintf(label, sizeof(label), "berth-root-%c", 'a' + i);
		if (partlabel_find(label, s->dev[i], sizeof(s->dev[i])) < 0)
			return io_errf(err, errlen, "partition %s: %s", label,
				    errno == EEXIST ? "more than one" : "not found");
	}
	return 0;
}

void
slots_read_identity(struct slots *s)
{
	const char *t = getenv("BERTH_UPDATE_ROOT");
	char osrel[PATH_MAX], board[PATH_MAX];

	if (t && *t) {
		snprintf(osrel, sizeof(osrel), "%s/os-release", t);
		snprintf(board, sizeof(board), "%s/board", t);
		read_identity(s, osrel, board);
		return;
	}
	read_identity(s, "/etc/os-release", "/sys/class/dmi/id/product_name");
}

int
slots_open(struct slots *s, char *err, size_t errlen)
{
	const char *t = getenv("BERTH_UPDATE_ROOT");
	char path[PATH_MAX];

	memset(s, 0, sizeof(*s));
	if (t && *t) {
		snprintf(path, sizeof(path), "%s/cmdline", t);
		int r = read_slot(path, &s->booted, err, errlen);
		if (r < 0)
			return r;
		char board[PATH_MAX];

		snprintf(path, sizeof(path), "%s/os-release", t);
		snprintf(board, sizeof(board), "%s/board", t);
		read_identity(s, path, board);
		snprintf(s->esp, sizeof(s->esp), "%s/esp", t);
		snprintf(s->dev[0], sizeof(s->dev[0]), "%s/root-a", t);
		snprintf(s->dev[1], sizeof(s->dev[1]), "%s/root-b", t);
		snprintf(s->pubkey, sizeof(s->pubkey), "%s/update.pub", t);
		snprintf(s->state, sizeof(s->state), "%s/state", t);
		return 0;
	}
	int r = read_slot("/proc/cmdline", &s->booted, err, errlen);
	if (r < 0)
		return r;
	read_identity(s, "/etc/os-release", "/sys/class/dmi/id/product_name");
	snprintf(s->esp, sizeof(s->esp), "%s", ESP_MOUNT);
	snprintf(s->pubkey, sizeof(s->pubkey), "%s", UPDATE_KEY);
	snprintf(s->state, sizeof(s->state), "%s", UPDATE_STATE);
	if (find_devices(s, err, errlen) < 0)
		return -1;
	return mount_esp(err, errlen);
}

void
slots_read_state(const struct slots *s, const char *name, char *out, size_t len)
{
	char path[PATH_MAX + 64];

	snprintf(path, sizeof(path), "%s/%s", s->state, name);
	if (io_read_small(AT_FDCWD, path, out, len) < 0)
		out[0] = 0;
	out[strcspn(out, "\n")] = 0;
}

int
slots_write_state(const struct slots *s, const char *name, const char *text)
{
	char dir[PATH_MAX], path[PATH_MAX + 64], tmp[PATH_MAX + 80];
	int fd, r;

	snprintf(dir, sizeof(dir), "%s", s->state);
	if (io_mkdir_p(dir, 0700) < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/%s", s->state, name);
	snprintf(tmp, sizeof(tmp), "%s/.%s.tmp", s->state, name);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	r = io_write_all(fd, text, strlen(text));
	if (r == 0)
		r = io_write_all(fd, "\n", 1);
	if (r == 0)
		r = fsync(fd);
	close(fd);
	if (r == 0)
		r = rename(tmp, path);
	if (r < 0)
		unlink(tmp);
	return r;
}

void
slots_clear_state(const struct slots *s, const char *name)
{
	char path[PATH_MAX + 64];

	snprintf(path, sizeof(path), "%s/%s", s->state, name);
	unlink(path);
}
