/* SPDX-License-Identifier: MIT */
/* Reads the network: section of the manifest: interfaces, addresses,
 * routes, DNS, firewall and the container bridge (NTP: manifest-ntp.c). */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "manifest/manifest-parse.h"
#include "base/names.h"

/* An address or subnet within [min, max] prefix length; with
 * IP_PREFIX_SUBNET the host bits must be clear. family 0 takes either. */
static bool
prefix(struct mparse *p, const struct ynode *key, const struct ynode *val, int flags, int family,
       unsigned min, unsigned max, struct ip_prefix *out)
{
	const char *s = mp_scalar(p, key, val,
				  "an address with a prefix length, like "
				  "192.0.2.10/24"),
		   *why;
	char net[IP_PREFIX_STRLEN], msg[160];
	struct ip_prefix v;

	if (!s)
		return false;
	if (ip_prefix_parse(s, 0, &v, &why) < 0) {
		mp_invalid(p, key, val, "prefix", why);
		return false;
	}
	if (family && v.addr.family != family) {
		mp_invalid(p, key, val, "prefix",
			   family == AF_INET ? "expected an IPv4 subnet"
					     : "expected an IPv6 subnet");
		return false;
	}
	if (v.len < min || v.len > max) {
		snprintf(msg, sizeof(msg), "the prefix length must be from %u to %u", min, max);
		mp_invalid(p, key, val, "prefix", msg);
		return false;
	}
	if ((flags & IP_PREFIX_SUBNET) && ip_prefix_host_bits(&v)) {
		ip_prefix_network(&v);
		ip_prefix_format(&v, net, sizeof(net));
		snprintf(msg, sizeof(msg), "host bits are set (did you mean %s?)", net);
		mp_invalid(p, key, val, "subnet", msg);
		return false;
	}
	*out = v;
	return true;
}

static bool
address(struct mparse *p, const struct ynode *key, const struct ynode *val, struct ip_addr *out)
{
	const char *s = mp_scalar(p, key, val, "an IP address"), *why;

	if (!s)
		return false;
	if (ip_addr_parse(s, out, &why) < 0) {
		mp_invalid(p, key, val, "address", why);
		return false;
	}
	return true;
}

/* interfaces: - name/match, dhcp, addresses, routes, mtu, accept_ra */
static void
i_name(struct mparse *p, const struct ynode *key, const struct ynode *val, void *obj)
{
	struct interface *i = obj;
	const char *s = mp_scalar(p, key, val, "an interface name"), *why;

	if (!s)
		return;
	if (name_ifname_check(s, &why) < 0)
		mp_invalid(p, key, val, "interface name", why);
	else
		mp_string(p, key, val, IFNAME_MAX, "an interface name", &i->name);
}

static void
m_mac(struct mparse *p, const struct ynode *key, const struct ynode *val, void *obj)
{
	struct interface *i = obj;
	const char *s = mp_scalar(p, key, val, "a MAC address"), *why;

	if (!s)
		return;
	if (mac_parse(s, &i->mac, &why) < 0)
		mp_invalid(p, key, val, "MAC address", why);
	else
		i->match_mac = true;
}

static const struct mfield match_fields[] = {
    MF_FN("mac", m_mac),
};

static void
i_match(struct mparse *p, const struct ynode *key, const struct ynode *val, void *obj)
{
	if (mp_map(p, key, val, match_fields, 1, obj) && !mp_get(val, "mac"))
		mp_error(p, val, "match: missing required key \"mac\"");
}

static void
i_address_item(struct mparse *p, const struct ynode *key, const struct ynode *item, void *obj)
{
	struct interface *i = obj;
	struct ip_prefix v;
	struct iface_addr *a;

	if (!prefix(p, key, item, 0, 0, 1, 128, &v))
		return;
	if (!(a = mp_push(p, &i->addresses, &i->n_addresses, sizeof(*a))))
		return;
	a->prefix = v;
	a->pos = mp_pos(item);
}

static void
i_addresses(struct mparse *p, const struct ynode *key, const struct ynode *val, void *obj)
{
	mp_seq(p, key, val, MANIFEST_MAX_ADDRESSES, i_address_item, obj);
}

/* A route while it is read: "to: default" waits for via's family. */
struct route_tmp {
	struct route r;
	bool have_to, to_default;
};

static void
r_to(struct mparse *p, const struct ynode *key, const struct ynode *val, void *obj)
{
	struct route_tmp *t = obj;

	if (val->type == YNODE_SCALAR && strcmp(val->str, "default") == 0) {
		t->have_to = t->to_default = true;
		return;
	}
	t->have_to = prefix(p, key, val, IP_PREFIX_SUBNET, 0, 0, 128, &t->r.to);
}

static void
r_via(struct mparse *p, const struct ynode *key, const struct ynode *val, void *obj)
{
	struct route_tmp *t = obj;

	t->r.has_via = address(p, key, val, &t->r.via);
}

