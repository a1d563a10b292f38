/* SPDX-License-Identifier: MIT */
/* Builds a position-keeping YAML tree from libyaml's event stream. */
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "manifest/ytree.h"

struct builder {
	struct diag *d;
	struct ynode *root;
	struct ynode *stack[YTREE_MAX_DEPTH];
	int depth;
	size_t nodes;
};

void
ytree_free(struct ynode *n)
{
	if (!n)
		return;
	for (size_t i = 0; i < n->n; i++)
		ytree_free(n->kids[i]);
	free(n->kids);
	free(n->str);
	free(n);
}

bool
ynode_is_null(const struct ynode *n)
{
	static const char *const nulls[] = {"", "~", "null", "Null", "NULL"};

	if (n->type != YNODE_SCALAR || !n->plain)
		return false;
	for (size_t i = 0; i < sizeof(nulls) / sizeof(nulls[0]); i++)
		if (strcmp(n->str, nulls[i]) == 0)
			return true;
	return false;
}

const char *
ynode_kind(const struct ynode *n)
{
	switch (n->type) {
	case YNODE_SEQ:
		return "a list";
	case YNODE_MAP:
		return "a mapping";
	case YNODE_SCALAR:
		return ynode_is_null(n) ? "null" : "a string";
	case YNODE_BAD:
		break;
	}
	return "an alias";
}

/* Reports a libyaml error at the place it names. Reader errors (bad UTF-8,
 * control characters) give only a byte offset, so count lines up to it. */
static void
syntax_error(struct diag *d, const yaml_parser_t *p, const char *buf, size_t len)
{
	unsigned line = (unsigned)p->problem_mark.line + 1,
		 col = (unsigned)p->problem_mark.column + 1;
	const char *problem = p->problem ? p->problem : "unknown error";

	if (p->error == YAML_MEMORY_ERROR) {
		diag_add(d, 0, 0, "out of memory");
		return;
	}
	if (p->error == YAML_READER_ERROR) {
		line = col = 1;
		for (size_t i = 0; i < p->problem_offset && i < len; i++) {
			if (buf[i] == '\n')
				line++, col = 1;
			else if (((unsigned char)buf[i] & 0xc0) != 0x80)
				col++;
		}
		diag_add(d, line, col, "not valid YAML text: %s", problem);
		return;
	}
	if (p->problem_mark.index < len && buf[p->problem_mark.index] == '\t')
		diag_add(d, line, col, "YAML syntax error: %s (a tab; YAML indents with spaces)",
			 problem);
	else if (p->context)
		diag_add(d, line, col, "YAML syntax error: %s (%s at %u:%u)", problem, p->context,
			 (unsigned)p->context_mark.line + 1, (unsigned)p->context_mark.column + 1);
	else
		diag_add(d, line, col, "YAML syntax error: %s", problem);
}

static int
key_cmp(const void *a, const void *b, void *arg)
{
	struct ynode *const *kids = arg;
	const struct ynode *x = kids[*(const size_t *)a], *y = kids[*(const size_t *)b];
	int c;

	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	if ((c = memcmp(x->str, y->str, x->len)) != 0)
		return c;
	return *(const size_t *)a < *(const size_t *)b ? -1 : 1;
}

/* Marks every repeated key of a mapping, reporting where it was first
 * given; sorting keeps large mappings from costing n^2 comparisons. */
static void
map_dups(struct builder *b, struct ynode *map)
{
	size_t nk = 0, *idx = malloc((map->n / 2 + 1) * sizeof(*idx));
	char q[DIAG_QUOTE_MAX];

	if (!idx) {
		diag_add(b->d, map->line, map->col, "out of memory");
		return;
	}
	for (size_t i = 0; i + 1 < map->n; i += 2)
		if (!map->kids[i]->skip)
			idx[nk++] = i;
	qsort_r(idx, nk, sizeof(*idx), key_cmp, map->kids);
	for (size_t i = 1, first = 0; i < nk; i++) {
		struct ynode *f = map->kids[idx[first]], *k = map->kids[idx[i]];

		if (f->len != k->len || memcmp(f->str, k->str, k->len) != 0) {
			first = i;
			continue;
		}
		diag_add(b->d, k->line, k->col, "duplicate key %s (first at %u:%u)",
			 diag_quote(q, k->str, k->len), f->line, f->col);
		k->skip = true;
	}
	free(idx);
}

static int
append(struct ynode *parent, struct ynode *kid)
{
	if (parent->n == parent->cap) {
		size_t cap = parent->cap ? parent->cap * 2 : 4;
		struct ynode **k = realloc(parent->kids, cap * sizeof(*k));

		if (!k)
			return -1;
		parent->kids = k;
		parent->cap = cap;
	}
	parent->kids[parent->n++] = kid;
	return 0;
}

