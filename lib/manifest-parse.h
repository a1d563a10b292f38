/* SPDX-License-Identifier: MIT */
/* Internal to the manifest parser: the state of one parse and the helpers
 * that read typed values out of YAML nodes, reporting what is wrong. */
#ifndef BERTH_MANIFEST_PARSE_H
#define BERTH_MANIFEST_PARSE_H

#include "manifest.h"
#include "ytree.h"

/* Strings a manifest may hold: names, paths and such are bounded by their
 * own checks; free text (arguments, environment values) by this. */
#define MP_TEXT_MAX 65536
#define MP_SHORT_MAX 4096

struct mparse {
	struct diag *d;
	struct manifest *m;
	bool have_version;
	bool have_interfaces; /* network.interfaces was given, maybe empty */
	size_t n_ports;	      /* published in the whole manifest */
};

/* The handler of one key; key is the key node, val its value. */
struct mfield {
	const char *key;
	void (*parse)(struct mparse *p, const struct ynode *key, const struct ynode *val,
		      void *obj);
};

/* A handler for one item of a list; key is the list's key. */
typedef void mp_item_fn(struct mparse *p, const struct ynode *key, const struct ynode *item,
			void *obj);

void mp_error(struct mparse *p, const struct ynode *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* "KEY: expected WHAT, got KIND" */
void mp_expected(struct mparse *p, const struct ynode *key, const struct ynode *val,
		 const char *what);
/* "KEY: invalid KIND "TEXT": WHY" at val */
void mp_invalid(struct mparse *p, const struct ynode *key, const struct ynode *val,
		const char *kind, const char *why);

/* Dispatches each key of the mapping val to its handler, reporting unknown
 * keys. null is an empty mapping. False when val is not a mapping. */
bool mp_map(struct mparse *p, const struct ynode *key, const struct ynode *val,
	    const struct mfield *fields, size_t n, void *obj);
/* The value of key in the mapping map (not a duplicate), or NULL. */
const struct ynode *mp_get(const struct ynode *map, const char *key);
/* The key node itself. */
const struct ynode *mp_get_key(const struct ynode *map, const char *key);
/* Calls fn for each item of the list val, up to max items (more is an
 * error). null is an empty list. False when val is not a list. */
bool mp_seq(struct mparse *p, const struct ynode *key, const struct ynode *val, size_t max,
	    mp_item_fn *fn, void *obj);
/* Appends a zeroed element to the array *arr of *n elements of size bytes;
 * NULL (reported) when memory runs out. */
void *mp_push(struct mparse *p, void *arr, size_t *n, size_t size);

/* The text of a scalar, or NULL (reported) for a list, a mapping or null. */
const char *mp_scalar(struct mparse *p, const struct ynode *key, const struct ynode *val,
		      const char *what);
bool mp_bool(struct mparse *p, const struct ynode *key, const struct ynode *val, bool *out);
/* A copy of the text into *out (replacing what was there). */
bool mp_string(struct mparse *p, const struct ynode *key, const struct ynode *val, size_t max,
	       const char *what, char **out);
bool mp_uint(struct mparse *p, const struct ynode *key, const struct ynode *val, uint64_t min,
	     uint64_t max, uint64_t *out);
bool mp_size(struct mparse *p, const struct ynode *key, const struct ynode *val, uint64_t *out);
bool mp_duration(struct mparse *p, const struct ynode *key, const struct ynode *val, uint64_t *ms);
/* One of names[0..n-1]; *out is its index. */
bool mp_enum(struct mparse *p, const struct ynode *key, const struct ynode *val,
	     const char *const *names, size_t n, int *out);
/* A list of strings, or with MP_SPLIT a string split like a shell would
 * (quotes and backslashes; no expansion). */
#define MP_SPLIT 1
bool mp_argv(struct mparse *p, const struct ynode *key, const struct ynode *val, int flags,
	     char ***out, size_t *n);
void mp_free_argv(char **v, size_t n);

static inline struct srcpos
mp_pos(const struct ynode *n)
{
	return (struct srcpos){n->line, n->col};
}

/* The sections, one file each. */
void mp_network(struct mparse *p, const struct ynode *key, const struct ynode *val, void *obj);
void mp_containers(struct mparse *p, const struct ynode *key, const struct ynode *val, void *obj);
void mp_container_defaults(struct container *c);
void manifest_check(struct mparse *p);

#endif
