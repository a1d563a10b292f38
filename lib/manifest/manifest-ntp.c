/* SPDX-License-Identifier: MIT */
/* Reads network.ntp (the time servers) and checks network.ntp_nts against it. */
#include <stdlib.h>
#include <string.h>

#include "base/names.h"
#include "manifest/manifest-parse.h"

/* All digits and dots, or a colon: meant as an address, so it must be one
 * ("10.0.0.300" is a typo, not a host name). */
static bool
looks_like_address(const char *s)
{
	return strchr(s, ':') || strspn(s, "0123456789.") == strlen(s);
}

static void
ntp_item(struct mparse *p, const struct ynode *key, const struct ynode *item, void *obj)
{
	struct ntp_cfg *n = obj;
	const char *s = mp_scalar(p, key, item, "a server name or address"), *why;
	struct ntp_server *v;
	struct ip_addr a;

	if (!s)
		return;
	if (looks_like_address(s)) {
		if (ip_addr_parse(s, &a, &why) < 0) {
			mp_invalid(p, key, item, "address", why);
			return;
		}
	} else if (name_domain_check(s, &why) < 0) {
		mp_invalid(p, key, item, "server name", why);
		return;
	}
	for (size_t i = 0; i < n->n_servers; i++)
		if (strcasecmp(n->servers[i].name, s) == 0) {
			mp_error(p, item, "%s: server %s is listed twice (first at %u:%u)", key->str,
				 s, n->servers[i].pos.line, n->servers[i].pos.col);
			return;
		}
	if (!(v = mp_push(p, &n->servers, &n->n_servers, sizeof(*v))))
		return;
	v->pos = mp_pos(item);
	if (!(v->name = strdup(s)))
		diag_add(p->d, 0, 0, "out of memory");
}

void
mp_ntp(struct mparse *p, const struct ynode *key, const struct ynode *val, void *obj)
{
	struct ntp_cfg *n = &((struct network_cfg *)obj)->ntp;

	n->given = mp_seq(p, key, val, MANIFEST_MAX_NTP, ntp_item, n);
}

/* NTS authenticates a server by the name in its certificate: DHCP gives
 * bare addresses, and no list is no server at all. */
void
mp_ntp_check(struct mparse *p, const struct ynode *network)
{
	const struct ntp_cfg *n = &p->m->network.ntp;
	const struct ynode *nts = mp_get(network, "ntp_nts");

	if (!nts || !n->nts)
		return;
	if (!n->given)
		mp_error(p, nts,
			 "ntp_nts: NTS needs the servers named in network.ntp; "
			 "the addresses DHCP offers cannot be authenticated");
	else if (n->n_servers == 0)
		mp_error(p, nts, "ntp_nts: network.ntp is empty, so there is no server to use NTS with");
}
