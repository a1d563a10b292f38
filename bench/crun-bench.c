/* SPDX-License-Identifier: MIT */
/* crun-bench.c: times Debian's crun inside a berth guest, for
 * bench/supervisor.sh (the peer of the supervisor's start latency).
 *   crun-bench N CRUN BUNDLE
 * N times "CRUN create" then "CRUN start" (timed together: from the
 * decision to start until crun has released the container to exec its
 * command), then "CRUN delete" once the command has exited (not timed);
 * then N times "CRUN run"
 * (timed: from the decision to the container's exit and removal); then N
 * times "CRUN --version" (what merely starting crun costs, of the above).
 * Prints one line per run, "create+start MS", "run MS" or "version MS",
 * and exits 1 at the first crun command that fails. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double
now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

/* Runs argv (stdin and stdout /dev/null, stderr too when quiet) and
 * waits; 0 when it exits 0. */
static int
run_q(char *const argv[], int quiet)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (!freopen("/dev/null", "r", stdin) || !freopen("/dev/null", "w", stdout))
			_exit(126);
		if (quiet && !freopen("/dev/null", "w", stderr))
			_exit(126);
		execv(argv[0], argv);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (!quiet)
		fprintf(stderr, "crun-bench: %s %s failed (status %d)\n", argv[0], argv[1], status);
	return -1;
}

static int
run(char *const argv[])
{
	return run_q(argv, 0);
}

/* "crun delete" refuses a container whose command still runs: retried
 * every 10 ms for up to 5 s, then forced. */
static int
delete_when_exited(char *const del[], char *const force[])
{
	struct timespec ten = {0, 10000000};

	for (int i = 0; i < 500; i++) {
		if (run_q(del, 1) == 0)
			return 0;
		nanosleep(&ten, NULL);
	}
	return run(force);
}

int
main(int argc, char **argv)
{
	char id[32];

	if (argc != 4 || atoi(argv[1]) < 1) {
		fputs("usage: crun-bench N CRUN BUNDLE\n", stderr);
		return 2;
	}
	int n = atoi(argv[1]);
	char *crun = argv[2], *bundle = argv[3];
	char *create[] = {crun, "create", "--bundle", bundle, id, NULL};
	char *start[] = {crun, "start", id, NULL};
	char *del[] = {crun, "delete", id, NULL};
	char *force[] = {crun, "delete", "-f", id, NULL};
	char *runv[] = {crun, "run", "--bundle", bundle, id, NULL};
	char *version[] = {crun, "--version", NULL};

	for (int i = 0; i < n; i++) {
		snprintf(id, sizeof id, "bench-cs-%d", i);
		double t0 = now_ms();
		if (run(create) < 0 || run(start) < 0)
			return 1;
		printf("create+start %.3f\n", now_ms() - t0);
		if (delete_when_exited(del, force) < 0)
			return 1;
	}
	for (int i = 0; i < n; i++) {
		snprintf(id, sizeof id, "bench-run-%d", i);
		double t0 = now_ms();
		if (run(runv) < 0)
			return 1;
		printf("run %.3f\n", now_ms() - t0);
	}
	for (int i = 0; i < n; i++) {
		double t0 = now_ms();
		if (run_q(version, 0) < 0)
			return 1;
		printf("version %.3f\n", now_ms() - t0);
	}
	return 0;
}
