/* SPDX-License-Identifier: MIT */
/* cjson.c: the channel metadata's strict JSON reader (cjson.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/io.h"
#include "update/cjson.h"

struct reader {
	const char *buf, *p, *end;
	char *err;
	size_t errlen;
};

static int
bad(struct reader *r, const char *why)
{
	return io_errf(r->err, r->errlen, "%s at byte %zu", why, (size_t)(r->p - r->buf));
}

static void
skip_space(struct reader *r)
{
	while (r->p < r->end && strchr(" \t\r\n", *r->p) && *r->p)
		r->p++;
}

static int
hex4(struct reader *r, unsigned *out)
{
	unsigned v = 0;

	if (r->end - r->p < 4)
		return bad(r, "short \\u escape");
	for (int i = 0; i < 4; i++, r->p++) {
		char c = *r->p;
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return bad(r, "bad \\u escape");
	}
	*out = v;
	return 0;
}

/* Writes code point c (below U+10000) as UTF-8 at *o. */
static void
put_utf8(char **o, unsigned c)
{
	char *s = *o;

	if (c < 0x80) {
		*s++ = (char)c;
	} else if (c < 0x800) {
		*s++ = (char)(0xc0 | c >> 6);
		*s++ = (char)(0x80 | (c & 0x3f));
	} else {
		*s++ = (char)(0xe0 | c >> 12);
		*s++ = (char)(0x80 | (c >> 6 & 0x3f));
		*s++ = (char)(0x80 | (c & 0x3f));
	}
	*o = s;
}

/* A string at r->p (its opening quote) into a new buffer. Escapes of the
 * basic plane only: the metadata holds names, paths and hex. */
static int
read_string(struct reader *r, char **out)
{
	char *s, *o;

	/* The decoded text is never longer than the escaped one. */
	if (!(s = o = malloc((size_t)(r->end - r->p))))
		return bad(r, "out of memory");
	for (r->p++; r->p < r->end && *r->p != '"';) {
		unsigned char c = (unsigned char)*r->p++;
		unsigned u = 0;

		if (c < 0x20)
			goto fail_ctl;
		if (c != '\\') {
			*o++ = (char)c;
			continue;
		}
		if (r->p == r->end)
			break;
		c = (unsigned char)*r->p++;
		if (c == 'u') {
			if (hex4(r, &u) < 0)
				goto fail;
			if (u == 0 || (u >= 0xd800 && u <= 0xdfff)) {
				bad(r, "\\u0000 or a surrogate in a string");
				goto fail;
			}
			put_utf8(&o, u);
			continue;
		}
		const char *from = "\"\\/bfnrt", *to = "\"\\/\b\f\n\r\t", *m = strchr(from, c);
		if (!c || !m) {
			bad(r, "bad escape in a string");
			goto fail;
		}
		*o++ = to[m - from];
	}
	if (r->p == r->end) {
		bad(r, "unterminated string");
		goto fail;
	}
	r->p++;
	*o = 0;
	*out = s;
	return 0;
fail_ctl:
	bad(r, "control character in a string");
fail:
	free(s);
	return -1;
}

static int
read_int(struct reader *r, int64_t *out)
{
	const char *s = r->p;
	bool neg = *s == '-';
	uint64_t v = 0;

	if (neg)
		s++;
	if (s == r->end || *s < '0' || *s > '9')
		return bad(r, "bad number");
	if (*s == '0' && s + 1 < r->end && s[1] >= '0' && s[1] <= '9')
		return bad(r, "number with a leading zero");
	for (; s < r->end && *s >= '0' && *s <= '9'; s++) {
		if (v > (UINT64_C(1) << 62) / 5)
			return bad(r, "number out of range");
		v = v * 10 + (uint64_t)(*s - '0');
	}
	if (v > (uint64_t)INT64_MAX)
		return bad(r, "number out of range");
	if (s < r->end && strchr(".eE", *s) && *s)
		return bad(r, "only whole numbers are allowed");
	r->p = s;
	*out = neg ? -(int64_t)v : (int64_t)v;
	return 0;
}

static int read_value(struct reader *r, struct cj *v, int depth);

