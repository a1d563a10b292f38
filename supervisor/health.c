/* SPDX-License-Identifier: MIT */
/* health.c: a running container's health check, run every interval inside
 * its namespaces, and the starting/healthy/unhealthy state it drives. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "supervisor.h"

static const char *const health_names[] = {
    [HS_NONE] = "none",
    [HS_STARTING] = "starting",
    [HS_HEALTHY] = "healthy",
    [HS_UNHEALTHY] = "unhealthy",
};

const char *
health_str(enum health_state h)
{
	return h <= HS_UNHEALTHY ? health_names[h] : "?";
}

static void
h_arm(struct instance *c, uint64_t ms)
{
	struct itimerspec it = {.it_value = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000}};
	if (timerfd_settime(c->h_timerfd, 0, &it, NULL) < 0)
		sv_say("container %s: health timer: %s", c->spec.name, strerror(errno));
}

static uint64_t
ms_since(const struct timespec *t)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	long long ms = (now.tv_sec - t->tv_sec) * 1000LL + (now.tv_nsec - t->tv_nsec) / 1000000;
	return ms < 0 ? 0 : (uint64_t)ms;
}

/* Keeps what the check printed as one line: newlines become spaces. The
 * pipe is read without blocking: a check that left a background process
 * holding it open does not hold up the supervisor. */
static void
probe_output(struct instance *c)
{
	size_t len = 0;
	ssize_t r;

	while (len < sizeof c->h_output - 1) {
		r = read(c->h_outfd, c->h_output + len, sizeof c->h_output - 1 - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		len += (size_t)r;
	}
	while (len && (c->h_output[len - 1] == '\n' || c->h_output[len - 1] == ' '))
		len--;
	c->h_output[len] = '\0';
	for (size_t i = 0; i < len; i++)
		if (c->h_output[i] == '\n' || c->h_output[i] == '\r')
			c->h_output[i] = ' ';
}

/* Reaps the check; when kill is set, first asks its probe process to kill
 * it (see spawn_probe). Returns the exit status as a shell reports it. */
static int
probe_reap(struct sv *sv, struct instance *c, bool kill)
{
	siginfo_t si = {0};

	if (kill)
		(void)syscall(SYS_pidfd_send_signal, c->h_pidfd, SIGTERM, NULL, 0);
	while (waitid(P_PIDFD, (id_t)c->h_pidfd, &si, WEXITED) < 0 && errno == EINTR)
		;
	probe_output(c);
	sv_unwatch(sv, &c->h_pidfd);
	sv_unwatch(sv, &c->h_outfd);
	return si.si_code == CLD_EXITED ? si.si_status : 128 + si.si_status;
}

static void
probe_result(struct sv *sv, struct instance *c, int status)
{
	const struct healthcheck *h = &c->spec.m->health;
	enum health_state was = c->health;

	h_arm(c, h->interval_ms);
	if (status == 0) {
		c->h_failures = 0;
		c->health = HS_HEALTHY;
	} else if (c->health == HS_STARTING && ms_since(&c->started) < h->start_period_ms) {
		/* Failures during start_period do not count. */
	} else if (++c->h_failures >= h->retries) {
		c->health = HS_UNHEALTHY;
	}
	if (c->health == was)
		return;
	live_save(c);
	/* A check that printed nothing says nothing, rather than "". */
	if (c->health == HS_HEALTHY && !c->h_output[0])
		sv_say("container %s: healthy", c->spec.name);
	else if (c->health == HS_HEALTHY)
		sv_say("container %s: healthy; last check: \"%s\"", c->spec.name, c->h_output);
	else if (!c->h_output[0])
		sv_say("container %s: unhealthy after %u failed checks; last check: status %d",
		       c->spec.name, c->h_failures, status);
	else
		sv_say("container %s: unhealthy after %u failed checks; last check: status %d, "
		       "\"%s\"",
		       c->spec.name, c->h_failures, status, c->h_output);
	if (c->health == HS_HEALTHY)
		sv_start_ready(sv);
	else if (c->health == HS_UNHEALTHY)
		apply_essential_failed(sv, c, "unhealthy");
}

/* The container runs: the first check comes one interval later. */
void
health_start(struct sv *sv, struct instance *c)
{
	(void)sv;
	if (c->h_timerfd < 0)
		return;
	c->health = HS_STARTING;
	c->h_failures = 0;
	c->h_output[0] = '\0';
	sv_say("container %s: health starting", c->spec.name);
	h_arm(c, c->spec.m->health.interval_ms);
}

/* An adopted container keeps the health its record had; the next check
 * comes one interval later. */
void
health_resume(struct sv *sv, struct instance *c)
{
	(void)sv;
	if (c->h_timerfd < 0)
		return;
	if (c->health == HS_NONE)
		c->health = HS_STARTING;
	h_arm(c, c->spec.m->health.interval_ms);
}

void
health_stop(struct sv *sv, struct instance *c)
{
	if (c->h_timerfd < 0)
		return;
	h_arm(c, 0);
	if (c->h_pidfd >= 0)
		(void)probe_reap(sv, c, true);
	c->health = HS_NONE;
}

static void
probe_start(struct sv *sv, struct instance *c)
{
	char err[256];
	int p[2];

	if (pipe2(p, O_CLOEXEC | O_NONBLOCK) < 0) {
		snprintf(c->h_output, sizeof c->h_output, "pipe: %s", strerror(errno));
		probe_result(sv, c, 1);
		return;
	}
	int rc = spawn_probe(sv, c, p[1], &c->h_pidfd, err, sizeof err);
	close(p[1]);
	if (rc < 0) {
		close(p[0]);
		snprintf(c->h_output, sizeof c->h_output, "%s", err);
		probe_result(sv, c, 1);
		return;
	}
	c->h_outfd = p[0];
	if (sv_watch(sv, c->h_pidfd, &c->w_hpidfd) < 0) {
		snprintf(c->h_output, sizeof c->h_output, "epoll: %s", strerror(errno));
		probe_result(sv, c, probe_reap(sv, c, true) ?: 1);
		return;
	}
	h_arm(c, c->spec.m->health.timeout_ms);
}

/* The timer: time for the next check, or the running one timed out. */
void
health_on_timer(struct sv *sv, struct instance *c)
{
	if (c->health == HS_NONE)
		return;
	if (c->h_pidfd < 0) {
		probe_start(sv, c);
		return;
	}
	(void)probe_reap(sv, c, true);
	snprintf(c->h_output, sizeof c->h_output, "timed out after %llu ms",
		 (unsigned long long)c->spec.m->health.timeout_ms);
	probe_result(sv, c, 124);
}

void
health_on_exit(struct sv *sv, struct instance *c)
{
	probe_result(sv, c, probe_reap(sv, c, false));
}
