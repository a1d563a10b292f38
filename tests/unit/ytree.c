/* SPDX-License-Identifier: MIT */
/* Unit tests of lib/manifest/ytree.c: positions, duplicate keys, and the YAML
 * features that are refused (anchors, aliases, tags, documents, depth). */
#include <stdlib.h>

#include "check.h"
#include "manifest/ytree.h"

static int
tree(const char *text, struct ynode **root, struct diag *d)
{
	diag_init(d, "t");
	return ytree_parse(text, strlen(text), d, root);
}

static int
has(const struct diag *d, unsigned line, unsigned col, const char *part)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->v[i].line == line && d->v[i].col == col && strstr(d->v[i].msg, part))
			return 1;
	return 0;
}

static void
done(struct ynode *root, struct diag *d)
{
	ytree_free(root);
	diag_free(d);
}

int
main(void)
{
	struct ynode *r;
	struct diag d;
	char *deep;

	CHECK(tree("a: 1\nb:\n  - x\n  - 'y'\n", &r, &d) == 0 && d.n == 0 && r &&
		  r->type == YNODE_MAP && r->n == 4,
	      "a mapping of two keys");
	CHECK(r && r->kids[3]->type == YNODE_SEQ && r->kids[3]->kids[1]->line == 4 &&
		  r->kids[3]->kids[1]->col == 5 && !r->kids[3]->kids[1]->plain &&
		  r->kids[3]->kids[0]->plain,
	      "positions are 1-based and quoting is kept");
	done(r, &d);

	CHECK(tree("", &r, &d) == 0 && r == NULL && d.n == 0, "an empty text is no document");
	done(r, &d);

	CHECK(tree("a: ~\nb:\nc: null\nd: 'null'\n", &r, &d) == 0 && ynode_is_null(r->kids[1]) &&
		  ynode_is_null(r->kids[3]) && ynode_is_null(r->kids[5]) &&
		  !ynode_is_null(r->kids[7]),
	      "null spellings, and a quoted null is a string");
	done(r, &d);

	CHECK(tree("a: 1\nb: 2\na: 3\na: 4\n", &r, &d) == 0 && d.n == 2 &&
		  has(&d, 3, 1, "duplicate key \"a\" (first at 1:1)") &&
		  has(&d, 4, 1, "duplicate key \"a\" (first at 1:1)") && !r->kids[0]->skip &&
		  r->kids[4]->skip,
	      "duplicate keys are reported, the first one kept");
	done(r, &d);

	CHECK(tree("x: {a: 1, 'a': 2}\n", &r, &d) == 0 && d.n == 1 && has(&d, 1, 11, "duplicate"),
	      "quoted and plain spellings of a key are duplicates");
	done(r, &d);

	CHECK(tree("a: &x 1\nb: *x\n", &r, &d) == 0 && d.n == 2 && has(&d, 1, 4, "anchors") &&
		  has(&d, 2, 4, "aliases") && r->kids[3]->type == YNODE_BAD,
	      "anchors and aliases are refused, never expanded");
	done(r, &d);

	CHECK(tree("a: !!str 1\n", &r, &d) == 0 && d.n == 1 && has(&d, 1, 4, "tags"),
	      "tags are refused");
	done(r, &d);

	CHECK(tree("a: 1\n---\nb: 2\n", &r, &d) < 0 && r == NULL && d.n == 1 &&
		  has(&d, 2, 1, "only one YAML document"),
	      "a second document is refused");
	done(r, &d);

	CHECK(tree("a: [1, 2\nb: 3\n", &r, &d) < 0 && d.n == 1 &&
		  strstr(d.v[0].msg, "YAML syntax error"),
	      "a syntax error is reported with its place");
	done(r, &d);

	CHECK(tree("a: \"x\\0y\"\n", &r, &d) == 0 && d.n == 1 && has(&d, 1, 4, "NUL"),
	      "NUL in a string is refused");
	done(r, &d);

	CHECK(tree("a: 1\nb: \xff\n", &r, &d) < 0 && d.n == 1 && d.v[0].line == 2 &&
		  strstr(d.v[0].msg, "not valid YAML text"),
	      "invalid UTF-8 is reported at its line");
	done(r, &d);

	CHECK(tree("[a, b]: 1\n", &r, &d) == 0 && d.n == 1 && has(&d, 1, 1, "keys must be strings"),
	      "a non-string key is refused");
	done(r, &d);

	deep = malloc(2 * YTREE_MAX_DEPTH + 8);
	if (deep) {
		memset(deep, '[', YTREE_MAX_DEPTH + 1);
		memset(deep + YTREE_MAX_DEPTH + 1, ']', YTREE_MAX_DEPTH + 1);
		deep[2 * YTREE_MAX_DEPTH + 2] = '\0';
		CHECK(tree(deep, &r, &d) < 0 && d.n == 1 && strstr(d.v[0].msg, "nested deeper"),
		      "nesting deeper than %d levels is refused", YTREE_MAX_DEPTH);
		done(r, &d);
		deep[YTREE_MAX_DEPTH] = ']';
		memset(deep, '[', YTREE_MAX_DEPTH);
		memset(deep + YTREE_MAX_DEPTH, ']', YTREE_MAX_DEPTH);
		deep[2 * YTREE_MAX_DEPTH] = '\0';
		CHECK(tree(deep, &r, &d) == 0 && d.n == 0, "nesting of %d levels is fine",
		      YTREE_MAX_DEPTH);
		done(r, &d);
		free(deep);
	}
	CHECK_EXIT();
}
