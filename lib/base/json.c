/* SPDX-License-Identifier: MIT */
/* Writes pretty-printed JSON with correct string escaping. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"

void
json_init(struct json *j)
{
	memset(j, 0, sizeof(*j));
}

void
json_free(struct json *j)
{
	free(j->buf);
	memset(j, 0, sizeof(*j));
}

static void
put(struct json *j, const char *s, size_t n)
{
	if (j->failed)
		return;
	if (j->len + n + 1 > j->cap) {
		size_t cap = j->cap ? j->cap : 256;
		char *b;

		while (cap < j->len + n + 1)
			cap *= 2;
		if (!(b = realloc(j->buf, cap))) {
			j->failed = true;
			return;
		}
		j->buf = b;
		j->cap = cap;
	}
	memcpy(j->buf + j->len, s, n);
	j->len += n;
	j->buf[j->len] = '\0';
}

static void
puts_(struct json *j, const char *s)
{
	put(j, s, strlen(s));
}

static void
newline(struct json *j)
{
	put(j, "\n", 1);
	for (int i = 0; i < j->depth; i++)
		put(j, "  ", 2);
}

/* Everything a value needs before it: a comma and a new line inside a
 * container; nothing after a key. */
static void
before_value(struct json *j)
{
	if (j->want_value) {
		j->want_value = false;
		return;
	}
	if (j->depth == 0) {
		if (j->len)
			j->failed = true; /* a second top-level value */
		return;
	}
	if (j->in_object[j->depth - 1]) {
		j->failed = true; /* a value where a key is due */
		return;
	}
	if (j->has_items[j->depth - 1])
		put(j, ",", 1);
	j->has_items[j->depth - 1] = true;
	newline(j);
}

static void
open_(struct json *j, bool object)
{
	before_value(j);
	if (j->depth == JSON_MAX_DEPTH) {
		j->failed = true;
		return;
	}
	put(j, object ? "{" : "[", 1);
	j->in_object[j->depth] = object;
	j->has_items[j->depth] = false;
	j->depth++;
}

static void
close_(struct json *j, bool object)
{
	if (j->depth == 0 || j->in_object[j->depth - 1] != object || j->want_value) {
		j->failed = true;
		return;
	}
	j->depth--;
	if (j->has_items[j->depth])
		newline(j);
	put(j, object ? "}" : "]", 1);
}

void
json_object_begin(struct json *j)
{
	open_(j, true);
}

void
json_object_end(struct json *j)
{
	close_(j, true);
}

void
json_array_begin(struct json *j)
{
	open_(j, false);
}

void
json_array_end(struct json *j)
{
	close_(j, false);
}

/* Length of the valid UTF-8 sequence at s (1-4), or 0 if it is not one:
 * overlong forms, surrogates and code points above U+10FFFF are invalid. */
static size_t
utf8_len(const unsigned char *s)
{
	unsigned c = s[0], cp;
	size_t n;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, cp = c & 0x07;
	else
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

static void
put_escaped(struct json *j, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	put(j, "\"", 1);
	while (*p) {
		char esc[8];
		size_t n;

		switch (*p) {
		case '"':
			puts_(j, "\\\"");
			break;
		case '\\':
			puts_(j, "\\\\");
			break;
		case '\n':
			puts_(j, "\\n");
			break;
		case '\r':
			puts_(j, "\\r");
			break;
		case '\t':
			puts_(j, "\\t");
			break;
		case '\b':
			puts_(j, "\\b");
			break;
		case '\f':
			puts_(j, "\\f");
			break;
		default:
			if (*p < 0x20 || *p == 0x7f) {
				snprintf(esc, sizeof(esc), "\\u%04x", *p);
				puts_(j, esc);
			} else if ((n = utf8_len(p)) == 0) {
				puts_(j, "\\ufffd");
			} else {
				put(j, (const char *)p, n);
				p += n;
				continue;
			}
		}
		p++;
	}
	put(j, "\"", 1);
}

void
json_key(struct json *j, const char *key)
{
	if (j->depth == 0 || !j->in_object[j->depth - 1] || j->want_value) {
		j->failed = true;
		return;
	}
	if (j->has_items[j->depth - 1])
		put(j, ",", 1);
	j->has_items[j->depth - 1] = true;
	newline(j);
	put_escaped(j, key);
	put(j, ": ", 2);
	j->want_value = true;
}

void
json_string(struct json *j, const char *s)
{
	if (!s) {
		json_null(j);
		return;
	}
	before_value(j);
	put_escaped(j, s);
}

void
json_number(struct json *j, const char *text)
{
	before_value(j);
	puts_(j, text);
}

void
json_int(struct json *j, int64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%" PRId64, v);
	json_number(j, buf);
}

void
json_uint(struct json *j, uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%" PRIu64, v);
	json_number(j, buf);
}

void
json_bool(struct json *j, bool v)
{
	json_number(j, v ? "true" : "false");
}

void
json_null(struct json *j)
{
	json_number(j, "null");
}

void
json_key_int_or_null(struct json *j, const char *key, int64_t v)
{
	json_key(j, key);
	if (v >= 0)
		json_int(j, v);
	else
		json_null(j);
}

int
json_finish(struct json *j)
{
	if (j->depth != 0 || j->want_value || j->len == 0)
		j->failed = true;
	put(j, "\n", 1);
	return j->failed ? -1 : 0;
}

void
json_compact(char *s)
{
	char *o = s;
	bool in_string = false;

	for (; *s; s++) {
		if (in_string) {
			*o++ = *s;
			if (*s == '\\' && s[1])
				*o++ = *++s;
			else if (*s == '"')
				in_string = false;
		} else if (*s == '"') {
			in_string = true;
			*o++ = *s;
		} else if (*s != '\n' && *s != ' ') {
			*o++ = *s;
		}
	}
	*o = '\0';
}
