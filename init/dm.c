/* SPDX-License-Identifier: MIT */
/* Creates and queries dm-verity devices through the device-mapper ioctls. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <linux/dm-ioctl.h>

#include "dm.h"
#include "util.h"

#define DM_CONTROL "/dev/mapper/control"
#define DM_BUF_SIZE 16384

/* The kernel reads a dm_ioctl header followed by its payload, 8-byte aligned. */
union dm_buf {
	struct dm_ioctl io;
	char raw[DM_BUF_SIZE];
	unsigned long long align;
};

const char *
dm_step_str(enum dm_step step)
{
	switch (step) {
	case DM_STEP_CONTROL:
		return "opening " DM_CONTROL;
	case DM_STEP_CREATE:
		return "creating the device";
	case DM_STEP_LOAD:
		return "loading the verity table";
	case DM_STEP_RESUME:
		return "activating the device";
	case DM_STEP_NODE:
		return "creating its node in /dev/mapper";
	}
	return "?";
}

static void
dm_header(struct dm_ioctl *io, size_t size, const char *name, unsigned int flags)
{
	memset(io, 0, size);
	/* 4.0.0: any 4.x kernel accepts it, and we use nothing newer. */
	io->version[0] = DM_VERSION_MAJOR;
	io->data_size = size;
	io->data_start = sizeof(*io);
	io->flags = flags;
	snprintf(io->name, sizeof(io->name), "%s", name);
}

static int
dm_call(int fd, unsigned long cmd, struct dm_ioctl *io)
{
	int r;

	do
		r = ioctl(fd, cmd, io);
	while (r < 0 && errno == EINTR);
	return r;
}

static int
dm_simple(int fd, unsigned long cmd, const char *name, struct dm_ioctl *out)
{
	struct dm_ioctl io;

	dm_header(&io, sizeof(io), name, 0);
	if (dm_call(fd, cmd, &io) < 0)
		return -1;
	if (out)
		*out = io;
	return 0;
}

/*
 * One verity target over the whole data area. No optional arguments: on a
 * hash mismatch the read fails with EIO and the status turns to 'C', which
 * lets init report the corruption instead of the kernel restarting.
 */
static int
dm_load_verity(int fd, const char *name, const struct verity_params *p)
{
	union dm_buf buf;
	struct dm_target_spec *spec;
	char *params;
	size_t room;
	int n;

	dm_header(&buf.io, sizeof(buf), name, DM_READONLY_FLAG);
	buf.io.target_count = 1;
	spec = (struct dm_target_spec *)(buf.raw + sizeof(buf.io));
	spec->sector_start = 0;
	spec->length = p->data_blocks * (VERITY_BLOCK / 512);
	snprintf(spec->target_type, sizeof(spec->target_type), "verity");
	params = (char *)(spec + 1);
	room = sizeof(buf) - (params - buf.raw);
	n = snprintf(params, room, "1 %u:%u %u:%u %d %d %llu %llu sha256 %s %s", major(p->dev),
		     minor(p->dev), major(p->dev), minor(p->dev), VERITY_BLOCK, VERITY_BLOCK,
		     p->data_blocks, p->data_blocks, p->roothash, p->salt);
	if (n < 0 || (size_t)n >= room) {
		errno = E2BIG;
		return -1;
	}
	buf.io.data_size = (params - buf.raw + n + 1 + 7) & ~7UL;
	return dm_call(fd, DM_TABLE_LOAD, &buf.io);
}

/* Without udev nobody else makes /dev/mapper/<name>; dmsetup does the same. */
static int
dm_make_node(const char *name, dev_t dev)
{
	char path[300];
	struct stat st;

	if (path_fmt(path, sizeof(path), "/dev/mapper/%s", name) < 0)
		return -1;
	if (mknod(path, S_IFBLK | 0600, dev) == 0)
		return 0;
	if (errno != EEXIST || stat(path, &st) < 0)
		return -1;
	if (S_ISBLK(st.st_mode) && st.st_rdev == dev)
		return 0;
	if (unlink(path) < 0)
		return -1;
	return mknod(path, S_IFBLK | 0600, dev);
}

/* Creates, loads and resumes the device; on failure removes what it made. */
int
dm_verity_create(const char *name, const struct verity_params *p, enum dm_step *step)
{
	struct dm_ioctl io;
	int fd, err;

	*step = DM_STEP_CONTROL;
	fd = open(DM_CONTROL, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -1;
	*step = DM_STEP_CREATE;
	if (dm_simple(fd, DM_DEV_CREATE, name, &io) < 0)
		goto out_close;
	*step = DM_STEP_LOAD;
	if (dm_load_verity(fd, name, p) < 0)
		goto out_remove;
	*step = DM_STEP_RESUME;
	if (dm_simple(fd, DM_DEV_SUSPEND, name, NULL) < 0)
		goto out_remove;
	*step = DM_STEP_NODE;
	/* dm_ioctl.dev uses the kernel's huge_encode_dev(), which is makedev(). */
	if (dm_make_node(name, (dev_t)io.dev) < 0)
		goto out_remove;
	return close_fd(fd);

out_remove:
	err = errno;
	/* Best effort: a leftover device only lives until the reboot that follows. */
	(void)dm_simple(fd, DM_DEV_REMOVE, name, NULL);
	errno = err;
out_close:
	err = errno;
	close_fd(fd);
	errno = err;
	return -1;
}

/* Copies the status line of the device's first target into buf. */
int
dm_status(const char *name, char *buf, size_t size)
{
	union dm_buf dm;
	struct dm_target_spec *spec;
	int fd, r;

	fd = open(DM_CONTROL, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -1;
	dm_header(&dm.io, sizeof(dm), name, 0);
	r = dm_call(fd, DM_TABLE_STATUS, &dm.io);
	if (close_fd(fd) < 0 || r < 0)
		return -1;
	if ((dm.io.flags & DM_BUFFER_FULL_FLAG) || dm.io.target_count < 1 ||
	    dm.io.data_start + sizeof(*spec) >= sizeof(dm) || dm.io.data_size > sizeof(dm)) {
		errno = ENODATA;
		return -1;
	}
	dm.raw[sizeof(dm) - 1] = '\0';
	spec = (struct dm_target_spec *)(dm.raw + dm.io.data_start);
	snprintf(buf, size, "%s", (char *)(spec + 1));
	return 0;
}

/* 1 if dm-verity has seen a block whose hash did not match ('C'), 0 if not. */
int
dm_verity_corrupted(const char *name)
{
	char status[64];

	if (dm_status(name, status, sizeof(status)) < 0)
		return -1;
	return status[0] == 'C';
}
