/* SPDX-License-Identifier: MIT */
/* Unit tests of the bind source checks across a manifest (lib/manifest/volspec.c,
 * lib/manifest/manifest-check.c): the data directory itself, "..", and bind sources
 * inside one another, in one container or across containers. */
#include "check.h"
#include "manifest/manifest.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

int
main(void)
{
	static const struct {
		const char *name, *a, *b; /* the volumes of containers a and b */
		const char *error;	  /* part of the one message, or NULL: valid */
		unsigned line, col;	  /* where it is reported */
	} cases[] = {
	    {"siblings", "\"./one:/1\", \"./two:/2\"", "\"./three:/3\"", NULL, 0, 0},
	    {"same source shared", "\"./shared:/s\"", "\"./shared:/s:ro\"", NULL, 0, 0},
	    {"prefix that is no parent", "\"./shared:/s\"", "\"./shared-2:/s\"", NULL, 0, 0},
	    {"nested in one container", "\"./shared:/s\", \"./shared/sub:/t\"", "\"./x:/x\"",
	     "bind source ./shared/sub is inside bind source ./shared (container a, 5:15)", 5, 30},
	    {"nested across containers", "\"./shared:/s\"", "\"./shared/sub:/t\"",
	     "bind source ./shared/sub is inside bind source ./shared (container a, 5:15)", 8, 15},
	    {"nested, the inner first", "\"./shared/a/b:/s\"", "\"./shared:/t\"",
	     "bind source ./shared/a/b is inside bind source ./shared (container b, 8:15)", 5, 15},
	    {"nested, absolute form", "\"./shared:/s\"", "\"/var/lib/berth/data/shared/sub:/t\"",
	     "is inside bind source ./shared", 8, 15},
	    {"nested past a sibling", "\"./a:/s\", \"./a-b:/t\"", "\"./a/c:/u\"",
	     "bind source ./a/c is inside bind source ./a (container a, 5:15)", 8, 15},
	    {"data directory, ./", "\"./:/s\"", "\"./x:/x\"", "the data directory", 5, 15},
	    {"data directory, absolute", "\"/var/lib/berth/data:/s\"", "\"./x:/x\"",
	     "the data directory", 5, 15},
	    {"dot-dot", "\"./a/../b:/s\"", "\"./x:/x\"", "\"..\" are not allowed", 5, 15},
	};
	char yaml[1024];

	for (size_t i = 0; i < N(cases); i++) {
		struct manifest m;
		struct diag d;
		int rc;

		snprintf(yaml, sizeof yaml,
			 "version: 1\ncontainers:\n  a:\n    image: dir:x\n    volumes: [%s]\n"
			 "  b:\n    image: dir:x\n    volumes: [%s]\n",
			 cases[i].a, cases[i].b);
		rc = manifest_parse_buffer("test.yaml", yaml, strlen(yaml), &m, &d);
		if (!cases[i].error)
			CHECK(rc == 0 && d.n == 0, "%s: valid (got: %s)", cases[i].name,
			      d.n ? d.v[0].msg : "no error");
		else
			CHECK(rc < 0 && d.n == 1 && strstr(d.v[0].msg, cases[i].error) &&
				  d.v[0].line == cases[i].line && d.v[0].col == cases[i].col,
			      "%s: refused at %u:%u with \"%s\" (got %u:%u: %s)", cases[i].name,
			      cases[i].line, cases[i].col, cases[i].error, d.n ? d.v[0].line : 0,
			      d.n ? d.v[0].col : 0, d.n ? d.v[0].msg : "no error");
		manifest_free(&m);
		diag_free(&d);
	}
	CHECK_EXIT();
}
