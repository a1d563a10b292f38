/* SPDX-License-Identifier: MIT */
/* A plan as JSON: what `berthctl plan --json` prints. */
#include "manifest/diff.h"

static const char *const ops[] = {"change", "add", "remove"};

static void
key_string(struct json *j, const char *k, const char *v)
{
	json_key(j, k);
	json_string(j, v);
}

static void
write_change(struct json *j, const struct manifest_change *c)
{
	json_object_begin(j);
	key_string(j, "field", c->cls->field);
	key_string(j, "label", c->label);
	key_string(j, "op", ops[c->op]);
	key_string(j, "effect", field_effect_str(c->cls->effect));
	key_string(j, "old", c->old_value);
	key_string(j, "new", c->new_value);
	json_key(j, "secret");
	json_bool(j, c->secret);
	json_key(j, "line");
	json_uint(j, c->pos.line);
	json_key(j, "col");
	json_uint(j, c->pos.col);
	json_object_end(j);
}

static void
write_changes(struct json *j, const struct manifest_change *v, size_t n, int section)
{
	json_array_begin(j);
	for (size_t i = 0; i < n; i++)
		if (section < 0 || v[i].cls->section == (enum plan_section)section)
			write_change(j, &v[i]);
	json_array_end(j);
}

static void
write_order(struct json *j, const char *key, const struct manifest_plan *p, const size_t *v,
	    size_t n)
{
	json_key(j, key);
	json_array_begin(j);
	for (size_t i = 0; i < n; i++)
		json_string(j, p->containers[v[i]].name);
	json_array_end(j);
}

static void
write_containers(struct json *j, const struct manifest_plan *p)
{
	json_key(j, "containers");
	json_array_begin(j);
	for (size_t i = 0; i < p->n_containers; i++) {
		const struct container_plan *e = &p->containers[i];

		json_object_begin(j);
		json_key(j, "name");
		json_string(j, e->name);
		json_key(j, "action");
		json_string(j, container_action_str(e->action));
		json_key(j, "changes");
		write_changes(j, e->changes, e->n_changes, -1);
		json_object_end(j);
	}
	json_array_end(j);
}

static void
write_refusal(const struct manifest_change *c, void *arg)
{
	struct json *j = arg;

	json_object_begin(j);
	key_string(j, "field", c->cls->field);
	key_string(j, "label", c->label);
	key_string(j, "needs", field_effect_str(c->cls->effect));
	key_string(j, "reason", c->cls->reason);
	key_string(j, "instead", c->cls->instead);
	json_object_end(j);
}

/* {"changed", "reboot", "refused": [...], "stop": [names], host...update:
 * [changes], "containers": [...], "start": [names]}: the sections in the
 * order apply carries them out. */
void
manifest_plan_to_json(const struct manifest_plan *p, bool reboot, struct json *j)
{
	json_object_begin(j);
	json_key(j, "changed");
	json_bool(j, !manifest_plan_empty(p));
	json_key(j, "reboot");
	json_bool(j, reboot && p->n_reboot > 0);
	json_key(j, "refused");
	json_array_begin(j);
	manifest_plan_refusals(p, reboot, write_refusal, j);
	json_array_end(j);
	write_order(j, "stop", p, p->stop, p->n_stop);
	for (int s = PS_HOST; s < PS_CONTAINER; s++) {
		json_key(j, plan_section_str(s));
		write_changes(j, p->changes, p->n_changes, s);
	}
	write_containers(j, p);
	write_order(j, "start", p, p->start, p->n_start);
	json_object_end(j);
}
