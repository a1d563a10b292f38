/* SPDX-License-Identifier: MIT */
/*
 * fdstore.c: descriptors the supervisor gives PID 1 to keep, so that a
 * supervisor crash closes nothing a running container depends on (its
 * output pipes, above all), and the exit statuses of the orphans init
 * reaps, which a restarted supervisor cannot learn any other way (its
 * adopted containers are init's children, not its own). systemd's fd
 * store does the first half the same way.
 *
 * One SOCK_SEQPACKET socket pair per supervisor run; its end is the
 * supervisor's fd 4 (BERTH_FDSTORE_FD). A message is one packet of text,
 * with descriptors as SCM_RIGHTS:
 *   supervisor -> init
 *     "store NAME" + 1..4 fds  keep them under NAME (closing what NAME held)
 *     "drop NAME"              close what NAME holds
 *     "list"                   the answer: "fd NAME" + its fds per entry,
 *                              "exit PID STATUS" per orphan reaped lately
 *                              (the last EXIT_RING, told or not),
 *                              then "end"
 *   init -> supervisor
 *     "exit PID STATUS"        an orphan was reaped (waitpid's status)
 * Init holds what it is given and never looks into it; a new connection
 * (the next supervisor run) sees everything the last one stored.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "console.h"
#include "fdstore.h"
#include "loop.h"
#include "util.h"

#define ENTRIES_MAX 1024 /* the manifest's 1000 containers, and room */
#define ENTRY_FDS 4
#define NAME_LEN 64
#define MSG_MAX 128
#define EXIT_RING 64

struct entry {
	char name[NAME_LEN]; /* "" : free */
	int n;
	int fd[ENTRY_FDS];
};

static struct entry entries[ENTRIES_MAX];
static struct {
	pid_t pid;
	int status;
} ring[EXIT_RING];
static unsigned ring_next, ring_len;

static void on_message(struct watch *w);
static struct watch peer = {.fd = -1, .ready = on_message};

static struct entry *
entry_find(const char *name, int make)
{
	struct entry *free_slot = NULL;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(entries); i++) {
		if (entries[i].name[0] && !strcmp(entries[i].name, name))
			return &entries[i];
		if (!entries[i].name[0] && !free_slot)
			free_slot = &entries[i];
	}
	if (make && free_slot)
		snprintf(free_slot->name, sizeof(free_slot->name), "%s", name);
	return make ? free_slot : NULL;
}

static void
entry_clear(struct entry *e)
{
	int i;

	for (i = 0; i < e->n; i++)
		close_fd(e->fd[i]);
	e->n = 0;
	e->name[0] = '\0';
}

/* One packet, with n descriptors; a full socket buffer drops it (the
 * supervisor is gone or stuck; it asks again with "list"). */
static int
send_msg(const char *text, const int *fds, int n)
{
	char ctl[CMSG_SPACE(sizeof(int) * ENTRY_FDS)] = {0};
	struct iovec iov = {.iov_base = (void *)text, .iov_len = strlen(text)};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
	struct cmsghdr *cm;

	if (peer.fd < 0)
		return -1;
	if (n > 0) {
		mh.msg_control = ctl;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * n);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int) * n);
		memcpy(CMSG_DATA(cm), fds, sizeof(int) * n);
	}
	while (sendmsg(peer.fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL) < 0) {
		if (errno != EINTR)
			return -1;
	}
	return 0;
}

static void
send_exit(pid_t pid, int status)
{
	char text[MSG_MAX];

	snprintf(text, sizeof(text), "exit %d %d", (int)pid, status);
	(void)send_msg(text, NULL, 0);
}

