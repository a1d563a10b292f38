/* SPDX-License-Identifier: MIT */
/* loghost.c: the host's messages: kernel records read from /dev/kmsg in
 * the epoll loop, and the supervisor's own lines, to host.log and the
 * forward targets. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "logfwd.h"
#include "loghost.h"
#include "logseq.h"
#include "log/syslog.h"

/* Records per wakeup: a flood of them must not starve the containers. */
#define KMSG_BATCH 256

static struct {
	struct sv *sv;
	struct logfile log; /* host.log; fd -1 until opened */
	int kfd, posfd;	    /* /dev/kmsg, <run dir>/.kmsg-seq */
	struct watch w;
	uint64_t done; /* records up to this seq were forwarded (have_done) */
	bool have_done;
	char boot[37]; /* this boot's id: the position is of this boot only */
	bool busy;     /* forwarding: a line said meanwhile only goes to the file */
} h = {.log = {.fd = -1}, .kfd = -1, .posfd = -1};

/* One host line to host.log ("TIME APP TEXT") and the targets. */
static void
host_line(struct syslog_msg *m, size_t over)
{
	if (h.log.fd >= 0 || h.log.path[0])
		logfile_line(&h.log, &m->time, m->app, m->text, m->len, false);
	if (h.busy || !h.sv)
		return;
	h.busy = true;
	m->hostname = h.sv->manifest.host.hostname;
	m->boot = logseq_boot();
	logfwd_msg(h.sv, m, over);
	h.busy = false;
}

void
loghost_say(const char *text, size_t len)
{
	struct syslog_msg m = {.facility = SYSLOG_FAC_DAEMON,
			       .severity = SYSLOG_SEV_INFO,
			       .app = "berth-supervisor",
			       .procid = getpid(),
			       .text = text,
			       .len = len,
			       .host = true};

	if (!h.sv)
		return;
	m.seq = h.busy ? 0 : logfwd_seq("host"); /* busy: not forwarded */
	clock_gettime(CLOCK_REALTIME, &m.time);
	host_line(&m, LOGFWD_SLACK);
	logfile_flush(&h.log);
}

/* Kernel time (microseconds since boot, CLOCK_MONOTONIC) as wall time. */
static struct timespec
kmsg_time(uint64_t usec)
{
	struct timespec rt, mono;

	clock_gettime(CLOCK_REALTIME, &rt);
	clock_gettime(CLOCK_MONOTONIC, &mono);
	int64_t ago = ((int64_t)mono.tv_sec * 1000000 + mono.tv_nsec / 1000) - (int64_t)usec;
	int64_t us = (int64_t)rt.tv_sec * 1000000 + rt.tv_nsec / 1000 - (ago > 0 ? ago : 0);
	return (struct timespec){us / 1000000, (long)(us % 1000000) * 1000};
}

static void
kmsg_record(char *rec, size_t len)
{
	struct syslog_msg m = {.host = true};
	char app[49];
	uint64_t usec;

	if (syslog_kmsg_parse(rec, len, &m, &usec) < 0)
		return;
	if (h.have_done && m.seq <= h.done)
		return; /* a previous supervisor of this boot forwarded it */
	if (h.have_done && m.seq > h.done + 1)
		sv_say("kernel log: %" PRIu64 " messages overwritten before they were read",
		       m.seq - h.done - 1);
	h.done = m.seq;
	h.have_done = true;
	m.app = "kernel";
	if (m.facility != SYSLOG_FAC_KERN)
		syslog_kmsg_app(&m, app);
	m.time = kmsg_time(usec);
	host_line(&m, 0);
}

/* Where the next supervisor of this boot starts: "BOOT-ID SEQ\n", fixed
 * width, so that a shorter number never leaves digits of a longer one. */
static void
save_pos(void)
{
	char buf[64];

	if (h.posfd < 0 || !h.have_done)
		return;
	int n = snprintf(buf, sizeof buf, "%s %020" PRIu64 "\n", h.boot, h.done);
	if (pwrite(h.posfd, buf, (size_t)n, 0) != n)
		sv_say("kernel log: saving the position: %s", strerror(errno));
}

void
loghost_kmsg(struct sv *sv)
{
	char rec[16384]; /* a record is at most about 8 KiB */

	for (int i = 0; i < KMSG_BATCH && h.kfd >= 0; i++) {
		ssize_t r = read(h.kfd, rec, sizeof rec - 1);
		if (r < 0 && (errno == EINTR || errno == EPIPE))
			continue; /* EPIPE: overwritten; the next read has the oldest left */
		if (r < 0 && errno == EAGAIN)
			break;
		if (r <= 0) {
			sv_say("kernel log: read: %s; not reading it any more",
			       r < 0 ? strerror(errno) : "end of file");
			sv_unwatch(sv, &h.kfd);
			break;
		}
		rec[r] = '\0';
		kmsg_record(rec, (size_t)r);
	}
	save_pos();
	logfile_flush(&h.log);
}

static void
open_pos(struct sv *sv)
{
	char path[4096], buf[64];
	const char *boot = logseq_boot();
	ssize_t n;

	if (!boot)
		return; /* without it, every record of the kernel's buffer is sent */
	memcpy(h.boot, boot, sizeof h.boot);
	snprintf(path, sizeof path, "%s/.kmsg-seq", sv->paths.rundir);
	h.posfd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (h.posfd < 0)
		return;
	n = pread(h.posfd, buf, sizeof buf - 1, 0);
	if (n > 37 && memcmp(buf, h.boot, 36) == 0 && buf[36] == ' ') {
		buf[n] = '\0';
		h.done = strtoull(buf + 37, NULL, 10);
		h.have_done = true;
	}
}

void
loghost_open(struct sv *sv, const char *kmsg)
{
	const struct logging_cfg *lc = &sv->manifest.logging;

	h.sv = sv;
	if (logfile_open(&h.log, sv->paths.logdir, "host", lc->max_size, lc->max_files) < 0)
		sv_say("host log in %s: %s", sv->paths.logdir, strerror(errno));
	if (!lc->kernel || strcmp(kmsg, "none") == 0)
		return;
	h.w = (struct watch){W_KMSG, NULL};
	h.kfd = open(kmsg, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (h.kfd < 0 || sv_watch(sv, h.kfd, &h.w) < 0) {
		sv_say("kernel log %s: %s; not forwarding it", kmsg, strerror(errno));
		sv_unwatch(sv, &h.kfd);
		return;
	}
	open_pos(sv);
}

void
loghost_close(struct sv *sv)
{
	sv_unwatch(sv, &h.kfd);
	if (h.posfd >= 0)
		close(h.posfd);
	h.posfd = -1;
	logfile_close(&h.log);
	h.sv = NULL;
}
