/* SPDX-License-Identifier: MIT */
/*
 * live.c: live restore. A supervisor that dies (a crash, the OOM killer,
 * SIGKILL, an upgrade of its own binary) leaves its containers running;
 * the next run adopts them instead of killing them.
 *
 * What a run of a container needs from the supervisor that started it is
 * kept where the supervisor's death cannot close it: init's descriptor
 * store (init/fdstore.c) holds, per container, a memfd and, while it
 * runs, the read ends of its stdout and stderr pipes. The memfd holds the
 * run's record (pid, start time, counters, health, address) and the
 * output read but not yet logged (struct outmem), so that not a byte of
 * output is lost. Exit statuses of adopted containers, which are init's
 * children now, come from init as "exit PID STATUS".
 *
 * A record is written whole into the slot not in use, then made current
 * (rec[active]); a crash mid-write leaves the old one in force.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <sodium.h>

#include "base/json.h"
#include "base/names.h"
#include "supervisor.h"

#define LIVE_MAGIC 0x6265727468766931ull /* "berthvi1" */
#define STORE_WAIT_MS 2000
#define EXIT_WAIT_MS 2000
#define MSG_MAX 128

enum live_kind { LIVE_NONE, LIVE_RUNNING, LIVE_STOPPING, LIVE_EXITED };

struct live_rec {
	uint32_t kind; /* enum live_kind */
	int32_t pid;
	uint64_t starttime; /* /proc/PID/stat's, in clock ticks since boot */
	struct timespec started;
	uint32_t restarts, quick_failures, backoff_ms;
	int32_t last_status;
	uint32_t health, h_failures;
	uint32_t uid_base;
	uint32_t attached;
	struct ip_prefix addr;
	char last_exit[320];
	/* The limits its cgroup has: a live apply may change them. */
	uint64_t mem_limit;
	uint32_t cpus_milli, pids_limit;
};

struct live_mem {
	uint64_t magic;
	unsigned char spec_hash[32]; /* of the definition it runs */
	uint32_t active;
	struct live_rec rec[2];
	uint64_t log_seq;
	struct outmem stream[2]; /* stdout, stderr */
};

/* What init handed back, before it is matched with the manifest. */
struct exit_seen {
	pid_t pid;
	int status;
};
static struct exit_seen exits[64];
static size_t n_exits;

/* The definition a run was started from: the manifest's container and
 * what the image added, without the fields a running container takes
 * live (lib/manifest/diff-fields.c: restart policy, dependencies, health
 * check, limits, stop signal and grace, essential). A run of another
 * definition is not adopted; one that differs only in those is, and gets
 * the new values (limits: cg_limits_update). */
static void
spec_hash(const struct container_spec *s, unsigned char out[32])
{
	crypto_generichash_state st;
	struct container k = *s->m;
	struct json j;

	k.restart = (struct restart_policy){0};
	k.depends_on = NULL;
	k.n_depends_on = 0;
	k.health = (struct healthcheck){0};
	k.mem_limit = 0;
	k.cpus_milli = k.pids_limit = 0;
	k.stop_signal = 0;
	k.stop_grace_ms = 0;
	k.essential = false;
	json_init(&j);
	manifest_container_to_json(&k, &j);
	crypto_generichash_init(&st, NULL, 0, 32);
	crypto_generichash_update(&st, (const unsigned char *)j.buf, j.buf ? j.len : 0);
	json_free(&j);
	crypto_generichash_update(&st, (const unsigned char *)s->image, strlen(s->image) + 1);
	for (char **v = s->argv; v && *v; v++)
		crypto_generichash_update(&st, (const unsigned char *)*v, strlen(*v) + 1);
	for (char **v = s->env; v && *v; v++)
		crypto_generichash_update(&st, (const unsigned char *)*v, strlen(*v) + 1);
	crypto_generichash_final(&st, out, 32);
}

/* Makes fd, mapped at p (or mapped now when p is MAP_FAILED), the
 * instance's memfd. */
