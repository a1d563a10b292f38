/* SPDX-License-Identifier: MIT */
/* A small JSON writer into a growing buffer, pretty-printed with two-space
 * indents. Misuse (a value where a key is due, unbalanced ends, too deep)
 * and allocation failures are remembered and reported by json_finish. */
#ifndef BERTH_JSON_H
#define BERTH_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JSON_MAX_DEPTH 32

struct json {
	char *buf; /* NUL-terminated output */
	size_t len, cap;
	int depth;
	bool in_object[JSON_MAX_DEPTH]; /* per open level: object (true) or array */
	bool has_items[JSON_MAX_DEPTH];
	bool want_value; /* a key was written, its value is due */
	bool failed;
};

void json_init(struct json *j);
void json_free(struct json *j);
void json_object_begin(struct json *j);
void json_object_end(struct json *j);
void json_array_begin(struct json *j);
void json_array_end(struct json *j);
void json_key(struct json *j, const char *key);
/* A string value; NULL writes null. Bytes that are not valid UTF-8 become
 * U+FFFD so that the output is always valid JSON. */
void json_string(struct json *j, const char *s);
void json_int(struct json *j, int64_t v);
void json_uint(struct json *j, uint64_t v);
void json_bool(struct json *j, bool v);
void json_null(struct json *j);
/* "key": v, or "key": null when v is negative (a figure not known). */
void json_key_int_or_null(struct json *j, const char *key, int64_t v);
/* A number already formatted by the caller, such as "0.5". */
void json_number(struct json *j, const char *text);
/* Ends the document with a newline; 0 if it is complete and well formed. */
int json_finish(struct json *j);
/* The finished document s on one line, in place: no line breaks or
 * indentation, no space after ':' (text inside strings is kept). */
void json_compact(char *s);

#endif
