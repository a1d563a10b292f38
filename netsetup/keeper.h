/* SPDX-License-Identifier: MIT */
/* keeper.c: a detached process that keeps one daemon running. */
#ifndef BERTH_NETSETUP_KEEPER_H
#define BERTH_NETSETUP_KEEPER_H

struct keeper {
	const char *name;    /* in its log lines: "eth0", "ntp" */
	const char *pidfile; /* locked while the keeper lives */
	const char *path;    /* the daemon */
	/* Called in the keeper before each start: sets *argv (static storage)
	 * and returns 0, or returns -1 to wait for SIGHUP without a daemon. */
	int (*prepare)(void *arg, char ***argv);
	void *arg;
};

/* Starts the keeper unless one runs (its pid file is locked): 0 started
 * (or would be, in a dry run), 1 one runs already, -1 failed (reported). */
int keeper_start(const struct keeper *k);
/* SIGHUP to the running keeper of pidfile: it restarts its daemon with a
 * fresh prepare. 0 also when none runs. */
int keeper_reload(const char *pidfile);

#endif
