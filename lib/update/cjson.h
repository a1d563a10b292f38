/* SPDX-License-Identifier: MIT */
/* cjson.h: a strict JSON reader for the channel's metadata (channel.h).
 *
 * Strict because signed documents must mean one thing: duplicate keys,
 * fractions, exponents, numbers beyond int64, NUL in strings, trailing
 * bytes and nesting deeper than CJ_MAX_DEPTH are all refused. Each value
 * remembers where its text lies in the document, so that a signature can
 * cover the exact bytes of the "signed" object, with no canonical form to
 * agree on. */
#ifndef BERTH_CJSON_H
#define BERTH_CJSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CJ_MAX_DEPTH 16
/* Bounds on work, since documents are parsed before their signature is
 * checked: duplicate keys are found by comparing each key with those
 * before it, so objects stay small. */
#define CJ_MAX_MEMBERS 256
#define CJ_MAX_ITEMS 65536

enum cj_type { CJ_NULL, CJ_BOOL, CJ_INT, CJ_STRING, CJ_ARRAY, CJ_OBJECT };

struct cj {
	enum cj_type type;
	const char *raw; /* the value's text in the document */
	size_t rawlen;
	char *key;	 /* a member of an object: its key */
	char *str;	 /* CJ_STRING: the decoded text */
	int64_t num;	 /* CJ_INT */
	bool b;		 /* CJ_BOOL */
	struct cj *kids; /* CJ_ARRAY items, CJ_OBJECT members */
	size_t n;
};

/* Parses buf[0..len) into *out (free with cj_free). -1 with the reason and
 * byte offset in err. */
int cj_parse(const char *buf, size_t len, struct cj *out, char *err, size_t errlen);
void cj_free(struct cj *v);

/* The member key of object o, or NULL (also when o is not an object). */
const struct cj *cj_get(const struct cj *o, const char *key);

const char *cj_type_name(enum cj_type t);

#endif
