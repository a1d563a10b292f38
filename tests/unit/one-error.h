/* SPDX-License-Identifier: MIT */
/* For the manifest's unit tests: a parse that must fail with exactly one
 * error, naming what and where. */
#ifndef BERTH_TEST_ONE_ERROR_H
#define BERTH_TEST_ONE_ERROR_H

#include "base/diag.h"
#include "check.h"

/* CHECKs that r < 0 and d holds one message containing want, at line and
 * col (col 0: any column). */
static inline void
check_one_error(const char *name, int r, const struct diag *d, const char *want, unsigned line,
		unsigned col)
{
	CHECK(r < 0 && d->n == 1 && strstr(d->v[0].msg, want) && d->v[0].line == line &&
		  (!col || d->v[0].col == col),
	      "%s: %u:%u: ...%s... (got %zu diagnostics: %u:%u: %s)", name, line, col, want, d->n,
	      d->n ? d->v[0].line : 0, d->n ? d->v[0].col : 0, d->n ? d->v[0].msg : "none");
}

#endif
