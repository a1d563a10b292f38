/* SPDX-License-Identifier: MIT */
/* What the files of the manifest diff share: values as canonical text
 * (diff-value.c) and the growing list of changes (diff-list.c). */
#ifndef BERTH_MANIFEST_DIFF_IMPL_H
#define BERTH_MANIFEST_DIFF_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "manifest/diff.h"

/* Every dv_ function returns text to free, or NULL when out of memory. */
char *dv_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *dv_str(const char *s); /* NULL: "(none)" */
char *dv_bool(bool b);
char *dv_uint(uint64_t v);
char *dv_size(uint64_t bytes); /* "256m", exact: 1536m, not 1.5g */
char *dv_duration(uint64_t ms);
char *dv_addr(const struct ip_addr *a);
char *dv_prefix(const struct ip_prefix *p);
/* ["sh", "-c", "x"]: quoted, as a reader would write it in the manifest */
char *dv_argv(char *const *v, size_t n);
char *dv_host_entries(const struct host_entry *v, size_t n); /* "db=10.0.0.5, ..." */

/* A list of texts: an unordered set is compared sorted. */
struct strv {
	char **v;
	size_t n, cap;
	bool failed;
};

/* Takes s (NULL marks the list failed). */
void strv_add(struct strv *s, char *item);
void strv_sort(struct strv *s);
/* [a, b, c] */
char *strv_join(const struct strv *s);
void strv_free(struct strv *s);
/* strv_join (sorted first if asked), then strv_free. */
char *strv_done(struct strv *s, bool sorted);

struct change_list {
	struct manifest_change *v;
	size_t n, cap;
	bool failed;
};

/* Appends a change of field (a row of diff-fields.c) and takes label, old
 * and new; label NULL means the row's label. A value NULL that the op
 * needs (an allocation that failed) marks the list failed. */
void cl_add(struct change_list *l, const char *field, enum change_op op, char *label, char *old,
	    char *new, struct srcpos pos);
/* A change of a secret (an environment variable): label only. */
void cl_secret(struct change_list *l, const char *field, enum change_op op, char *label,
	       struct srcpos pos);
/* A CH_CHANGE when old and new differ; takes both either way. */
void cl_scalar(struct change_list *l, const char *field, char *label, char *old, char *new,
	       struct srcpos pos);
/* CH_REMOVE for each item of old not in new, then CH_ADD for each item of
 * new not in old; label as for cl_add (copied). pos: of the new manifest,
 * or NULL; oldpos likewise, parallel to the items. */
void cl_set(struct change_list *l, const char *field, const char *label, const struct strv *old,
	    const struct srcpos *oldpos, const struct strv *new, const struct srcpos *newpos,
	    struct srcpos dflt);
void cl_free(struct change_list *l);
void change_free(struct manifest_change *c);

/* diff-host.c: host, network, firewall, logging and update, in order. */
void diff_host(struct change_list *l, const struct manifest *cur, const struct manifest *next);
/* diff-container.c: the fields of two versions of one container. */
void diff_container(struct change_list *l, const struct container *cur,
		    const struct container *next);

#endif
