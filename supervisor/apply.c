/* SPDX-License-Identifier: MIT */
/*
 * apply.c: a new manifest applied to the running host (`berthctl apply`,
 * docs/berthctl.md). The plan is lib/manifest/diff.h's, as `berthctl plan`
 * prints it. Carried out in this order:
 *   1. the containers to stop (removed, recreated) are stopped, dependents
 *      first, each with its stop signal and grace period;
 *   2. the manifest is written (sealed; write, fsync, rename) as the
 *      override on /var, or the override is removed (`--revert`), and with
 *      `--try` the one it replaces is kept to go back to;
 *   3. netsetup runs again when the host, network, firewall or update
 *      parts changed (addresses, routes, sysctls, DNS; the firewall in one
 *      nftables batch);
 *   4. the supervisor executes itself anew: the new run loads the new
 *      manifest and adopts every container whose definition is unchanged
 *      (live.c: same process, no line lost), with the limits, health check
 *      and restart policy the new manifest gives it, and starts the new
 *      and recreated ones.
 * A power cut before step 2 leaves the old manifest in force, after it the
 * new one: either boots whole.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "apply.h"
#include "base/io.h"
#include "logconsole.h"
#include "logfwd.h"
#include "loghost.h"
#include "manifest/diff.h"
#include "supervisor.h"
#include "update/seal.h"


static char **self_argv; /* for the new run (apply_reexec) */

void
apply_set_argv(char **argv)
{
	self_argv = argv;
}

/* The root of a container's image exists: a container to start must not
 * wait for an image the host does not have. */
static int
image_present(const struct sv *sv, const struct container *m, char *err, size_t len)
{
	char rootfs[IMAGE_STORE_MAX], path[PATH_MAX + IMAGE_STORE_MAX];

	if (image_ref_rootfs(&m->image, rootfs, sizeof rootfs) < 0)
		return snprintf(err, len, "container %s: image path: %s", m->name,
				strerror(errno)), -1;
	snprintf(path, sizeof path, "%s%s%s", rootfs[0] == '/' ? "" : sv->paths.images,
		 rootfs[0] == '/' ? "" : "/", rootfs);
	if (access(path, F_OK) == 0)
		return 0;
	snprintf(err, len,
		 "container %s: its image is not on this host (%s: %s): images are baked into "
		 "the image; install an update bundle that has it",
		 m->name, path, strerror(errno));
	return -1;
}

static void
first_refusal(const struct manifest_change *c, void *arg)
{
	char *msg = arg;

	if (msg[0])
		return;
	snprintf(msg, 512, "%s (%s): cannot change on a running host (needs %s): %s; instead: %s",
		 c->label, c->cls->field, c->cls->effect == FX_UPDATE ? "an update" : "a reboot",
		 c->cls->reason, c->cls->instead);
}

/* What the plan does, in words, for host.log and status; which containers
 * it stops; whether netsetup must run. -1 with why in err. */
static int
plan_take(struct sv *sv, const struct manifest_plan *p, char *err, size_t len)
{
	struct apply_run *a = &sv->ap;
	size_t host = 0;

	err[0] = '\0';
	if (manifest_plan_refusals(p, a->reboot, first_refusal, err))
		return -1;
	for (size_t i = 0; i < p->n_start; i++) {
		const struct container *m = p->containers[p->start[i]].new;
		if (image_present(sv, m, err, len) < 0)
			return -1;
	}
	for (size_t i = 0; i < p->n_stop; i++) {
		struct instance *c = sv_find(sv, p->containers[p->stop[i]].name);
		if (c)
			a->stop[c - sv->c] = true;
	}
	for (size_t i = 0; i < p->n_changes; i++) {
		enum plan_section s = p->changes[i].cls->section;
		host++;
		if (s == PS_HOST || s == PS_NETWORK || s == PS_FIREWALL)
			a->netsetup = true;
	}
	snprintf(a->summary, sizeof a->summary,
		 "%zu started, %zu recreated, %zu stopped, %zu changed in place, %zu kept, "
		 "%zu host changes",
		 manifest_plan_count(p, CA_START), manifest_plan_count(p, CA_RECREATE),
		 manifest_plan_count(p, CA_STOP), manifest_plan_count(p, CA_CHANGE),
		 manifest_plan_count(p, CA_KEEP), host);
	return 0;
}

/* Whether the plan can be carried out inside this run (spec_swap): it
 * only recreates or changes containers, and what the instances were made
 * with at startup (a health check's timer, the bridge) stays enough. */
