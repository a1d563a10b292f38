/* SPDX-License-Identifier: MIT */
/* netwait.c: at boot, init starts netsetup and the supervisor side by side
 * (docs/init.md). While netsetup runs, its status file says "running":
 * containers with network_mode none start at once; those on the host's
 * network or the bridge wait until it says how netsetup ended (the
 * firewall is loaded and the bridge is there then, or never will be).
 * init renames the status file into place, so one inotify watch on its
 * directory sees the end. A supervisor started later (a restart, an
 * apply's new run, a test) finds no "running" and holds nothing.
 * Readiness (init's debug console waits for it) is told once everything
 * that can start has started, held containers included. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "base/io.h"
#include "supervisor.h"

static bool
status_running(const char *path)
{
	char buf[64];

	if (io_read_small(AT_FDCWD, path, buf, sizeof buf) < 0)
		return false;
	return strncmp(buf, "running", 7) == 0;
}

static void
tell_ready(struct sv *sv)
{
	if (sv->ready_fd < 0)
		return;
	if (write(sv->ready_fd, "ready\n", 6) < 0)
		sv_say("warning: telling init the supervisor is ready: %s", strerror(errno));
	close(sv->ready_fd);
	sv->ready_fd = -1;
}

static void
netwait_end(struct sv *sv)
{
	char buf[200];

	sv_unwatch(sv, &sv->nw_fd);
	sv->net_wait = false;
	if (io_read_small(AT_FDCWD, sv->bless.reach.status, buf, sizeof buf) < 0)
		snprintf(buf, sizeof buf, "status unknown: %s", strerror(errno));
	buf[strcspn(buf, "\n")] = 0;
	sv_say("netsetup ended (%s): starting the containers on the network", buf);
	sv_start_ready(sv);
	tell_ready(sv);
}

/* After bless_open (the status file's path is the reach check's). */
void
netwait_open(struct sv *sv, int ready_fd)
{
	char dir[PATH_MAX];

	sv->ready_fd = ready_fd;
	sv->nw_fd = -1;
	sv->w_netwait = (struct watch){W_NETWAIT, NULL};
	if (!status_running(sv->bless.reach.status))
		return;
	snprintf(dir, sizeof dir, "%s", sv->bless.reach.status);
	sv->nw_fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	if (sv->nw_fd < 0 || inotify_add_watch(sv->nw_fd, dirname(dir), IN_MOVED_TO | IN_CLOSE_WRITE) < 0 ||
	    sv_watch(sv, sv->nw_fd, &sv->w_netwait) < 0) {
		/* Without a watch, waiting could be for ever: start everything. */
		sv_say("warning: cannot watch %s (%s): not waiting for netsetup",
		       sv->bless.reach.status, strerror(errno));
		if (sv->nw_fd >= 0)
			close(sv->nw_fd);
		sv->nw_fd = -1;
		return;
	}
	/* It may have ended between the first look and the watch. */
	sv->net_wait = status_running(sv->bless.reach.status);
	if (!sv->net_wait) {
		close(sv->nw_fd);
		sv->nw_fd = -1;
		return;
	}
	sv_say("netsetup is running: containers on the network wait for it");
}

void
netwait_dispatch(struct sv *sv)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));

	while (read(sv->nw_fd, buf, sizeof buf) > 0)
		;
	if (!status_running(sv->bless.reach.status))
		netwait_end(sv);
}

/* Whether c must not start yet. */
bool
netwait_holds(const struct sv *sv, const struct instance *c)
{
	return sv->net_wait && c->spec.m->network_mode != NET_NONE;
}

/* The first starts are done: ready now, unless some wait for netsetup. */
void
netwait_started(struct sv *sv)
{
	if (!sv->net_wait)
		tell_ready(sv);
}