/* Makes a node at the event's place and hangs it into the tree. */
static struct ynode *
add_node(struct builder *b, enum ynode_type type, const yaml_event_t *ev)
{
	struct ynode *n, *parent;

	if (++b->nodes > YTREE_MAX_NODES) {
		diag_add(b->d, (unsigned)ev->start_mark.line + 1,
			 (unsigned)ev->start_mark.column + 1, "more than %d YAML nodes",
			 YTREE_MAX_NODES);
		return NULL;
	}
	if (!(n = calloc(1, sizeof(*n))))
		goto oom;
	n->type = type;
	n->line = (unsigned)ev->start_mark.line + 1;
	n->col = (unsigned)ev->start_mark.column + 1;
	if (b->depth == 0) {
		b->root = n;
		return n;
	}
	parent = b->stack[b->depth - 1];
	if (append(parent, n) < 0) {
		free(n);
		goto oom;
	}
	if (parent->type == YNODE_MAP && parent->n % 2 == 1 && type != YNODE_SCALAR) {
		diag_add(b->d, n->line, n->col, "mapping keys must be strings, not %s",
			 ynode_kind(n));
		n->skip = true;
	}
	return n;
oom:
	diag_add(b->d, 0, 0, "out of memory");
	return NULL;
}

/* Anchors and tags are reported where they are written; the node is kept. */
static void
check_props(struct builder *b, const yaml_event_t *ev, const yaml_char_t *anchor,
	    const yaml_char_t *tag)
{
	unsigned line = (unsigned)ev->start_mark.line + 1,
		 col = (unsigned)ev->start_mark.column + 1;

	if (anchor)
		diag_add(b->d, line, col, "YAML anchors are not supported (write the value out)");
	if (tag)
		diag_add(b->d, line, col, "YAML tags are not supported");
}

static int
on_scalar(struct builder *b, const yaml_event_t *ev)
{
	struct ynode *n;

	check_props(b, ev, ev->data.scalar.anchor, ev->data.scalar.tag);
	if (!(n = add_node(b, YNODE_SCALAR, ev)))
		return -1;
	n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
	n->len = ev->data.scalar.length;
	if (!(n->str = malloc(n->len + 1))) {
		diag_add(b->d, 0, 0, "out of memory");
		return -1;
	}
	memcpy(n->str, ev->data.scalar.value, n->len);
	n->str[n->len] = '\0';
	if (memchr(n->str, '\0', n->len)) {
		diag_add(b->d, n->line, n->col, "strings must not contain NUL characters");
		n->type = YNODE_BAD;
		n->skip = true;
	}
	return 0;
}

static int
on_start(struct builder *b, const yaml_event_t *ev, enum ynode_type type)
{
	struct ynode *n;

	if (type == YNODE_SEQ)
		check_props(b, ev, ev->data.sequence_start.anchor, ev->data.sequence_start.tag);
	else
		check_props(b, ev, ev->data.mapping_start.anchor, ev->data.mapping_start.tag);
	if (!(n = add_node(b, type, ev)))
		return -1;
	if (b->depth == YTREE_MAX_DEPTH) {
		diag_add(b->d, n->line, n->col, "nested deeper than %d levels", YTREE_MAX_DEPTH);
		return -1;
	}
	b->stack[b->depth++] = n;
	return 0;
}

static int
on_event(struct builder *b, const yaml_event_t *ev, int *docs)
{
	struct ynode *n;

	switch (ev->type) {
	case YAML_DOCUMENT_START_EVENT:
		if (++*docs > 1) {
			diag_add(b->d, (unsigned)ev->start_mark.line + 1,
				 (unsigned)ev->start_mark.column + 1,
				 "only one YAML document is allowed");
			return -1;
		}
		return 0;
	case YAML_ALIAS_EVENT:
		diag_add(b->d, (unsigned)ev->start_mark.line + 1,
			 (unsigned)ev->start_mark.column + 1,
			 "YAML aliases are not supported (write the value out)");
		if (!(n = add_node(b, YNODE_BAD, ev)))
			return -1;
		return 0;
	case YAML_SCALAR_EVENT:
		return on_scalar(b, ev);
	case YAML_SEQUENCE_START_EVENT:
		return on_start(b, ev, YNODE_SEQ);
	case YAML_MAPPING_START_EVENT:
		return on_start(b, ev, YNODE_MAP);
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		n = b->stack[--b->depth];
		if (n->type == YNODE_MAP)
			map_dups(b, n);
		return 0;
	default:
		return 0;
	}
}

int
ytree_parse(const char *buf, size_t len, struct diag *d, struct ynode **root)
{
	struct builder b = {.d = d};
	yaml_parser_t parser;
	yaml_event_t ev;
	int docs = 0, r = -1;

	*root = NULL;
	/* A UTF-8 byte-order mark, as some editors write: libyaml counts it as
	 * a column of the first line, so the first key looks indented and the
	 * second one a syntax error. Dropped, positions stay as an editor
	 * shows them. */
	if (len >= 3 && !memcmp(buf, "\xef\xbb\xbf", 3)) {
		buf += 3;
		len -= 3;
	}
	if (!yaml_parser_initialize(&parser)) {
		diag_add(d, 0, 0, "out of memory");
		return -1;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
	for (;;) {
		bool end;

		if (!yaml_parser_parse(&parser, &ev)) {
			syntax_error(d, &parser, buf, len);
			goto out;
		}
		end = ev.type == YAML_STREAM_END_EVENT;
		if (on_event(&b, &ev, &docs) < 0) {
			yaml_event_delete(&ev);
			goto out;
		}
		yaml_event_delete(&ev);
		if (end)
			break;
	}
	*root = b.root;
	b.root = NULL;
	r = 0;
out:
	ytree_free(b.root);
	yaml_parser_delete(&parser);
	return r;
}