/* Appends a zeroed value to v's kids; NULL when out of memory. */
static struct cj *
add_kid(struct cj *v)
{
	struct cj *k;

	if (v->n == (v->type == CJ_OBJECT ? CJ_MAX_MEMBERS : CJ_MAX_ITEMS))
		return NULL;
	if (!(k = realloc(v->kids, (v->n + 1) * sizeof(*k))))
		return NULL;
	v->kids = k;
	memset(&k[v->n], 0, sizeof(*k));
	return &k[v->n++];
}

static int
read_member(struct reader *r, struct cj *v, int depth)
{
	struct cj *k;
	char *key;

	if (r->p == r->end || *r->p != '"')
		return bad(r, "a key is due");
	if (read_string(r, &key) < 0)
		return -1;
	if (cj_get(v, key)) {
		free(key);
		return bad(r, "duplicate key");
	}
	if (!(k = add_kid(v))) {
		free(key);
		return bad(r, "too many members, or out of memory");
	}
	k->key = key;
	skip_space(r);
	if (r->p == r->end || *r->p != ':')
		return bad(r, "':' is due");
	r->p++;
	return read_value(r, k, depth + 1);
}

/* An array or object at r->p, its opening bracket. */
static int
read_container(struct reader *r, struct cj *v, int depth)
{
	char close = v->type == CJ_OBJECT ? '}' : ']';

	if (depth >= CJ_MAX_DEPTH)
		return bad(r, "nested too deep");
	r->p++;
	skip_space(r);
	if (r->p < r->end && *r->p == close) {
		r->p++;
		return 0;
	}
	for (;;) {
		skip_space(r);
		if (v->type == CJ_OBJECT) {
			if (read_member(r, v, depth) < 0)
				return -1;
		} else {
			struct cj *k = add_kid(v);
			if (!k)
				return bad(r, "too many items, or out of memory");
			if (read_value(r, k, depth + 1) < 0)
				return -1;
		}
		skip_space(r);
		if (r->p == r->end)
			return bad(r, "unexpected end");
		if (*r->p == close) {
			r->p++;
			return 0;
		}
		if (*r->p++ != ',')
			return bad(r, "',' or the end of the list is due");
	}
}

static int
read_word(struct reader *r, const char *w)
{
	size_t n = strlen(w);

	if ((size_t)(r->end - r->p) < n || memcmp(r->p, w, n))
		return bad(r, "unexpected character");
	r->p += n;
	return 0;
}

static int
read_value(struct reader *r, struct cj *v, int depth)
{
	int rc;

	skip_space(r);
	if (r->p == r->end)
		return bad(r, "unexpected end");
	v->raw = r->p;
	switch (*r->p) {
	case '{':
	case '[':
		v->type = *r->p == '{' ? CJ_OBJECT : CJ_ARRAY;
		rc = read_container(r, v, depth);
		break;
	case '"':
		v->type = CJ_STRING;
		rc = read_string(r, &v->str);
		break;
	case 't':
	case 'f':
		v->type = CJ_BOOL;
		v->b = *r->p == 't';
		rc = read_word(r, v->b ? "true" : "false");
		break;
	case 'n':
		v->type = CJ_NULL;
		rc = read_word(r, "null");
		break;
	default:
		v->type = CJ_INT;
		rc = read_int(r, &v->num);
	}
	v->rawlen = (size_t)(r->p - v->raw);
	return rc;
}

int
cj_parse(const char *buf, size_t len, struct cj *out, char *err, size_t errlen)
{
	struct reader r = {buf, buf, buf + len, err, errlen};

	memset(out, 0, sizeof(*out));
	if (read_value(&r, out, 0) < 0)
		goto fail;
	skip_space(&r);
	if (r.p != r.end) {
		bad(&r, "bytes after the document");
		goto fail;
	}
	return 0;
fail:
	cj_free(out);
	return -1;
}

void
cj_free(struct cj *v)
{
	for (size_t i = 0; i < v->n; i++)
		cj_free(&v->kids[i]);
	free(v->kids);
	free(v->key);
	free(v->str);
	memset(v, 0, sizeof(*v));
}

const struct cj *
cj_get(const struct cj *o, const char *key)
{
	if (o->type != CJ_OBJECT)
		return NULL;
	for (size_t i = 0; i < o->n; i++)
		if (o->kids[i].key && !strcmp(o->kids[i].key, key))
			return &o->kids[i];
	return NULL;
}

const char *
cj_type_name(enum cj_type t)
{
	static const char *const names[] = {"null", "a boolean", "a number", "a string",
					    "a list", "an object"};
	return names[t];
}
