/* SPDX-License-Identifier: MIT */
/* berthctl plan [--json] [--reboot] [--current FILE] FILE: what applying
 * FILE would change on this host; changes nothing. */
#include <stdio.h>
#include <string.h>

#include "ctl.h"
#include "plan.h"
#include "update/paths.h"

/* terraform plan -detailed-exitcode: 2 means "there are changes", so any
 * error, a usage error too, is 1. */
#define PLAN_NO_CHANGE 0
#define PLAN_ERROR 1
#define PLAN_CHANGES 2

struct plan_opts {
	bool json, reboot;
	const char *current, *file;
};

static int
plan_usage(const char *fmt, const char *arg)
{
	fprintf(stderr, "berthctl: plan: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nusage: berthctl plan [--json] [--reboot] [--current FILE] FILE\n");
	return PLAN_ERROR;
}

static int
parse_opts(int argc, char **argv, struct plan_opts *o)
{
	memset(o, 0, sizeof *o);
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			o->json = true;
		else if (strcmp(argv[i], "--reboot") == 0)
			o->reboot = true;
		else if (strcmp(argv[i], "--current") == 0 && i + 1 < argc)
			o->current = argv[++i];
		else if (argv[i][0] == '-' && argv[i][1])
			return plan_usage("unknown option or missing value \"%s\"", argv[i]);
		else if (o->file)
			return plan_usage("more than one manifest given (\"%s\")", argv[i]);
		else
			o->file = argv[i];
	}
	return o->file ? 0 : plan_usage("%s", "no manifest given");
}

int
plan_load(const char *file, const char *current, struct manifest *cur, struct manifest *next)
{
	struct diag d;
	int rc = 0;

	if (manifest_parse_file(file, next, &d) < 0) {
		ctl_report(&d);
		rc = -1;
	}
	diag_free(&d);
	if (manifest_parse_file(current, cur, &d) < 0) {
		fprintf(stderr, "berthctl: the manifest in force, %s, does not validate:\n",
			current);
		ctl_report(&d);
		rc = -1;
	}
	diag_free(&d);
	return rc;
}

const char *
plan_current(const char *given)
{
	char why[512];
	const char *path;

	if (given)
		return given;
	path = manifest_in_force(why, sizeof why);
	if (why[0])
		fprintf(stderr, "berthctl: ignoring %s: %s; comparing with %s\n",
			MANIFEST_OVERRIDE, why, path);
	return path;
}

/* berthctl: new.yaml:4:3: host.timezone: cannot change on a running host
 * (needs an update): REASON; instead: WHAT */
void
plan_report_refusal(const struct manifest_change *c, void *arg)
{
	const struct refusal_ctx *r = arg;
	const char *file = c->op == CH_REMOVE ? r->current : r->file;

	fprintf(stderr, "berthctl: %s", file);
	if (c->pos.line)
		fprintf(stderr, ":%u:%u", c->pos.line, c->pos.col);
	fprintf(stderr, ": %s (%s): cannot change on a running host (needs %s): %s; instead: %s\n",
		c->label, c->cls->field,
		c->cls->effect == FX_UPDATE ? "an update" : "a reboot", c->cls->reason,
		c->cls->instead);
}

static int
print_json(const struct manifest_plan *p, bool reboot)
{
	struct json j;
	int rc = 0;

	json_init(&j);
	manifest_plan_to_json(p, reboot, &j);
	if (json_finish(&j) < 0 || fwrite(j.buf, 1, j.len, stdout) != j.len)
		rc = -1;
	json_free(&j);
	return rc;
}

int
cmd_plan(int argc, char **argv)
{
	struct plan_opts o;
	struct manifest cur, next;
	struct manifest_plan p;
	struct refusal_ctx r;
	int rc = parse_opts(argc, argv, &o);

	if (rc)
		return rc;
	r = (struct refusal_ctx){o.file, plan_current(o.current)};
	if (plan_load(o.file, r.current, &cur, &next) < 0) {
		rc = PLAN_ERROR;
		goto out;
	}
	if (manifest_plan_make(&cur, &next, &p) < 0) {
		fprintf(stderr, "berthctl: plan: out of memory\n");
		rc = PLAN_ERROR;
		goto out;
	}
	if (!o.json)
		plan_print(stdout, &p, o.reboot, false);
	else if (print_json(&p, o.reboot) < 0)
		rc = PLAN_ERROR;
	if (fflush(stdout) != 0 || ferror(stdout)) {
		perror("berthctl: writing output");
		rc = PLAN_ERROR;
	}
	if (manifest_plan_refusals(&p, o.reboot, plan_report_refusal, &r))
		rc = PLAN_ERROR;
	else if (!rc)
		rc = manifest_plan_empty(&p) ? PLAN_NO_CHANGE : PLAN_CHANGES;
	manifest_plan_free(&p);
out:
	manifest_free(&cur);
	manifest_free(&next);
	return rc;
}
