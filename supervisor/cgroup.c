/* SPDX-License-Identifier: MIT */
/* cgroup.c: one cgroup v2 directory per container, its limits, and cgroup.kill;
 * the containers' common memory limit and the host's reserve. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <dirent.h>
#include <linux/magic.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <sys/vfs.h>
#include <time.h>
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

/* The controllers berth sets limits with. */
static const char *const cg_wanted[] = {"pids", "memory", "cpu"};
#define CG_NWANTED (sizeof cg_wanted / sizeof cg_wanted[0])

/* The supervisor's cgroup root, for messages about missing controllers. */
static char cg_root_path[PATH_MAX];

/* Reads a small control file of the cgroup at dirfd into buf; "" when it
 * cannot be read. */
static void
cg_read(int dirfd, const char *file, char *buf, size_t len)
{
	ssize_t r = -1;
	int fd = openat(dirfd, file, O_RDONLY | O_CLOEXEC);

	if (fd >= 0) {
		do
			r = read(fd, buf, len - 1);
		while (r < 0 && errno == EINTR);
		close(fd);
	}
	buf[r > 0 ? r : 0] = '\0';
}

/* Whether the space-separated list holds the word. */
static bool
cg_list_has(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = list; (p = strstr(p, word)); p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\n' || !p[n]))
			return true;
	return false;
}

/*
 * Enables the wanted controllers in cgroup.subtree_control of dir, one at a
 * time (one write of several fails as a whole). A controller the level
 * does not offer is skipped; why[i] keeps the first reason a controller
 * stopped somewhere on the way down.
 */
static void
cg_enable_level(const char *dir, char why[][PATH_MAX + 96])
{
	char avail[256], ctl[16];
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return;
	cg_read(fd, "cgroup.controllers", avail, sizeof avail);
	for (size_t i = 0; i < CG_NWANTED; i++) {
		if (why[i][0])
			continue;
		if (!cg_list_has(avail, cg_wanted[i])) {
			snprintf(why[i], sizeof why[0], "%s/cgroup.controllers does not offer it",
				 dir);
			continue;
		}
		snprintf(ctl, sizeof ctl, "+%s", cg_wanted[i]);
		if (cg_write(fd, "cgroup.subtree_control", ctl) == 0)
			continue;
		if (errno == EBUSY)
			snprintf(why[i], sizeof why[0],
				 "%s has processes of its own (a non-root cgroup with processes "
				 "cannot delegate controllers)",
				 dir);
		else
			snprintf(why[i], sizeof why[0], "%s/cgroup.subtree_control: %s", dir,
				 strerror(errno));
	}
	close(fd);
}

/*
 * Controllers reach a cgroup only if every ancestor lists them in its
 * cgroup.subtree_control, and nothing else in berth writes those files:
 * enable them level by level, from the top of the cgroup2 mount (the root
 * cgroup is exempt from the no-internal-processes rule; the supervisor
 * and init live there) down to path itself, whose children are the
 * containers. Says once which wanted controllers the containers lack, and
 * why.
 */
static void
cg_delegate(const char *path)
{
	char real[PATH_MAX], why[CG_NWANTED][PATH_MAX + 96] = {{0}};
	struct stat top, st;

	if (!realpath(path, real) || stat(real, &top) < 0)
		return;
	/* Each prefix on the same file system is a cgroup of this hierarchy;
	 * the shortest one is the mount's root. */
	for (char *p = real + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char c = *p;
		*p = '\0';
		if (stat(real, &st) == 0 && st.st_dev == top.st_dev)
			cg_enable_level(real, why);
		*p = c;
		if (!c)
			break;
	}
	/* One line per reason: on a hybrid host all three share one. */
	for (size_t i = 0; i < CG_NWANTED; i++) {
		char names[64] = "";
		if (!why[i][0])
			continue;
		for (size_t j = i; j < CG_NWANTED; j++) {
			if (strcmp(why[j], why[i]) != 0)
				continue;
			snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s",
				 names[0] ? " " : "", cg_wanted[j]);
			if (j > i)
				why[j][0] = '\0';
		}
		sv_say("warning: cgroup %s: the containers get no %s controller: %s", path, names,
		       why[i]);
	}
}

/* How long a start waits for what an earlier supervisor left to die. */
#define SWEEP_WAIT_MS 5000

static long long
cg_now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000LL + t.tv_nsec / 1000000;
}

/* Processes in the cgroup at fd: lines of cgroup.procs (this level only;
 * a container's cgroup has no children of its own). */
