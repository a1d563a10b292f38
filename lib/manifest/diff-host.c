/* SPDX-License-Identifier: MIT */
/* The host-level half of a plan: host, network, firewall, logging and
 * update settings that differ between two manifests. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "manifest/diff-impl.h"

static const struct srcpos nowhere;

static void
diff_sysctls(struct change_list *l, const struct host_cfg *a, const struct host_cfg *b)
{
	for (size_t i = 0; i < b->n_sysctls; i++) {
		const struct host_sysctl *s = &b->sysctls[i];
		const struct host_sysctl *o = NULL;

		for (size_t k = 0; k < a->n_sysctls && !o; k++)
			if (strcmp(a->sysctls[k].key, s->key) == 0)
				o = &a->sysctls[k];
		if (!o)
			cl_add(l, "host.sysctls", CH_ADD, dv_printf("sysctl %s", s->key), NULL,
			       strdup(s->value), s->pos);
		else
			cl_scalar(l, "host.sysctls", dv_printf("sysctl %s", s->key),
				  strdup(o->value), strdup(s->value), s->pos);
	}
	for (size_t i = 0; i < a->n_sysctls; i++) {
		const struct host_sysctl *o = &a->sysctls[i];
		bool kept = false;

		for (size_t k = 0; k < b->n_sysctls && !kept; k++)
			kept = strcmp(b->sysctls[k].key, o->key) == 0;
		if (!kept)
			cl_add(l, "host.sysctls.removed", CH_REMOVE, dv_printf("sysctl %s", o->key),
			       strdup(o->value), NULL, o->pos);
	}
}

static char *
memory_reserve(uint64_t bytes)
{
	return bytes ? dv_size(bytes) : strdup("auto");
}

static void
diff_host_section(struct change_list *l, const struct manifest *a, const struct manifest *b)
{
	const struct host_cfg *x = &a->host, *y = &b->host;

	cl_scalar(l, "version", NULL, dv_uint((uint64_t)a->version), dv_uint((uint64_t)b->version),
		  nowhere);
	cl_scalar(l, "host.hostname", NULL, dv_str(x->hostname), dv_str(y->hostname), nowhere);
	cl_scalar(l, "host.debug_console", NULL, dv_bool(x->debug_console),
		  dv_bool(y->debug_console), nowhere);
	cl_scalar(l, "host.nosmt", NULL, dv_bool(x->nosmt), dv_bool(y->nosmt), nowhere);
	cl_scalar(l, "host.init_on_free", NULL, dv_bool(x->init_on_free), dv_bool(y->init_on_free),
		  nowhere);
	cl_scalar(l, "host.timezone", NULL, dv_str(x->timezone), dv_str(y->timezone), nowhere);
	diff_sysctls(l, x, y);
	cl_scalar(l, "host.memory_reserve", NULL, memory_reserve(x->memory_reserve),
		  memory_reserve(y->memory_reserve), nowhere);
}

static char *
route_text(const struct route *r)
{
	char to[IP_PREFIX_STRLEN], via[IP_ADDR_STRLEN] = "", metric[24] = "";

	ip_prefix_format(&r->to, to, sizeof to);
	if (r->has_via)
		ip_addr_format(&r->via, via, sizeof via);
	if (r->metric)
		snprintf(metric, sizeof metric, " metric %u", r->metric);
	return dv_printf("%s%s%s%s", to, r->has_via ? " via " : "", via, metric);
}

static char *
iface_key(const struct interface *i)
{
	char mac[MAC_STRLEN];

	if (!i->match_mac)
		return strdup(i->name);
	mac_format(&i->mac, mac, sizeof mac);
	return dv_printf("mac %s", mac);
}

static void
iface_lists(const struct interface *i, struct strv *addrs, struct strv *routes)
{
	for (size_t k = 0; k < i->n_addresses; k++)
		strv_add(addrs, dv_prefix(&i->addresses[k].prefix));
	for (size_t k = 0; k < i->n_routes; k++)
		strv_add(routes, route_text(&i->routes[k]));
}

static char *
mtu_text(uint32_t mtu)
{
	return mtu ? dv_uint(mtu) : strdup("as is");
}

/* What an interface added or removed as a whole is: "dhcp true, addresses
 * [192.0.2.10/24], routes [0.0.0.0/0 via 192.0.2.1], mtu 9000, ...". */
