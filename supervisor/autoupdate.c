/* SPDX-License-Identifier: MIT */
/*
 * The host keeps itself current from its update channel (update.channel;
 * docs/update.md, Channel): every check_every, with up to 10% jitter, the
 * supervisor runs the channel client, update-check (a program of its own:
 * libcurl stays out of the supervisor), which verifies the channel's
 * metadata and downloads what this host's rollout bucket admits. With
 * update.auto it then runs `berthctl update apply` on the download, the
 * same install an operator runs, and reboots into it inside update.window;
 * the trial boot, confirmation and rollback are bless.c's, as for any
 * update. Every step is a line in host.log; the state is in the file
 * autoupdate beside the control socket (/run/berth/autoupdate) for
 * `berthctl update status`.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/sched.h>

#include "apply.h"
#include "base/io.h"
#include "manifest/ytree.h"
#include "supervisor.h"

#define FIRST_CHECK_MS 5000 /* after the supervisor starts */
#define RETRY_MIN_MS 60000  /* after a failure, doubling up to check_every */
#define DOWNLOAD_DIR "/var/lib/berth/channel/download"
#define CHANNEL_CA "/usr/share/berth/channel-ca.pem"
#define RESULT_MAX 8192

static const char *
program(const char *env, const char *dflt)
{
	const char *p = getenv(env);

	return p && *p ? p : dflt;
}

static void
arm(struct sv *sv, uint64_t ms)
{
	struct itimerspec it = {.it_value = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L}};
	struct autoupdate *a = &sv->au;

	if (!it.it_value.tv_sec && !it.it_value.tv_nsec)
		it.it_value.tv_nsec = 1;
	if (timerfd_settime(a->timerfd, 0, &it, NULL) < 0)
		sv_say("update: timer: %s", strerror(errno));
	a->next_at = time(NULL) + (time_t)(ms / 1000);
}

/* check_every, less up to 10%: hosts of one fleet spread out. */
static uint64_t
every_jittered(const struct sv *sv)
{
	uint64_t every = sv->manifest.update.check_every_ms;
	uint64_t r = 0;

	if (getrandom(&r, sizeof r, GRND_NONBLOCK) != sizeof r)
		r = (uint64_t)time(NULL);
	return every - r % (every / 10 + 1);
}

static void
status_write(struct sv *sv)
{
	const struct autoupdate *a = &sv->au;
	char buf[2048];
	int n;

	n = snprintf(buf, sizeof buf,
		     "channel %s\nstate %s\nlast_check %lld\nlast_result %s\nnext_check %lld\n"
		     "pending %s\nreboot_at %lld\n",
		     sv->manifest.update.channel, a->state, (long long)a->last_check,
		     a->last_result[0] ? a->last_result : "-", (long long)a->next_at,
		     a->pending[0] ? a->pending : "-", (long long)a->reboot_at);
	char dir[PATH_MAX];
	const char *slash = strrchr(sv->ctl_path, '/');

	if (!slash || n <= 0 || (size_t)n >= sizeof buf)
		return;
	snprintf(dir, sizeof dir, "%.*s", (int)(slash - sv->ctl_path), sv->ctl_path);
	if (io_replace_file(dir[0] ? dir : "/", "autoupdate", buf, (size_t)n, 0644) < 0)
		sv_say("update: %s/autoupdate: %s", dir, strerror(errno));
}

/* Starts argv[0] with stdout to a pipe (when out is not NULL) and the
 * supervisor's stderr; its pidfd is watched. */
