/* SPDX-License-Identifier: MIT */
/* Helpers of the manifest parser that read typed values out of YAML nodes
 * and report, at the node, what was expected instead. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "manifest/manifest-parse.h"
#include "base/suggest.h"

void
mp_error(struct mparse *p, const struct ynode *at, const char *fmt, ...)
{
	char *msg;
	va_list ap;
	int r;

	if (p->d->n >= DIAG_MAX) { /* counted, not kept: do not format it */
		p->d->dropped++;
		return;
	}
	va_start(ap, fmt);
	r = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (r < 0) {
		diag_add(p->d, at->line, at->col, "out of memory");
		return;
	}
	diag_add(p->d, at->line, at->col, "%s", msg);
	free(msg);
}

void
mp_expected(struct mparse *p, const struct ynode *key, const struct ynode *val, const char *what)
{
	char q[DIAG_QUOTE_MAX];

	if (val->type == YNODE_BAD)
		return;
	if (val->type == YNODE_SCALAR && !ynode_is_null(val))
		mp_error(p, val, "%s: expected %s, got %s", key->str, what,
			 diag_quote(q, val->str, val->len));
	else
		mp_error(p, val, "%s: expected %s, got %s", key->str, what, ynode_kind(val));
}

void
mp_invalid(struct mparse *p, const struct ynode *key, const struct ynode *val, const char *kind,
	   const char *why)
{
	char q[DIAG_QUOTE_MAX];

	mp_error(p, val, "%s: invalid %s %s: %s", key->str, kind, diag_quote(q, val->str, val->len),
		 why);
}

static void
unknown_key(struct mparse *p, const struct ynode *k, const struct mfield *fields, size_t n)
{
	const char *cands[64], *best;
	char q[DIAG_QUOTE_MAX];
	size_t nc = n < 64 ? n : 64;

	if (strcmp(k->str, "<<") == 0) {
		mp_error(p, k, "YAML merge keys (<<) are not supported");
		return;
	}
	for (size_t i = 0; i < nc; i++)
		cands[i] = fields[i].key;
	best = suggest(k->str, cands, nc);
	if (best)
		mp_error(p, k, "unknown key %s (did you mean \"%s\"?)",
			 diag_quote(q, k->str, k->len), best);
	else
		mp_error(p, k, "unknown key %s", diag_quote(q, k->str, k->len));
}

/* "at least 64k": min in the largest unit that divides it, as a manifest
 * would write it. */
static void
size_least(uint64_t min, char *buf, size_t len)
{
	static const char units[] = "kmgt";
	int u = -1;

	while (u < 3 && min && min % 1024 == 0) {
		min /= 1024;
		u++;
	}
	if (u < 0)
		snprintf(buf, len, "at least %llu", (unsigned long long)min);
	else
		snprintf(buf, len, "at least %llu%c", (unsigned long long)min, units[u]);
}

/* The reader of an entry without a handler: what the handler of each kind
 * would do, with the same messages. */
static void
field_read(struct mparse *p, const struct mfield *f, const struct ynode *key,
	   const struct ynode *val, void *obj)
{
	void *at = (char *)obj + f->off;
	char why[64];
	uint64_t v;
	int e;

	switch (f->kind) {
	case MF_FUNC:
		break;
	case MF_BOOL:
		mp_bool(p, key, val, at);
		break;
	case MF_U32:
		if (mp_uint(p, key, val, f->min, f->max, &v))
			*(uint32_t *)at = (uint32_t)v;
		break;
	case MF_SIZE:
		if (!mp_size(p, key, val, &v))
			break;
		if (v < f->min) {
			size_least(f->min, why, sizeof(why));
			mp_invalid(p, key, val, "size", why);
		} else {
			*(uint64_t *)at = v;
		}
		break;
	case MF_DURATION:
		if (!mp_duration(p, key, val, &v))
			break;
		if (v < f->min) /* only MF_DUR_NZ sets min, to 1 */
			mp_invalid(p, key, val, "duration", "must be more than 0");
		else
			*(uint64_t *)at = v;
		break;
	case MF_ENUM:
		if (mp_enum(p, key, val, f->names, f->max + 1, &e))
			*(int *)at = e;
		break;
	}
}

bool
mp_map(struct mparse *p, const struct ynode *key, const struct ynode *val,
       const struct mfield *fields, size_t n, void *obj)
{
	if (ynode_is_null(val))
		return true;
	if (val->type != YNODE_MAP) {
		mp_expected(p, key, val, "a mapping");
		return false;
	}
	for (size_t i = 0; i + 1 < val->n; i += 2) {
		const struct ynode *k = val->kids[i], *v = val->kids[i + 1];
		size_t f;

		if (k->skip)
			continue;
		for (f = 0; f < n; f++)
			if (strcmp(k->str, fields[f].key) == 0)
				break;
		if (f == n)
			unknown_key(p, k, fields, n);
		else if (v->type != YNODE_BAD && fields[f].parse)
			fields[f].parse(p, k, v, obj);
		else if (v->type != YNODE_BAD)
			field_read(p, &fields[f], k, v, obj);
	}
	return true;
}

