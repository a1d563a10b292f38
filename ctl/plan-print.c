/* SPDX-License-Identifier: MIT */
/* A plan as text, in the order apply carries it out: what plan prints, and
 * in the past tense what apply prints when done. */
#include <stdio.h>

#include "plan.h"

struct words {
	const char *stop, *change, *start, *keep, *to_start, *to_stop, *to_recreate, *to_change,
	    *to_set, *reboot, *summary;
};

static const struct words future = {
    "stop", "change in place", "start", "keep running", "to start", "to stop", "to recreate",
    "to change in place", "host settings to change", "the host reboots with the new manifest", "plan"};
static const struct words past = {
    "stopped", "changed in place", "started", "kept running", "started", "stopped", "recreated",
    "changed in place", "host settings changed", "the host reboots with the new manifest",
    "applied"};

static void
print_change(FILE *f, const char *indent, const struct manifest_change *c)
{
	const char *sign = c->op == CH_ADD ? "+ " : c->op == CH_REMOVE ? "- " : "";

	fprintf(f, "%s%s%s", indent, sign, c->label);
	if (c->secret)
		fprintf(f, c->op == CH_CHANGE ? ": (changed)\n" : "\n");
	else if (c->op == CH_CHANGE)
		fprintf(f, ": %s -> %s\n", c->old_value, c->new_value);
	else
		fprintf(f, ": %s\n", c->op == CH_ADD ? c->new_value : c->old_value);
}

static void
print_sections(FILE *f, const struct manifest_plan *p)
{
	for (int s = PS_HOST; s < PS_CONTAINER; s++) {
		bool head = false;

		for (size_t i = 0; i < p->n_changes; i++) {
			if (p->changes[i].cls->section != (enum plan_section)s)
				continue;
			if (!head)
				fprintf(f, "%s:\n", plan_section_str(s));
			head = true;
			print_change(f, "  ", &p->changes[i]);
		}
	}
}

static const char *
why(enum container_action a)
{
	return a == CA_RECREATE ? " (recreate)" : a == CA_STOP ? " (removed)" : " (new)";
}

static void
print_entry(FILE *f, const struct container_plan *e, bool fields)
{
	fprintf(f, "  %s%s\n", e->name, e->action == CA_CHANGE ? "" : why(e->action));
	for (size_t k = 0; fields && k < e->n_changes; k++)
		print_change(f, "    ", &e->changes[k]);
}

static void
print_list(FILE *f, const char *head, const struct manifest_plan *p, const size_t *v, size_t n,
	   bool fields)
{
	if (n)
		fprintf(f, "%s:\n", head);
	for (size_t i = 0; i < n; i++)
		print_entry(f, &p->containers[v[i]], fields);
}

static void
print_in_place(FILE *f, const char *head, const struct manifest_plan *p)
{
	bool any = false;

	for (size_t i = 0; i < p->n_containers; i++) {
		if (p->containers[i].action != CA_CHANGE)
			continue;
		if (!any)
			fprintf(f, "%s:\n", head);
		any = true;
		print_entry(f, &p->containers[i], true);
	}
}

static void
print_kept(FILE *f, const char *head, const struct manifest_plan *p)
{
	bool any = false;

	for (size_t i = 0; i < p->n_containers; i++) {
		if (p->containers[i].action != CA_KEEP)
			continue;
		fprintf(f, "%s%s", any ? ", " : head, p->containers[i].name);
		any = true;
	}
	if (any)
		fprintf(f, "\n");
}

void
plan_print(FILE *f, const struct manifest_plan *p, bool reboot, bool done)
{
	const struct words *w = done ? &past : &future;
	char keep[64];

	print_list(f, w->stop, p, p->stop, p->n_stop, false);
	print_sections(f, p);
	print_in_place(f, w->change, p);
	print_list(f, w->start, p, p->start, p->n_start, true);
	snprintf(keep, sizeof keep, "%s: ", w->keep);
	print_kept(f, keep, p);
	if (reboot && p->n_reboot)
		fprintf(f, "reboot: %s\n", w->reboot);
	if (manifest_plan_empty(p)) {
		fprintf(f, "%s: no changes\n", w->summary);
		return;
	}
	fprintf(f, "%s: %zu %s, %zu %s, %zu %s, %zu %s, %zu unchanged; %zu %s\n", w->summary,
		manifest_plan_count(p, CA_START), w->to_start, manifest_plan_count(p, CA_STOP),
		w->to_stop, manifest_plan_count(p, CA_RECREATE), w->to_recreate,
		manifest_plan_count(p, CA_CHANGE), w->to_change, manifest_plan_count(p, CA_KEEP),
		p->n_changes, w->to_set);
}
