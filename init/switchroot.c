/* SPDX-License-Identifier: MIT */
/* switch_root: move /dev /proc /sys over, free the initramfs, make newroot the root. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>
#include <linux/magic.h>

#include "console.h"
#include "switchroot.h"
#include "util.h"

/*
 * Deletes everything in the directory dirfd (taking ownership of it) that
 * lives on device dev; mount points under it, such as the new root, are
 * on other devices and are left alone. Returns how many entries stayed.
 */
static int
remove_tree(int dirfd, dev_t dev)
{
	struct dirent *e;
	struct stat st;
	DIR *dir;
	int left = 0, sub, flags;

	dir = fdopendir(dirfd);
	if (!dir) {
		close_fd(dirfd);
		return 1;
	}
	while ((e = readdir(dir))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (fstatat(dirfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || st.st_dev != dev) {
			left++;
			continue;
		}
		flags = 0;
		if (S_ISDIR(st.st_mode)) {
			sub = openat(dirfd, e->d_name,
				     O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			left += sub < 0 ? 1 : remove_tree(sub, dev);
			flags = AT_REMOVEDIR;
		}
		if (unlinkat(dirfd, e->d_name, flags) < 0)
			left++;
	}
	if (closedir(dir) < 0)
		left++;
	return left;
}

/* Frees the initramfs's memory, but only if "/" is one: never a disk. */
static void
free_initramfs(void)
{
	struct statfs sfs;
	struct stat st;
	int fd, left;

	if (statfs("/", &sfs) < 0 || stat("/", &st) < 0 ||
	    (sfs.f_type != RAMFS_MAGIC && sfs.f_type != TMPFS_MAGIC)) {
		log_msg("warning: / is not an initramfs, not emptying it");
		return;
	}
	fd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return;
	left = remove_tree(fd, st.st_dev);
	/* The entries for the moved mounts and the new root stay behind. */
	log_debug("initramfs emptied, %d entries left", left);
}

static int
move_mount(const char *newroot, const char *what)
{
	char target[256];

	if (path_fmt(target, sizeof(target), "%s%s", newroot, what) < 0)
		return -1;
	return mount(what, target, NULL, MS_MOVE, NULL);
}

/*
 * After this, "/" is newroot and init can exec the real init. The
 * initramfs is a rootfs that cannot be unmounted, so its files are
 * deleted and newroot is moved over it (what pivot_root cannot do here).
 */
int
switchroot(const char *newroot, const char **step)
{
	/* clang-format off */
	static const char *const moved[][2] = {
		{ "/dev", "moving /dev" },
		{ "/proc", "moving /proc" },
		{ "/sys", "moving /sys" },
	};
	/* clang-format on */
	size_t i;

	for (i = 0; i < ARRAY_SIZE(moved); i++) {
		*step = moved[i][1];
		if (move_mount(newroot, moved[i][0]) < 0)
			return -1;
	}
	*step = "entering the new root";
	if (chdir(newroot) < 0)
		return -1;
	free_initramfs();
	*step = "moving the new root to /";
	if (mount(".", "/", NULL, MS_MOVE, NULL) < 0)
		return -1;
	*step = "chroot";
	if (chroot(".") < 0 || chdir("/") < 0)
		return -1;
	return 0;
}
