/* SPDX-License-Identifier: MIT */
/* What plan shares with apply: reading the two manifests and printing the
 * plan between them. */
#ifndef BERTH_CTL_PLAN_H
#define BERTH_CTL_PLAN_H

#include <stdbool.h>
#include <stdio.h>

#include "manifest/diff.h"

/* The plan as text, sections in apply's order; done: in the past tense,
 * as apply prints it when finished. reboot: `--reboot` was given. */
void plan_print(FILE *f, const struct manifest_plan *p, bool reboot, bool done);

/* Parses FILE (next) and the manifest in force (cur), reporting every
 * error of either as validate does; 0 when both are valid. Either way both
 * are to be freed. */
int plan_load(const char *file, const char *current, struct manifest *cur, struct manifest *next);
/* Prints a change apply refuses, with its place in file (or in current,
 * for a removal); arg is a struct refusal_ctx. */
struct refusal_ctx {
	const char *file, *current;
};
void plan_report_refusal(const struct manifest_change *c, void *arg);

/* given, or the manifest in force (saying on stderr why a present
 * override is ignored). */
const char *plan_current(const char *given);

#endif
