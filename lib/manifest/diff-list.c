/* SPDX-License-Identifier: MIT */
/* The growing list of a plan's changes: scalars that differ, and the
 * elements added to and removed from a set. */
#include <stdlib.h>
#include <string.h>

#include "manifest/diff-impl.h"

void
change_free(struct manifest_change *c)
{
	free(c->label);
	free(c->old_value);
	free(c->new_value);
}

static bool
values_present(enum change_op op, const char *old, const char *new)
{
	switch (op) {
	case CH_CHANGE:
		return old && new;
	case CH_ADD:
		return new != NULL;
	case CH_REMOVE:
		return old != NULL;
	}
	return false;
}

static bool
cl_grow(struct change_list *l)
{
	size_t cap;
	struct manifest_change *v;

	if (l->n < l->cap)
		return true;
	cap = l->cap ? 2 * l->cap : 16;
	v = realloc(l->v, cap * sizeof *v);
	if (!v)
		return false;
	l->v = v;
	l->cap = cap;
	return true;
}

/* Appends c, whose strings it takes; a missing class or label fails the
 * list. A field missing from the table is a bug of this file's callers:
 * failing the plan beats applying something nobody classified. */
static void
cl_push(struct change_list *l, struct manifest_change c)
{
	if (!c.cls || (!c.label && !(c.label = strdup(c.cls->label))) || !cl_grow(l)) {
		l->failed = true;
		change_free(&c);
		return;
	}
	l->v[l->n++] = c;
}

void
cl_add(struct change_list *l, const char *field, enum change_op op, char *label, char *old,
       char *new, struct srcpos pos)
{
	struct manifest_change c = {manifest_field_class(field), op, label, old, new, pos, false};

	if (!values_present(op, old, new)) {
		l->failed = true;
		change_free(&c);
		return;
	}
	cl_push(l, c);
}

void
cl_secret(struct change_list *l, const char *field, enum change_op op, char *label,
	  struct srcpos pos)
{
	struct manifest_change c = {manifest_field_class(field), op, label, NULL, NULL, pos, true};

	cl_push(l, c);
}

void
cl_scalar(struct change_list *l, const char *field, char *label, char *old, char *new,
	  struct srcpos pos)
{
	if (old && new && strcmp(old, new) == 0) {
		free(label);
		free(old);
		free(new);
		return;
	}
	cl_add(l, field, CH_CHANGE, label, old, new, pos);
}

static bool
strv_has(const struct strv *s, const char *item)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->v[i], item) == 0)
			return true;
	return false;
}

static void
cl_set_one(struct change_list *l, const char *field, const char *label, enum change_op op,
	   const char *item, struct srcpos pos)
{
	char *lab = label ? strdup(label) : NULL;
	char *val = strdup(item);

	if ((label && !lab) || !val) {
		free(lab);
		free(val);
		l->failed = true;
		return;
	}
	if (op == CH_ADD)
		cl_add(l, field, op, lab, NULL, val, pos);
	else
		cl_add(l, field, op, lab, val, NULL, pos);
}

void
cl_set(struct change_list *l, const char *field, const char *label, const struct strv *old,
       const struct srcpos *oldpos, const struct strv *new, const struct srcpos *newpos,
       struct srcpos dflt)
{
	if (old->failed || new->failed) {
		l->failed = true;
		return;
	}
	for (size_t i = 0; i < old->n; i++)
		if (!strv_has(new, old->v[i]))
			cl_set_one(l, field, label, CH_REMOVE, old->v[i], oldpos ? oldpos[i] : dflt);
	for (size_t i = 0; i < new->n; i++)
		if (!strv_has(old, new->v[i]))
			cl_set_one(l, field, label, CH_ADD, new->v[i], newpos ? newpos[i] : dflt);
}

void
cl_free(struct change_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		change_free(&l->v[i]);
	free(l->v);
	memset(l, 0, sizeof *l);
}