static int
mem_map(struct instance *c, int fd, void *p)
{
	if (p == MAP_FAILED)
		p = mmap(NULL, sizeof *c->mem, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return -1;
	if (c->mem)
		munmap(c->mem, sizeof *c->mem);
	if (c->memfd >= 0)
		close(c->memfd);
	c->memfd = fd;
	c->mem = p;
	c->out.m = &c->mem->stream[0];
	c->err.m = &c->mem->stream[1];
	return 0;
}

/* The definition's hash, before anything is adopted. */
void
live_hash(struct instance *c)
{
	c->memfd = -1;
	spec_hash(&c->spec, c->spec_hash);
}

/* The definition changed in place (apply.c): the hash goes with it, so a
 * later run adopts what runs now. */
void
live_rehash(struct instance *c)
{
	spec_hash(&c->spec, c->spec_hash);
	if (c->mem)
		memcpy(c->mem->spec_hash, c->spec_hash, sizeof c->spec_hash);
}

/* A fresh memfd for an instance that adopted none; private memory when
 * there is none (nothing then survives a crash, as before live restore). */
static int
mem_init(struct instance *c)
{
	char name[80];

	snprintf(name, sizeof name, "berth-live-%s", c->spec.name);
	int fd = memfd_create(name, MFD_CLOEXEC);
	if (fd >= 0 && (ftruncate(fd, sizeof *c->mem) < 0 || mem_map(c, fd, MAP_FAILED) < 0))
		close(fd), fd = -1;
	if (fd < 0) {
		c->mem = calloc(1, sizeof *c->mem);
		if (!c->mem)
			return -1;
		c->out.m = &c->mem->stream[0];
		c->err.m = &c->mem->stream[1];
	}
	c->mem->magic = LIVE_MAGIC;
	memcpy(c->mem->spec_hash, c->spec_hash, sizeof c->spec_hash);
	return 0;
}

/* The process's start time, field 22 of /proc/PID/stat; 0 if gone. */
static uint64_t
proc_starttime(pid_t pid)
{
	char path[64], buf[1024];
	uint64_t t = 0;

	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	ssize_t r = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (r <= 0)
		return 0;
	buf[r] = '\0';
	/* The command name may hold spaces and parentheses: count from the last ')'. */
	char *p = strrchr(buf, ')');
	for (int field = 2; p && field < 22; field++)
		p = strchr(p + 1, ' ');
	if (p)
		t = strtoull(p + 1, NULL, 10);
	return t;
}

void
live_save(struct instance *c)
{
	struct live_mem *m = c->mem;
	struct live_rec *r = &m->rec[!m->active];
	enum live_kind kind = LIVE_NONE;

	if (c->state == CS_RUNNING)
		kind = LIVE_RUNNING;
	else if (c->state == CS_STOPPING)
		kind = LIVE_STOPPING;
	else if (c->state == CS_EXITED)
		kind = LIVE_EXITED;
	r->starttime = 0;
	if (kind == LIVE_RUNNING || kind == LIVE_STOPPING) {
		const struct live_rec *cur = &m->rec[m->active];
		r->starttime = cur->pid == c->pid && cur->starttime ? cur->starttime
								    : proc_starttime(c->pid);
	}
	r->kind = kind;
	r->pid = c->pid;
	r->started = c->started;
	r->restarts = c->restarts;
	r->quick_failures = c->quick_failures;
	r->backoff_ms = c->backoff_ms;
	r->last_status = c->last_status;
	r->health = c->health;
	r->h_failures = c->h_failures;
	r->uid_base = c->uid_base;
	r->attached = c->attached;
	r->addr = c->addr;
	memcpy(r->last_exit, c->last_exit, sizeof r->last_exit);
	r->mem_limit = c->spec.m->mem_limit;
	r->cpus_milli = c->spec.m->cpus_milli;
	r->pids_limit = c->spec.m->pids_limit;
	__atomic_store_n(&m->active, !m->active, __ATOMIC_RELEASE);
}

/* The last syslog seq of its lines, kept with the output buffers. */
void
live_seq(struct instance *c)
{
	c->mem->log_seq = c->log_seq;
}

/* One packet to init's store, with up to three descriptors. */
static int
store_send(struct sv *sv, const char *text, const int *fds, int n)
{
	char ctl[CMSG_SPACE(sizeof(int) * 3)] = {0};
	struct iovec iov = {.iov_base = (void *)text, .iov_len = strlen(text)};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};

	if (sv->store_fd < 0)
		return 0;
	if (n > 0) {
		mh.msg_control = ctl;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * n);
		struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int) * n);
		memcpy(CMSG_DATA(cm), fds, sizeof(int) * n);
	}
	while (sendmsg(sv->store_fd, &mh, MSG_NOSIGNAL) < 0) {
		if (errno == EINTR)
			continue;
		sv_say("fd store: %s: %s; live restore is off", text, strerror(errno));
		sv_unwatch(sv, &sv->store_fd);
		return -1;
	}
	return 0;
}

