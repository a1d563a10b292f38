/* SPDX-License-Identifier: MIT */
/* The difference between the manifest in force and a new one, as the plan
 * that `berthctl plan` prints and `berthctl apply` carries out. */
#ifndef BERTH_MANIFEST_DIFF_H
#define BERTH_MANIFEST_DIFF_H

#include <stdbool.h>
#include <stddef.h>

#include "base/diag.h"
#include "base/json.h"
#include "manifest/manifest.h"

/* What changing a field takes on a running host. */
enum field_effect {
	FX_LIVE,     /* applied in place: nothing is restarted */
	FX_RECREATE, /* the container is stopped and started anew */
	FX_REBOOT,   /* not live, but the next boot takes it: `apply --reboot` */
	FX_UPDATE,   /* part of the image: a new image, as an update bundle */
};

/* The parts of a plan, in the order apply carries them out. */
enum plan_section {
	PS_HOST,
	PS_NETWORK,
	PS_FIREWALL,
	PS_LOGGING,
	PS_UPDATE,
	PS_CONTAINER,
	PS_COUNT,
};

/* One row of the table of every manifest field (diff-fields.c, documented
 * in docs/manifest.md, "Changing a running host"). */
struct field_class {
	const char *field; /* "host.hostname", "containers.*.image" */
	enum plan_section section;
	enum field_effect effect;
	const char *label;   /* how a plan names it: "hostname", "sysctl" */
	const char *reason;  /* FX_REBOOT, FX_UPDATE: why not live */
	const char *instead; /* FX_REBOOT, FX_UPDATE: what to do */
};

extern const struct field_class manifest_field_classes[];
extern const size_t manifest_n_field_classes;
/* The row of field, or NULL. */
const struct field_class *manifest_field_class(const char *field);
const char *field_effect_str(enum field_effect e);	/* "live", "recreate", ... */
const char *plan_section_str(enum plan_section s);	/* "host", "network", ... */

enum change_op {
	CH_CHANGE, /* old -> new */
	CH_ADD,	   /* new only: an element of a list or mapping */
	CH_REMOVE, /* old only */
};

/* Values are canonical text (durations "1m30s", sizes "256m"), NULL where
 * the op has none. Environment values may be secrets and are never copied:
 * such a change is secret, with both values NULL. */
struct manifest_change {
	const struct field_class *cls;
	enum change_op op;
	char *label;	      /* "hostname", "sysctl vm.swappiness", "eth0 address" */
	char *old_value, *new_value;
	struct srcpos pos;    /* in the new manifest (the old one for CH_REMOVE) */
	bool secret;	      /* an environment variable: no values, only the op */
};

enum container_action {
	CA_KEEP,     /* unchanged: keeps running, same PID */
	CA_CHANGE,   /* only live fields changed: updated in place */
	CA_RECREATE, /* a field that needs a new container changed */
	CA_START,    /* new in the manifest */
	CA_STOP,     /* gone from the manifest */
};

struct container_plan {
	const char *name; /* points into one of the manifests */
	enum container_action action;
	const struct container *old, *new; /* NULL when absent */
	struct manifest_change *changes;   /* every field that differs */
	size_t n_changes;
};

/*
 * The order apply follows:
 *   1. stop the containers in stop[] (removed and recreated ones, in
 *      reverse of the old manifest's start order: dependents first);
 *   2. host, network, firewall (one batch), logging, update: changes[],
 *      already in that order;
 *   3. update the CA_CHANGE containers in place;
 *   4. start the containers in start[] (recreated and new ones, in the new
 *      manifest's start order: dependencies first).
 * A container whose dependency is recreated is not recreated itself: its
 * definition did not change, depends_on orders starts and does not tie
 * lifetimes together (the dependency may restart at run time too), and
 * its bridge address, derived from the name, stays the same. It keeps
 * running and its PID.
 */
struct manifest_plan {
	struct manifest_change *changes; /* host-level, ordered by section */
	size_t n_changes;
	struct container_plan *containers; /* new manifest's start order, then removed */
	size_t n_containers;
	size_t *stop, n_stop;	/* indices into containers */
	size_t *start, n_start; /* indices into containers */
	size_t n_update, n_reboot; /* changes (any) with FX_UPDATE, FX_REBOOT */
};

/* Computes the plan from cur (in force) to next; both must be valid
 * manifests. 0, or -1 when out of memory (p is then empty). */
int manifest_plan_make(const struct manifest *cur, const struct manifest *next,
		       struct manifest_plan *p);
void manifest_plan_free(struct manifest_plan *p);
/* Whether applying the plan would change anything. */
bool manifest_plan_empty(const struct manifest_plan *p);
size_t manifest_plan_count(const struct manifest_plan *p, enum container_action a);
/* Calls fn for every change that apply refuses: FX_UPDATE always,
 * FX_REBOOT unless reboot is allowed. Returns how many. */
size_t manifest_plan_refusals(const struct manifest_plan *p, bool reboot,
			      void (*fn)(const struct manifest_change *c, void *arg), void *arg);

const char *container_action_str(enum container_action a); /* "keep", "recreate", ... */

/* The plan as one JSON object (what `berthctl plan --json` prints). */
void manifest_plan_to_json(const struct manifest_plan *p, bool reboot, struct json *j);

#endif