static char *
iface_text(const struct interface *i)
{
	struct strv a = {0}, r = {0};
	char *as, *rs, *mtu = mtu_text(i->mtu), *s = NULL;

	iface_lists(i, &a, &r);
	as = strv_join(&a);
	rs = strv_join(&r);
	if (as && rs && mtu)
		s = dv_printf("dhcp %s, addresses %s, routes %s, mtu %s, accept_ra %s",
			      i->dhcp ? "true" : "false", as, rs, mtu,
			      i->accept_ra ? "true" : "false");
	free(as);
	free(rs);
	free(mtu);
	strv_free(&a);
	strv_free(&r);
	return s;
}

static void
diff_iface(struct change_list *l, const char *key, const struct interface *a,
	   const struct interface *b)
{
	struct strv aa = {0}, ar = {0}, ba = {0}, br = {0};
	struct srcpos bap[MANIFEST_MAX_ADDRESSES], brp[MANIFEST_MAX_ROUTES];
	struct srcpos aap[MANIFEST_MAX_ADDRESSES], arp[MANIFEST_MAX_ROUTES];
	char lab[64];

	for (size_t k = 0; k < a->n_addresses; k++)
		aap[k] = a->addresses[k].pos;
	for (size_t k = 0; k < b->n_addresses; k++)
		bap[k] = b->addresses[k].pos;
	for (size_t k = 0; k < a->n_routes; k++)
		arp[k] = a->routes[k].pos;
	for (size_t k = 0; k < b->n_routes; k++)
		brp[k] = b->routes[k].pos;
	cl_scalar(l, "network.interfaces.*.dhcp", dv_printf("%s dhcp", key), dv_bool(a->dhcp),
		  dv_bool(b->dhcp), b->pos);
	cl_scalar(l, "network.interfaces.*.required", dv_printf("%s required", key),
		  dv_bool(manifest_iface_required(a)), dv_bool(manifest_iface_required(b)), b->pos);
	iface_lists(a, &aa, &ar);
	iface_lists(b, &ba, &br);
	snprintf(lab, sizeof lab, "%s address", key);
	cl_set(l, "network.interfaces.*.addresses", lab, &aa, aap, &ba, bap, b->pos);
	snprintf(lab, sizeof lab, "%s route", key);
	cl_set(l, "network.interfaces.*.routes", lab, &ar, arp, &br, brp, b->pos);
	cl_scalar(l, "network.interfaces.*.mtu", dv_printf("%s mtu", key), mtu_text(a->mtu),
		  mtu_text(b->mtu), b->pos);
	cl_scalar(l, "network.interfaces.*.accept_ra", dv_printf("%s accept_ra", key),
		  dv_bool(a->accept_ra), dv_bool(b->accept_ra), b->pos);
	strv_free(&aa);
	strv_free(&ar);
	strv_free(&ba);
	strv_free(&br);
}

static const struct interface *
iface_find(const struct network_cfg *n, const char *key)
{
	for (size_t i = 0; i < n->n_interfaces; i++) {
		char *k = iface_key(&n->interfaces[i]);
		bool same = k && strcmp(k, key) == 0;

		free(k);
		if (same)
			return &n->interfaces[i];
	}
	return NULL;
}

static void
diff_interfaces(struct change_list *l, const struct network_cfg *a, const struct network_cfg *b)
{
	for (size_t i = 0; i < a->n_interfaces; i++) {
		const struct interface *o = &a->interfaces[i];
		char *key = iface_key(o);

		if (key && !iface_find(b, key))
			cl_add(l, "network.interfaces", CH_REMOVE, dv_printf("interface %s", key),
			       iface_text(o), NULL, o->pos);
		l->failed |= !key;
		free(key);
	}
	for (size_t i = 0; i < b->n_interfaces; i++) {
		const struct interface *n = &b->interfaces[i], *o;
		char *key = iface_key(n);

		if (key && (o = iface_find(a, key)))
			diff_iface(l, key, o, n);
		else if (key)
			cl_add(l, "network.interfaces", CH_ADD, dv_printf("interface %s", key),
			       NULL, iface_text(n), n->pos);
		l->failed |= !key;
		free(key);
	}
}

static char *
addrs_text(const struct ip_addr *v, size_t n)
{
	struct strv s = {0};

	for (size_t i = 0; i < n; i++)
		strv_add(&s, dv_addr(&v[i]));
	return strv_done(&s, false);
}

static char *
words_text(char *const *v, size_t n, bool sorted)
{
	struct strv s = {0};

	for (size_t i = 0; i < n; i++)
		strv_add(&s, strdup(v[i]));
	return strv_done(&s, sorted);
}