static unsigned
cg_count_procs(int fd)
{
	char buf[4096];
	unsigned n = 0;
	ssize_t r;
	int pfd = openat(fd, "cgroup.procs", O_RDONLY | O_CLOEXEC);

	if (pfd < 0)
		return 0;
	while ((r = read(pfd, buf, sizeof buf)) > 0 || (r < 0 && errno == EINTR))
		for (ssize_t i = 0; i < r; i++)
			n += buf[i] == '\n';
	close(pfd);
	return n;
}

/*
 * Waits until the cgroup at fd has no process left, or the deadline. A
 * SIGKILL is sent at once but processes exit when the scheduler runs them;
 * cgroup.events says "populated 0" once the last is gone and wakes poll()
 * with POLLPRI on every change.
 */
static bool
cg_wait_empty(int fd, long long deadline)
{
	char buf[128];
	bool empty = false;
	int efd = openat(fd, "cgroup.events", O_RDONLY | O_CLOEXEC);

	if (efd < 0)
		return false;
	for (;;) {
		ssize_t r = pread(efd, buf, sizeof buf - 1, 0);
		buf[r > 0 ? r : 0] = '\0';
		empty = strstr(buf, "populated 0") != NULL;
		long long left = deadline - cg_now_ms();
		if (empty || r < 0 || left <= 0)
			break;
		struct pollfd p = {.fd = efd, .events = POLLPRI};
		if (poll(&p, 1, (int)left) < 0 && errno != EINTR)
			break;
	}
	close(efd);
	return empty;
}

static bool
adopted(const struct sv *sv, const char *name)
{
	for (size_t i = 0; i < sv->n; i++)
		if (sv->c[i].cgfd >= 0 && !strcmp(sv->c[i].spec.name, name))
			return true;
	return false;
}

/*
 * An earlier supervisor (killed, then restarted by init) leaves its
 * containers running in their cgroups. Those live.c adopted (they hold
 * their cgroup open) stay; the rest (a run that had not started yet, a
 * definition that changed, a container no longer in the manifest) are
 * killed before anything starts, so a new run never overlaps an old one:
 * each such cgroup gets cgroup.kill, is waited for until empty, and
 * removed. Says what it killed.
 */
void
cg_sweep(struct sv *sv)
{
	const char *path = cg_root_path;
	int rootfd = sv->cgroot_fd;
	char names[512] = "";
	unsigned procs = 0, cgroups = 0;
	long long deadline = cg_now_ms() + SWEEP_WAIT_MS;
	int dfd = dup(rootfd);
	DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
	struct dirent *e;

	if (!d) {
		if (dfd >= 0)
			close(dfd);
		sv_say("cgroup %s: cannot list what an earlier run left: %s", path,
		       strerror(errno));
		return;
	}
	while ((e = readdir(d))) {
		if (e->d_type != DT_DIR || e->d_name[0] == '.' || adopted(sv, e->d_name))
			continue;
		int fd = openat(rootfd, e->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0)
			continue;
		unsigned n = cg_count_procs(fd);
		if (n && cg_kill(fd) == 0 && !cg_wait_empty(fd, deadline))
			sv_say("cgroup %s/%s: processes left by an earlier run still there after "
			       "%d ms",
			       path, e->d_name, SWEEP_WAIT_MS);
		close(fd);
		if (n) {
			procs += n;
			cgroups++;
			snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s",
				 names[0] ? " " : "", e->d_name);
		}
		/* Not fatal: cg_create() kills again in a cgroup still there. */
		(void)unlinkat(rootfd, e->d_name, AT_REMOVEDIR);
	}
	closedir(d);
	if (procs)
		sv_say("cgroup %s: killed %u processes an earlier run left in %u cgroups: %s", path,
		       procs, cgroups, names);
}

/*
 * Opens (creating it if needed) the directory all containers' cgroups go
 * under and delegates the
 * controllers berth limits to its children. A controller that cannot be
 * had is warned about, not fatal: cg_create() then refuses limits that
 * need it.
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
	snprintf(cg_root_path, sizeof cg_root_path, "%s", path);
	cg_delegate(path);
	return fd;
}

/* Writes one limit; a limit whose controller is missing is an error. */
static int
cg_limit(int fd, const char *file, const char *val, const char *name, char *err, size_t errlen)
{
	if (cg_write(fd, file, val) == 0)
		return 0;
	if (errno == ENOENT)
		snprintf(err, errlen,
			 "container %s: cgroup has no %s: its controller is not enabled in %s "
			 "(see the warning at startup)",
			 name, file, cg_root_path);
	else
		snprintf(err, errlen, "container %s: cgroup %s: %s", name, file, strerror(errno));
	return -1;
}

