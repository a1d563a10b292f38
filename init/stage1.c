/* SPDX-License-Identifier: MIT */
/* Stage 1, /init in the initramfs: verify and mount the root slot and /var, then switch to it. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "blkdev.h"
#include "cmdline.h"
#include "console.h"
#include "dm.h"
#include "mount.h"
#include "shutdown.h"
#include "stage.h"
#include "switchroot.h"

#define SYSROOT "/sysroot"
#define ROOT_DM "berth-root"
#define ROOT_DEV "/dev/mapper/" ROOT_DM

static struct boot_args args;
static struct blkdev rootdev;

static void
mount_table(const struct mnt *m, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (mount_one(&m[i]) < 0)
			boot_fail("mounting %s on %s failed: %s", m[i].type, m[i].target,
				  strerror(errno));
	}
}

/* devtmpfs first: the console may only exist there. */
static void
mount_kernel_fs(void)
{
	/* clang-format off */
	static const struct mnt dev = {
		"devtmpfs", "/dev", "devtmpfs", MS_NOSUID | MS_NOEXEC, "mode=0755", NULL, 0,
	};
	/* clang-format on */
	/* clang-format off */
	static const struct mnt rest[] = {
		{ "proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL, NULL, 0 },
		{ "sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL, NULL, 0 },
	};
	/* clang-format on */
	int r, err;

	r = mount_one(&dev);
	err = errno;
	console_init();
	if (r < 0)
		boot_fail("mounting devtmpfs on /dev failed: %s", strerror(err));
	mount_table(rest, ARRAY_SIZE(rest));
}

static void
read_args(void)
{
	char err[256];

	if (cmdline_read(&args, err, sizeof(err)) < 0 ||
	    cmdline_check_root(&args, err, sizeof(err)) < 0)
		boot_fail("kernel command line: %s", err);
	console_set_debug(args.debug);
	if (args.unknown[0])
		log_msg("warning: unknown kernel command line key %s ignored", args.unknown);
}

static void
find_partition(const char *label, struct blkdev *dev)
{
	int n;

	n = blkdev_wait(label, args.roottimeout * 1000LL, dev);
	if (n < 0)
		boot_fail("partition %s not found within %u s", label, args.roottimeout);
	if (n > 1)
		log_msg("warning: %d partitions named %s, using %s", n, label, dev->name);
	log_debug("%s is /dev/%s (%u:%u, %llu bytes)", label, dev->name, dev->major, dev->minor,
		  dev->size);
}

/* After an I/O error on the root, dm-verity's status tells corruption apart. */
static noreturn void
root_fail(const char *doing, int err)
{
	if (dm_verity_corrupted(ROOT_DM) == 1)
		boot_fail("%s (%s): dm-verity found corrupted data while %s "
			  "(image damaged or berth.roothash wrong)",
			  args.root, rootdev.name, doing);
	boot_fail("%s (%s): %s failed: %s", args.root, rootdev.name, doing, strerror(err));
}

static void
setup_verity(void)
{
	struct verity_params p;
	enum dm_step step;

	p.dev = makedev(rootdev.major, rootdev.minor);
	p.data_blocks = args.hashoffset / VERITY_BLOCK;
	p.roothash = args.roothash;
	p.salt = args.salt;

	if (rootdev.size && args.hashoffset >= rootdev.size)
		boot_fail("%s (%s): berth.hashoffset=%llu is past the end of the partition "
			  "(%llu bytes)",
			  args.root, rootdev.name, args.hashoffset, rootdev.size);
	if (dm_verity_create(ROOT_DM, &p, &step) < 0)
		boot_fail("%s (%s): dm-verity setup failed while %s: %s", args.root, rootdev.name,
			  dm_step_str(step), strerror(errno));
}

/* The root is read-only erofs; mount points must already exist in it. */
static void
mount_root(void)
{
	static const char *const dirs[] = {"dev", "proc", "sys", "run", "tmp", "var"};
	char path[64], what[64];
	struct stat st;
	size_t i;

	if (mkdir(SYSROOT, 0755) < 0 && errno != EEXIST)
		boot_fail("creating " SYSROOT ": %s", strerror(errno));
	if (mount(ROOT_DEV, SYSROOT, "erofs", MS_RDONLY | MS_NOSUID | MS_NODEV, NULL) < 0)
		root_fail("mounting the erofs root", errno);
	for (i = 0; i < ARRAY_SIZE(dirs); i++) {
		snprintf(path, sizeof(path), SYSROOT "/%s", dirs[i]);
		snprintf(what, sizeof(what), "looking up /%s", dirs[i]);
		if (lstat(path, &st) < 0 && errno == ENOENT)
			boot_fail("%s: the root image has no /%s directory", args.root, dirs[i]);
		if (lstat(path, &st) < 0)
			root_fail(what, errno);
		if (!S_ISDIR(st.st_mode))
			boot_fail("%s: /%s in the root image is not a directory", args.root,
				  dirs[i]);
	}
}

static void
mount_data(void)
{
	struct blkdev dev;
	char src[64];
	int err;

	find_partition(args.data, &dev);
	snprintf(src, sizeof(src), "/dev/%s", dev.name);
	if (mount(src, SYSROOT "/var", "ext4", MS_NOSUID | MS_NODEV, NULL) == 0)
		return;
	err = errno;
	boot_fail("%s (%s): mounting ext4 on /var failed: %s%s", args.data, dev.name, strerror(err),
		  err == EINVAL ? " (no ext4 filesystem?)" : "");
}

static void
mount_tmpfs(void)
{
	/* clang-format off */
	static const struct mnt tmp[] = {
		{ "tmpfs", SYSROOT "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755", NULL, 0 },
		{ "tmpfs", SYSROOT "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777", NULL, 0 },
	};
	/* clang-format on */

	mount_table(tmp, ARRAY_SIZE(tmp));
}

/* The last check before leaving: were all blocks read so far intact? */
static void
report_root(void)
{
	char up[32];
	int c;

	c = dm_verity_corrupted(ROOT_DM);
	if (c < 0)
		boot_fail("%s (%s): reading the dm-verity status failed: %s", args.root,
			  rootdev.name, strerror(errno));
	if (c)
		root_fail("mounting the root", EIO);
	log_msg("root mounted at %s (slot %c, %s, verity ok)", uptime_str(up, sizeof(up)),
		args.slot, args.root);
}

static noreturn void
enter_root(void)
{
	static char *const argv[] = {"/sbin/init", NULL};
	const char *step;
	char doing[64];
	int err;

	if (switchroot(SYSROOT, &step) < 0)
		boot_fail("switching to the root failed while %s: %s", step, strerror(errno));
	execv(argv[0], argv);
	err = errno;
	snprintf(doing, sizeof(doing), "starting %s", argv[0]);
	root_fail(doing, err);
}

noreturn void
stage1_main(void)
{
	char up[32];

	mount_kernel_fs();
	log_msg("stage 1 start at %s", uptime_str(up, sizeof(up)));
	read_args();
	find_partition(args.root, &rootdev);
	setup_verity();
	mount_root();
	mount_data();
	mount_tmpfs();
	report_root();
	enter_root();
}