/* Gives init what the run needs kept: the memfd, and the output pipes
 * while it runs. */
void
live_store(struct sv *sv, struct instance *c)
{
	char text[MSG_MAX];
	int fds[3] = {c->memfd, c->out.fd, c->err.fd};
	int n = 1;

	if (c->memfd < 0)
		return;
	if (c->pid > 0 && c->out.fd >= 0 && c->err.fd >= 0)
		n = 3;
	snprintf(text, sizeof text, "store %s", c->spec.name);
	store_send(sv, text, fds, n);
}

static void
store_drop(struct sv *sv, const char *name)
{
	char text[MSG_MAX];

	snprintf(text, sizeof text, "drop %.*s", CONTAINER_NAME_MAX, name);
	store_send(sv, text, NULL, 0);
}

/* A clean exit (every container stopped) leaves nothing to adopt. */
void
live_close(struct sv *sv)
{
	for (size_t i = 0; i < sv->n; i++)
		store_drop(sv, sv->c[i].spec.name);
}

/* One packet from init: its text, and its descriptors in fds (n). */
static ssize_t
store_recv(int fd, char *text, size_t len, int *fds, int *n, int flags)
{
	char ctl[CMSG_SPACE(sizeof(int) * 4)];
	struct iovec iov = {.iov_base = text, .iov_len = len - 1};
	struct msghdr mh = {
	    .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl, .msg_controllen = sizeof ctl};
	ssize_t r;

	*n = 0;
	do
		r = recvmsg(fd, &mh, flags | MSG_CMSG_CLOEXEC);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return -1;
	text[r] = '\0';
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
			continue;
		int k = (int)((cm->cmsg_len - CMSG_LEN(0)) / sizeof(int));
		for (int i = 0; i < k; i++) {
			int f;
			memcpy(&f, CMSG_DATA(cm) + i * sizeof(int), sizeof f);
			if (*n < 3)
				fds[(*n)++] = f;
			else
				close(f);
		}
	}
	return r;
}

static void
close_all(int *fds, int n)
{
	for (int i = 0; i < n; i++)
		close(fds[i]);
}

static bool
exit_seen(pid_t pid, int *status)
{
	for (size_t i = 0; i < n_exits; i++)
		if (exits[i].pid == pid) {
			*status = exits[i].status;
			return true;
		}
	return false;
}

static void
exit_note(pid_t pid, int status)
{
	static size_t next;

	exits[next] = (struct exit_seen){pid, status};
	next = (next + 1) % (sizeof exits / sizeof exits[0]);
	if (n_exits < sizeof exits / sizeof exits[0])
		n_exits++;
}

/* The run's state as the record has it. */
static void
restore(struct instance *c, const struct live_rec *r)
{
	c->pid = r->pid;
	c->started = r->started;
	c->restarts = r->restarts;
	c->quick_failures = r->quick_failures;
	c->backoff_ms = r->backoff_ms;
	c->last_status = r->last_status;
	c->health = (enum health_state)r->health;
	c->h_failures = r->h_failures;
	c->uid_base = r->uid_base;
	c->attached = r->attached;
	c->addr = r->addr;
	memcpy(c->last_exit, r->last_exit, sizeof c->last_exit);
	c->last_exit[sizeof c->last_exit - 1] = '\0';
}

/* A running container of an earlier supervisor becomes ours: its pipes,
 * cgroup and pidfd; when it is gone already, its exit waits for
 * live_settle. Returns -1 when it cannot be adopted (the sweep kills it). */