/*
 * An OOM kill takes the whole container (memory.oom.group), never one of
 * its processes alone, so that the restart policy sees it fail. The tmpfs
 * of its writable layer is charged here too.
 */
static int
cg_set_memory(int fd, const struct container_spec *s, char *err, size_t errlen)
{
	const struct container *m = s->m;
	char val[64];

	if (cg_has_file(fd, "memory.oom.group") &&
	    cg_limit(fd, "memory.oom.group", "1", s->name, err, errlen) < 0)
		return -1;
	if (m->mem_limit == 0)
		return 0; /* bounded by the containers' common memory.max */
	snprintf(val, sizeof val, "%llu", (unsigned long long)m->mem_limit);
	if (cg_limit(fd, "memory.max", val, s->name, err, errlen) < 0)
		return -1;
	/* Without this the limit would push the container into swap
	 * instead of the OOM killer, and the restart policy would
	 * never see the failure. */
	if (cg_has_file(fd, "memory.swap.max") &&
	    cg_limit(fd, "memory.swap.max", "0", s->name, err, errlen) < 0)
		return -1;
	return 0;
}

static int
cg_set_limits(int fd, const struct container_spec *s, char *err, size_t errlen)
{
	const struct container *m = s->m;
	char val[64];

	/* Without the pids controller (hybrid hierarchies) no pids limit can
	 * apply; cg_root_open() warned about it once at startup. */
	if (cg_has_file(fd, "pids.max")) {
		if (m->pids_limit)
			snprintf(val, sizeof val, "%u", m->pids_limit);
		else
			snprintf(val, sizeof val, "max");
		if (cg_limit(fd, "pids.max", val, s->name, err, errlen) < 0)
			return -1;
	}
	if (cg_set_memory(fd, s, err, errlen) < 0)
		return -1;
	if (m->cpus_milli > 0) {
		snprintf(val, sizeof val, "%llu 100000", (unsigned long long)m->cpus_milli * 100);
		if (cg_limit(fd, "cpu.max", val, s->name, err, errlen) < 0)
			return -1;
	}
	return 0;
}

/* An adopted container's limits, as its definition now says (a live
 * apply may have changed them): a limit it no longer has is lifted. Only
 * the files of controllers there are; a failure is told, not fatal. */
void
cg_limits_update(int fd, const struct container_spec *s)
{
	const struct container *m = s->m;
	char err[512];

	if (cg_has_file(fd, "memory.max") && m->mem_limit == 0 &&
	    cg_write(fd, "memory.max", "max") < 0)
		sv_say("container %s: memory.max: %s", s->name, strerror(errno));
	if (cg_has_file(fd, "cpu.max") && m->cpus_milli == 0 &&
	    cg_write(fd, "cpu.max", "max 100000") < 0)
		sv_say("container %s: cpu.max: %s", s->name, strerror(errno));
	if (cg_set_limits(fd, s, err, sizeof err) < 0)
		sv_say("%s", err);
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
	/* Still there after cg_sweep() (its processes outlived the wait):
	 * they must not live on next to the new ones. */
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

/* The reserve's bounds when the manifest does not set it (docs/supervisor.md,
 * "Memory"): init, netsetup and the supervisor need a few MiB, the rest is
 * room for the kernel's own and for page cache of the host's programs. */
#define RESERVE_MIN (128ull << 20)
#define RESERVE_MAX (1ull << 30)

static uint64_t
cg_ram(void)
{
	struct sysinfo si;

	if (sysinfo(&si) < 0)
		return 0;
	return (uint64_t)si.totalram * si.mem_unit;
}

/* The manifest's reserve, or the larger of 128 MiB and a tenth of RAM, at
 * most 1 GiB; never more than half of RAM, so that the containers keep
 * room whatever the manifest says. */
static uint64_t
cg_reserve_of(uint64_t ram, uint64_t want)
{
	uint64_t r = want;

	if (!r) {
		r = ram / 10 > RESERVE_MIN ? ram / 10 : RESERVE_MIN;
		if (r > RESERVE_MAX)
			r = RESERVE_MAX;
	}
	if (r > ram / 2) {
		if (want)
			sv_say("warning: host.memory_reserve %llu MiB is more than half of the "
			       "%llu MiB of RAM: the host keeps %llu MiB",
			       (unsigned long long)(want >> 20), (unsigned long long)(ram >> 20),
			       (unsigned long long)(ram / 2 >> 20));
		r = ram / 2;
	}
	return r;
}

/* Whether pid is a kernel thread: kthreadd (2) or one of its children,
 * which no cgroup of berth's is for. */
static bool
cg_is_kthread(pid_t pid)
{
	char path[64], buf[512];
	const char *p;
	int ppid = 0;
	ssize_t r = -1;

	if (pid == 2)
		return true;
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		do
			r = read(fd, buf, sizeof buf - 1);
		while (r < 0 && errno == EINTR);
		close(fd);
	}
	buf[r > 0 ? r : 0] = '\0';
	/* "pid (comm) state ppid ...": comm may hold anything, ')' too. */
	if (!(p = strrchr(buf, ')')) || sscanf(p + 1, " %*c %d", &ppid) != 1)
		return true; /* gone, or not ours to move */
	return ppid == 2;
}