const struct ynode *
mp_get_key(const struct ynode *map, const char *key)
{
	if (map->type != YNODE_MAP)
		return NULL;
	for (size_t i = 0; i + 1 < map->n; i += 2)
		if (!map->kids[i]->skip && strcmp(map->kids[i]->str, key) == 0)
			return map->kids[i];
	return NULL;
}

const struct ynode *
mp_get(const struct ynode *map, const char *key)
{
	for (size_t i = 0; map->type == YNODE_MAP && i + 1 < map->n; i += 2)
		if (!map->kids[i]->skip && strcmp(map->kids[i]->str, key) == 0)
			return map->kids[i + 1];
	return NULL;
}

bool
mp_seq(struct mparse *p, const struct ynode *key, const struct ynode *val, size_t max,
       mp_item_fn *fn, void *obj)
{
	if (ynode_is_null(val))
		return true;
	if (val->type != YNODE_SEQ) {
		mp_expected(p, key, val, "a list");
		return false;
	}
	for (size_t i = 0; i < val->n; i++) {
		if (i == max) {
			mp_error(p, val->kids[i], "%s: at most %zu entries", key->str, max);
			break;
		}
		if (val->kids[i]->type != YNODE_BAD)
			fn(p, key, val->kids[i], obj);
	}
	return true;
}

void *
mp_push(struct mparse *p, void *arr, size_t *n, size_t size)
{
	void **a = arr;
	char *grown;

	/* Grow to the next power of two: counts are powers of two exactly
	 * when the array is full. */
	if ((*n & (*n - 1)) == 0) {
		size_t cap = *n ? *n * 2 : 1;

		if (!(grown = realloc(*a, cap * size))) {
			diag_add(p->d, 0, 0, "out of memory");
			return NULL;
		}
		*a = grown;
	}
	grown = (char *)*a + *n * size;
	memset(grown, 0, size);
	(*n)++;
	return grown;
}

const char *
mp_scalar(struct mparse *p, const struct ynode *key, const struct ynode *val, const char *what)
{
	if (val->type != YNODE_SCALAR || ynode_is_null(val)) {
		mp_expected(p, key, val, what);
		return NULL;
	}
	return val->str;
}

bool
mp_bool(struct mparse *p, const struct ynode *key, const struct ynode *val, bool *out)
{
	static const char *const yes[] = {"true", "True", "TRUE"}, *const no[] = {"false", "False",
										  "FALSE"};

	if (val->type == YNODE_SCALAR && val->plain) {
		for (size_t i = 0; i < 3; i++) {
			if (strcmp(val->str, yes[i]) == 0 || strcmp(val->str, no[i]) == 0) {
				*out = val->str[0] == 't' || val->str[0] == 'T';
				return true;
			}
		}
	}
	mp_expected(p, key, val, "true or false");
	return false;
}

bool
mp_string(struct mparse *p, const struct ynode *key, const struct ynode *val, size_t max,
	  const char *what, char **out)
{
	const char *s = mp_scalar(p, key, val, what);
	char *copy;

	if (!s)
		return false;
	if (val->len > max) {
		mp_error(p, val, "%s: longer than %zu bytes", key->str, max);
		return false;
	}
	if (!(copy = strdup(s))) {
		diag_add(p->d, 0, 0, "out of memory");
		return false;
	}
	free(*out);
	*out = copy;
	return true;
}

bool
mp_uint(struct mparse *p, const struct ynode *key, const struct ynode *val, uint64_t min,
	uint64_t max, uint64_t *out)
{
	const char *s = mp_scalar(p, key, val, "a number"), *why;
	uint64_t v;

	if (!s)
		return false;
	if (scalar_uint(s, UINT64_MAX, &v, &why) < 0 || v < min || v > max) {
		char range[64];

		snprintf(range, sizeof(range), "expected a whole number from %llu to %llu",
			 (unsigned long long)min, (unsigned long long)max);
		mp_invalid(p, key, val, "number", range);
		return false;
	}
	*out = v;
	return true;
}

bool
mp_size(struct mparse *p, const struct ynode *key, const struct ynode *val, uint64_t *out)
{
	const char *s = mp_scalar(p, key, val, "a size like 256m"), *why;

	if (!s)
		return false;
	if (scalar_size(s, out, &why) < 0) {
		mp_invalid(p, key, val, "size", why);
		return false;
	}
	return true;
}

bool
mp_duration(struct mparse *p, const struct ynode *key, const struct ynode *val, uint64_t *ms)
{
	const char *s = mp_scalar(p, key, val, "a duration like 10s or 1m30s"), *why;

	if (!s)
		return false;
	if (scalar_duration(s, ms, &why) < 0) {
		mp_invalid(p, key, val, "duration", why);
		return false;
	}
	return true;
}

