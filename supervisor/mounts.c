/* SPDX-License-Identifier: MIT */
/* mounts.c: in the container's child, its root (an overlay of the image),
 * pivot_root, a minimal /dev, and /proc and /sys with paths masked. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "io.h"
#include "supervisor.h"

#define NOSUID_NODEV_NOEXEC (MS_NOSUID | MS_NODEV | MS_NOEXEC)

/* Paths hidden from the container: files get /dev/null, directories an
 * empty read-only tmpfs. Missing ones (sched_debug moved to debugfs in
 * newer kernels) are skipped. */
static const char *const masked[] = {
    "/proc/kcore", "/proc/keys", "/proc/timer_list", "/proc/sched_debug", "/sys/firmware",
};

static const char *const readonly[] = {
    "/proc/sys",
    "/proc/sysrq-trigger",
    "/proc/irq",
    "/proc/bus",
};

static const struct {
	const char *path;
	unsigned maj, min;
} devices[] = {
    {"/dev/null", 1, 3},   {"/dev/zero", 1, 5},	   {"/dev/full", 1, 7},
    {"/dev/random", 1, 8}, {"/dev/urandom", 1, 9}, {"/dev/tty", 5, 0},
};

static const struct {
	const char *path, *target;
} devlinks[] = {
    {"/dev/fd", "/proc/self/fd"},	{"/dev/stdin", "/proc/self/fd/0"},
    {"/dev/stdout", "/proc/self/fd/1"}, {"/dev/stderr", "/proc/self/fd/2"},
    {"/dev/ptmx", "pts/ptmx"},
};

static int tree_clone(const char *src, uint64_t set, int userns);

/* A mount point the image lacks is made in the overlay's upper layer. */
static int
mkmnt(const char *path)
{
	if (mkdir(path, 0755) < 0 && errno != EEXIST)
		return -1;
	return 0;
}

/*
 * With its own users, the container sees the image through an idmapped
 * mount (the image's owner 0 is its root, host id base): attached under
 * rundir, since overlayfs takes only attached layers (6.1), and the
 * overlay's lower layer. Without, the image itself.
 */
