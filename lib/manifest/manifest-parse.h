/* SPDX-License-Identifier: MIT */
/* Internal to the manifest parser: the state of one parse and the helpers
 * that read typed values out of YAML nodes, reporting what is wrong. */
#ifndef BERTH_MANIFEST_PARSE_H
#define BERTH_MANIFEST_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include "manifest/manifest.h"
#include "manifest/ytree.h"

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

/* How a key without a handler of its own is read: the mp_ reader of that
 * type, then a plain store into the object. */
enum mf_kind {
	MF_FUNC,     /* parse does it all */
	MF_BOOL,     /* bool */
	MF_U32,	     /* uint32_t from min to max */
	MF_SIZE,     /* uint64_t bytes, at least min */
	MF_DURATION, /* uint64_t milliseconds; min 1 refuses 0 */
	MF_ENUM,     /* an enum, one of names[0..max] */
};

/* The handler of one key; key is the key node, val its value. Without a
 * handler, kind says how to read the value into obj at off. */
struct mfield {
	const char *key;
	void (*parse)(struct mparse *p, const struct ynode *key, const struct ynode *val,
		      void *obj);
	enum mf_kind kind;
	size_t off;
	uint64_t min, max;
	const char *const *names;
};

/* offsetof(T, f), but a compile error when ok is false: a table entry
 * whose field has another type than its kind stores would otherwise
 * overwrite its neighbours. */
/* clang-format off */
#define MF_AT(T, f, ok) (offsetof(T, f) + 0 * sizeof(struct {			\
	_Static_assert(ok, "the field's type does not match the kind");	\
	int unused;								\
}))
#define MF_IS(T, f, type) _Generic(((T *)0)->f, type: 1, default: 0)
/* A pointer would make the count of names 1, silently. */
#define MF_IS_ARRAY(a) (!__builtin_types_compatible_p(__typeof__(a), __typeof__(&(a)[0])))

#define MF_FN(k, fn) {.key = (k), .parse = (fn)}
#define MF_BOOL(k, T, f) \
	{.key = (k), .kind = MF_BOOL, .off = MF_AT(T, f, MF_IS(T, f, bool))}
#define MF_U32(k, T, f, lo, hi) \
	{.key = (k), .kind = MF_U32, .min = (lo), .max = (hi), \
	 .off = MF_AT(T, f, MF_IS(T, f, uint32_t) && (hi) <= UINT32_MAX)}
#define MF_SIZE(k, T, f, lo) \
	{.key = (k), .kind = MF_SIZE, .min = (lo), .off = MF_AT(T, f, MF_IS(T, f, uint64_t))}
#define MF_DUR(k, T, f) \
	{.key = (k), .kind = MF_DURATION, .off = MF_AT(T, f, MF_IS(T, f, uint64_t))}
/* A duration that must be more than 0. */
#define MF_DUR_NZ(k, T, f) \
	{.key = (k), .kind = MF_DURATION, .min = 1, .off = MF_AT(T, f, MF_IS(T, f, uint64_t))}
/* names is an array indexed by the enum's values. */
#define MF_ENUM(k, T, f, names_) \
	{.key = (k), .kind = MF_ENUM, .names = (names_), \
	 .max = sizeof(names_) / sizeof((names_)[0]) - 1, \
	 .off = MF_AT(T, f, sizeof(((T *)0)->f) == sizeof(int) && MF_IS_ARRAY(names_))}
/* clang-format on */

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
void mp_ntp(struct mparse *p, const struct ynode *key, const struct ynode *val, void *obj);
void mp_ntp_check(struct mparse *p, const struct ynode *network);
void mp_containers(struct mparse *p, const struct ynode *key, const struct ynode *val, void *obj);
void mp_container_defaults(struct container *c);
void mp_host_entries(struct mparse *p, const struct ynode *key, const struct ynode *val,
		     struct host_entry **v, size_t *n);
void mp_update_channel(struct mparse *p, const struct ynode *key, const struct ynode *val,
		       void *obj);
void mp_update_window(struct mparse *p, const struct ynode *key, const struct ynode *val,
		      void *obj);
void mp_trust(struct mparse *p, const struct ynode *key, const struct ynode *val, void *obj);
void manifest_check(struct mparse *p);

#endif
