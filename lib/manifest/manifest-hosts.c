/* SPDX-License-Identifier: MIT */
/* Reads static host entries: network.hosts (every container's) and a
 * container's extra_hosts, in Compose's forms: a mapping NAME: ADDRESS, or
 * a list of "NAME:ADDRESS" / "NAME=ADDRESS" (an IPv6 address in the colon
 * form in brackets, "db:[2001:db8::5]"). */
#include <stdlib.h>
#include <string.h>

#include "base/names.h"
#include "manifest/manifest-parse.h"

struct hosts_out {
	struct host_entry **v;
	size_t *n;
};

static void
entry_add(struct mparse *p, const struct ynode *at, const char *name, size_t nlen, const char *addr,
	  struct hosts_out *o)
{
	char n[nlen + 1], a[64];
	struct host_entry *e;
	const char *why;
	size_t alen = strlen(addr);

	memcpy(n, name, nlen);
	n[nlen] = '\0';
	if (alen > 2 && addr[0] == '[' && addr[alen - 1] == ']') {
		addr++;
		alen -= 2;
	}
	if (name_hostname_check(n, &why) < 0) {
		mp_error(p, at, "host %s: invalid name: %s", n, why);
		return;
	}
	if (alen >= sizeof a) {
		mp_error(p, at, "host %s: invalid address: too long", n);
		return;
	}
	memcpy(a, addr, alen);
	a[alen] = '\0';
	if (!(e = mp_push(p, o->v, o->n, sizeof(*e))))
		return;
	e->pos = mp_pos(at);
	if (ip_addr_parse(a, &e->addr, &why) < 0) {
		mp_error(p, at, "host %s: invalid address \"%s\": %s", n, a, why);
		(*o->n)--;
		return;
	}
	if (!(e->name = strdup(n))) {
		diag_add(p->d, 0, 0, "out of memory");
		(*o->n)--;
	}
}

static void
hosts_item(struct mparse *p, const struct ynode *key, const struct ynode *item, void *obj)
{
	const char *s = mp_scalar(p, key, item, "NAME:ADDRESS"), *sep;

	if (!s)
		return;
	sep = s + strcspn(s, ":=");
	if (!*sep || sep == s) {
		mp_error(p, item, "%s: expected NAME:ADDRESS or NAME=ADDRESS, got \"%s\"", key->str,
			 s);
		return;
	}
	entry_add(p, item, s, (size_t)(sep - s), sep + 1, obj);
}

void
mp_host_entries(struct mparse *p, const struct ynode *key, const struct ynode *val,
		struct host_entry **v, size_t *n)
{
	struct hosts_out o = {v, n};

	if (val->type != YNODE_MAP) {
		mp_seq(p, key, val, MANIFEST_MAX_HOSTS, hosts_item, &o);
		return;
	}
	for (size_t i = 0; i + 1 < val->n; i += 2) {
		const struct ynode *k = val->kids[i], *a = val->kids[i + 1];
		const char *s;

		if (k->skip || a->type == YNODE_BAD)
			continue;
		if (*n == MANIFEST_MAX_HOSTS) {
			mp_error(p, k, "%s: at most %d entries", key->str, MANIFEST_MAX_HOSTS);
			return;
		}
		if ((s = mp_scalar(p, k, a, "an address")))
			entry_add(p, a, k->str, k->len, s, &o);
	}
}

void
host_entries_free(struct host_entry *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].name);
	free(v);
}