/*
 * Moves every process of the cgroup at fromdir but the kernel's threads
 * (init, netsetup's DHCP clients, the supervisor, the debug console) into
 * the host cgroup at hostfd. Returns how many moved.
 */
static unsigned
cg_adopt(const char *fromdir, int hostfd, const char *hostdir)
{
	char path[PATH_MAX], pid[24];
	unsigned moved = 0;
	int p;

	if (snprintf(path, sizeof path, "%s/cgroup.procs", fromdir) >= (int)sizeof path)
		return 0;
	FILE *f = fopen(path, "re");
	if (!f) {
		sv_say("warning: %s: %s", path, strerror(errno));
		return 0;
	}
	while (fscanf(f, "%d", &p) == 1) {
		if (cg_is_kthread(p))
			continue;
		snprintf(pid, sizeof pid, "%d", p);
		if (cg_write(hostfd, "cgroup.procs", pid) == 0)
			moved++;
		else if (errno != ESRCH && errno != EINVAL)
			sv_say("warning: cgroup %s: cannot move process %d there: %s", hostdir, p,
			       strerror(errno));
	}
	fclose(f);
	return moved;
}

/*
 * The host's side of the reserve: a cgroup next to the containers' root
 * with memory.min, holding init and what it runs. Only the supervisor
 * that init started (its parent is PID 1 of the host) moves processes:
 * a test's supervisor must not move its host's.
 */
static void
cg_host_protect(const char *cgroot, uint64_t reserve)
{
	char parent[PATH_MAX], host[PATH_MAX + 8], val[32];
	char *slash;

	snprintf(parent, sizeof parent, "%s", cgroot);
	if (!(slash = strrchr(parent, '/')) || slash == parent)
		return;
	*slash = '\0';
	snprintf(host, sizeof host, "%s/host", parent);
	if (mkdir(host, 0755) < 0 && errno != EEXIST) {
		sv_say("warning: cgroup %s: %s: the host's processes get no memory protection",
		       host, strerror(errno));
		return;
	}
	int fd = open(host, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		sv_say("warning: cgroup %s: %s", host, strerror(errno));
		return;
	}
	snprintf(val, sizeof val, "%llu", (unsigned long long)reserve);
	if (cg_write(fd, "memory.min", val) < 0)
		sv_say("warning: cgroup %s: memory.min: %s: the host's processes get no memory "
		       "protection",
		       host, strerror(errno));
	unsigned moved = cg_adopt(parent, fd, host);
	close(fd);
	if (moved)
		sv_say("cgroup %s: moved %u host processes here (memory.min %llu MiB)", host, moved,
		       (unsigned long long)(reserve >> 20));
}

/*
 * All containers share the memory.max of the cgroup root: RAM less the
 * reserve kept for init, netsetup and the supervisor, which get it as
 * memory.min. A container without a mem_limit of its own is bounded by
 * this alone: it can exhaust the other containers' memory, never the
 * host's. Without the memory controller this is warned about and skipped.
 */
void
cg_memory_setup(struct sv *sv, int rootfd, const char *cgroot, bool host)
{
	char val[32];
	uint64_t ram = cg_ram();

	sv->mem_ram = ram;
	sv->mem_reserve = cg_reserve_of(ram, sv->manifest.host.memory_reserve);
	sv->mem_shared = 0;
	if (!ram || !cg_has_file(rootfd, "memory.max"))
		return; /* cg_delegate() said why */
	snprintf(val, sizeof val, "%llu", (unsigned long long)(ram - sv->mem_reserve));
	if (cg_write(rootfd, "memory.max", val) < 0) {
		sv_say("warning: cgroup %s: memory.max: %s: containers without a mem_limit can "
		       "take all of the host's memory",
		       cgroot, strerror(errno));
		return;
	}
	sv->mem_shared = ram - sv->mem_reserve;
	if (host)
		cg_host_protect(cgroot, sv->mem_reserve);
}
