/* SPDX-License-Identifier: MIT */
/* The plan from the manifest in force to a new one: what each container
 * becomes, and the order apply stops and starts them in. */
#include <stdlib.h>
#include <string.h>

#include "manifest/diff-impl.h"

static enum container_action
action_of(const struct change_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].cls->effect == FX_RECREATE)
			return CA_RECREATE;
	return l->n ? CA_CHANGE : CA_KEEP;
}

/* One entry per container of next (in its start order), then one per
 * container only cur has (in its start order). */
static int
plan_entries(struct manifest_plan *p, const struct manifest *cur, const struct manifest *next)
{
	p->containers = calloc(cur->n_containers + next->n_containers + 1, sizeof *p->containers);
	if (!p->containers)
		return -1;
	for (size_t k = 0; k < next->n_containers; k++) {
		const struct container *c = &next->containers[next->start_order[k]];
		struct container_plan *e = &p->containers[p->n_containers++];
		struct change_list l = {0};

		*e = (struct container_plan){c->name, CA_START, manifest_container(cur, c->name), c,
					     NULL, 0};
		if (!e->old)
			continue;
		diff_container(&l, e->old, c);
		e->changes = l.v;
		e->n_changes = l.n;
		if (l.failed)
			return -1;
		e->action = action_of(&l);
	}
	for (size_t k = 0; k < cur->n_containers; k++) {
		const struct container *o = &cur->containers[cur->start_order[k]];

		if (!manifest_container(next, o->name))
			p->containers[p->n_containers++] =
			    (struct container_plan){o->name, CA_STOP, o, NULL, NULL, 0};
	}
	return 0;
}

static const struct container_plan *
entry_named(const struct manifest_plan *p, const char *name, size_t *at)
{
	for (size_t i = 0; i < p->n_containers; i++)
		if (strcmp(p->containers[i].name, name) == 0) {
			*at = i;
			return &p->containers[i];
		}
	return NULL;
}

/* Stops go by the dependencies in force (dependents first), starts by the
 * new ones (dependencies first). */
static int
plan_order(struct manifest_plan *p, const struct manifest *cur)
{
	size_t at;

	p->stop = calloc(p->n_containers + 1, sizeof *p->stop);
	p->start = calloc(p->n_containers + 1, sizeof *p->start);
	if (!p->stop || !p->start)
		return -1;
	for (size_t k = cur->n_containers; k-- > 0;) {
		const struct container_plan *e =
		    entry_named(p, cur->containers[cur->start_order[k]].name, &at);

		if (e && (e->action == CA_STOP || e->action == CA_RECREATE))
			p->stop[p->n_stop++] = at;
	}
	for (size_t i = 0; i < p->n_containers; i++)
		if (p->containers[i].action == CA_START || p->containers[i].action == CA_RECREATE)
			p->start[p->n_start++] = i;
	return 0;
}

static void
count_effect(struct manifest_plan *p, const struct manifest_change *c)
{
	p->n_update += c->cls->effect == FX_UPDATE;
	p->n_reboot += c->cls->effect == FX_REBOOT;
}

int
manifest_plan_make(const struct manifest *cur, const struct manifest *next,
		   struct manifest_plan *p)
{
	struct change_list l = {0};

	memset(p, 0, sizeof *p);
	diff_host(&l, cur, next);
	p->changes = l.v;
	p->n_changes = l.n;
	if (l.failed || plan_entries(p, cur, next) < 0 || plan_order(p, cur) < 0) {
		manifest_plan_free(p);
		return -1;
	}
	for (size_t i = 0; i < p->n_changes; i++)
		count_effect(p, &p->changes[i]);
	for (size_t i = 0; i < p->n_containers; i++)
		for (size_t k = 0; k < p->containers[i].n_changes; k++)
			count_effect(p, &p->containers[i].changes[k]);
	return 0;
}

void
manifest_plan_free(struct manifest_plan *p)
{
	struct change_list l;

	for (size_t i = 0; i < p->n_containers; i++) {
		l = (struct change_list){p->containers[i].changes, p->containers[i].n_changes, 0,
					 false};
		cl_free(&l);
	}
	l = (struct change_list){p->changes, p->n_changes, 0, false};
	cl_free(&l);
	free(p->containers);
	free(p->stop);
	free(p->start);
	memset(p, 0, sizeof *p);
}

size_t
manifest_plan_count(const struct manifest_plan *p, enum container_action a)
{
	size_t n = 0;

	for (size_t i = 0; i < p->n_containers; i++)
		n += p->containers[i].action == a;
	return n;
}

bool
manifest_plan_empty(const struct manifest_plan *p)
{
	return p->n_changes == 0 && manifest_plan_count(p, CA_KEEP) == p->n_containers;
}

static size_t
refuse(const struct manifest_change *v, size_t n, bool reboot,
       void (*fn)(const struct manifest_change *c, void *arg), void *arg)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		enum field_effect e = v[i].cls->effect;

		if (e == FX_UPDATE || (e == FX_REBOOT && !reboot)) {
			k++;
			if (fn)
				fn(&v[i], arg);
		}
	}
	return k;
}

size_t
manifest_plan_refusals(const struct manifest_plan *p, bool reboot,
		       void (*fn)(const struct manifest_change *c, void *arg), void *arg)
{
	size_t k = refuse(p->changes, p->n_changes, reboot, fn, arg);

	for (size_t i = 0; i < p->n_containers; i++)
		k += refuse(p->containers[i].changes, p->containers[i].n_changes, reboot, fn, arg);
	return k;
}