static const struct mfield route_fields[] = {
    MF_FN("to", r_to),
    MF_FN("via", r_via),
    MF_U32("metric", struct route_tmp, r.metric, 0, UINT32_MAX),
};

static void
i_route_item(struct mparse *p, const struct ynode *key, const struct ynode *item, void *obj)
{
	struct interface *i = obj;
	struct route_tmp t = {.r.pos = mp_pos(item)};
	struct route *r;

	if (!mp_map(p, key, item, route_fields, 3, &t))
		return;
	if (!mp_get(item, "to")) {
		mp_error(p, item, "routes: missing required key \"to\"");
		return;
	}
	if (!t.have_to)
		return;
	if (t.to_default) {
		t.r.to.addr.family = t.r.has_via ? t.r.via.family : AF_INET;
		t.r.to.len = 0;
	}
	if (t.r.has_via && t.r.via.family != t.r.to.addr.family) {
		mp_error(p, mp_get(item, "via"),
			 "via: the gateway and the destination must both "
			 "be IPv4 or both IPv6");
		return;
	}
	if ((r = mp_push(p, &i->routes, &i->n_routes, sizeof(*r))))
		*r = t.r;
}

static void
i_routes(struct mparse *p, const struct ynode *key, const struct ynode *val, void *obj)
{
	mp_seq(p, key, val, MANIFEST_MAX_ROUTES, i_route_item, obj);
}

static void
i_required(struct mparse *p, const struct ynode *key, const struct ynode *val, void *obj)
{
	struct interface *i = obj;

	if (mp_bool(p, key, val, &i->required))
		i->has_required = true;
}

static const struct mfield iface_fields[] = {
    MF_FN("name", i_name),
    MF_FN("required", i_required),
    MF_FN("match", i_match),
    MF_BOOL("dhcp", struct interface, dhcp),
    MF_FN("addresses", i_addresses),
    MF_FN("routes", i_routes),
    MF_U32("mtu", struct interface, mtu, 68, 65535),
    MF_BOOL("accept_ra", struct interface, accept_ra),
};

static void
interface_item(struct mparse *p, const struct ynode *key, const struct ynode *item, void *obj)
{
	struct network_cfg *n = obj;
	const struct ynode *name, *match;
	struct interface *i;

	if (!(i = mp_push(p, &n->interfaces, &n->n_interfaces, sizeof(*i))))
		return;
	i->pos = mp_pos(item);
	if (!mp_map(p, key, item, iface_fields, sizeof(iface_fields) / sizeof(iface_fields[0]), i))
		return;
	name = mp_get(item, "name");
	match = mp_get(item, "match");
	if (!name && !match)
		mp_error(p, item, "interfaces: an interface needs \"name\" or \"match\"");
	else if (name && match)
		mp_error(p, match, "match: give either \"name\" or \"match\", not both");
	if (i->mtu && i->mtu < 1280)
		for (size_t a = 0; a < i->n_addresses; a++)
			if (i->addresses[a].prefix.addr.family == AF_INET6) {
				mp_error(p, mp_get(item, "mtu"),
					 "mtu: IPv6 needs an MTU of at least 1280");
				break;
			}
}

static void
n_interfaces(struct mparse *p, const struct ynode *key, const struct ynode *val, void *obj)
{
	p->have_interfaces = true;
	mp_seq(p, key, val, MANIFEST_MAX_INTERFACES, interface_item, obj);
}

/* dns: */
static void
d_nameserver(struct mparse *p, const struct ynode *key, const struct ynode *item, void *obj)
{
	struct dns_cfg *d = obj;
	struct ip_addr a, *slot;

	if (!address(p, key, item, &a))
		return;
	if ((slot = mp_push(p, &d->nameservers, &d->n_nameservers, sizeof(*slot))))
		*slot = a;
}

static void
d_nameservers(struct mparse *p, const struct ynode *key, const struct ynode *val, void *obj)
{
	mp_seq(p, key, val, MANIFEST_MAX_NAMESERVERS, d_nameserver, obj);
}

static void
d_search_item(struct mparse *p, const struct ynode *key, const struct ynode *item, void *obj)
{
	struct dns_cfg *d = obj;
	const char *s = mp_scalar(p, key, item, "a domain name"), *why;
	char **slot;

	if (!s)
		return;
	if (name_domain_check(s, &why) < 0) {
		mp_invalid(p, key, item, "domain", why);
		return;
	}
	if ((slot = mp_push(p, &d->search, &d->n_search, sizeof(*slot))) && !(*slot = strdup(s)))
		diag_add(p->d, 0, 0, "out of memory");
}

static void
d_search(struct mparse *p, const struct ynode *key, const struct ynode *val, void *obj)
{
	mp_seq(p, key, val, MANIFEST_MAX_SEARCH, d_search_item, obj);
}

static const struct mfield dns_fields[] = {
    MF_FN("nameservers", d_nameservers),
    MF_FN("search", d_search),
};