static int
adopt(struct sv *sv, struct instance *c, const struct live_rec *r, const int *pipes)
{
	const char *name = c->spec.name;

	c->cgfd = openat(sv->cgroot_fd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (c->cgfd < 0) {
		sv_say("container %s: not adopted: its cgroup: %s", name, strerror(errno));
		return -1;
	}
	int pidfd = (int)syscall(SYS_pidfd_open, r->pid, 0);
	if (pidfd >= 0 && proc_starttime(r->pid) != r->starttime)
		close(pidfd), pidfd = -1; /* another process has its pid now */
	restore(c, r);
	c->adopted = true;
	c->state = r->kind == LIVE_STOPPING ? CS_STOPPING : CS_RUNNING;
	c->out.fd = pipes[0];
	c->err.fd = pipes[1];
	if (sv_watch(sv, c->out.fd, &c->out.w) < 0 || sv_watch(sv, c->err.fd, &c->err.w) < 0)
		sv_say("container %s: watching its output: %s", name, strerror(errno));
	if (pidfd < 0) {
		if (!exit_seen(c->pid, &c->live_status))
			c->live_status = LIVE_STATUS_UNKNOWN;
		c->exit_wait = true;
		return 0;
	}
	c->pidfd = pidfd;
	if (sv_watch(sv, c->pidfd, &c->w_pidfd) < 0)
		sv_say("container %s: watching it: %s", name, strerror(errno));
	const struct container *m = c->spec.m;
	if (r->mem_limit != m->mem_limit || r->cpus_milli != m->cpus_milli ||
	    r->pids_limit != m->pids_limit)
		cg_limits_update(c->cgfd, &c->spec);
	net_adopt(sv, c);
	health_resume(sv, c);
	/* Why it was stopping died with the earlier run (an apply, a
	 * restart, a stop by hand): it starts again once stopped, unless the
	 * operator's stop of an unless-stopped one holds it (stopstate.c). */
	if (c->state == CS_STOPPING) {
		c->restart_requested = true;
		sv_timer_arm(c, c->spec.m->stop_grace_ms ? c->spec.m->stop_grace_ms : 1);
	}
	sv_say("container %s: adopted from the earlier supervisor run, pid %d%s", name,
	       (int)c->pid, c->state == CS_STOPPING ? ", stopping" : "");
	return 0;
}

/* What init kept under a container's name: its memfd, and pipes when it
 * ran. A memfd of another definition, or of no container of this
 * manifest, is let go. */
static void
take(struct sv *sv, const char *name, int *fds, int n)
{
	struct instance *c = sv_find(sv, name);
	struct live_mem *m = MAP_FAILED;

	if (c && !c->mem && n >= 1)
		m = mmap(NULL, sizeof *m, PROT_READ | PROT_WRITE, MAP_SHARED, fds[0], 0);
	if (m == MAP_FAILED || m->magic != LIVE_MAGIC ||
	    memcmp(m->spec_hash, c->spec_hash, sizeof m->spec_hash)) {
		if (c && m != MAP_FAILED && m->rec[m->active].kind != LIVE_NONE)
			sv_say("container %s: its definition changed since it started: not adopted",
			       name);
		if (m != MAP_FAILED)
			munmap(m, sizeof *m);
		close_all(fds, n);
		store_drop(sv, name);
		return;
	}
	if (mem_map(c, fds[0], m) < 0) {
		close_all(fds, n);
		return;
	}
	const struct live_rec *r = &c->mem->rec[c->mem->active];
	c->log_seq = c->mem->log_seq;
	if ((r->kind == LIVE_RUNNING || r->kind == LIVE_STOPPING) && n == 3 &&
	    adopt(sv, c, r, fds + 1) == 0)
		return;
	close_all(fds + 1, n - 1);
	c->out.m->len = c->err.m->len = 0;
	if (r->kind == LIVE_EXITED) {
		restore(c, r);
		c->pid = 0;
		c->state = CS_EXITED;
		sv_say("container %s: %s before the supervisor restarted; stays exited", name,
		       c->last_exit);
	}
}

static void store_take(struct sv *sv);

/* Asks init for what it keeps and takes it, before anything starts; an
 * instance that adopted no memfd gets a new one. */
void
live_open(struct sv *sv)
{
	store_take(sv);
	for (size_t i = 0; i < sv->n; i++)
		if (!sv->c[i].mem && mem_init(&sv->c[i]) < 0) {
			sv_say("container %s: %s", sv->c[i].spec.name, strerror(errno));
			exit(111);
		}
}

static void
store_take(struct sv *sv)
{
	char text[MSG_MAX];
	int fds[3], n;

	sv->w_store = (struct watch){W_FDSTORE, NULL};
	sv->store_fd = sv_env_fd("BERTH_FDSTORE_FD");
	if (sv->store_fd == -2)
		sv_say("fd store: BERTH_FDSTORE_FD is not an open descriptor; live restore is off");
	if (sv->store_fd < 0 || store_send(sv, "list", NULL, 0) < 0) {
		sv->store_fd = -1;
		return;
	}
	for (;;) {
		struct pollfd p = {.fd = sv->store_fd, .events = POLLIN};
		if (poll(&p, 1, STORE_WAIT_MS) != 1) {
			sv_say("fd store: no answer from init within %d ms; live restore is off",
			       STORE_WAIT_MS);
			sv_unwatch(sv, &sv->store_fd);
			return;
		}
		if (store_recv(sv->store_fd, text, sizeof text, fds, &n, 0) <= 0) {
			sv_say("fd store: closed by init; live restore is off");
			sv_unwatch(sv, &sv->store_fd);
			return;
		}
		int pid, status;
		if (!strcmp(text, "end"))
			break;
		if (!strncmp(text, "fd ", 3))
			take(sv, text + 3, fds, n);
		else if (sscanf(text, "exit %d %d", &pid, &status) == 2)
			exit_note(pid, status), close_all(fds, n);
		else
			close_all(fds, n);
	}
	if (sv_watch(sv, sv->store_fd, &sv->w_store) < 0)
		sv_unwatch(sv, &sv->store_fd);
}

/* Adopted containers found gone at startup end now, once the sweep has
 * run (their exit may start others). */
void
live_settle(struct sv *sv)
{
	for (size_t i = 0; i < sv->n; i++) {
		struct instance *c = &sv->c[i];
		if (!c->adopted || !c->exit_wait)
			continue;
		c->exit_wait = false;
		sv_say("container %s: ended while no supervisor ran (pid %d)", c->spec.name,
		       (int)c->pid);
		sv_child_exited(sv, c, c->live_status);
	}
}

/* An adopted container's pidfd says it ended; waitid cannot tell how (it
 * is init's child), init's "exit" message does. Called again by its timer
 * when init said nothing in EXIT_WAIT_MS. */
void
live_gone(struct sv *sv, struct instance *c)
{
	int status = LIVE_STATUS_UNKNOWN;

	if (c->pidfd >= 0)
		sv_unwatch(sv, &c->pidfd);
	if (c->exit_wait || exit_seen(c->pid, &status) || sv->store_fd < 0) {
		c->exit_wait = false;
		sv_child_exited(sv, c, status);
		return;
	}
	c->exit_wait = true;
	sv_timer_arm(c, EXIT_WAIT_MS);
}

/* "exit PID STATUS" from init: an orphan it reaped. */
void
live_dispatch(struct sv *sv)
{
	char text[MSG_MAX];
	int fds[3], n, pid, status;
	ssize_t r;

	while ((r = store_recv(sv->store_fd, text, sizeof text, fds, &n, MSG_DONTWAIT)) > 0) {
		close_all(fds, n);
		if (sscanf(text, "exit %d %d", &pid, &status) != 2)
			continue;
		exit_note(pid, status);
		for (size_t i = 0; i < sv->n; i++) {
			struct instance *c = &sv->c[i];
			if (c->adopted && c->exit_wait && c->pid == pid) {
				c->exit_wait = false;
				sv_timer_arm(c, 0);
				sv_child_exited(sv, c, status);
			}
		}
	}
	if (r == 0 || (r < 0 && errno != EAGAIN)) {
		sv_say("fd store: closed by init; live restore is off");
		sv_unwatch(sv, &sv->store_fd);
	}
}