static int
lower_layer(const struct container_spec *s, const char *rundir, const struct userns *ns,
	    char *lower, size_t len)
{
	if (!ns) {
		snprintf(lower, len, "%s", s->image);
		return 0;
	}
	if (snprintf(lower, len, "%s/lower", rundir) >= (int)len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if (mkdir(lower, 0755) < 0)
		return -1;
	/* Read-only, and no nosuid or nodev: the image's own mount had none. */
	int fd = tree_clone(s->image, MOUNT_ATTR_RDONLY, ns->user);
	if (fd < 0)
		return -1;
	int rc = move_mount(fd, "", AT_FDCWD, lower, MOVE_MOUNT_F_EMPTY_PATH);
	int saved = errno;
	close(fd);
	errno = saved;
	return rc;
}

/*
 * The root is an overlay of the image (read-only lower) and a tmpfs upper,
 * read_only or not: the mount points of /dev, /proc, volumes and
 * resolv.conf that the image lacks must be made somewhere (as Docker
 * does). A read_only root is made read-only once they are all in place
 * (see mounts_setup).
 */
static int
setup_root(const struct container_spec *s, const char *rundir, const struct userns *ns,
	   const char **what)
{
	char root[PATH_MAX], upper[PATH_MAX], work[PATH_MAX], lower[PATH_MAX];
	char opts[4 * PATH_MAX + 64];

	*what = "make mounts private";
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return -1;
	/* The scratch tmpfs lives only in this child's mount namespace. */
	*what = "mount scratch tmpfs";
	if (mount("tmpfs", rundir, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0700") < 0)
		return -1;
	if (snprintf(root, sizeof root, "%s/root", rundir) >= (int)sizeof root ||
	    snprintf(upper, sizeof upper, "%s/upper", rundir) >= (int)sizeof upper ||
	    snprintf(work, sizeof work, "%s/work", rundir) >= (int)sizeof work) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if (mkdir(root, 0755) < 0 || mkdir(upper, 0755) < 0 || mkdir(work, 0755) < 0)
		return -1;
	/* The upper layer's root is the overlay's: the container's root owns it. */
	*what = "give the writable layer to the container's root";
	if (ns && chown(upper, ns->base, ns->base) < 0)
		return -1;
	*what = "idmapped mount of the image";
	if (lower_layer(s, rundir, ns, lower, sizeof lower) < 0)
		return -1;
	*what = "mount overlay";
	if (snprintf(opts, sizeof opts, "lowerdir=%s,upperdir=%s,workdir=%s", lower, upper, work) >=
	    (int)sizeof opts) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return mount("overlay", root, "overlay", 0, opts);
}

/* pivot_root(".", ".") stacks the old root on the new one; detaching it
 * leaves nothing of the host visible (see pivot_root(2)). */
static int
enter_root(const char *rundir, const char **what)
{
	char root[PATH_MAX];

	snprintf(root, sizeof root, "%s/root", rundir);
	*what = "pivot_root";
	if (chdir(root) < 0 || syscall(SYS_pivot_root, ".", ".") < 0)
		return -1;
	if (umount2(".", MNT_DETACH) < 0 || chdir("/") < 0)
		return -1;
	return 0;
}

static int
setup_dev(const char **what)
{
	*what = "mount /dev";
	if (mkmnt("/dev") < 0 ||
	    mount("tmpfs", "/dev", "tmpfs", MS_NOSUID | MS_STRICTATIME, "mode=755,size=64k") < 0)
		return -1;
	*what = "create devices";
	for (size_t i = 0; i < sizeof devices / sizeof devices[0]; i++) {
		if (mknod(devices[i].path, S_IFCHR | 0666,
			  makedev(devices[i].maj, devices[i].min)) < 0)
			return -1;
	}
	for (size_t i = 0; i < sizeof devlinks / sizeof devlinks[0]; i++)
		if (symlink(devlinks[i].target, devlinks[i].path) < 0)
			return -1;
	*what = "mount /dev/pts";
	if (mkdir("/dev/pts", 0755) < 0 ||
	    mount("devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC,
		  "newinstance,ptmxmode=0666,mode=0620") < 0)
		return -1;
	*what = "mount /dev/shm";
	if (mkdir("/dev/shm", 01777) < 0 ||
	    mount("shm", "/dev/shm", "tmpfs", NOSUID_NODEV_NOEXEC, "mode=1777,size=65536k") < 0)
		return -1;
	*what = "mount /dev/mqueue";
	if (mkdir("/dev/mqueue", 0755) < 0 ||
	    mount("mqueue", "/dev/mqueue", "mqueue", NOSUID_NODEV_NOEXEC, NULL) < 0)
		return -1;
	return 0;
}

static int
setup_proc_sys(const char **what)
{
	struct stat st;

	*what = "mount /proc";
	if (mkmnt("/proc") < 0 || mount("proc", "/proc", "proc", NOSUID_NODEV_NOEXEC, NULL) < 0)
		return -1;
	*what = "mount /sys";
	if (mkmnt("/sys") < 0 ||
	    mount("sysfs", "/sys", "sysfs", MS_RDONLY | NOSUID_NODEV_NOEXEC, NULL) < 0)
		return -1;
	for (size_t i = 0; i < sizeof masked / sizeof masked[0]; i++) {
		*what = masked[i];
		if (stat(masked[i], &st) < 0) {
			if (errno == ENOENT)
				continue;
			return -1;
		}
		int rc = S_ISDIR(st.st_mode) ? mount("tmpfs", masked[i], "tmpfs",
						     MS_RDONLY | NOSUID_NODEV_NOEXEC, "size=0")
					     : mount("/dev/null", masked[i], NULL, MS_BIND, NULL);
		if (rc < 0)
			return -1;
	}
	for (size_t i = 0; i < sizeof readonly / sizeof readonly[0]; i++) {
		*what = readonly[i];
		if (mount(readonly[i], readonly[i], NULL, MS_BIND | MS_REC, NULL) < 0) {
			if (errno == ENOENT)
				continue;
			return -1;
		}
		if (mount(NULL, readonly[i], NULL,
			  MS_REMOUNT | MS_BIND | MS_RDONLY | NOSUID_NODEV_NOEXEC, NULL) < 0)
			return -1;
	}
	return 0;
}

/* The host directory of a named volume or bind, made on first use. The
 * manifest gives binds under BIND_DIR; --data-dir moves that prefix. */
static int
volume_source(const struct volume *v, const struct sv_paths *p, char *buf, size_t len)
{
	size_t n = strlen(BIND_DIR);
	int w;

	if (v->kind == VOLUME_NAMED) {
		w = snprintf(buf, len, "%s/%s", p->volumes, v->source);
	} else {
		/* The parser allows nothing else; never bind an arbitrary path. */
		if (strncmp(v->source, BIND_DIR, n) != 0) {
			errno = EINVAL;
			return -1;
		}
		w = snprintf(buf, len, "%s%s", p->data, v->source + n);
	}
	if (w < 0 || (size_t)w >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return io_mkdir_p(buf, 0755);
}

/* A detached copy of a host path's mount with the attributes set, and
 * with userns (a user namespace fd, else -1) idmapped: owner 0 on the disk
 * is the container's root, so ownership on the disk stays the same
 * whatever the container's range. */
static int
tree_clone(const char *src, uint64_t set, int userns)
{
	struct mount_attr attr = {
	    .attr_set = set | (userns >= 0 ? MOUNT_ATTR_IDMAP : 0),
	    .userns_fd = userns >= 0 ? (uint64_t)userns : 0,
	};
	int fd = open_tree(AT_FDCWD, src, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (fd < 0)
		return -1;
	if (mount_setattr(fd, "", AT_EMPTY_PATH, &attr, sizeof attr) < 0) {
		int saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

/* A volume's or resolv.conf's host side, taken before pivot_root and
 * attached inside afterwards (open_tree, then move_mount). */
static int
clone_tree(const char *src, bool read_only, int userns)
{
	uint64_t set = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | (read_only ? MOUNT_ATTR_RDONLY : 0);

	return tree_clone(src, set, userns);
}

static char what_buf[PATH_MAX + 64];

static const char *
what_path(const char *step, const char *path)
{
	snprintf(what_buf, sizeof what_buf, "%s %s", step, path);
	return what_buf;
}

/* Before pivot_root: the host side of every volume, and resolv.conf. */
static int
open_sources(const struct container *m, const struct sv_paths *p, int userns, int *fds, int *resolv,
	     const char **what)
{
	char src[PATH_MAX];

	for (size_t i = 0; i < m->n_volumes; i++) {
		const struct volume *v = &m->volumes[i];
		if (v->kind == VOLUME_TMPFS)
			continue;
		*what = what_path("volume", v->source);
		if (volume_source(v, p, src, sizeof src) < 0)
			return -1;
		*what = what_path("volume", src);
		if ((fds[i] = clone_tree(src, v->read_only, userns)) < 0)
			return -1;
	}
	/* A host without the file (no DNS configured yet) gives none. It is
	 * the host's, read-only, and on a tmpfs (no idmapped mounts before
	 * Linux 6.3): never idmapped. */
	if (m->network_mode != NET_NONE && access(p->resolv_conf, R_OK) == 0) {
		*what = what_path("bind", p->resolv_conf);
		if ((*resolv = clone_tree(p->resolv_conf, true, -1)) < 0)
			return -1;
	}
	return 0;
}

/* After pivot_root: volumes and tmpfs mounts in manifest order. */
static int
mount_volumes(const struct container *m, const int *fds, const char **what)
{
	char target[PATH_MAX], opts[64];

	for (size_t i = 0; i < m->n_volumes; i++) {
		const struct volume *v = &m->volumes[i];
		snprintf(target, sizeof target, "%s", v->target);
		*what = what_path("volume target", v->target);
		/* After pivot_root, so the image's symlinks resolve within its root. */
		if (io_mkdir_p(target, 0755) < 0)
			return -1;
		if (v->kind != VOLUME_TMPFS) {
			if (move_mount(fds[i], "", AT_FDCWD, target, MOVE_MOUNT_F_EMPTY_PATH) < 0)
				return -1;
			continue;
		}
		snprintf(opts, sizeof opts, "size=%llu,mode=%o", (unsigned long long)v->tmpfs_size,
			 v->tmpfs_mode);
		if (mount("tmpfs", target, "tmpfs",
			  MS_NOSUID | MS_NODEV | (v->read_only ? MS_RDONLY : 0), opts) < 0)
			return -1;
	}
	return 0;
}

/* The host's resolver configuration, read-only over /etc/resolv.conf. An
 * image without the file gets an empty one to mount on (in the overlay's
 * upper layer); an image without /etc keeps none. */
static int
mount_resolv(int fd, const char **what)
{
	*what = "mount /etc/resolv.conf";
	/* An existing file is mounted on as it is: opening it for writing
	 * would copy it up into the overlay for nothing. */
	if (access("/etc/resolv.conf", F_OK) < 0) {
		int f = open("/etc/resolv.conf", O_WRONLY | O_CREAT | O_CLOEXEC | O_NOCTTY, 0644);
		if (f < 0)
			return errno == ENOENT ? 0 : -1;
		close(f);
	}
	return move_mount(fd, "", AT_FDCWD, "/etc/resolv.conf", MOVE_MOUNT_F_EMPTY_PATH);
}

/*
 * With its own users, everything the child makes from here on (mount
 * points, device nodes, the roots of tmpfs mounts) belongs to the
 * container's root, host id base: as the file system ids, with every
 * capability still effective.
 */
static int
own_as(uint32_t base, const char **what)
{
	*what = "make files as the container's root";
	setfsgid(base);
	setfsuid(base);
	if ((uint32_t)setfsuid((uid_t)-1) != base || (uint32_t)setfsgid((gid_t)-1) != base) {
		errno = EPERM;
		return -1;
	}
	return caps_raise_effective();
}

/* Runs in the child, in its new mount and pid namespaces, as full root.
 * On failure *what names the step and errno says why. The detached trees
 * are closed at exec (O_CLOEXEC). */
int
mounts_setup(const struct container_spec *s, const struct sv_paths *p, const struct userns *ns,
	     const char **what)
{
	const struct container *m = s->m;
	int fds[m->n_volumes + 1], resolv = -1;

	if (setup_root(s, p->rundir, ns, what) < 0 ||
	    open_sources(m, p, ns ? ns->user : -1, fds, &resolv, what) < 0)
		return -1;
	/* After the volumes' host directories are made, as the host's root. */
	if (ns && own_as(ns->base, what) < 0)
		return -1;
	if (enter_root(p->rundir, what) < 0)
		return -1;
	/* /dev first: masking binds /dev/null over files of /proc. */
	if (setup_dev(what) < 0 || setup_proc_sys(what) < 0)
		return -1;
	if (mount_volumes(m, fds, what) < 0)
		return -1;
	if (resolv >= 0 && mount_resolv(resolv, what) < 0)
		return -1;
	/* Last, once every mount point exists. A bind remount changes the
	 * flags of the root's own mount only: the volumes and /dev, /proc and
	 * /sys under it keep theirs. Without CAP_SYS_ADMIN the container
	 * cannot undo it. */
	*what = "make root read-only";
	if (m->read_only && mount(NULL, "/", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL) < 0)
		return -1;
	return 0;
}
