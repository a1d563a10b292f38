/* SPDX-License-Identifier: MIT */
/* restart.c: the container lifecycle as a switch over (state, event): start
 * order, restart policies with exponential backoff, crash-loop, stop. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "supervisor.h"

/* The first restart waits BACKOFF_BASE_MS, each quick failure doubles the
 * wait up to BACKOFF_CAP_MS; a run of STABLE_MS or more resets both the
 * wait and the count of quick failures. CRASH_LOOP_AFTER quick failures
 * in a row make the state crash-loop (restarts go on, at the backoff). */
#define BACKOFF_BASE_MS 1000u
#define BACKOFF_CAP_MS 60000u
#define STABLE_MS 10000u
#define CRASH_LOOP_AFTER 3u

static const char *const state_names[CS_NSTATES] = {
    [CS_WAITING] = "waiting",	[CS_STARTING] = "starting", [CS_RUNNING] = "running",
    [CS_STOPPING] = "stopping", [CS_BACKOFF] = "backoff",   [CS_CRASH_LOOP] = "crash-loop",
    [CS_EXITED] = "exited",	[CS_STOPPED] = "stopped",
};

const char *
cstate_str(enum cstate st)
{
	return st < CS_NSTATES ? state_names[st] : "?";
}

bool
sv_is_up(const struct instance *c)
{
	return c->state == CS_STARTING || c->state == CS_RUNNING || c->state == CS_STOPPING;
}

static unsigned long long
us_since(const struct timespec *t)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	long long us = (now.tv_sec - t->tv_sec) * 1000000LL + (now.tv_nsec - t->tv_nsec) / 1000;
	return us < 0 ? 0 : (unsigned long long)us;
}

static unsigned
ms_since(const struct timespec *t)
{
	return (unsigned)(us_since(t) / 1000);
}

/* The container will not run again: its cgroup goes. */
static void
finish(struct sv *sv, struct instance *c, enum cstate st)
{
	c->state = st;
	sv_timer_arm(c, 0);
	if (c->cgfd >= 0) {
		close(c->cgfd);
		c->cgfd = -1;
		if (cg_remove(sv->cgroot_fd, c->spec.name) < 0)
			sv_say("container %s: cannot remove its cgroup: %s", c->spec.name,
			       strerror(errno));
	}
}

/* Also kept in c->last_exit for status. */
static void
describe_exit(struct instance *c, int status, char *buf, size_t len)
{
	if (c->exec_error[0])
		snprintf(buf, len, "%s", c->exec_error);
	else if (status == LIVE_STATUS_UNKNOWN)
		snprintf(buf, len, "ended while no supervisor ran, exit status unknown");
	else if (status < 0)
		snprintf(buf, len, "failed to start");
	else if (WIFEXITED(status))
		snprintf(buf, len, "exited with status %d", WEXITSTATUS(status));
	else
		snprintf(buf, len, "killed by SIG%s", sigabbrev_np(WTERMSIG(status)) ?: "?");
	snprintf(c->last_exit, sizeof c->last_exit, "%s", buf);
}

static bool
policy_restarts(const struct sv *sv, const struct instance *c, bool failed)
{
	if (sv->shutting_down)
		return false;
	const struct restart_policy *p = &c->spec.m->restart;

	switch (p->kind) {
	case RESTART_NO:
		return false;
	case RESTART_ON_FAILURE:
		return failed && (p->max_retries == 0 || c->restarts < p->max_retries);
	case RESTART_ALWAYS:
	case RESTART_UNLESS_STOPPED:
		/* The same while the supervisor runs; unless-stopped differs in
		 * surviving a supervisor restart, once stops are recorded. */
		return true;
	}
	return false;
}