static bool
in_place(const struct sv *sv, const struct manifest_plan *p)
{
	if (p->n_changes || sv->ap.reboot)
		return false;
	for (size_t i = 0; i < p->n_containers; i++) {
		const struct container_plan *e = &p->containers[i];
		if (e->action == CA_START || e->action == CA_STOP)
			return false;
		if (e->action == CA_KEEP)
			continue;
		if ((e->old->health.kind == HEALTH_NONE) != (e->new->health.kind == HEALTH_NONE) ||
		    (e->new->network_mode == NET_BRIDGE && !sv->has_bridge))
			return false;
	}
	return true;
}

/* Which instances change in place (their limits are written again). */
static void
mark_changed(struct sv *sv, const struct manifest_plan *p)
{
	memset(sv->ap.changed, 0, sv->n * sizeof *sv->ap.changed);
	for (size_t i = 0; i < p->n_containers; i++) {
		struct instance *c = sv_find(sv, p->containers[i].name);
		if (c && p->containers[i].action == CA_CHANGE)
			sv->ap.changed[c - sv->c] = true;
	}
}

/* Parses the new manifest (buf, or the baked one when NULL) and plans the
 * way there from the one in force. */
static int
plan_from(struct sv *sv, const char *buf, size_t len, char *err, size_t errlen)
{
	struct manifest next;
	struct manifest_plan p;
	struct diag d;
	char *baked = NULL;
	int rc = -1;

	if (!buf && !(buf = baked = apply_slurp(sv->paths.baked, &len)))
		return snprintf(err, errlen, "%s: %s", sv->paths.baked, strerror(errno)), -1;
	if (manifest_parse_buffer(buf == baked ? sv->paths.baked : "the new manifest", buf, len,
				  &next, &d) < 0) {
		snprintf(err, errlen, "%s:%u:%u: %s", d.file, d.n ? d.v[0].line : 0,
			 d.n ? d.v[0].col : 0, d.n ? d.v[0].msg : "invalid");
		diag_free(&d);
		manifest_free(&next);
		free(baked);
		return -1;
	}
	diag_free(&d);
	if (manifest_plan_make(&sv->manifest, &next, &p) < 0)
		snprintf(err, errlen, "out of memory");
	else if (manifest_plan_empty(&p))
		snprintf(err, errlen, "nothing to apply: it is the manifest in force");
	else
		rc = plan_take(sv, &p, err, errlen);
	if (rc == 0 && in_place(sv, &p) && (sv->ap.next = malloc(sizeof next))) {
		*sv->ap.next = next; /* spec_swap takes it */
		mark_changed(sv, &p);
		memset(&next, 0, sizeof next);
	}
	manifest_plan_free(&p);
	manifest_free(&next);
	if (buf == baked)
		apply_sha256_hex(baked, len, sv->ap.sha);
	free(baked);
	return rc;
}

static bool
dependent_up(const struct sv *sv, const struct instance *c)
{
	for (size_t j = 0; j < sv->n; j++)
		for (size_t d = 0; d < sv->c[j].ndeps; d++)
			if (sv->ap.stop[j] && sv->c[j].deps[d] == c && sv_is_up(&sv->c[j]))
				return true;
	return false;
}

/* Stops the marked containers, each once no marked container that depends
 * on it is up; true when all of them are down. */
static bool
stop_marked(struct sv *sv)
{
	for (size_t i = 0; i < sv->n; i++) {
		struct instance *c = &sv->c[i];
		if (!sv->ap.stop[i] || c->state == CS_STOPPING || c->state == CS_EXITED ||
		    c->state == CS_STOPPED || (sv_is_up(c) && dependent_up(sv, c)))
			continue;
		sv_event(sv, c, EV_STOP, 0);
	}
	for (size_t i = 0; i < sv->n; i++)
		if (sv->ap.stop[i] && sv_is_up(&sv->c[i]))
			return false;
	return true;
}

/* The new manifest in force: sealed as the override, or no override. */
static int
write_manifest(struct sv *sv, char *err, size_t len)
{
	struct apply_run *a = &sv->ap;
	struct slots s;

	if (!sv->paths.override)
		return snprintf(err, len, "no override path (a test without --override)"), -1;
	if (!a->buf) {
		if (unlink(sv->paths.override) < 0 && errno != ENOENT)
			return snprintf(err, len, "%s: %s", sv->paths.override, strerror(errno)),
			       -1;
		char dir[PATH_MAX];
		snprintf(dir, sizeof dir, "%s", sv->paths.override);
		char *slash = strrchr(dir, '/');
		if (slash)
			*slash = '\0';
		int dfd = open(slash ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dfd >= 0)
			fsync(dfd), close(dfd);
		return 0;
	}
	char dir[PATH_MAX];
	snprintf(dir, sizeof dir, "%s", sv->paths.override);
	char *slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		io_mkdir_p(dir, 0755);
	}
	if (slots_open(&s, err, len) < 0)
		return -1;
	return seal_file_write(&s, a->buf, a->len, sv->paths.override, err, len);
}

/* The new run: the same program, arguments and fd store; it loads the
 * manifest now in force and adopts what runs (live.c). */
