/* SPDX-License-Identifier: MIT */
/* Writes an image config's run defaults as the supervisor's config lines. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "manifest/ytree.h"
#include "registry/config.h"
#include "registry/jsonget.h"

struct text {
	char *p;
	size_t n, cap;
	int failed;
};

static void
put(struct text *t, const char *s, size_t n)
{
	if (t->failed)
		return;
	if (t->n + n + 1 > t->cap) {
		size_t cap = (t->n + n + 1) * 2;
		char *np = realloc(t->p, cap);

		if (!np) {
			t->failed = 1;
			return;
		}
		t->p = np;
		t->cap = cap;
	}
	memcpy(t->p + t->n, s, n);
	t->n += n;
	t->p[t->n] = '\0';
}

/* "KEY VALUE\n" with a backslash written "\\" and a newline "\n". */
static void
line(struct text *t, const char *key, const char *v)
{
	put(t, key, strlen(key));
	put(t, " ", 1);
	for (; *v; v++) {
		if (*v == '\\')
			put(t, "\\\\", 2);
		else if (*v == '\n')
			put(t, "\\n", 2);
		else
			put(t, v, 1);
	}
	put(t, "\n", 1);
}

static int
list(struct text *t, const struct ynode *n, const char *key, const char **why)
{
	if (!n || ynode_is_null(n))
		return 0;
	if (n->type != YNODE_SEQ)
		return *why = "Entrypoint, Cmd and Env are lists of strings", -1;
	for (size_t i = 0; i < n->n; i++) {
		const struct ynode *s = n->kids[i];

		if (s->type != YNODE_SCALAR)
			return *why = "Entrypoint, Cmd and Env are lists of strings", -1;
		if (!strcmp(key, "env") && (s->str[0] == '=' || !strchr(s->str, '=')))
			return *why = "an Env entry is not NAME=value", -1;
		line(t, key, s->str);
	}
	return 0;
}

static int
scalar(struct text *t, const struct ynode *n, const char *key, const char **why)
{
	if (!n || ynode_is_null(n) || (n->type == YNODE_SCALAR && !n->len))
		return 0;
	if (n->type != YNODE_SCALAR)
		return *why = "WorkingDir and User are strings", -1;
	if (!strcmp(key, "workdir") && n->str[0] != '/')
		return *why = "WorkingDir is not an absolute path", -1;
	line(t, key, n->str);
	return 0;
}

char *
reg_config_text(const char *json, size_t len, const char *ref, const char *digest, const char **why)
{
	struct text t = {0};
	struct diag d;
	struct ynode *root = NULL;
	const struct ynode *c;
	char head[600];

	diag_init(&d, "config");
	if (ytree_parse(json, len, &d, &root) < 0 || !root || root->type != YNODE_MAP) {
		*why = "the image config is not a JSON object";
		goto fail;
	}
	snprintf(head, sizeof head, "# the run defaults of %s, from its image config", ref);
	head[strcspn(head, "\n")] = '\0';
	put(&t, head, strlen(head));
	put(&t, "\n", 1);
	line(&t, "digest", digest);
	c = reg_json_get(root, "config");
	if (list(&t, reg_json_get(c, "Entrypoint"), "entrypoint", why) < 0 ||
	    list(&t, reg_json_get(c, "Cmd"), "cmd", why) < 0 ||
	    list(&t, reg_json_get(c, "Env"), "env", why) < 0 ||
	    scalar(&t, reg_json_get(c, "WorkingDir"), "workdir", why) < 0 ||
	    scalar(&t, reg_json_get(c, "User"), "user", why) < 0)
		goto fail;
	if (t.failed) {
		*why = "out of memory";
		goto fail;
	}
	ytree_free(root);
	diag_free(&d);
	return t.p;
fail:
	ytree_free(root);
	diag_free(&d);
	free(t.p);
	return NULL;
}