static void
on_exit_ev(struct sv *sv, struct instance *c, int status)
{
	char why[320];
	bool failed = status < 0 || c->exec_error[0] || !WIFEXITED(status) || WEXITSTATUS(status);
	unsigned ran = ms_since(&c->started);

	c->last_status = status;
	describe_exit(c, status, why, sizeof why);
	if (ran >= STABLE_MS && !c->exec_error[0]) {
		c->quick_failures = 0;
		c->backoff_ms = 0;
	}
	if (!policy_restarts(sv, c, failed)) {
		sv_say("container %s: %s; restart policy %s: not restarting", c->spec.name, why,
		       restart_kind_str(c->spec.m->restart.kind));
		finish(sv, c, CS_EXITED);
		/* A container waiting for this one to complete may start now. */
		sv_start_ready(sv);
		return;
	}
	/* A quick clean exit under `always` loops just the same. */
	if (ran < STABLE_MS)
		c->quick_failures++;
	c->backoff_ms = c->backoff_ms ? c->backoff_ms * 2 : BACKOFF_BASE_MS;
	if (c->backoff_ms > BACKOFF_CAP_MS)
		c->backoff_ms = BACKOFF_CAP_MS;
	c->restarts++;
	if (c->quick_failures >= CRASH_LOOP_AFTER) {
		c->state = CS_CRASH_LOOP;
		apply_essential_failed(sv, c, "in a crash loop");
		sv_say(
		    "container %s: %s; crash-loop: %u quick failures in a row, restart %u in %u ms",
		    c->spec.name, why, c->quick_failures, c->restarts, c->backoff_ms);
	} else {
		c->state = CS_BACKOFF;
		sv_say("container %s: %s; restart %u in %u ms", c->spec.name, why, c->restarts,
		       c->backoff_ms);
	}
	sv_timer_arm(c, c->backoff_ms);
}

static void
start(struct sv *sv, struct instance *c)
{
	char err[512];

	clock_gettime(CLOCK_MONOTONIC, &c->decided);
	if (spawn_container(sv, c, err, sizeof err) < 0) {
		/* A start that fails before the clone is treated like a failed run,
		 * so the restart policy and its backoff apply: never fatal. */
		sv_say("%s", err);
		clock_gettime(CLOCK_MONOTONIC, &c->started);
		on_exit_ev(sv, c, -1);
		return;
	}
	c->state = CS_STARTING;
}

/* An operator's start (or restart) begins afresh: no backoff carried over.
 * It waits for its dependencies like a first start. */
static void
start_again(struct sv *sv, struct instance *c)
{
	if (c->restart_requested)
		c->restarts++;
	c->restart_requested = false;
	c->quick_failures = 0;
	c->backoff_ms = 0;
	c->state = CS_WAITING;
	sv_start_ready(sv);
}

static void
send_stop(struct sv *sv, struct instance *c)
{
	const struct container *m = c->spec.m;

	(void)sv;
	c->state = CS_STOPPING;
	sv_say("container %s: stopping with SIG%s, grace period %llu ms", c->spec.name,
	       sigabbrev_np(m->stop_signal) ?: "?", (unsigned long long)m->stop_grace_ms);
	if (syscall(SYS_pidfd_send_signal, c->pidfd, m->stop_signal, NULL, 0) < 0 && errno != ESRCH)
		sv_say("container %s: stop signal: %s", c->spec.name, strerror(errno));
	/* A zero grace period still goes through the timer: one code path. */
	sv_timer_arm(c, m->stop_grace_ms ? m->stop_grace_ms : 1);
}

static void
kill_now(struct instance *c)
{
	sv_say("container %s: still running after the grace period: killing", c->spec.name);
	if (cg_kill(c->cgfd) < 0)
		(void)syscall(SYS_pidfd_send_signal, c->pidfd, SIGKILL, NULL, 0);
}

/*
 * The command runs: its exec closed the exec error pipe. The start took
 * from start() to here, the supervisor seeing that close (docs/supervisor.md,
 * Performance, explains the measure). The first time every container runs
 * at once, that is said too, with the time since the supervisor began.
 */
static void
on_exec_ok(struct sv *sv, struct instance *c)
{
	unsigned long long us = us_since(&c->decided);

	c->state = CS_RUNNING;
	live_store(sv, c);
	sv_say("container %s: started, pid %d (start took %llu.%03llu ms)", c->spec.name,
	       (int)c->pid, us / 1000, us % 1000);
	if (sv->all_told)
		return;
	for (size_t i = 0; i < sv->n; i++)
		if (sv->c[i].state != CS_RUNNING)
			return;
	sv->all_told = true;
	sv_say("all %zu containers running, %u ms after the supervisor began", sv->n,
	       ms_since(&sv->begun));
}

