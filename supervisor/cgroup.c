/* SPDX-License-Identifier: MIT */
/* cgroup.c: one cgroup v2 directory per container, its limits, and cgroup.kill. */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "supervisor.h"

/* Writes a short string to a control file of the cgroup at dirfd. */
static int
cg_write(int dirfd, const char *file, const char *val)
{
	int fd = openat(dirfd, file, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	size_t len = strlen(val);
	ssize_t w;
	do
		w = write(fd, val, len);
	while (w < 0 && errno == EINTR);
	int saved = errno;
	close(fd);
	errno = saved;
	return (w == (ssize_t)len) ? 0 : -1;
}

static bool
cg_has_file(int dirfd, const char *file)
{
	return faccessat(dirfd, file, F_OK, 0) == 0;
}

/*
 * Opens (creating it if needed) the directory all containers' cgroups go
 * under, and delegates the controllers berth limits to its children. A
 * controller the kernel or the parent does not offer is simply not enabled:
 * cg_create() then refuses limits that need it.
 */
int
cg_root_open(const char *path, char *err, size_t errlen)
{
	struct statfs st;

	if (mkdir(path, 0755) < 0 && errno != EEXIST) {
		snprintf(err, errlen, "cgroup %s: %s", path, strerror(errno));
		return -1;
	}
	if (statfs(path, &st) < 0 || st.f_type != CGROUP2_SUPER_MAGIC) {
		snprintf(err, errlen, "cgroup %s: not on a cgroup2 file system", path);
		return -1;
	}
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "cgroup %s: %s", path, strerror(errno));
		return -1;
	}
	static const char *const ctl[] = {"+pids", "+memory", "+cpu"};
	for (size_t i = 0; i < sizeof ctl / sizeof ctl[0]; i++)
		(void)cg_write(fd, "cgroup.subtree_control", ctl[i]);
	return fd;
}

/* Writes one limit; a limit whose controller is missing is an error. */
static int
cg_limit(int fd, const char *file, const char *val, const char *name, char *err, size_t errlen)
{
	if (cg_write(fd, file, val) == 0)
		return 0;
	if (errno == ENOENT)
		snprintf(err, errlen, "container %s: cgroup has no %s (controller not available)",
			 name, file);
	else
		snprintf(err, errlen, "container %s: cgroup %s: %s", name, file, strerror(errno));
	return -1;
}

static int
cg_set_limits(int fd, const struct container_spec *s, char *err, size_t errlen)
{
	const struct container *m = s->m;
	char val[64];

	/* Without the pids controller (hybrid hierarchies) no pids limit can
	 * apply; main.c warns about it once at startup. */
	if (cg_has_file(fd, "pids.max")) {
		if (m->pids_limit)
			snprintf(val, sizeof val, "%u", m->pids_limit);
		else
			snprintf(val, sizeof val, "max");
		if (cg_limit(fd, "pids.max", val, s->name, err, errlen) < 0)
			return -1;
	}
	if (m->mem_limit > 0) {
		snprintf(val, sizeof val, "%llu", (unsigned long long)m->mem_limit);
		if (cg_limit(fd, "memory.max", val, s->name, err, errlen) < 0)
			return -1;
		/* Without this the limit would push the container into swap
		 * instead of the OOM killer, and the restart policy would
		 * never see the failure. */
		if (cg_has_file(fd, "memory.swap.max") &&
		    cg_limit(fd, "memory.swap.max", "0", s->name, err, errlen) < 0)
			return -1;
	}
	if (m->cpus_milli > 0) {
		snprintf(val, sizeof val, "%llu 100000", (unsigned long long)m->cpus_milli * 100);
		if (cg_limit(fd, "cpu.max", val, s->name, err, errlen) < 0)
			return -1;
	}
	return 0;
}

/* Whether the containers' cgroups get a pids controller. */
bool
cg_has_pids(int rootfd)
{
	char buf[256];
	int fd = openat(rootfd, "cgroup.subtree_control", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	ssize_t r;
	do
		r = read(fd, buf, sizeof buf - 1);
	while (r < 0 && errno == EINTR);
	close(fd);
	if (r <= 0)
		return false;
	buf[r] = '\0';
	for (char *save = NULL, *t = strtok_r(buf, " \n", &save); t;
	     t = strtok_r(NULL, " \n", &save))
		if (strcmp(t, "pids") == 0)
			return true;
	return false;
}

/*
 * Makes the container's cgroup and returns a directory fd for
 * CLONE_INTO_CGROUP. A cgroup left by an earlier run is emptied with
 * cgroup.kill and reused.
 */
int
cg_create(int rootfd, const struct container_spec *s, char *err, size_t errlen)
{
	bool existed = false;

	if (mkdirat(rootfd, s->name, 0755) < 0) {
		if (errno != EEXIST) {
			snprintf(err, errlen, "container %s: cgroup: %s", s->name, strerror(errno));
			return -1;
		}
		existed = true;
	}
	int fd = openat(rootfd, s->name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "container %s: cgroup: %s", s->name, strerror(errno));
		return -1;
	}
	/* Left by an earlier supervisor: its processes must not live on next
	 * to the new ones (adopting them is later work). */
	if (existed && cg_kill(fd) < 0 && errno != ENOENT) {
		snprintf(err, errlen, "container %s: cgroup.kill: %s", s->name, strerror(errno));
		close(fd);
		return -1;
	}
	if (cg_set_limits(fd, s, err, errlen) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Kills every process of the cgroup at once: nothing can fork away. */
int
cg_kill(int cgfd)
{
	return cg_write(cgfd, "cgroup.kill", "1");
}

/* Removes the container's cgroup; EBUSY while dying processes linger. */
int
cg_remove(int rootfd, const char *name)
{
	if (unlinkat(rootfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
		return -1;
	return 0;
}