static char *
subnet6_text(const struct bridge_cfg *b)
{
	return b->has_subnet6 ? dv_prefix(&b->subnet6) : strdup("(none)");
}

/* "(from DHCP)", "(off)", or the servers in the order written. */
static char *
ntp_text(const struct ntp_cfg *n)
{
	struct strv s = {0};

	if (!n->given)
		return strdup("(from DHCP)");
	if (n->n_servers == 0)
		return strdup("(off)");
	for (size_t i = 0; i < n->n_servers; i++)
		strv_add(&s, strdup(n->servers[i].name));
	return strv_done(&s, false);
}

/* Resolvers are asked in the order written, so order is a change. */
static void
diff_network(struct change_list *l, const struct network_cfg *a, const struct network_cfg *b)
{
	diff_interfaces(l, a, b);
	cl_scalar(l, "network.dns.nameservers", NULL,
		  addrs_text(a->dns.nameservers, a->dns.n_nameservers),
		  addrs_text(b->dns.nameservers, b->dns.n_nameservers), nowhere);
	cl_scalar(l, "network.dns.search", NULL, words_text(a->dns.search, a->dns.n_search, false),
		  words_text(b->dns.search, b->dns.n_search, false), nowhere);
	cl_scalar(l, "network.ntp", NULL, ntp_text(&a->ntp), ntp_text(&b->ntp), nowhere);
	cl_scalar(l, "network.hosts", NULL, dv_host_entries(a->hosts, a->n_hosts),
		  dv_host_entries(b->hosts, b->n_hosts), nowhere);
	cl_scalar(l, "network.ntp_nts", NULL, dv_bool(a->ntp.nts), dv_bool(b->ntp.nts), nowhere);
	cl_scalar(l, "network.bridge.subnet", NULL, dv_prefix(&a->bridge.subnet),
		  dv_prefix(&b->bridge.subnet), b->bridge.subnet_pos);
	cl_scalar(l, "network.bridge.subnet6", NULL, subnet6_text(&a->bridge),
		  subnet6_text(&b->bridge), b->bridge.subnet6_pos);
	cl_scalar(l, "network.bridge.icc", NULL, dv_bool(a->bridge.icc), dv_bool(b->bridge.icc),
		  nowhere);
}

/* "tcp 443", "udp 9100-9101 from 198.51.100.0/24" */
static char *
rule_text(const struct fw_rule *r)
{
	char port[16], from[IP_PREFIX_STRLEN + 8] = "";

	if (r->port_lo == r->port_hi)
		snprintf(port, sizeof port, "%u", r->port_lo);
	else
		snprintf(port, sizeof port, "%u-%u", r->port_lo, r->port_hi);
	if (r->has_from) {
		char p[IP_PREFIX_STRLEN];

		ip_prefix_format(&r->from, p, sizeof p);
		snprintf(from, sizeof from, " from %s", p);
	}
	return dv_printf("%s %s%s", proto_str(r->proto), port, from);
}

static void
diff_firewall(struct change_list *l, const struct firewall_cfg *a, const struct firewall_cfg *b)
{
	struct strv x = {0}, y = {0};
	struct srcpos xp[MANIFEST_MAX_ALLOW], yp[MANIFEST_MAX_ALLOW];

	cl_scalar(l, "network.firewall.inbound", NULL,
		  strdup(a->inbound == FW_DROP ? "drop" : "accept"),
		  strdup(b->inbound == FW_DROP ? "drop" : "accept"), nowhere);
	for (size_t i = 0; i < a->n_allow; i++) {
		strv_add(&x, rule_text(&a->allow[i]));
		xp[i] = a->allow[i].pos;
	}
	for (size_t i = 0; i < b->n_allow; i++) {
		strv_add(&y, rule_text(&b->allow[i]));
		yp[i] = b->allow[i].pos;
	}
	cl_set(l, "network.firewall.allow", NULL, &x, xp, &y, yp, nowhere);
	strv_free(&x);
	strv_free(&y);
}

/* A target as the diff shows it: its URL, and its TLS files, whose change
 * is a change of the target. */
static char *
target_str(const struct log_target *t)
{
	char *s;

	if (!t->ca)
		return strdup(t->url);
	if (asprintf(&s, "%s ca=%s%s%s%s%s", t->url, t->ca, t->cert ? " cert=" : "",
		     t->cert ? t->cert : "", t->key ? " key=" : "", t->key ? t->key : "") < 0)
		return NULL;
	return s;
}