/* "a, b or c" */
static void
join_names(const char *const *names, size_t n, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s",
					i == 0	     ? ""
					: i + 1 == n ? " or "
						     : ", ",
					names[i]);
}

bool
mp_enum(struct mparse *p, const struct ynode *key, const struct ynode *val,
	const char *const *names, size_t n, int *out)
{
	char list[256], q[DIAG_QUOTE_MAX];
	const char *best;

	join_names(names, n, list, sizeof(list));
	if (val->type == YNODE_SCALAR && !ynode_is_null(val)) {
		for (size_t i = 0; i < n; i++) {
			if (strcmp(val->str, names[i]) == 0) {
				*out = (int)i;
				return true;
			}
		}
		best = suggest(val->str, names, n);
		if (best) {
			mp_error(p, val, "%s: expected %s, got %s (did you mean \"%s\"?)", key->str,
				 list, diag_quote(q, val->str, val->len), best);
			return false;
		}
	}
	mp_expected(p, key, val, list);
	return false;
}

void
mp_free_argv(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

/* Reads the word at c into word (*w bytes); returns where it ends, or NULL
 * with *why set. */
static const char *
read_word(const char *c, char *word, size_t *w, const char **why)
{
	for (; *c && !is_blank(*c); c++) {
		if (*c == '\'') {
			const char *end = strchr(c + 1, '\'');

			if (!end)
				return (*why = "a quote is not closed"), NULL;
			memcpy(word + *w, c + 1, (size_t)(end - c - 1));
			*w += (size_t)(end - c - 1);
			c = end;
		} else if (*c == '"') {
			for (c++; *c && *c != '"'; c++) {
				if (*c == '\\' && c[1] && strchr("\"\\$`", c[1]))
					c++;
				word[(*w)++] = *c;
			}
			if (!*c)
				return (*why = "a quote is not closed"), NULL;
		} else if (*c == '\\') {
			if (!*++c)
				return (*why = "ends with a backslash"), NULL;
			word[(*w)++] = *c;
		} else {
			word[(*w)++] = *c;
		}
	}
	return c;
}

/* Splits s into words like a POSIX shell does, without any expansion:
 * blanks separate, '...' is literal, "..." keeps \" \\ \$ \` escapes, a
 * backslash elsewhere quotes the next character. */
static int
split_words(const char *s, char ***out, size_t *n, const char **why)
{
	char *word = malloc(strlen(s) + 1), **v = NULL;
	size_t nv = 0;

	if (!word)
		return (*why = "out of memory"), -1;
	for (const char *c = s;;) {
		size_t w = 0;

		while (is_blank(*c))
			c++;
		if (!*c)
			break;
		if (!(c = read_word(c, word, &w, why)))
			goto fail;
		if ((nv & (nv - 1)) == 0) {
			char **g = realloc(v, (nv ? nv * 2 : 1) * sizeof(*v));

			if (!g)
				goto oom;
			v = g;
		}
		if (!(v[nv] = strndup(word, w)))
			goto oom;
		nv++;
	}
	free(word);
	*out = v;
	*n = nv;
	return 0;
oom:
	*why = "out of memory";
fail:
	free(word);
	mp_free_argv(v, nv);
	return -1;
}

static bool
argv_list(struct mparse *p, const struct ynode *key, const struct ynode *val, char ***out,
	  size_t *n)
{
	char **v = NULL;
	size_t nv = 0;

	for (size_t i = 0; i < val->n; i++) {
		const struct ynode *it = val->kids[i];
		char **slot;

		if (it->type == YNODE_BAD)
			continue;
		if (!mp_scalar(p, key, it, "a string")) {
			mp_free_argv(v, nv);
			return false;
		}
		if (it->len > MP_TEXT_MAX) {
			mp_error(p, it, "%s: longer than %d bytes", key->str, MP_TEXT_MAX);
			mp_free_argv(v, nv);
			return false;
		}
		if (!(slot = mp_push(p, &v, &nv, sizeof(*v))) || !(*slot = strdup(it->str))) {
			if (slot)
				diag_add(p->d, 0, 0, "out of memory");
			mp_free_argv(v, nv);
			return false;
		}
	}
	*out = v;
	*n = nv;
	return true;
}

bool
mp_argv(struct mparse *p, const struct ynode *key, const struct ynode *val, int flags, char ***out,
	size_t *n)
{
	const char *why;

	*out = NULL;
	*n = 0;
	if (val->type == YNODE_SEQ)
		return argv_list(p, key, val, out, n);
	if (!(flags & MP_SPLIT) || val->type != YNODE_SCALAR || ynode_is_null(val)) {
		mp_expected(p, key, val,
			    flags & MP_SPLIT ? "a string or a list of strings"
					     : "a list of strings");
		return false;
	}
	if (val->len > MP_TEXT_MAX) {
		mp_error(p, val, "%s: longer than %d bytes", key->str, MP_TEXT_MAX);
		return false;
	}
	if (split_words(val->str, out, n, &why) < 0) {
		mp_invalid(p, key, val, "command line", why);
		return false;
	}
	return true;
}
