/* SPDX-License-Identifier: MIT */
/*
 * berthctl apply [--try DURATION] [--reboot] FILE | --revert | --confirm:
 * changes the running host to FILE (the plan `berthctl plan` prints), or
 * back to the image's manifest, or confirms a trial. The supervisor does
 * the work (supervisor/apply.c); this checks first, asks, then follows it
 * in status until the new manifest is in force and its containers run.
 */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "base/scalar.h"
#include "ctl.h"
#include "manifest/ytree.h"
#include "plan.h"

#define WAIT_EXTRA_MS 60000 /* beyond the longest stop grace period */

struct apply_opts {
	struct ctl_opts c;
	const char *file;
	uint64_t try_ms;
	bool reboot, revert, confirm;
};

static int
parse(int argc, char **argv, struct apply_opts *o)
{
	static const struct option longopts[] = {
	    {"socket", required_argument, NULL, 's'}, {"try", required_argument, NULL, 't'},
	    {"reboot", no_argument, NULL, 'r'},	      {"revert", no_argument, NULL, 'R'},
	    {"confirm", no_argument, NULL, 'c'},      {0},
	};
	const char *why;
	int opt;

	*o = (struct apply_opts){.c = {.socket = CONTROL_SOCKET}};
	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, ":", longopts, NULL)) != -1) {
		if (opt == 's')
			o->c.socket = optarg;
		else if (opt == 't' && scalar_duration(optarg, &o->try_ms, &why) < 0)
			return ctl_usage_error("apply: --try %s: %s", optarg, why);
		else if (opt == 't' && o->try_ms < 1000)
			return ctl_usage_error("apply: --try %s: at least 1s", optarg);
		else if (opt == 'r')
			o->reboot = true;
		else if (opt == 'R')
			o->revert = true;
		else if (opt == 'c')
			o->confirm = true;
		else if (opt == ':')
			return ctl_usage_error("apply: %s needs a value", argv[optind - 1]);
		else if (opt == '?')
			return ctl_usage_error("apply: unknown option \"%s\"", argv[optind - 1]);
	}
	int want = o->revert || o->confirm ? 0 : 1;
	if (o->revert && o->confirm)
		return ctl_usage_error("apply: --revert and --confirm exclude each other");
	if (o->confirm && (o->try_ms || o->reboot))
		return ctl_usage_error("apply: --confirm takes no other option");
	if (argc - optind != want)
		return ctl_usage_error("apply: expected %s", want ? "one manifest" : "no manifest");
	o->file = want ? argv[optind] : NULL;
	return 0;
}


static const char *
str(const struct ynode *n)
{
	return n && n->type == YNODE_SCALAR && !ynode_is_null(n) ? n->str : "";
}

/* The supervisor's brief status ("status manifest"), parsed; NULL when
 * it cannot be had (quiet:
 * while it executes itself anew, it is briefly not there). */
static struct ynode *
status(const struct apply_opts *o)
{
	struct control_reply r;
	struct ynode *root = NULL;
	struct diag d;

	if (control_call(o->c.socket, "status", "manifest", 10000, &r) != CONTROL_DONE)
		return NULL;
	diag_init(&d, "status reply");
	if (r.status != CONTROL_OK || ytree_parse(r.body, r.len, &d, &root) < 0)
		root = NULL;
	diag_free(&d);
	control_reply_free(&r);
	return root;
}

static void
file_sha(const char *path, char out[65])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	FILE *f = fopen(path, "rb");
	crypto_hash_sha256_state st;
	char buf[65536];
	size_t n;

	out[0] = '\0';
	if (!f)
		return;
	crypto_hash_sha256_init(&st);
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		crypto_hash_sha256_update(&st, (unsigned char *)buf, n);
	fclose(f);
	crypto_hash_sha256_final(&st, h);
	for (size_t i = 0; i < sizeof h; i++)
		snprintf(out + 2 * i, 3, "%02x", h[i]);
}

/* How far the containers the plan starts are, from the containers not
 * settled yet: 1 all run (or ran to their end), 0 some are on their way,
 * -1 one is in a crash loop (named). */
static int
started(const struct ynode *unsettled, const struct manifest_plan *p, const char **bad)
{
	int rc = 1;

	for (size_t i = 0; i < p->n_start; i++) {
		const char *name = p->containers[p->start[i]].name;
		for (size_t k = 0; unsettled && unsettled->type == YNODE_SEQ && k < unsettled->n; k++) {
			if (strcmp(str(ctl_get(unsettled->kids[k], "name")), name) != 0)
				continue;
			if (!strcmp(str(ctl_get(unsettled->kids[k], "state")), "crash-loop")) {
				*bad = name;
				return -1;
			}
			rc = 0;
		}
	}
	return rc;
}

/* Follows the supervisor until the manifest with sha is in force, no
 * apply is under way and what the plan starts runs. */
