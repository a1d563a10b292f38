/* SPDX-License-Identifier: MIT */
/* logrelp.c: the supervisor's side of a relp:// or tls:// target: it
 * appends to the spool, syncs it every RELP_SYNC_MS, and runs the sender
 * (relp-send/ or tls-send/, programs of their own) in a child process,
 * since librelp's client blocks in its own poll, and so that neither
 * librelp nor GnuTLS is in the supervisor. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "logrelp.h"

_Static_assert(sizeof(struct relp_note) <= PIPE_BUF, "a note is one atomic write");

const char *
relp_sender_name(const struct fwd_target *t)
{
	return t->cfg->proto == LOG_TLS ? TLS_SENDER : RELP_SENDER;
}

/* The sender of t beside the supervisor's own program; "" if it cannot tell. */
static const char *
sender_path(const struct fwd_target *t)
{
	static char path[PATH_MAX];
	char self[PATH_MAX];

	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n <= 0)
		return "";
	self[n] = '\0';
	char *slash = strrchr(self, '/');
	if (!slash)
		return "";
	*slash = '\0';
	if (snprintf(path, sizeof path, "%s/%s", self, relp_sender_name(t)) >= (int)sizeof path)
		path[0] = '\0';
	return path;
}

bool
relp_available(const struct fwd_target *t)
{
	return access(sender_path(t), X_OK) == 0;
}

/* In the child: the three descriptors it needs as 3, 4, 5, none other. */
static void __attribute__((noreturn)) child(struct fwd_target *t, int wake, int note, pid_t parent)
{
	char port[8], margin[24];

	/* Dies with the supervisor: the next one starts its own sender. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
		_exit(111);
	int fds[3] = {t->spool.dfd, wake, note};
	for (int i = 0; i < 3; i++) {
		int fd = fcntl(fds[i], F_DUPFD_CLOEXEC, 16);
		if (fd < 0)
			_exit(111);
		fds[i] = fd;
	}
	for (int i = 0; i < 3; i++)
		if (dup2(fds[i], 3 + i) < 0)
			_exit(111);
	close_range(6, ~0U, 0);
	snprintf(port, sizeof port, "%u", t->cfg->port);
	/* tls-send's margin (docs/logging.md, TLS): a quarter of the spool at
	 * most, so that a small spool is not held by it for ever. */
	uint64_t m = t->spool.max / 4 < LOGFWD_MARGIN ? t->spool.max / 4 : LOGFWD_MARGIN;
	snprintf(margin, sizeof margin, "%llu", (unsigned long long)m);
	const struct log_target *c = t->cfg;
	char *relp[] = {RELP_SENDER, c->url, c->host, port, NULL};
	char *tls[] = {TLS_SENDER, c->url, c->host, port, margin, c->ca, c->cert, c->key, NULL};
	execv(sender_path(t), c->proto == LOG_TLS ? tls : relp);
	_exit(127);
}

int
relp_start(struct sv *sv, struct fwd_target *t)
{
	int w[2], n[2];
	pid_t parent = getpid();

	if (pipe2(w, O_CLOEXEC) < 0)
		return -1;
	if (pipe2(n, O_CLOEXEC) < 0)
		goto out_w;
	t->rpid = fork();
	if (t->rpid < 0)
		goto out_n;
	if (t->rpid == 0)
		child(t, w[0], n[1], parent);
	close(w[0]);
	close(n[1]);
	t->wake = w[1];
	t->fd = n[0];
	fcntl(t->wake, F_SETFL, O_NONBLOCK);
	fcntl(t->fd, F_SETFL, O_NONBLOCK);
	if (sv_watch(sv, t->fd, &t->w) < 0) {
		relp_close(sv, t);
		return -1;
	}
	t->state = FWD_UP;
	return 0;
out_n:
	close(n[0]);
	close(n[1]);
out_w:
	close(w[0]);
	close(w[1]);
	return -1;
}

static void
reap(struct sv *sv, struct fwd_target *t, bool quiet)
{
	int st = 0;

	sv_unwatch(sv, &t->fd);
	if (t->wake >= 0)
		close(t->wake);
	t->wake = -1;
	while (t->rpid > 0 && waitpid(t->rpid, &st, 0) < 0 && errno == EINTR)
		;
	if (!quiet)
		sv_say("log forward %s: the sender ended (status %d); starting it again",
		       t->cfg->url, WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
	t->rpid = 0;
	t->state = FWD_WAIT;
}

void
relp_notes(struct sv *sv, struct fwd_target *t)
{
	struct relp_note note;

	for (;;) {
		ssize_t n = read(t->fd, &note, sizeof note);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return; /* EAGAIN: all read */
		if (n != sizeof note) {
			reap(sv, t, false);
			return;
		}
		if (note.kind == RELP_FREED)
			t->spool.bytes =
			    t->spool.bytes > note.bytes ? t->spool.bytes - note.bytes : 0;
		else if (note.kind == RELP_SAY) {
			note.text[sizeof note.text - 1] = '\0';
			sv_say("%s", note.text);
		}
	}
}

void
relp_wake(struct fwd_target *t)
{
	if (t->wake < 0 || !t->unwoken)
		return;
	/* EAGAIN: the pipe holds wakeups enough. */
	if (write(t->wake, "", 1) == 1 || errno == EAGAIN)
		t->unwoken = false;
}

void
relp_tick(struct sv *sv, struct fwd_target *t)
{
	if (t->unsynced && spool_sync(&t->spool) < 0 && !t->told_spool) {
		t->told_spool = true;
		sv_say("log forward %s: spool %s: sync: %s", t->cfg->url, t->spool.dir,
		       strerror(errno));
	}
	t->unsynced = false;
	if (t->state == FWD_WAIT && relp_start(sv, t) < 0)
		sv_say("log forward %s: starting the sender: %s", t->cfg->url, strerror(errno));
	t->unwoken = true;
	relp_wake(t);
}

void
relp_close(struct sv *sv, struct fwd_target *t)
{
	spool_sync(&t->spool);
	if (t->wake >= 0)
		close(t->wake); /* the sender's cue to end */
	t->wake = -1;
	if (t->fd >= 0) {
		struct pollfd p = {t->fd, POLLIN, 0};
		char junk[sizeof(struct relp_note)];
		/* Its notes are read and dropped: sv_say goes to no target now. */
		while (poll(&p, 1, 2000) > 0 && read(t->fd, junk, sizeof junk) > 0)
			;
	}
	if (t->rpid > 0)
		kill(t->rpid, SIGKILL);
	reap(sv, t, true);
}