static void
list(void)
{
	char text[MSG_MAX];
	unsigned i, k;

	for (i = 0; i < ARRAY_SIZE(entries); i++) {
		if (!entries[i].name[0])
			continue;
		snprintf(text, sizeof(text), "fd %.*s", NAME_LEN - 1, entries[i].name);
		if (send_msg(text, entries[i].fd, entries[i].n) < 0)
			log_msg("warning: fd store: handing back %s: %s", entries[i].name,
				strerror(errno));
	}
	for (i = 0; i < ring_len; i++) {
		k = (ring_next + EXIT_RING - ring_len + i) % EXIT_RING;
		send_exit(ring[k].pid, ring[k].status);
	}
	(void)send_msg("end", NULL, 0);
}

static void
store(const char *name, const int *fds, int n)
{
	struct entry *e = entry_find(name, 1);
	int i;

	if (!e) {
		log_msg("warning: fd store: full, %s not kept", name);
		for (i = 0; i < n; i++)
			close_fd(fds[i]);
		return;
	}
	for (i = 0; i < e->n; i++)
		close_fd(e->fd[i]);
	memcpy(e->fd, fds, sizeof(int) * n);
	e->n = n;
}

/* The descriptors a packet carried, at most ENTRY_FDS (more are closed). */
static int
take_fds(struct msghdr *mh, int *fds)
{
	struct cmsghdr *cm;
	int n = 0, i, k;

	for (cm = CMSG_FIRSTHDR(mh); cm; cm = CMSG_NXTHDR(mh, cm)) {
		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
			continue;
		k = (int)((cm->cmsg_len - CMSG_LEN(0)) / sizeof(int));
		for (i = 0; i < k; i++) {
			int fd;

			memcpy(&fd, CMSG_DATA(cm) + i * sizeof(int), sizeof(int));
			if (n < ENTRY_FDS)
				fds[n++] = fd;
			else
				close_fd(fd);
		}
	}
	return n;
}

static void
peer_close(void)
{
	if (peer.fd < 0)
		return;
	(void)loop_del(&peer);
	close_fd(peer.fd);
	peer.fd = -1;
}

static void
handle(const char *text, int *fds, int n)
{
	int i;

	if (!strncmp(text, "store ", 6) && text[6] && n > 0) {
		store(text + 6, fds, n);
		return;
	}
	for (i = 0; i < n; i++)
		close_fd(fds[i]);
	if (!strncmp(text, "drop ", 5)) {
		struct entry *e = entry_find(text + 5, 0);
		if (e)
			entry_clear(e);
	} else if (!strcmp(text, "list")) {
		list();
	} else {
		log_msg("warning: fd store: unknown request \"%.40s\"", text);
	}
}

static void
on_message(struct watch *w)
{
	char text[MSG_MAX], ctl[CMSG_SPACE(sizeof(int) * 16)];
	struct iovec iov = {.iov_base = text, .iov_len = sizeof(text) - 1};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl,
			    .msg_controllen = sizeof(ctl)};
	int fds[ENTRY_FDS];
	ssize_t r;

	r = recvmsg(w->fd, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
	if (r < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (r <= 0) { /* the supervisor is gone: what it stored stays */
		peer_close();
		return;
	}
	text[r] = '\0';
	handle(text, fds, take_fds(&mh, fds));
}

int
fdstore_connect(void)
{
	int sp[2];

	peer_close();
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) < 0) {
		log_msg("warning: fd store: socketpair: %s", strerror(errno));
		return -1;
	}
	peer.fd = sp[0];
	if (loop_add(&peer) < 0) {
		log_msg("warning: fd store: %s", strerror(errno));
		close_fd(sp[1]);
		peer_close();
		return -1;
	}
	return sp[1];
}

/* Told at once, and remembered for the next run: a supervisor that died
 * before it read the message finds it in the answer to "list". */
void
fdstore_reaped(pid_t pid, int status)
{
	send_exit(pid, status);
	ring[ring_next].pid = pid;
	ring[ring_next].status = status;
	ring_next = (ring_next + 1) % EXIT_RING;
	if (ring_len < EXIT_RING)
		ring_len++;
}
