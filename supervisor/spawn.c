/* SPDX-License-Identifier: MIT */
/* spawn.c: starts a container with one clone3 into its cgroup and new
 * namespaces; the child sets itself up and execs, or reports why not. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/close_range.h>
#include <linux/sched.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "supervisor.h"

/* CLONE_NEWNET is added unless network_mode is host. With its own users
 * (userns.c), a container's network, UTS and IPC namespaces are made with
 * its user namespace, which owns them, and the child joins them instead. */
#define CLONE_FLAGS (CLONE_INTO_CGROUP | CLONE_PIDFD | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWCGROUP)
#define CLONE_FLAGS_HOST_USERS (CLONE_NEWUTS | CLONE_NEWIPC)

/* What the child writes to the exec error pipe: since sizeof < PIPE_BUF,
 * the one write is atomic and the parent reads all of it or nothing. */
struct exec_report {
	int err;
	char what[200];
};

/* Exit codes of a child that never reached the command (as skalibs, sh). */
enum { EXIT_SETUP = 111, EXIT_EXEC = 126, EXIT_NOTFOUND = 127 };

/* Set in a health probe's process: failures are told as a line of text
 * on its output (stderr) rather than as a record on the exec pipe. */
static bool fail_as_text;

static void __attribute__((noreturn))
child_fail(int fd, const char *what, const char *arg, int exitcode)
{
	struct exec_report rep = {.err = errno};
	ssize_t w;

	snprintf(rep.what, sizeof rep.what, "%s%s%s", what, arg ? " " : "", arg ? arg : "");
	if (fail_as_text) {
		dprintf(STDERR_FILENO, "%s%s%s\n", rep.what, rep.err ? ": " : "",
			rep.err ? strerror(rep.err) : "");
		_exit(exitcode);
	}
	do
		w = write(fd, &rep, sizeof rep);
	while (w < 0 && errno == EINTR);
	_exit(exitcode);
}

/*
 * "uid[:gid]" or "name[:group]" looked up in the container's own
 * /etc/passwd and /etc/group, read as plain files: glibc's NSS would load
 * modules from the image into this still privileged process.
 */
static int
lookup_id(const char *file, const char *name, unsigned field, unsigned long *out,
	  unsigned long *gid)
{
	char *end, line[512];
	*out = strtoul(name, &end, 10);
	bool numeric = end != name && *end == '\0';

	FILE *f = fopen(file, "re");
	if (!f)
		return numeric ? 0 : -1;
	while (fgets(line, sizeof line, f)) {
		char *save = NULL, *col[4] = {0};
		col[0] = strtok_r(line, ":", &save);
		for (int i = 1; i < 4 && col[i - 1]; i++)
			col[i] = strtok_r(NULL, ":\n", &save);
		if (!col[2] || (numeric ? strtoul(col[2], NULL, 10) != *out : strcmp(col[0], name)))
			continue;
		*out = strtoul(col[2], NULL, 10);
		if (gid && field == 3 && col[3])
			*gid = strtoul(col[3], NULL, 10);
		fclose(f);
		return 0;
	}
	fclose(f);
	return numeric ? 0 : -1;
}

/* The user (the manifest's, else the image config's): names and numbers as
 * written; a numeric user that the image's passwd lacks gets group 0. No
 * user: root. */
static int
child_user(const struct container_spec *s, uid_t *uid, gid_t *gid)
{
	unsigned long u = 0, g = 0;

	*uid = 0;
	*gid = 0;
	if (!s->has_user)
		return 0;
	if (lookup_id("/etc/passwd", s->user.user, 3, &u, &g) < 0 ||
	    (s->user.group[0] && lookup_id("/etc/group", s->user.group, 0, &g, NULL) < 0))
		return -1;
	*uid = (uid_t)u;
	*gid = (gid_t)g;
	return 0;
}

/* Blocks until the supervisor has set up the network namespace: one byte
 * means go; EOF means it gave up (and said why). */
static void
child_wait_go(int go, int rep)
{
	char b;
	ssize_t r;

	do
		r = read(go, &b, 1);
	while (r < 0 && errno == EINTR);
	if (r == 1)
		return;
	if (r == 0)
		errno = 0;
	child_fail(rep, "network: the supervisor did not attach eth0", NULL, EXIT_SETUP);
}