static int
follow(const struct apply_opts *o, const char *sha, const struct manifest_plan *p,
       uint64_t wait_ms)
{
	struct timespec t0, now;
	const char *bad = NULL;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		struct ynode *root = status(o);
		const struct ynode *m = ctl_get(root, "manifest");
		int rc = 0;
		if (root && !strcmp(str(ctl_get(m, "sha256")), sha) &&
		    strcmp(str(ctl_get(m, "applying")), "true") != 0)
			rc = started(ctl_get(root, "unsettled"), p, &bad);
		ytree_free(root);
		if (rc > 0)
			return 0;
		if (rc < 0) {
			fprintf(stderr, "berthctl: apply: applied, but container %s is in a crash "
					"loop (berthctl logs %s)\n",
				bad, bad);
			return EXIT_INVALID;
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		if ((uint64_t)((now.tv_sec - t0.tv_sec) * 1000 + (now.tv_nsec - t0.tv_nsec) / 1000000) >
		    wait_ms) {
			fprintf(stderr,
				"berthctl: apply: not done after %llu s: see berthctl status and "
				"berthctl logs --host\n",
				(unsigned long long)(wait_ms / 1000));
			return EXIT_INVALID;
		}
		usleep(20000); /* each poll is one small status call */
	}
}

/* The longest stop grace period of what the plan stops, and the rest. */
static uint64_t
wait_bound(const struct manifest_plan *p)
{
	uint64_t ms = 0;

	for (size_t i = 0; i < p->n_stop; i++) {
		const struct container *c = p->containers[p->stop[i]].old;
		if (c && c->stop_grace_ms > ms)
			ms = c->stop_grace_ms;
	}
	return ms + WAIT_EXTRA_MS;
}

/* Asks the supervisor to apply path ("-": the image's manifest). */
static int
ask(const struct apply_opts *o, const char *path)
{
	char arg[CONTROL_MAX_REQUEST], real[PATH_MAX];
	struct ctl_opts c = o->c;
	struct control_reply r;
	int rc;

	if (strcmp(path, "-") != 0 && !realpath(path, real)) {
		fprintf(stderr, "berthctl: apply: %s: %m\n", path);
		return EXIT_INVALID;
	}
	if (snprintf(arg, sizeof arg, "%llu:%s:%s", (unsigned long long)o->try_ms,
		     o->reboot ? "r" : "-", strcmp(path, "-") ? real : "-") >= (int)sizeof arg ||
	    strpbrk(arg, " \t\n")) {
		fprintf(stderr, "berthctl: apply: the path %s is too long or has blanks\n", real);
		return EXIT_INVALID;
	}
	c.arg = arg;
	if ((rc = ctl_call(&c, "apply", &r)) != 0)
		return rc;
	control_reply_free(&r);
	return 0;
}

static int
confirm(const struct apply_opts *o)
{
	struct control_reply r;
	int rc = ctl_call(&o->c, "confirm", &r);

	if (rc)
		return rc;
	printf("%s\n", r.body);
	control_reply_free(&r);
	return 0;
}

/* Plans from the manifest in force to next, refuses what cannot be done
 * live, asks, follows, and says what was done. */
static int
apply(const struct apply_opts *o, const char *cur, const char *next)
{
	struct manifest mc, mn;
	struct manifest_plan p;
	struct refusal_ctx r = {next, cur};
	char sha[65];
	int rc = EXIT_INVALID;

	if (plan_load(next, cur, &mc, &mn) < 0)
		goto out;
	if (manifest_plan_make(&mc, &mn, &p) < 0) {
		fprintf(stderr, "berthctl: apply: out of memory\n");
		goto out;
	}
	if (manifest_plan_refusals(&p, o->reboot, plan_report_refusal, &r)) {
		fprintf(stderr, "berthctl: apply: nothing changed\n");
	} else if (manifest_plan_empty(&p)) {
		printf("nothing to apply: %s is the manifest in force\n", next);
		rc = 0;
	} else if ((rc = ask(o, o->revert ? "-" : next)) == 0 && !o->reboot) {
		file_sha(next, sha);
		if ((rc = follow(o, sha, &p, wait_bound(&p))) == 0)
			plan_print(stdout, &p, o->reboot, true);
		if (rc == 0 && o->try_ms)
			printf("on trial for %llu s: berthctl apply --confirm keeps it; without "
			       "it, it rolls back\n",
			       (unsigned long long)(o->try_ms / 1000));
	} else if (rc == 0) {
		printf("applied: the host reboots into it\n");
	}
	manifest_plan_free(&p);
out:
	manifest_free(&mc);
	manifest_free(&mn);
	return rc;
}

int
cmd_apply(int argc, char **argv)
{
	struct apply_opts o;
	char cur[PATH_MAX], baked[PATH_MAX];
	int rc = parse(argc, argv, &o);

	if (rc)
		return rc;
	if (o.confirm)
		return confirm(&o);
	struct ynode *root = status(&o);
	const struct ynode *m = ctl_get(root, "manifest");
	snprintf(cur, sizeof cur, "%s", str(ctl_get(m, "path")));
	snprintf(baked, sizeof baked, "%s", str(ctl_get(m, "image_path")));
	ytree_free(root);
	if (!cur[0]) {
		fprintf(stderr, "berthctl: apply: cannot reach the supervisor at %s, or it does "
				"not say which manifest is in force\n",
			o.c.socket);
		return EXIT_SYSTEM;
	}
	return apply(&o, cur, o.revert ? baked : o.file);
}