static void __attribute__((noreturn))
reexec(struct sv *sv)
{
	char fd[16];

	sv_say("apply: the supervisor starts anew with the manifest in force");
	for (size_t i = 0; i < sv->n; i++) {
		health_stop(sv, &sv->c[i]); /* its probe is our child: reaped now */
		live_save(&sv->c[i]);
	}
	logfwd_close(sv);
	loghost_close(sv);
	control_close(sv);
	console_flush();
	if (sv->store_fd >= 0 && fcntl(sv->store_fd, F_SETFD, 0) == 0) {
		snprintf(fd, sizeof fd, "%d", sv->store_fd);
		setenv("BERTH_FDSTORE_FD", fd, 1);
	}
	/* By its path, so that it keeps its name (ps, comm) and a new binary
	 * there is the one that runs; /proc/self/exe when that fails. */
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n > 0) {
		self[n] = '\0';
		execv(self, self_argv);
	}
	execv("/proc/self/exe", self_argv);
	/* init starts it again, and that run adopts the containers too. */
	fprintf(stderr, "supervisor: apply: executing itself anew: %s\n", strerror(errno));
	exit(111);
}

/* netsetup, as at boot, with the manifest now in force; its end (watched
 * by pidfd) is followed by the new run. */
static int
netsetup_start(struct sv *sv)
{
	struct apply_run *a = &sv->ap;
	int pidfd = -1;
	struct clone_args args = {
	    .flags = CLONE_PIDFD, .pidfd = (uint64_t)(uintptr_t)&pidfd, .exit_signal = SIGCHLD};

	pid_t pid = (pid_t)syscall(SYS_clone3, &args, sizeof args);
	if (pid < 0)
		return -1;
	if (pid == 0) {
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		execl(sv->paths.netsetup, "netsetup", (char *)NULL);
		_exit(127);
	}
	a->ns_pidfd = pidfd;
	a->w_ns = (struct watch){W_APPLY, NULL};
	if (sv_watch(sv, pidfd, &a->w_ns) < 0) {
		siginfo_t si;
		waitid(P_PIDFD, (id_t)pidfd, &si, WEXITED);
		close(pidfd);
		a->ns_pidfd = -1;
		return -1;
	}
	a->phase = AP_NETSETUP;
	return 0;
}

static void
last_write(struct sv *sv)
{
	char text[160];
	int n = snprintf(text, sizeof text, "%lld %s %s\n", (long long)time(NULL), sv->ap.sha,
			 sv->ap.buf ? "applied" : "image");

	if (apply_state_note(sv, LAST_FILE, text, (size_t)n) < 0)
		sv_say("apply: %s/%s: %s", sv->paths.state, LAST_FILE, strerror(errno));
}

/* The plan carried out inside this run: the instances take the new
 * definitions, the recreated ones start again; nothing else stops. */
static void
swap(struct sv *sv)
{
	struct apply_run *a = &sv->ap;
	struct manifest *mf = a->next;

	a->next = NULL;
	if (spec_swap(sv, mf, a->stop, a->buf ? sv->paths.override : sv->paths.baked) < 0) {
		sv_say("apply: cannot take the new definitions in place; the supervisor starts "
		       "anew instead");
		manifest_free(mf);
		free(mf);
		reexec(sv);
	}
	free(mf);
	sv->paths.in_force = a->buf ? sv->paths.override : sv->paths.baked;
	memcpy(a->in_force_sha, a->sha, sizeof a->sha);
	memcpy(a->applied_sha, a->sha, sizeof a->sha);
	a->applied_at = time(NULL);
	free(a->buf);
	a->buf = NULL;
	a->phase = AP_IDLE;
	for (size_t i = 0; i < sv->n; i++) {
		struct instance *c = &sv->c[i];
		live_rehash(c);
		if (a->stop[i] && c->state == CS_STOPPED)
			sv_event(sv, c, EV_START, 0);
		else if (a->changed[i] && c->cgfd >= 0)
			cg_limits_update(c->cgfd, &c->spec);
	}
	sv_start_ready(sv);
}