static void __attribute__((noreturn)) child_user_fail(const struct container_spec *s, int rep)
{
	char who[2 * USER_NAME_MAX + 2];

	snprintf(who, sizeof who, "%s%s%s", s->user.user, s->user.group[0] ? ":" : "",
		 s->user.group);
	errno = 0;
	child_fail(rep, "user or group not in the image's /etc/passwd, /etc/group:", who,
		   EXIT_SETUP);
}

/* The container's identity, last before exec: bounding set, user and
 * groups, capabilities, working directory, no_new_privs, seccomp. */
static void
child_identity(const struct container_spec *s, int rep)
{
	const struct container *m = s->m;
	bool seccomp = m->seccomp == SECCOMP_PROFILE_DEFAULT;
	uid_t uid;
	gid_t gid;

	uint64_t caps = caps_supported(m->caps);
	if (caps_bound(caps) < 0)
		child_fail(rep, "drop capabilities", NULL, EXIT_SETUP);
	/* Without no_new_privs the kernel takes a filter only from a task
	 * with CAP_SYS_ADMIN: install it while still root. */
	if (seccomp && !m->no_new_privs && sc_install() < 0)
		child_fail(rep, "install seccomp profile", NULL, EXIT_SETUP);
	if (child_user(s, &uid, &gid) < 0)
		child_user_fail(s, rep);
	if (setgroups(0, NULL) < 0 || setresgid(gid, gid, gid) < 0 || setresuid(uid, uid, uid) < 0)
		child_fail(rep, "set user", s->user.user, EXIT_SETUP);
	if (caps_set(uid == 0 ? caps : 0) < 0)
		child_fail(rep, "set capabilities", NULL, EXIT_SETUP);
	if (chdir(s->workdir) < 0)
		child_fail(rep, "chdir", s->workdir, EXIT_SETUP);
	umask(022);
	if (m->no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		child_fail(rep, "set no_new_privs", NULL, EXIT_SETUP);
	if (seccomp && m->no_new_privs && sc_install() < 0)
		child_fail(rep, "install seccomp profile", NULL, EXIT_SETUP);
}

/* The supervisor blocks the signals it reads from its signalfd; a command
 * must start with a clean mask and default dispositions, stdin from
 * /dev/null, and nothing else of the supervisor's (epoll, other
 * containers' pipes): everything above stderr is closed at exec. */
static void
child_stdio(struct sv *sv, int out, int err, int rep)
{
	sigset_t none;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	if (dup2(sv->devnull, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0)
		child_fail(rep, "set up stdio", NULL, EXIT_SETUP);
	if (syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
		child_fail(rep, "close_range", NULL, EXIT_SETUP);
}

/* Last before exec, the command gets the open-file limit the supervisor
 * was started with (main.c raises its own). Not earlier: until the exec
 * the supervisor's descriptors are still open here (close-on-exec), and
 * under the lower limit no new one could be opened. */
static void
child_nofile(struct sv *sv, int rep)
{
	if (setrlimit(RLIMIT_NOFILE, &sv->nofile) < 0)
		child_fail(rep, "restore RLIMIT_NOFILE", NULL, EXIT_SETUP);
}

/*
 * Runs in the child, still fully privileged in its new namespaces. With
 * its own users (ns not NULL) it sets everything up as the host's root,
 * in the namespaces its user namespace owns, and enters the user
 * namespace last: its mount, pid and cgroup namespaces stay the host
 * root's, so that the container's root cannot change its mounts at all.
 */
static void __attribute__((noreturn))
child_run(struct sv *sv, struct instance *c, const struct userns *ns, int out, int err, int rep,
	  int go)
{
	const struct container_spec *s = &c->spec;
	const struct container *m = s->m;
	const char *what;

	child_stdio(sv, out, err, rep);
	umask(0);
	if (ns && userns_join_owned(ns) < 0)
		child_fail(rep, "join the namespaces of the container's user namespace", NULL,
			   EXIT_SETUP);
	if (m->network_mode == NET_NONE && net_lo_up() < 0)
		child_fail(rep, "set lo up", NULL, EXIT_SETUP);
	if (mounts_setup(s, &sv->manifest.network, &sv->paths, ns, &what) < 0)
		child_fail(rep, what, NULL, EXIT_SETUP);
	const char *host = m->hostname ? m->hostname : s->name;
	if (sethostname(host, strlen(host)) < 0)
		child_fail(rep, "set hostname", host, EXIT_SETUP);
	if (go >= 0)
		child_wait_go(go, rep);
	if (ns && userns_enter(ns->user) < 0)
		child_fail(rep, "enter the container's user namespace", NULL, EXIT_SETUP);
	child_identity(s, rep);
	child_nofile(sv, rep);
	/* execvp searches the PATH of environ, so environ is the container's. */
	environ = s->env;
	execvp(s->argv[0], s->argv);
	child_fail(rep, "exec", s->argv[0], errno == ENOENT ? EXIT_NOTFOUND : EXIT_EXEC);
}

static int
open_pipes(int p[3][2])
{
	for (int i = 0; i < 3; i++) {
		if (pipe2(p[i], O_CLOEXEC) < 0)
			return -1;
		if (fcntl(p[i][0], F_SETFL, O_NONBLOCK) < 0)
			return -1;
	}
	return 0;
}

static void
close_pipes(int p[3][2])
{
	for (int i = 0; i < 3; i++)
		for (int j = 0; j < 2; j++)
			if (p[i][j] >= 0)
				close(p[i][j]);
}

/* Registers the parent's ends; ownership moves into the container. */
static int
spawn_watch(struct sv *sv, struct instance *c, int p[3][2])
{
	c->out.fd = p[0][0];
	c->err.fd = p[1][0];
	c->execfd = p[2][0];
	p[0][0] = p[1][0] = p[2][0] = -1;
	c->out.m->len = c->err.m->len = 0;
	c->out.paused = c->err.paused = false;
	c->exec_error[0] = '\0';
	if (sv_watch(sv, c->pidfd, &c->w_pidfd) < 0 || sv_watch(sv, c->execfd, &c->w_exec) < 0 ||
	    sv_watch(sv, c->out.fd, &c->out.w) < 0 || sv_watch(sv, c->err.fd, &c->err.w) < 0)
		return -1;
	return 0;
}

/* Whether the child has exited already (its pidfd reads as ready). */
static bool
child_gone(struct instance *c)
{
	struct pollfd p = {.fd = c->pidfd, .events = POLLIN};

	return poll(&p, 1, 0) == 1;
}

/* Bridge mode: eth0 is made while the child waits on its go pipe, so the
 * command never runs without its network. On failure the go pipe closes
 * empty and the child reports that it was not attached. */
static void
spawn_network(struct sv *sv, struct instance *c, int netns, int go[2])
{
	char err[1024];
	ssize_t w;

	close(go[0]);
	go[0] = -1;
	/* A child that failed before it waits for go (a mount, say) is gone
	 * or going: the attach or the write (EPIPE: the child held the only
	 * read end) fails for that reason, and the child's own report on the
	 * exec pipe is the one to tell. */
	if (net_attach(sv, c, netns, err, sizeof err) < 0) {
		if (!child_gone(c))
			sv_say("%s", err);
	} else {
		do
			w = write(go[1], "g", 1);
		while (w < 0 && errno == EINTR);
		if (w != 1 && errno != EPIPE)
			sv_say("container %s: go pipe: %s", c->spec.name, strerror(errno));
	}
	close(go[1]);
	go[1] = -1;
}

/* The container's own users: its range of host ids and the namespaces of
 * its user namespace; with userns: host, none (all -1). */
static int
spawn_userns(struct sv *sv, struct instance *c, struct userns *ns, char *err, size_t errlen)
{
	const struct container *m = c->spec.m;
	char why[512];
	uint32_t base;

	*ns = (struct userns){.user = -1, .net = -1, .uts = -1, .ipc = -1};
	c->uid_base = 0;
	if (m->userns == USERNS_HOST)
		return 0;
	if (idrange_get(sv, c->spec.name, &base, why, sizeof why) < 0 ||
	    userns_make(base, m->network_mode != NET_HOST, ns, why, sizeof why) < 0) {
		snprintf(err, errlen, "container %s: %s", c->spec.name, why);
		return -1;
	}
	c->uid_base = base;
	return 0;
}

/* What a failed start leaves: its pipes and namespaces. */
static void
spawn_undo(int p[3][2], int go[2], struct userns *ns)
{
	close_pipes(p);
	for (int i = 0; i < 2; i++)
		if (go[i] >= 0)
			close(go[i]);
	userns_close(ns);
}

static uint64_t
clone_flags(const struct container *m)
{
	uint64_t net = m->network_mode == NET_HOST ? 0 : CLONE_NEWNET;

	return CLONE_FLAGS | (m->userns == USERNS_HOST ? CLONE_FLAGS_HOST_USERS | net : 0);
}

int
spawn_container(struct sv *sv, struct instance *c, char *err, size_t errlen)
{
	const struct container *m = c->spec.m;
	int p[3][2] = {{-1, -1}, {-1, -1}, {-1, -1}};
	int go[2] = {-1, -1};
	int pidfd = -1;
	struct userns ns;

	if (c->cgfd < 0 && (c->cgfd = cg_create(sv->cgroot_fd, &c->spec, err, errlen)) < 0)
		return -1;
	if (spawn_userns(sv, c, &ns, err, errlen) < 0)
		return -1;
	if (open_pipes(p) < 0 || (m->network_mode == NET_BRIDGE && pipe2(go, O_CLOEXEC) < 0)) {
		snprintf(err, errlen, "container %s: pipe: %s", c->spec.name, strerror(errno));
		spawn_undo(p, go, &ns);
		return -1;
	}
	struct clone_args args = {
	    .flags = clone_flags(m),
	    .pidfd = (uint64_t)(uintptr_t)&pidfd,
	    .exit_signal = SIGCHLD,
	    .cgroup = (uint64_t)c->cgfd,
	};
	pid_t pid = (pid_t)syscall(SYS_clone3, &args, sizeof args);
	if (pid < 0) {
		snprintf(err, errlen, "container %s: clone3: %s", c->spec.name, strerror(errno));
		spawn_undo(p, go, &ns);
		return -1;
	}
	if (pid == 0) {
		/* The child must not hold the write end, or EOF never comes. */
		if (go[1] >= 0)
			close(go[1]);
		child_run(sv, c, ns.user >= 0 ? &ns : NULL, p[0][1], p[1][1], p[2][1], go[0]);
	}
	close(p[0][1]);
	close(p[1][1]);
	close(p[2][1]);
	p[0][1] = p[1][1] = p[2][1] = -1;
	c->pid = pid;
	c->pidfd = pidfd;
	clock_gettime(CLOCK_MONOTONIC, &c->started);
	if (go[1] >= 0)
		spawn_network(sv, c, ns.net, go);
	userns_close(&ns);
	if (spawn_watch(sv, c, p) < 0) {
		/* The child runs but cannot be watched: kill it rather than lose it. */
		snprintf(err, errlen, "container %s: epoll: %s", c->spec.name, strerror(errno));
		cg_kill(c->cgfd);
		siginfo_t si;
		while (waitid(P_PIDFD, (id_t)c->pidfd, &si, WEXITED) < 0 && errno == EINTR)
			;
		spawn_close(sv, c);
		return -1;
	}
	return 0;
}

/* In the probe's grandchild, now in the container's pid namespace. */
static void __attribute__((noreturn)) probe_exec(struct sv *sv, const struct container_spec *s)
{
	const struct healthcheck *h = &s->m->health;
	char *argv[h->n_test + 3];

	child_identity(s, -1);
	child_nofile(sv, -1);
	if (h->kind == HEALTH_SHELL) {
		argv[0] = "/bin/sh";
		argv[1] = "-c";
		argv[2] = h->test[0];
		argv[3] = NULL;
	} else {
		memcpy(argv, h->test, h->n_test * sizeof *argv);
		argv[h->n_test] = NULL;
	}
	environ = s->env;
	execvp(argv[0], argv);
	child_fail(-1, "exec", argv[0], errno == ENOENT ? EXIT_NOTFOUND : EXIT_EXEC);
}

/* The check's process in the probe; killed on the supervisor's SIGTERM. */
static volatile pid_t probe_pid;

static void
probe_on_term(int sig)
{
	(void)sig;
	if (probe_pid > 0)
		kill(probe_pid, SIGKILL);
}

/*
 * The probe process: joins the container's namespaces, then starts the
 * check as its child (only children enter a pid namespace joined with
 * setns) in the container's cgroup, and waits for it. It stays in the
 * supervisor's cgroup and pid namespace itself, so neither cgroup.kill
 * nor the container's end orphans the check: this process always reaps
 * it. Its exit status is the check's (128 + signal when killed).
 *
 * The cgroup namespace is joined by the check, once it is in the
 * container's cgroup: on a hierarchy mounted with nsdelegate (berth's)
 * CLONE_INTO_CGROUP fails with ENOENT when the source cgroup (the
 * supervisor's) is outside the caller's cgroup namespace.
 */
static void __attribute__((noreturn)) probe_run(struct sv *sv, struct instance *c, int out)
{
	int ns = CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWPID;
	struct clone_args args = {
	    .flags = CLONE_INTO_CGROUP, .exit_signal = SIGCHLD, .cgroup = (uint64_t)c->cgfd};
	sigset_t term;
	int status;

	fail_as_text = true;
	child_stdio(sv, out, out, -1);
	/* A timeout before the check exists must still kill it: SIGTERM
	 * stays pending until probe_pid is set. */
	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	sigprocmask(SIG_BLOCK, &term, NULL);
	signal(SIGTERM, probe_on_term);
	if (c->spec.m->network_mode != NET_HOST)
		ns |= CLONE_NEWNET;
	if (setns(c->pidfd, ns) < 0)
		child_fail(-1, "health check: join the container's namespaces", NULL, EXIT_SETUP);
	pid_t pid = (pid_t)syscall(SYS_clone3, &args, sizeof args);
	if (pid < 0)
		child_fail(-1, "health check: clone3", NULL, EXIT_SETUP);
	if (pid == 0) {
		signal(SIGTERM, SIG_DFL);
		sigprocmask(SIG_UNBLOCK, &term, NULL);
		if (setns(c->pidfd, CLONE_NEWCGROUP) < 0)
			child_fail(-1, "health check: join the container's cgroup namespace", NULL,
				   EXIT_SETUP);
		if (c->spec.m->userns != USERNS_HOST && userns_enter(c->pidfd) < 0)
			child_fail(-1, "health check: enter the container's user namespace", NULL,
				   EXIT_SETUP);
		probe_exec(sv, &c->spec);
	}
	probe_pid = pid;
	sigprocmask(SIG_UNBLOCK, &term, NULL);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			child_fail(-1, "health check: waitpid", NULL, EXIT_SETUP);
	_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
}

/* Starts one run of the container's health check; its stdout and stderr
 * go to out. A SIGTERM to *pidfd kills the check. */
int
spawn_probe(struct sv *sv, struct instance *c, int out, int *pidfd, char *err, size_t errlen)
{
	struct clone_args args = {
	    .flags = CLONE_PIDFD,
	    .pidfd = (uint64_t)(uintptr_t)pidfd,
	    .exit_signal = SIGCHLD,
	};
	pid_t pid = (pid_t)syscall(SYS_clone3, &args, sizeof args);
	if (pid < 0) {
		snprintf(err, errlen, "clone3: %s", strerror(errno));
		return -1;
	}
	if (pid == 0)
		probe_run(sv, c, out);
	return 0;
}

/* Forgets one run of the container: its pidfd and pipes. */
void
spawn_close(struct sv *sv, struct instance *c)
{
	sv_unwatch(sv, &c->pidfd);
	sv_unwatch(sv, &c->execfd);
	sv_unwatch(sv, &c->out.fd);
	sv_unwatch(sv, &c->err.fd);
	health_stop(sv, c);
	net_detach(sv, c);
	c->pid = 0;
	live_store(sv, c); /* the memfd alone now: nothing runs to adopt */
}

/*
 * Reads the exec error pipe: returns 0 when the command runs (the pipe
 * closed on exec), 1 when the child reported a failure (c->exec_error),
 * -1 when nothing is known yet.
 */
int
spawn_read_exec_error(struct instance *c)
{
	struct exec_report rep;
	ssize_t r;

	do
		r = read(c->execfd, &rep, sizeof rep);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return -1;
	if (r == 0)
		return 0;
	if (r != sizeof rep) {
		snprintf(c->exec_error, sizeof c->exec_error, "setup: short report from the child");
		return 1;
	}
	rep.what[sizeof rep.what - 1] = '\0';
	if (rep.err)
		snprintf(c->exec_error, sizeof c->exec_error, "%s: %s", rep.what,
			 strerror(rep.err));
	else
		snprintf(c->exec_error, sizeof c->exec_error, "%s", rep.what);
	return 1;
}