static int
spawn(struct sv *sv, char *const argv[], int *out)
{
	struct autoupdate *a = &sv->au;
	int pidfd = -1, p[2] = {-1, -1};
	struct clone_args ca = {
	    .flags = CLONE_PIDFD, .pidfd = (uint64_t)(uintptr_t)&pidfd, .exit_signal = SIGCHLD};
	pid_t pid;

	if (out && pipe2(p, O_CLOEXEC) < 0)
		return -1;
	pid = (pid_t)syscall(SYS_clone3, &ca, sizeof ca);
	if (pid == 0) {
		sigset_t all;

		sigemptyset(&all);
		sigprocmask(SIG_SETMASK, &all, NULL);
		dup2(out ? p[1] : sv->devnull, 1);
		execv(argv[0], argv);
		fprintf(stderr, "update: %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	if (out)
		close(p[1]);
	if (pid < 0) {
		if (out)
			close(p[0]);
		return -1;
	}
	a->pidfd = pidfd;
	a->w_child = (struct watch){W_AUTOUPDATE, NULL};
	if (sv_watch(sv, pidfd, &a->w_child) < 0) {
		siginfo_t si;

		waitid(P_PIDFD, (id_t)pidfd, &si, WEXITED);
		close(pidfd);
		a->pidfd = -1;
		if (out)
			close(p[0]);
		return -1;
	}
	if (out)
		*out = p[0];
	return 0;
}

/* The next step's child started: phase and state; or the failure said and
 * the next check set. */
static void
step(struct sv *sv, char *const argv[], int *out, enum au_phase phase, const char *state,
     const char *fail_why)
{
	struct autoupdate *a = &sv->au;

	if (spawn(sv, argv, out) < 0) {
		sv_say("update: cannot run %s: %s", argv[0], strerror(errno));
		autoupdate_retry(sv, fail_why);
		return;
	}
	a->phase = phase;
	snprintf(a->state, sizeof a->state, "%s", state);
	status_write(sv);
}

/* The host's machine id, which places it in a rollout (its bucket): made
 * once, at random, in the state directory on /var, since the read-only
 * root has no /etc/machine-id of its own. */
static int
machine_id(struct sv *sv, char id[33])
{
	char path[PATH_MAX];
	uint8_t r[16];
	ssize_t n;

	snprintf(path, sizeof path, "%s/machine-id", sv->paths.state);
	n = io_read_small(AT_FDCWD, path, id, 33);
	if (n >= 32) {
		id[32] = 0;
		return 0;
	}
	if (getrandom(r, sizeof r, 0) != sizeof r)
		return -1;
	for (int i = 0; i < 16; i++)
		snprintf(id + 2 * i, 3, "%02x", r[i]);
	id[32] = '\n';
	snprintf(path, sizeof path, "%s", sv->paths.state);
	if (io_mkdir_p(path, 0755) < 0 ||
	    io_replace_file(sv->paths.state, "machine-id", id, 33, 0644) < 0)
		return -1;
	id[32] = 0;
	sv_say("update: made this host's machine id %s (%s/machine-id)", id, sv->paths.state);
	return 0;
}

static void
check_start(struct sv *sv)
{
	struct autoupdate *a = &sv->au;
	const struct update_cfg *u = &sv->manifest.update;
	char *argv[20], rate[32];
	int n = 0;

	argv[n++] = (char *)program("BERTH_UPDATE_CHECK", "/usr/lib/berth/update-check");
	argv[n++] = "--channel";
	argv[n++] = u->channel;
	if (machine_id(sv, a->machine_id) == 0) {
		argv[n++] = "--machine-id";
		argv[n++] = a->machine_id;
	} else {
		sv_say("update: %s/machine-id: %s", sv->paths.state, strerror(errno));
	}
	if (access(program("BERTH_CHANNEL_CA", CHANNEL_CA), R_OK) == 0) {
		argv[n++] = "--ca";
		argv[n++] = (char *)program("BERTH_CHANNEL_CA", CHANNEL_CA);
	}
	if (u->auto_install) {
		snprintf(a->dir, sizeof a->dir, "%s",
			 program("BERTH_CHANNEL_DOWNLOAD", DOWNLOAD_DIR));
		if (io_mkdir_p(a->dir, 0700) < 0)
			sv_say("update: %s: %s", a->dir, strerror(errno));
		snprintf(a->dir, sizeof a->dir, "%s",
			 program("BERTH_CHANNEL_DOWNLOAD", DOWNLOAD_DIR));
		argv[n++] = "--download";
		argv[n++] = a->dir;
		snprintf(a->manifest_file, sizeof a->manifest_file, "%s/host.yaml", a->dir);
		argv[n++] = "--manifest-out";
		argv[n++] = a->manifest_file;
	}
	if (u->download_rate) {
		snprintf(rate, sizeof rate, "%llu", (unsigned long long)u->download_rate);
		argv[n++] = "--rate";
		argv[n++] = rate;
	}
	argv[n++] = "--json";
	argv[n] = NULL;
	a->last_check = time(NULL);
	step(sv, argv, &a->outfd, AU_CHECK, "checking", "the channel client could not be run");
}

/* The next check after a failure: one minute, doubling, at most
 * check_every. */
void
autoupdate_retry(struct sv *sv, const char *why)
{
	struct autoupdate *a = &sv->au;
	uint64_t ms = RETRY_MIN_MS << (a->failures < 10 ? a->failures : 10);

	if (ms > sv->manifest.update.check_every_ms)
		ms = sv->manifest.update.check_every_ms;
	a->failures++;
	a->phase = AU_WAIT;
	snprintf(a->last_result, sizeof a->last_result, "failed: %s", why);
	snprintf(a->state, sizeof a->state, "waiting");
	arm(sv, ms);
	sv_say("update: %s; next check in %llu s", why, (unsigned long long)(ms / 1000));
	status_write(sv);
}

static void
next_check(struct sv *sv)
{
	struct autoupdate *a = &sv->au;

	a->failures = 0;
	a->phase = AU_WAIT;
	snprintf(a->state, sizeof a->state, "waiting");
	arm(sv, every_jittered(sv));
	status_write(sv);
}

/* A value of the check's JSON, or "" */
static const char *
field(const struct ynode *root, const char *key)
{
	for (size_t i = 0; root && root->type == YNODE_MAP && i + 1 < root->n; i += 2)
		if (strcmp(root->kids[i]->str, key) == 0 &&
		    root->kids[i + 1]->type == YNODE_SCALAR && !ynode_is_null(root->kids[i + 1]))
			return root->kids[i + 1]->str;
	return "";
}

static void
apply_start(struct sv *sv, const char *version, const char *file)
{
	struct autoupdate *a = &sv->au;
	char *argv[] = {(char *)program("BERTH_BERTHCTL", "/usr/bin/berthctl"), "update", "apply",
			a->file, NULL};

	snprintf(a->pending, sizeof a->pending, "%s", version);
	snprintf(a->file, sizeof a->file, "%s", file);
	sv_say("update: installing %s from %s", version, file);
	step(sv, argv, NULL, AU_APPLY, "installing", "berthctl could not be run");
}

/* A manifest the channel publishes for this host, other than the one in
 * force, is applied as `berthctl apply` would (plan, stop, swap or start
 * again); a change a running host cannot take is refused and said. */
static bool
channel_manifest(struct sv *sv, const struct ynode *root)
{
	const char *sha = field(root, "manifest_sha256"), *file = field(root, "manifest_file");
	struct apply_run *ap = &sv->ap;
	char err[512];
	size_t n;
	char *buf;

	if (!*file)
		return false;
	if (strcmp(sha, ap->in_force_sha) == 0 || ap->trying) {
		unlink(file);
		return false;
	}
	buf = apply_slurp(file, &n);
	unlink(file);
	if (!buf) {
		sv_say("update: the channel's manifest for this host: %s", strerror(errno));
		return false;
	}
	if (apply_begin(sv, &(struct apply_how){"the update channel", 0, false, false}, buf, n,
			err, sizeof err) < 0) {
		free(buf);
		sv_say("update: the channel's manifest for this host (sha256 %.12s) is not "
		       "applied: %s",
		       sha, err);
		return false;
	}
	sv_say("update: applying the channel's manifest for this host (sha256 %.12s): %s", sha,
	       ap->summary);
	return true;
}

/* What the check found (its JSON on out), and what follows. */
static void
check_result(struct sv *sv, const char *json, size_t len)
{
	struct autoupdate *a = &sv->au;
	struct ynode *root = NULL;
	struct diag d;
	const char *decision, *version;

	diag_init(&d, "update-check");
	if (ytree_parse(json, len, &d, &root) < 0 || !root) {
		diag_free(&d);
		autoupdate_retry(sv, "the channel client printed no result");
		return;
	}
	decision = field(root, "decision");
	version = field(root, "version");
	if (channel_manifest(sv, root)) {
		/* One change at a time: a bundle waits for the next check. */
		snprintf(a->last_result, sizeof a->last_result, "applied the channel's manifest");
		next_check(sv);
	} else if (strcmp(decision, "nothing-new") == 0) {
		sv_say("update: checked %s: nothing new (release %s)", sv->manifest.update.channel,
		       field(root, "release_version"));
		snprintf(a->last_result, sizeof a->last_result, "nothing new");
		next_check(sv);
	} else if (strcmp(decision, "waiting") == 0) {
		sv_say("update: %s is out, not for this host yet (bucket %s, rollout at %s%%)",
		       version, field(root, "bucket"), field(root, "percent"));
		snprintf(a->last_result, sizeof a->last_result, "%s out, bucket %s waits", version,
			 field(root, "bucket"));
		next_check(sv);
	} else if (!sv->manifest.update.auto_install) {
		sv_say("update: %s is available; update.auto is off: install it with berthctl "
		       "update check --download DIR, then berthctl update apply",
		       version);
		snprintf(a->last_result, sizeof a->last_result, "%s available", version);
		next_check(sv);
	} else if (!*field(root, "download")) {
		snprintf(a->last_result, sizeof a->last_result, "%s found, not downloaded",
			 version);
		autoupdate_retry(sv, "the channel client downloaded nothing");
	} else {
		sv_say("update: found %s (bucket %s, rollout at %s%%), downloaded", version,
		       field(root, "bucket"), field(root, "percent"));
		snprintf(a->last_result, sizeof a->last_result, "found %s", version);
		apply_start(sv, version, field(root, "download"));
	}
	ytree_free(root);
	diag_free(&d);
}

static void
reboot_now(struct sv *sv)
{
	struct autoupdate *a = &sv->au;

	a->phase = AU_REBOOTING;
	snprintf(a->state, sizeof a->state, "rebooting");
	status_write(sv);
	sv_say("update: rebooting into %s%s", a->pending,
	       sv->manifest.update.n_windows ? " (inside the update window)" : "");
	control_power_begin(sv, SIGTERM, "update");
}

/* Installed: reboot now when a window is open (or none is set), else at
 * the next one. */
static void
installed(struct sv *sv)
{
	struct autoupdate *a = &sv->au;
	const struct update_cfg *u = &sv->manifest.update;
	time_t now = time(NULL);
	struct tm tm;
	unsigned long wait;
	char when[64];

	unlink(a->file);
	sv_say("update: %s installed into the other slot", a->pending);
	snprintf(a->last_result, sizeof a->last_result, "installed %s", a->pending);
	localtime_r(&now, &tm);
	wait = update_window_wait(u->windows, u->n_windows, &tm);
	if (wait == 0) {
		reboot_now(sv);
		return;
	}
	a->reboot_at = now + (time_t)wait;
	localtime_r(&a->reboot_at, &tm);
	strftime(when, sizeof when, "%Y-%m-%d %H:%M %Z", &tm);
	sv_say("update: rebooting into %s when the update window opens, %s", a->pending, when);
	a->phase = AU_REBOOT_WAIT;
	snprintf(a->state, sizeof a->state, "installed, reboot at %s", when);
	arm(sv, (uint64_t)wait * 1000);
	a->next_at = 0; /* no check until the reboot */
	status_write(sv);
}

static void
child_ended(struct sv *sv)
{
	struct autoupdate *a = &sv->au;
	siginfo_t si = {0};
	char *buf = NULL;
	ssize_t n = 0;

	while (waitid(P_PIDFD, (id_t)a->pidfd, &si, WEXITED) < 0 && errno == EINTR)
		;
	sv_unwatch(sv, &a->pidfd);
	if (a->phase == AU_CHECK) {
		if ((buf = malloc(RESULT_MAX + 1)))
			n = io_read_full(a->outfd, buf, RESULT_MAX);
		close(a->outfd);
		a->outfd = -1;
		if (si.si_code != CLD_EXITED || si.si_status != 0 || n <= 0)
			autoupdate_retry(sv,
					 si.si_code == CLD_EXITED && si.si_status == 1
					     ? "the channel check was refused (see the lines above)"
					     : "the channel check failed (see the lines above)");
		else
			check_result(sv, buf, (size_t)n);
		free(buf);
		return;
	}
	if (si.si_code == CLD_EXITED && si.si_status == 0) {
		installed(sv);
		return;
	}
	unlink(a->file);
	a->pending[0] = 0;
	autoupdate_retry(sv, "installing the update failed (see the lines above)");
}

void
autoupdate_dispatch(struct sv *sv, struct watch *w)
{
	struct autoupdate *a = &sv->au;
	uint64_t ticks;

	if (w == &a->w_child) {
		if (a->pidfd >= 0)
			child_ended(sv);
		return;
	}
	if (read(a->timerfd, &ticks, sizeof ticks) != sizeof ticks)
		return;
	if (a->phase == AU_WAIT)
		check_start(sv);
	else if (a->phase == AU_REBOOT_WAIT)
		reboot_now(sv);
}

void
autoupdate_init(struct sv *sv)
{
	struct autoupdate *a = &sv->au;

	a->timerfd = a->pidfd = a->outfd = -1;
	if (!sv->manifest.update.channel)
		return;
	a->timerfd = timerfd_create(CLOCK_BOOTTIME, TFD_CLOEXEC | TFD_NONBLOCK);
	a->w_timer = (struct watch){W_AUTOUPDATE, NULL};
	if (a->timerfd < 0 || sv_watch(sv, a->timerfd, &a->w_timer) < 0) {
		sv_say("update: timer: %s; the channel is not checked", strerror(errno));
		return;
	}
	a->phase = AU_WAIT;
	snprintf(a->state, sizeof a->state, "waiting");
	sv_say("update: channel %s, checked every %llu s%s", sv->manifest.update.channel,
	       (unsigned long long)(sv->manifest.update.check_every_ms / 1000),
	       sv->manifest.update.auto_install ? ", installed on its own" : "");
	arm(sv, FIRST_CHECK_MS);
	status_write(sv);
}
