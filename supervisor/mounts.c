/* SPDX-License-Identifier: MIT */
/* mounts.c: in the container's child, its root (an overlay of the image),
 * pivot_root, a minimal /dev, and /proc and /sys with paths masked. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <sys/fsuid.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "base/io.h"
#include "base/saferesolve.h"
#include "supervisor.h"

#define NOSUID_NODEV_NOEXEC (MS_NOSUID | MS_NODEV | MS_NOEXEC)
#define NOSUID_NODEV_NOEXEC_ATTR (MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC)

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

/* The step that failed, its path, and a reason in words when the path
 * itself was refused: errno is cleared then, so the status shows the
 * reason alone ("volume ./shared/sub: a symlink in the path (refused)"). */
static char what_buf[PATH_MAX + 64];

static const char *
what_path(const char *step, const char *path)
{
	if (errno == ELOOP || errno == EXDEV || errno == ENOTDIR) {
		snprintf(what_buf, sizeof what_buf, "%s %s: %s", step, path, sr_strerror(errno));
		errno = 0;
	} else {
		snprintf(what_buf, sizeof what_buf, "%s %s", step, path);
	}
	return what_buf;
}

/* The image's root directory. The images live on the verified root, where
 * no container writes; still, its last component must be a directory and
 * no symlink, and no magic link is followed on the way. */
static int
image_open(const char *image)
{
	struct open_how how = {
	    .flags = O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC,
	    .resolve = RESOLVE_NO_MAGICLINKS,
	};

	return (int)syscall(SYS_openat2, AT_FDCWD, image, &how, sizeof how);
}

/*
 * The root is an overlay of the image (read-only lower) and a tmpfs upper,
 * read_only or not: the mount points of /dev, /proc, volumes and
 * resolv.conf that the image lacks must be made somewhere (as Docker
 * does). A read_only root is made read-only once they are all in place
 * (see mounts_setup).
 */
/*
 * With its own users, the container sees the image through an idmapped
 * mount (the image's owner 0 is its root, host id base), attached under
 * rundir since overlayfs takes only attached layers (6.1): that is the
 * overlay's lower layer. Without, the image's directory as opened.
 */
