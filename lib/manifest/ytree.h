/* SPDX-License-Identifier: MIT */
/* A YAML document as a tree of nodes that remember their line and column,
 * built from libyaml's events. Anchors, aliases, tags and duplicate keys are
 * reported, never expanded or merged. */
#ifndef BERTH_YTREE_H
#define BERTH_YTREE_H

#include <stdbool.h>
#include <stddef.h>

#include "base/diag.h"

#define YTREE_MAX_DEPTH 64
#define YTREE_MAX_NODES 200000

enum ynode_type {
	YNODE_SCALAR,
	YNODE_SEQ,
	YNODE_MAP,
	YNODE_BAD, /* an alias: already reported, to be ignored */
};

struct ynode {
	enum ynode_type type;
	bool plain; /* a plain (unquoted) scalar: may stand for null or a boolean */
	bool skip;  /* a map key that is a duplicate or not a string (reported) */
	unsigned line, col;
	char *str; /* scalar text, NUL-terminated, no NUL inside */
	size_t len;
	struct ynode **kids; /* SEQ: items; MAP: key, value, key, value, ... */
	size_t n, cap;
};

/* Parses buf into *root (NULL for an empty document). Returns -1 when the
 * text is not usable YAML (syntax error, too deep, too many nodes, more than
 * one document); the reasons are in d. Problems that leave the tree usable
 * (anchors, tags, duplicate keys) are reported in d and return 0. */
int ytree_parse(const char *buf, size_t len, struct diag *d, struct ynode **root);
void ytree_free(struct ynode *n);

/* null, ~, Null, NULL or nothing, written plain */
bool ynode_is_null(const struct ynode *n);
/* For messages: "a mapping", "a list", "null", "a string" */
const char *ynode_kind(const struct ynode *n);

#endif