static void
diff_logging(struct change_list *l, const struct logging_cfg *a, const struct logging_cfg *b)
{
	struct strv x = {0}, y = {0};
	struct srcpos xp[MANIFEST_MAX_FORWARD], yp[MANIFEST_MAX_FORWARD];

	for (size_t i = 0; i < a->n_forward; i++) {
		strv_add(&x, target_str(&a->forward[i]));
		xp[i] = a->forward[i].pos;
	}
	for (size_t i = 0; i < b->n_forward; i++) {
		strv_add(&y, target_str(&b->forward[i]));
		yp[i] = b->forward[i].pos;
	}
	cl_set(l, "logging.forward", NULL, &x, xp, &y, yp, nowhere);
	strv_free(&x);
	strv_free(&y);
	cl_scalar(l, "logging.local.max_size", NULL, dv_size(a->max_size), dv_size(b->max_size),
		  nowhere);
	cl_scalar(l, "logging.local.max_files", NULL, dv_uint(a->max_files), dv_uint(b->max_files),
		  nowhere);
	cl_scalar(l, "logging.kernel", NULL, dv_bool(a->kernel), dv_bool(b->kernel), nowhere);
	cl_scalar(l, "logging.firewall", NULL, dv_str(log_firewall_str(a->firewall)),
		  dv_str(log_firewall_str(b->firewall)), nowhere);
	cl_scalar(l, "logging.spool_size", NULL, dv_size(a->spool_size), dv_size(b->spool_size),
		  nowhere);
}

static char *
confirm_text(const struct update_cfg *u)
{
	char a[IP_ADDR_STRLEN];

	if (u->confirm_target == CT_NONE)
		return strdup("none");
	if (u->confirm_target == CT_GATEWAY)
		return strdup("gateway");
	ip_addr_format(&u->confirm_addr, a, sizeof a);
	return dv_printf(u->confirm_addr.family == AF_INET6 ? "[%s]:%u" : "%s:%u", a,
			 u->confirm_port);
}

static char *
windows_text(const struct update_cfg *u)
{
	struct strv s = {0};
	char w[64];

	for (size_t i = 0; i < u->n_windows; i++) {
		update_window_format(&u->windows[i], w, sizeof w);
		strv_add(&s, strdup(w));
	}
	return u->n_windows ? strv_done(&s, false) : (strv_free(&s), strdup("(any time)"));
}

static void
diff_update(struct change_list *l, const struct update_cfg *a, const struct update_cfg *b)
{
	cl_scalar(l, "update.confirm_after", NULL, dv_duration(a->confirm_after_ms),
		  dv_duration(b->confirm_after_ms), nowhere);
	cl_scalar(l, "update.tries", NULL, dv_uint(a->tries), dv_uint(b->tries), nowhere);
	cl_scalar(l, "update.health_deadline", NULL, dv_duration(a->health_deadline_ms),
		  dv_duration(b->health_deadline_ms), nowhere);
	cl_scalar(l, "update.confirm_target", NULL, confirm_text(a), confirm_text(b), nowhere);
	cl_scalar(l, "update.product", NULL, dv_str(a->product), dv_str(b->product), nowhere);
	cl_scalar(l, "update.boards", NULL, words_text(a->boards, a->n_boards, true),
		  words_text(b->boards, b->n_boards, true), nowhere);
	cl_scalar(l, "update.channel", NULL, dv_str(a->channel), dv_str(b->channel), nowhere);
	cl_scalar(l, "update.channel_ca", NULL, dv_str(a->channel_ca), dv_str(b->channel_ca),
		  nowhere);
	cl_scalar(l, "update.check_every", NULL, dv_duration(a->check_every_ms),
		  dv_duration(b->check_every_ms), nowhere);
	cl_scalar(l, "update.auto", NULL, dv_bool(a->auto_install), dv_bool(b->auto_install),
		  nowhere);
	cl_scalar(l, "update.download_rate", NULL, dv_size(a->download_rate),
		  dv_size(b->download_rate), nowhere);
	cl_scalar(l, "update.window", NULL, windows_text(a), windows_text(b), nowhere);
}

void
diff_host(struct change_list *l, const struct manifest *cur, const struct manifest *next)
{
	diff_host_section(l, cur, next);
	diff_network(l, &cur->network, &next->network);
	diff_firewall(l, &cur->network.firewall, &next->network.firewall);
	diff_logging(l, &cur->logging, &next->logging);
	diff_update(l, &cur->update, &next->update);
	cl_scalar(l, "trust", NULL, trust_line(&cur->trust), trust_line(&next->trust), nowhere);
}