static int
lower_layer(int img, const char *rundir, const struct userns *ns, char *lower, size_t len)
{
	/* Read-only, and no nosuid or nodev: the image's own mount had none. */
	struct mount_attr attr = {.attr_set = MOUNT_ATTR_RDONLY};
	int fd, rc, saved;

	if (!ns) {
		snprintf(lower, len, "/proc/self/fd/%d", img);
		return 0;
	}
	if (snprintf(lower, len, "%s/lower", rundir) >= (int)len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if (mkdir(lower, 0755) < 0)
		return -1;
	attr.attr_set |= MOUNT_ATTR_IDMAP;
	attr.userns_fd = (uint64_t)ns->user;
	if ((fd = open_tree(img, "", AT_EMPTY_PATH | OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC)) < 0)
		return -1;
	rc = mount_setattr(fd, "", AT_EMPTY_PATH, &attr, sizeof attr);
	if (!rc)
		rc = move_mount(fd, "", AT_FDCWD, lower, MOVE_MOUNT_F_EMPTY_PATH);
	saved = errno;
	close(fd);
	errno = saved;
	return rc;
}

static int
setup_root(const struct container_spec *s, const char *rundir, const struct userns *ns,
	   const char **what)
{
	char root[PATH_MAX], upper[PATH_MAX], work[PATH_MAX], lower[PATH_MAX];
	char opts[4 * PATH_MAX + 64];
	int img, rc, saved;

	*what = "make mounts private";
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return -1;
	/* The scratch tmpfs lives only in this child's mount namespace. It
	 * holds the writable layer, charged to the container's memory: its
	 * size is storage_opt's; a read_only root holds mount points only. */
	char tmpfs_opts[64];
	snprintf(tmpfs_opts, sizeof tmpfs_opts, "mode=0700,size=%llu",
		 s->m->read_only ? 1ull << 20 : (unsigned long long)s->m->storage_size);
	*what = "mount scratch tmpfs";
	if (mount("tmpfs", rundir, "tmpfs", MS_NOSUID | MS_NODEV, tmpfs_opts) < 0)
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
	if ((img = image_open(s->image)) < 0) {
		*what = what_path("open image", s->image);
		return -1;
	}
	*what = "idmapped mount of the image";
	if (lower_layer(img, rundir, ns, lower, sizeof lower) < 0) {
		saved = errno;
		close(img);
		errno = saved;
		return -1;
	}
	*what = "mount overlay";
	/* The image's directory as opened, not its path looked up again. */
	if (snprintf(opts, sizeof opts, "lowerdir=%s,upperdir=%s,workdir=%s", lower, upper, work) >=
	    (int)sizeof opts) {
		close(img);
		errno = ENAMETOOLONG;
		return -1;
	}
	rc = mount("overlay", root, "overlay", 0, opts);
	saved = errno;
	close(img);
	errno = saved;
	return rc;
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

/* A new mount of type with comma separated key=value options and flags,
 * attached on the directory at target (an O_PATH fd): with the new mount
 * API nothing is looked up by path. */
static int
mount_at(int target, const char *type, const char *opts, unsigned attrs)
{
	char buf[256], *o, *val, *rest = buf;
	int fs, mnt = -1, saved;

	if (snprintf(buf, sizeof buf, "%s", opts ? opts : "") >= (int)sizeof buf) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((fs = fsopen(type, FSOPEN_CLOEXEC)) < 0)
		return -1;
	/* The source /proc/mounts shows, as mount(2) with the type's name. */
	if (fsconfig(fs, FSCONFIG_SET_STRING, "source", type, 0) < 0)
		goto out_close_fs;
	while ((o = strsep(&rest, ","))) {
		if (!*o)
			continue;
		if ((val = strchr(o, '=')))
			*val++ = '\0';
		if (fsconfig(fs, val ? FSCONFIG_SET_STRING : FSCONFIG_SET_FLAG, o, val, 0) < 0)
			goto out_close_fs;
	}
	if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0 ||
	    (mnt = fsmount(fs, FSMOUNT_CLOEXEC, attrs)) < 0)
		goto out_close_fs;
	if (move_mount(mnt, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		goto out_close_fs;
	close(mnt);
	close(fs);
	return 0;
out_close_fs:
	saved = errno;
	if (mnt >= 0)
		close(mnt);
	close(fs);
	errno = saved;
	return -1;
}

/* A mount point of the container's, made if the image lacks it, and a
 * fresh filesystem on it. */
static int
mount_in_root(int rootfd, const char *path, const char *type, const char *opts, unsigned attrs)
{
	int t = sr_mkdirs(rootfd, path, SR_IN_ROOT, 0755), rc, saved;

	if (t < 0)
		return -1;
	rc = mount_at(t, type, opts, attrs);
	saved = errno;
	close(t);
	errno = saved;
	return rc;
}

/* The device nodes go into the fresh tmpfs on /dev, nothing of the
 * image's: they are made from an fd of it. */
static int
fill_dev(int dev, const char **what)
{
	*what = "create devices";
	for (size_t i = 0; i < sizeof devices / sizeof devices[0]; i++) {
		if (mknodat(dev, devices[i].path + 5, S_IFCHR | 0666,
			    makedev(devices[i].maj, devices[i].min)) < 0)
			return -1;
	}
	for (size_t i = 0; i < sizeof devlinks / sizeof devlinks[0]; i++)
		if (symlinkat(devlinks[i].target, dev, devlinks[i].path + 5) < 0)
			return -1;
	*what = "mount /dev/pts";
	if (mount_in_root(dev, "pts", "devpts", "newinstance,ptmxmode=0666,mode=0620",
			  MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC) < 0)
		return -1;
	*what = "mount /dev/shm";
	if (mount_in_root(dev, "shm", "tmpfs", "mode=1777,size=64m", NOSUID_NODEV_NOEXEC_ATTR) < 0)
		return -1;
	*what = "mount /dev/mqueue";
	return mount_in_root(dev, "mqueue", "mqueue", NULL, NOSUID_NODEV_NOEXEC_ATTR);
}

static int
setup_dev(int rootfd, const char **what)
{
	int dev, rc;

	*what = "mount /dev";
	if (mount_in_root(rootfd, "/dev", "tmpfs", "mode=755,size=64k",
			  MOUNT_ATTR_NOSUID | MOUNT_ATTR_STRICTATIME) < 0) {
		*what = what_path("mount", "/dev");
		return -1;
	}
	if ((dev = sr_open(rootfd, "/dev", SR_IN_ROOT, O_PATH | O_DIRECTORY)) < 0)
		return -1;
	rc = fill_dev(dev, what);
	close(dev);
	return rc;
}

static int
setup_proc_sys(int rootfd, const char **what)
{
	struct stat st;

	*what = "mount /proc";
	if (mount_in_root(rootfd, "/proc", "proc", NULL, NOSUID_NODEV_NOEXEC_ATTR) < 0) {
		*what = what_path("mount", "/proc");
		return -1;
	}
	*what = "mount /sys";
	if (mount_in_root(rootfd, "/sys", "sysfs", NULL,
			  MOUNT_ATTR_RDONLY | NOSUID_NODEV_NOEXEC_ATTR) < 0) {
		*what = what_path("mount", "/sys");
		return -1;
	}
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

/* A bind source as the manifest shows it: ./sub for BIND_DIR/sub. */
static const char *
volume_label(const struct volume *v, char *buf, size_t len)
{
	size_t n = strlen(BIND_DIR);

	if (v->kind == VOLUME_BIND && strncmp(v->source, BIND_DIR, n) == 0 && v->source[n] == '/')
		snprintf(buf, len, ".%s", v->source + n);
	else
		snprintf(buf, len, "%s", v->source);
	return buf;
}

/*
 * The host side of a named volume or bind: its directory, made on first
 * use, or an existing file. It is resolved below the volumes or data
 * directory from an fd of it, never through a symlink: a container that
 * can write a bind source could otherwise plant one where another bind
 * lies below it, and send that mount anywhere on the host. The bases are
 * the supervisor's own configuration (--volumes, --data-dir moves BIND_DIR)
 * and are made as given.
 */
static int
volume_source(const struct volume *v, const struct sv_paths *p, const struct userns *ns)
{
	const char *rel = v->source;
	char base[PATH_MAX];
	size_t n = strlen(BIND_DIR);
	int dfd, fd, saved;

	if (v->kind == VOLUME_BIND) {
		/* The parser allows nothing else; never bind an arbitrary path. */
		if (strncmp(v->source, BIND_DIR, n) != 0 || v->source[n] != '/') {
			errno = EINVAL;
			return -1;
		}
		rel = v->source + n + 1;
	}
	if (snprintf(base, sizeof base, "%s", v->kind == VOLUME_NAMED ? p->volumes : p->data) >=
	    (int)sizeof base) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if (io_mkdir_p(base, 0755) < 0 || (dfd = open(base, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
		return -1;
	/* A bind is not idmapped (see open_sources): a directory the
	 * supervisor makes for it is given to the container's root. */
	bool made = false;
	if (ns && v->kind == VOLUME_BIND) {
		fd = sr_open(dfd, rel, SR_BENEATH, O_PATH);
		made = fd < 0 && errno == ENOENT;
		if (fd >= 0)
			close(fd);
	}
	fd = sr_mkdirs(dfd, rel, SR_BENEATH, 0755);
	if (fd >= 0 && made && fchownat(fd, "", ns->base, ns->base, AT_EMPTY_PATH) < 0) {
		saved = errno;
		close(fd);
		fd = -1;
		errno = saved;
	}
	saved = errno;
	close(dfd);
	errno = saved;
	return fd;
}

/* A detached copy of the mount at fd, taken before pivot_root and
 * attached inside afterwards (move_mount); with userns (a user namespace
 * fd, else -1) idmapped: owner 0 on the disk is the container's root, so
 * ownership on the disk stays the same whatever the container's range. */
static int
clone_tree(int src, bool read_only, int userns)
{
	struct mount_attr attr = {
	    .attr_set = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | (read_only ? MOUNT_ATTR_RDONLY : 0) |
			(userns >= 0 ? MOUNT_ATTR_IDMAP : 0),
	    .userns_fd = userns >= 0 ? (uint64_t)userns : 0,
	};
	int fd = open_tree(src, "", AT_EMPTY_PATH | OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
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

/* The container's /etc/hosts (etchosts.c), written on the scratch tmpfs
 * of this child's mount namespace and detached from there read-only. */
static int
open_hosts(const struct container_spec *s, const struct network_cfg *net, const char *rundir,
	   int *hosts, const char **what)
{
	char path[PATH_MAX], *text = malloc(ETC_HOSTS_MAX);
	int fd, saved;
	size_t n;

	*what = "write /etc/hosts";
	if (!text)
		return -1;
	n = etc_hosts_text(s, net, text, ETC_HOSTS_MAX);
	if (n == 0 || snprintf(path, sizeof path, "%s/hosts", rundir) >= (int)sizeof path) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644)) < 0 ||
	    io_write_all(fd, text, n) < 0) {
		saved = errno;
		if (fd >= 0)
			close(fd);
		free(text);
		errno = saved;
		return -1;
	}
	close(fd);
	free(text);
	if ((fd = open(path, O_PATH | O_CLOEXEC)) < 0)
		return -1;
	*hosts = clone_tree(fd, true, -1);
	saved = errno;
	close(fd);
	errno = saved;
	return *hosts < 0 ? -1 : 0;
}

/* Before pivot_root: the host side of every volume, and resolv.conf. */
static int
open_sources(const struct container *m, const struct sv_paths *p, const struct userns *ns, int *fds,
	     int *resolv, const char **what)
{
	char label[PATH_MAX];
	int src, saved;

	for (size_t i = 0; i < m->n_volumes; i++) {
		const struct volume *v = &m->volumes[i];
		if (v->kind == VOLUME_TMPFS)
			continue;
		volume_label(v, label, sizeof label);
		if ((src = volume_source(v, p, ns)) < 0) {
			*what = what_path("volume", label);
			return -1;
		}
		/* A named volume is berth's, made for this container: idmapped,
		 * its files owned 0-based on the disk whatever the range. A bind
		 * is the host's directory: not idmapped, so that a file the host
		 * owns there is nobody's to the container and its root cannot
		 * write it; what the container writes is owned by its range. */
		fds[i] =
		    clone_tree(src, v->read_only, ns && v->kind == VOLUME_NAMED ? ns->user : -1);
		saved = errno;
		close(src);
		errno = saved;
		if (fds[i] < 0) {
			*what = what_path("volume", label);
			return -1;
		}
	}
	/* A host without the file (no DNS configured yet) gives none. The
	 * host's own resolv.conf may be a symlink (into /run): no container
	 * can write there, so it is followed. It is the host's, read-only, and
	 * on a tmpfs (no idmapped mounts before Linux 6.3): never idmapped. */
	if (m->network_mode != NET_NONE && access(p->resolv_conf, R_OK) == 0) {
		if ((src = open(p->resolv_conf, O_PATH | O_CLOEXEC)) < 0) {
			*what = what_path("bind", p->resolv_conf);
			return -1;
		}
		*resolv = clone_tree(src, true, -1);
		saved = errno;
		close(src);
		errno = saved;
		if (*resolv < 0) {
			*what = what_path("bind", p->resolv_conf);
			return -1;
		}
	}
	return 0;
}

/* A volume over the container's /proc or /sys would hide their masks, and
 * one over its root would hide the image: an image's symlink (/data ->
 * /proc, or -> ../..) must not take a volume there. */
static int
target_check(int rootfd, int t, const char *target, const char **what)
{
	struct statfs sf;
	struct stat a, b;

	if (fstatfs(t, &sf) < 0 || fstat(t, &a) < 0 || fstat(rootfd, &b) < 0) {
		*what = what_path("volume target", target);
		return -1;
	}
	if (sf.f_type == PROC_SUPER_MAGIC || sf.f_type == SYSFS_MAGIC ||
	    (a.st_dev == b.st_dev && a.st_ino == b.st_ino)) {
		snprintf(what_buf, sizeof what_buf,
			 "volume target %s: leads to the container's /, /proc or /sys (refused)",
			 target);
		*what = what_buf;
		errno = 0;
		return -1;
	}
	return 0;
}

/* After pivot_root: volumes and tmpfs mounts in manifest order. Targets are
 * resolved in the root: an image's symlinks are followed, but never out of
 * it, and missing directories are made in the overlay's upper layer. */
static int
mount_volumes(const struct container *m, int rootfd, const int *fds, const char **what)
{
	char opts[64];
	int t, rc;

	for (size_t i = 0; i < m->n_volumes; i++) {
		const struct volume *v = &m->volumes[i];
		if ((t = sr_mkdirs(rootfd, v->target, SR_IN_ROOT, 0755)) < 0) {
			*what = what_path("volume target", v->target);
			return -1;
		}
		if (target_check(rootfd, t, v->target, what) < 0) {
			close(t);
			return -1;
		}
		if (v->kind != VOLUME_TMPFS) {
			rc = move_mount(fds[i], "", t, "",
					MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH);
		} else {
			snprintf(opts, sizeof opts, "size=%llu,mode=%o",
				 (unsigned long long)v->tmpfs_size, v->tmpfs_mode);
			rc = mount_at(t, "tmpfs", opts,
				      MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
					  (v->read_only ? MOUNT_ATTR_RDONLY : 0));
		}
		if (rc < 0)
			*what = what_path("volume target", v->target);
		close(t);
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* A file made for the container (resolv.conf: the host's resolver
 * configuration; hosts: its names), read-only over /etc/NAME. An image
 * that lacks the file gets an empty one to mount on (in the overlay's
 * upper layer); an image without /etc, or whose file is a symlink to
 * nothing, keeps its own. */
static int
mount_etc_file(int rootfd, int fd, const char *name, const char **what)
{
	char path[64];
	int t, etc, f, rc;

	snprintf(path, sizeof path, "/etc/%s", name);
	*what = name[0] == 'r' ? "mount /etc/resolv.conf" : "mount /etc/hosts";
	/* An existing file is mounted on as it is: opening it for writing
	 * would copy it up into the overlay for nothing. */
	if ((t = sr_open(rootfd, path, SR_IN_ROOT, O_PATH)) < 0) {
		if (errno != ENOENT)
			return -1;
		if ((etc = sr_open(rootfd, "/etc", SR_IN_ROOT, O_PATH | O_DIRECTORY)) < 0)
			return errno == ENOENT ? 0 : -1;
		f = openat(etc, name,
			   O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0644);
		close(etc);
		if (f < 0)
			return errno == EEXIST ? 0 : -1;
		close(f);
		if ((t = sr_open(rootfd, path, SR_IN_ROOT, O_PATH)) < 0)
			return -1;
	}
	rc = move_mount(fd, "", t, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH);
	close(t);
	return rc;
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
mounts_setup(const struct container_spec *s, const struct network_cfg *net,
	     const struct sv_paths *p, const struct userns *ns, const char **what)
{
	const struct container *m = s->m;
	int fds[m->n_volumes + 1], resolv = -1, hosts = -1, rootfd, rc;

	if (setup_root(s, p->rundir, ns, what) < 0 ||
	    open_sources(m, p, ns, fds, &resolv, what) < 0 ||
	    open_hosts(s, net, p->rundir, &hosts, what) < 0)
		return -1;
	/* After the volumes' host directories are made, as the host's root. */
	if (ns && own_as(ns->base, what) < 0)
		return -1;
	if (enter_root(p->rundir, what) < 0)
		return -1;
	/* Every path below is looked up in the container's root, from here. */
	*what = "open the container's root";
	if ((rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
		return -1;
	/* /dev first: masking binds /dev/null over files of /proc. */
	rc = setup_dev(rootfd, what) < 0 || setup_proc_sys(rootfd, what) < 0 ||
	     mount_volumes(m, rootfd, fds, what) < 0 ||
	     (resolv >= 0 && mount_etc_file(rootfd, resolv, "resolv.conf", what) < 0) ||
	     mount_etc_file(rootfd, hosts, "hosts", what) < 0;
	if (rc) {
		int saved = errno;
		close(rootfd);
		errno = saved;
		return -1;
	}
	close(rootfd);
	/* Last, once every mount point exists. A bind remount changes the
	 * flags of the root's own mount only: the volumes and /dev, /proc and
	 * /sys under it keep theirs. Without CAP_SYS_ADMIN the container
	 * cannot undo it. */
	*what = "make root read-only";
	if (m->read_only && mount(NULL, "/", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL) < 0)
		return -1;
	return 0;
}