static void
n_dns(struct mparse *p, const struct ynode *key, const struct ynode *val, void *obj)
{
	mp_map(p, key, val, dns_fields, 2, &((struct network_cfg *)obj)->dns);
}

/* firewall: */
static void
a_proto(struct mparse *p, const struct ynode *key, const struct ynode *val, void *obj)
{
	static const char *const names[] = {"tcp", "udp"};
	int v;

	if (mp_enum(p, key, val, names, 2, &v))
		((struct fw_rule *)obj)->proto = v ? IPPROTO_UDP : IPPROTO_TCP;
}

static void
a_port(struct mparse *p, const struct ynode *key, const struct ynode *val, void *obj)
{
	struct fw_rule *r = obj;
	const char *s = mp_scalar(p, key, val, "a port or a range like 8000-8010"), *why;

	if (s && port_range_parse(s, &r->port_lo, &r->port_hi, &why) < 0)
		mp_invalid(p, key, val, "port", why);
}

static void
a_from(struct mparse *p, const struct ynode *key, const struct ynode *val, void *obj)
{
	struct fw_rule *r = obj;

	r->has_from = prefix(p, key, val, IP_PREFIX_SUBNET, 0, 0, 128, &r->from);
}

static const struct mfield allow_fields[] = {
    MF_FN("proto", a_proto),
    MF_FN("port", a_port),
    MF_FN("from", a_from),
};

static void
f_allow_item(struct mparse *p, const struct ynode *key, const struct ynode *item, void *obj)
{
	struct firewall_cfg *f = obj;
	struct fw_rule r = {.proto = IPPROTO_TCP, .pos = mp_pos(item)}, *slot;

	if (!mp_map(p, key, item, allow_fields, 3, &r))
		return;
	if (!mp_get(item, "port")) {
		mp_error(p, item, "allow: missing required key \"port\"");
		return;
	}
	if (r.port_lo && (slot = mp_push(p, &f->allow, &f->n_allow, sizeof(*slot))))
		*slot = r;
}

static void
f_allow(struct mparse *p, const struct ynode *key, const struct ynode *val, void *obj)
{
	mp_seq(p, key, val, MANIFEST_MAX_ALLOW, f_allow_item, obj);
}

static const char *const fw_policy_names[] = {[FW_DROP] = "drop", [FW_ACCEPT] = "accept"};

static const struct mfield firewall_fields[] = {
    MF_ENUM("inbound", struct firewall_cfg, inbound, fw_policy_names),
    MF_FN("allow", f_allow),
};

static void
n_firewall(struct mparse *p, const struct ynode *key, const struct ynode *val, void *obj)
{
	mp_map(p, key, val, firewall_fields, 2, &((struct network_cfg *)obj)->firewall);
}

/* bridge: */
static void
b_subnet(struct mparse *p, const struct ynode *key, const struct ynode *val, void *obj)
{
	struct bridge_cfg *b = obj;

	/* /29 leaves the gateway and five containers; /8 is already absurd. */
	if (prefix(p, key, val, IP_PREFIX_SUBNET, AF_INET, 8, 29, &b->subnet))
		b->subnet_pos = mp_pos(val);
}

static void
b_subnet6(struct mparse *p, const struct ynode *key, const struct ynode *val, void *obj)
{
	struct bridge_cfg *b = obj;

	if (prefix(p, key, val, IP_PREFIX_SUBNET, AF_INET6, 48, 120, &b->subnet6)) {
		b->has_subnet6 = true;
		b->subnet6_pos = mp_pos(val);
	}
}

static const struct mfield bridge_fields[] = {
    MF_FN("subnet", b_subnet),
    MF_FN("subnet6", b_subnet6),
    MF_BOOL("icc", struct bridge_cfg, icc),
};

static void
n_bridge(struct mparse *p, const struct ynode *key, const struct ynode *val, void *obj)
{
	mp_map(p, key, val, bridge_fields, 3, &((struct network_cfg *)obj)->bridge);
}

static void
n_hosts(struct mparse *p, const struct ynode *key, const struct ynode *val, void *obj)
{
	struct network_cfg *n = obj;

	mp_host_entries(p, key, val, &n->hosts, &n->n_hosts);
}

static const struct mfield network_fields[] = {
    MF_FN("interfaces", n_interfaces),
    MF_FN("dns", n_dns),
    MF_FN("ntp", mp_ntp),
    MF_BOOL("ntp_nts", struct network_cfg, ntp.nts),
    MF_FN("firewall", n_firewall),
    MF_FN("bridge", n_bridge),
    MF_FN("hosts", n_hosts),
};

void
mp_network(struct mparse *p, const struct ynode *key, const struct ynode *val, void *obj)
{
	(void)obj;
	if (mp_map(p, key, val, network_fields, sizeof(network_fields) / sizeof(network_fields[0]),
		   &p->m->network))
		mp_ntp_check(p, val);
}