static void sv_event_run(struct sv *sv, struct instance *c, enum cevent ev, int status);

/* Every event may change the run's record: it is saved after each. */
void
sv_event(struct sv *sv, struct instance *c, enum cevent ev, int status)
{
	sv_event_run(sv, c, ev, status);
	live_save(c);
}

static void
sv_event_run(struct sv *sv, struct instance *c, enum cevent ev, int status)
{
	switch (c->state) {
	case CS_WAITING:
		if (ev == EV_START)
			start(sv, c);
		else if (ev == EV_STOP)
			finish(sv, c, CS_STOPPED);
		break;
	case CS_STARTING:
	case CS_RUNNING:
		if (ev == EV_EXEC_OK) {
			on_exec_ok(sv, c);
			health_start(sv, c);
			sv_start_ready(sv);
		} else if (ev == EV_EXIT)
			on_exit_ev(sv, c, status);
		else if (ev == EV_STOP)
			send_stop(sv, c);
		break;
	case CS_STOPPING:
		if (ev == EV_TIMER)
			kill_now(c);
		else if (ev == EV_EXIT) {
			char why[320];
			describe_exit(c, status, why, sizeof why);
			sv_say("container %s: stopped (%s)", c->spec.name, why);
			finish(sv, c, CS_STOPPED);
			if (c->restart_requested)
				sv_event(sv, c, EV_START, 0);
		}
		break;
	case CS_BACKOFF:
	case CS_CRASH_LOOP:
		if (ev == EV_TIMER)
			start(sv, c);
		else if (ev == EV_STOP)
			finish(sv, c, CS_STOPPED);
		break;
	case CS_EXITED:
	case CS_STOPPED:
		if (ev == EV_START)
			start_again(sv, c);
		break;
	case CS_NSTATES:
		break;
	}
}

/* Whether the container's d-th dependency is as its condition asks. */
static bool
dep_met(const struct instance *c, size_t d)
{
	const struct instance *dep = c->deps[d];

	switch (c->spec.m->depends_on[d].condition) {
	case DEP_STARTED:
		return dep->state == CS_RUNNING;
	case DEP_HEALTHY:
		return dep->state == CS_RUNNING && dep->health == HS_HEALTHY;
	case DEP_COMPLETED:
		return dep->state == CS_EXITED && dep->last_status == 0;
	}
	return false;
}

/* Starts every waiting container whose dependencies are as they ask (and,
 * at boot, whose network netsetup has set up: netwait.c). */
void
sv_start_ready(struct sv *sv)
{
	if (sv->shutting_down)
		return;
	for (size_t i = 0; i < sv->n; i++) {
		struct instance *c = &sv->c[i];
		if (c->state != CS_WAITING || netwait_holds(sv, c))
			continue;
		size_t d = 0;
		while (d < c->ndeps && dep_met(c, d))
			d++;
		if (d == c->ndeps)
			sv_event(sv, c, EV_START, 0);
	}
}

/* Stops, in reverse dependency order, everything not stopped yet: a
 * container is stopped once no container depending on it is up. Called
 * again after every exit until all are down. */
void
sv_stop_all(struct sv *sv)
{
	sv->shutting_down = true;
	for (size_t i = 0; i < sv->n; i++) {
		struct instance *c = &sv->c[i];
		if (c->state == CS_STOPPING || c->state == CS_EXITED || c->state == CS_STOPPED)
			continue;
		bool needed = false;
		for (size_t j = 0; j < sv->n && !needed; j++)
			for (size_t d = 0; d < sv->c[j].ndeps; d++)
				if (sv->c[j].deps[d] == c && sv_is_up(&sv->c[j]))
					needed = true;
		if (!needed)
			sv_event(sv, c, EV_STOP, 0);
	}
}

bool
sv_all_down(const struct sv *sv)
{
	for (size_t i = 0; i < sv->n; i++)
		if (sv_is_up(&sv->c[i]))
			return false;
	return true;
}