/* Step 2 on: the containers to stop are down. */
static void
commit(struct sv *sv)
{
	struct apply_run *a = &sv->ap;
	char err[512];

	if ((a->try_ms && apply_try_save(sv, err, sizeof err) < 0) ||
	    write_manifest(sv, err, sizeof err) < 0) {
		sv_say("apply: failed, nothing changed but the containers stopped for it: %s", err);
		a->phase = AP_IDLE;
		free(a->buf);
		a->buf = NULL;
		if (a->next) {
			manifest_free(a->next);
			free(a->next);
			a->next = NULL;
		}
		/* They start again, as they were. */
		for (size_t i = 0; i < sv->n; i++)
			if (a->stop[i] && sv->c[i].state == CS_STOPPED)
				sv_event(sv, &sv->c[i], EV_START, 0);
		return;
	}
	if (a->rollback) {
		apply_state_remove(sv, TRY_FILE);
		apply_state_remove(sv, PREV_FILE);
	}
	last_write(sv);
	sv_say("apply: %s %s %s (sha256 %s)%s%s: %s", a->who,
	       a->rollback ? "rolled back to" : a->buf ? "applied" : "reverted to",
	       a->buf ? "a new manifest" : "the image's manifest", a->sha,
	       a->next ? ", in place" : "", a->try_ms ? "; on trial" : "", a->summary);
	if (a->next) {
		swap(sv);
		return;
	}
	if (a->reboot) {
		sv_say("apply: rebooting, as asked (--reboot)");
		sv->power_signal = SIGTERM;
		sv_stop_all(sv);
		a->phase = AP_IDLE;
		return;
	}
	if (a->netsetup && strcmp(sv->paths.netsetup, "none") != 0 && netsetup_start(sv) == 0)
		return;
	reexec(sv);
}

/* Called after every round of the loop: moves an apply on. */
void
apply_progress(struct sv *sv)
{
	if (sv->ap.phase == AP_STOPPING && stop_marked(sv))
		commit(sv);
}

/* netsetup ended: how, then the new run. */
void
apply_dispatch(struct sv *sv, struct watch *w)
{
	struct apply_run *a = &sv->ap;
	siginfo_t si = {0};
	uint64_t ticks;

	if (w == &a->w_try) {
		if (read(a->try_fd, &ticks, sizeof ticks) == sizeof ticks)
			apply_rollback(sv, "no `berthctl apply --confirm` in time");
		return;
	}
	while (waitid(P_PIDFD, (id_t)a->ns_pidfd, &si, WEXITED) < 0 && errno == EINTR)
		;
	sv_unwatch(sv, &a->ns_pidfd);
	if (si.si_code != CLD_EXITED || si.si_status != 0) {
		sv_say("apply: netsetup failed (%s %d): see its lines above%s",
		       si.si_code == CLD_EXITED ? "status" : "signal", si.si_status,
		       a->try_ms ? "; the trial ends now" : "");
		if (a->try_ms)
			apply_try_expire(sv);
	}
	reexec(sv);
}

/* Begins applying buf (NULL: the image's manifest); 0, or -1 with why. */
int
apply_begin(struct sv *sv, const struct apply_how *how, char *buf, size_t len, char *err,
	    size_t errlen)
{
	struct apply_run *a = &sv->ap;

	if (a->phase != AP_IDLE)
		return snprintf(err, errlen, "an apply is under way already"), -1;
	snprintf(a->who, sizeof a->who, "%s", how->who);
	a->try_ms = how->try_ms;
	a->reboot = how->reboot;
	a->rollback = how->rollback;
	memset(a->stop, 0, sv->n * sizeof *a->stop);
	a->netsetup = false;
	if (buf)
		apply_sha256_hex(buf, len, a->sha);
	if (plan_from(sv, buf, len, err, errlen) < 0)
		return -1;
	a->buf = buf;
	a->len = len;
	a->phase = AP_STOPPING;
	apply_progress(sv);
	return 0;
}

/* "apply TRY_MS:FLAGS:PATH" (PATH "-": the image's manifest; FLAGS "r":
 * reboot, "-": none). The reply comes at once; berthctl follows the
 * rest in status. */
enum control_status
apply_request(struct sv *sv, uid_t uid, const char *arg, char *msg, size_t len)
{
	struct apply_run *a = &sv->ap;
	unsigned long long try_ms;
	char flags[8], path[CONTROL_MAX_REQUEST];
	char *buf = NULL;
	size_t n = 0;

	if (sscanf(arg, "%llu:%7[^:]:%255s", &try_ms, flags, path) != 3) {
		snprintf(msg, len, "apply: malformed argument");
		return CONTROL_ERROR;
	}
	if (a->trying && !a->rollback) {
		snprintf(msg, len, "apply: a trial is under way: confirm it (apply --confirm) or "
				   "let it roll back first");
		return CONTROL_ERROR;
	}
	if (strcmp(path, "-") != 0 && !(buf = apply_slurp(path, &n))) {
		snprintf(msg, len, "apply: %s: %s", path, strerror(errno));
		return CONTROL_ERROR;
	}
	char who[32];
	snprintf(who, sizeof who, "uid %u", (unsigned)uid);
	struct apply_how how = {who, try_ms, strchr(flags, 'r') != NULL, false};
	if (apply_begin(sv, &how, buf, n, msg, len) < 0) {
		free(buf);
		return CONTROL_ERROR;
	}
	snprintf(msg, len, "applying: %s", a->summary);
	return CONTROL_OK;
}

