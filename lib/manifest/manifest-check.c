/* SPDX-License-Identifier: MIT */
/* Checks of the manifest that span fields: dependencies and their cycles,
 * the start order, published ports, nested bind sources, interfaces and
 * overlapping subnets. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "manifest/manifest-parse.h"
#include "base/names.h"
#include "base/suggest.h"

#define NO_INDEX SIZE_MAX

static void error_at(struct mparse *p, struct srcpos pos, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
error_at(struct mparse *p, struct srcpos pos, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	diag_add(p->d, pos.line, pos.col, "%s", msg);
}

static bool
pos_before(struct srcpos a, struct srcpos b)
{
	return a.line < b.line || (a.line == b.line && a.col < b.col);
}

struct named {
	const char *name;
	size_t index;
};

static int
named_cmp(const void *a, const void *b)
{
	return strcmp(((const struct named *)a)->name, ((const struct named *)b)->name);
}

static void
dep_unknown(struct mparse *p, const struct dependency *d, const char **names, size_t n)
{
	/* Once the error list is full, finding suggestions is wasted work. */
	const char *best = p->d->n < DIAG_MAX ? suggest(d->name, names, n) : NULL;

	if (best)
		error_at(p, d->pos, "depends_on: unknown container \"%s\" (did you mean \"%s\"?)",
			 d->name, best);
	else
		error_at(p, d->pos, "depends_on: unknown container \"%s\"", d->name);
}

/* Resolves every depends_on name to an index and checks conditions. Names
 * are looked up in a sorted table: a manifest may hold 1000 containers with
 * 1000 dependencies each. */
static void
check_deps_resolve(struct mparse *p)
{
	struct manifest *m = p->m;
	size_t n = m->n_containers;
	const char **names = calloc(n + 1, sizeof(*names));
	struct named *sorted = calloc(n + 1, sizeof(*sorted));

	if (!names || !sorted) {
		diag_add(p->d, 0, 0, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		names[i] = m->containers[i].name;
		sorted[i] = (struct named){m->containers[i].name, i};
	}
	qsort(sorted, n, sizeof(*sorted), named_cmp);
	for (size_t i = 0; i < n; i++) {
		struct container *c = &m->containers[i];

		for (size_t k = 0; k < c->n_depends_on; k++) {
			struct dependency *d = &c->depends_on[k];
			struct named key = {d->name, 0}, *hit;

			hit = bsearch(&key, sorted, n, sizeof(*sorted), named_cmp);
			d->index = hit ? hit->index : NO_INDEX;
			if (!hit)
				dep_unknown(p, d, names, n);
			else if (d->condition == DEP_HEALTHY &&
				 m->containers[hit->index].health.kind == HEALTH_NONE)
				error_at(p, d->pos,
					 "depends_on: container \"%s\" has no healthcheck, so "
					 "service_healthy can never be met",
					 d->name);
		}
	}
out:
	free(names);
	free(sorted);
}

struct dfs {
	struct mparse *p;
	unsigned char *state; /* 0 new, 1 on the path, 2 done */
	size_t *path, depth;
	bool cycle;
};

/* Depth-first from container i; an edge back onto the current path closes
 * a cycle, which is reported at that edge with every name on it. */
static void
dfs_visit(struct dfs *s, size_t i)
{
	struct manifest *m = s->p->m;
	struct container *c = &m->containers[i];

	s->state[i] = 1;
	s->path[s->depth++] = i;
	for (size_t k = 0; k < c->n_depends_on; k++) {
		size_t j = c->depends_on[k].index, from;
		char msg[1024];
		size_t off = 0;

		if (j == NO_INDEX || s->state[j] == 2)
			continue;
		if (s->state[j] == 0) {
			dfs_visit(s, j);
			continue;
		}
		s->cycle = true;
		for (from = 0; s->path[from] != j; from++)
			;
		for (size_t x = from; x < s->depth && off < sizeof(msg); x++)
			off += (size_t)snprintf(msg + off, sizeof(msg) - off, "%s -> ",
						m->containers[s->path[x]].name);
		if (off < sizeof(msg))
			snprintf(msg + off, sizeof(msg) - off, "%s", m->containers[j].name);
		error_at(s->p, c->depends_on[k].pos, "depends_on: dependency cycle %s", msg);
	}
	s->depth--;
	s->state[i] = 2;
}

/* Kahn's algorithm, picking the earliest container in the file that is
 * ready, so that independent containers start in file order. */
static void
start_order(struct mparse *p)
{
	struct manifest *m = p->m;
	size_t n = m->n_containers, done = 0;
	size_t *order = malloc((n + 1) * sizeof(*order));
	bool *started = calloc(n + 1, sizeof(*started));

	if (!order || !started) {
		diag_add(p->d, 0, 0, "out of memory");
		goto out;
	}
	while (done < n) {
		size_t i;

		for (i = 0; i < n; i++) {
			struct container *c = &m->containers[i];
			size_t k;

			if (started[i])
				continue;
			for (k = 0; k < c->n_depends_on; k++)
				if (!started[c->depends_on[k].index])
					break;
			if (k == c->n_depends_on)
				break;
		}
		if (i == n) /* cannot happen without a cycle */
			goto out;
		started[i] = true;
		order[done++] = i;
	}
	m->start_order = order;
	order = NULL;
out:
	free(order);
	free(started);
}

static void
check_deps(struct mparse *p)
{
	struct manifest *m = p->m;
	struct dfs s = {.p = p};
	bool unresolved = false;

	check_deps_resolve(p);
	s.state = calloc(m->n_containers + 1, 1);
	s.path = calloc(m->n_containers + 1, sizeof(*s.path));
	if (!s.state || !s.path) {
		diag_add(p->d, 0, 0, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < m->n_containers; i++)
		if (s.state[i] == 0)
			dfs_visit(&s, i);
	for (size_t i = 0; i < m->n_containers; i++)
		for (size_t k = 0; k < m->containers[i].n_depends_on; k++)
			unresolved |= m->containers[i].depends_on[k].index == NO_INDEX;
	if (!s.cycle && !unresolved)
		start_order(p);
out:
	free(s.state);
	free(s.path);
}

struct pub {
	const struct port_map *map;
	const struct container *c;
	bool reported;
};

static int
pub_cmp(const void *a, const void *b)
{
	const struct port_map *x = ((const struct pub *)a)->map, *y = ((const struct pub *)b)->map;

	if (x->proto != y->proto)
		return x->proto < y->proto ? -1 : 1;
	if (x->host_port != y->host_port)
		return x->host_port < y->host_port ? -1 : 1;
	return pos_before(x->pos, y->pos) ? -1 : pos_before(y->pos, x->pos);
}

/* Could both be bound at once? Only on different addresses of a family, or
 * on different families. */
static bool
ips_clash(const struct port_map *x, const struct port_map *y)
{
	if (!x->has_host_ip || !y->has_host_ip)
		return true;
	if (x->host_ip.family != y->host_ip.family)
		return false;
	return ip_addr_is_unspecified(&x->host_ip) || ip_addr_is_unspecified(&y->host_ip) ||
	       ip_addr_equal(&x->host_ip, &y->host_ip);
}

static void
port_clash(struct mparse *p, struct pub *a, struct pub *b)
{
	struct pub *first = a, *later = b;
	unsigned port =
	    a->map->host_port > b->map->host_port ? a->map->host_port : b->map->host_port;

	if (pos_before(b->map->pos, a->map->pos))
		first = b, later = a;
	if (later->reported)
		return;
	later->reported = true;
	error_at(p, later->map->pos,
		 "ports: host port %u/%s is already published by container \"%s\" at %u:%u", port,
		 proto_str(later->map->proto), first->c->name, first->map->pos.line,
		 first->map->pos.col);
}

/* Sorted by protocol and first port, a mapping can only clash with those
 * after it that start within its range. */
static void
check_ports(struct mparse *p)
{
	struct manifest *m = p->m;
	struct pub *v = NULL;
	size_t n = 0;

	for (size_t i = 0; i < m->n_containers; i++) {
		const struct container *c = &m->containers[i];

		if (c->n_ports && c->network_mode != NET_BRIDGE)
			error_at(p, c->ports[0].pos,
				 "ports: publishing ports needs network_mode "
				 "bridge (this container uses %s)",
				 net_mode_str(c->network_mode));
		for (size_t k = 0; k < c->n_ports; k++) {
			struct pub *slot = mp_push(p, &v, &n, sizeof(*v));

			if (!slot)
				goto out;
			*slot = (struct pub){&c->ports[k], c, false};
		}
	}
	if (n > 1)
		qsort(v, n, sizeof(*v), pub_cmp);
	for (size_t i = 0; i < n; i++) {
		unsigned end = (unsigned)v[i].map->host_port + v[i].map->count;

		for (size_t j = i + 1;
		     j < n && v[j].map->proto == v[i].map->proto && v[j].map->host_port < end; j++)
			if (ips_clash(v[i].map, v[j].map))
				port_clash(p, &v[i], &v[j]);
	}
out:
	free(v);
}

static void
iface_label(const struct interface *i, char *buf, size_t len)
{
	char mac[MAC_STRLEN];

	if (i->name) {
		snprintf(buf, len, "%s", i->name);
	} else if (i->match_mac) {
		mac_format(&i->mac, mac, sizeof(mac));
		snprintf(buf, len, "with MAC %s", mac);
	} else {
		snprintf(buf, len, "at %u:%u", i->pos.line, i->pos.col);
	}
}

static void
check_interfaces(struct mparse *p)
{
	const struct network_cfg *n = &p->m->network;

	for (size_t i = 0; i < n->n_interfaces; i++) {
		const struct interface *x = &n->interfaces[i];
		bool name_seen = false, mac_seen = false;

		for (size_t j = 0; j < i; j++) {
			const struct interface *y = &n->interfaces[j];
			char mac[MAC_STRLEN];

			if (!name_seen && x->name && y->name && strcmp(x->name, y->name) == 0) {
				error_at(p, x->pos,
					 "interfaces: %s is configured twice (first at "
					 "%u:%u)",
					 x->name, y->pos.line, y->pos.col);
				name_seen = true;
			}
			if (!mac_seen && x->match_mac && y->match_mac &&
			    memcmp(&x->mac, &y->mac, 6) == 0) {
				mac_format(&x->mac, mac, sizeof(mac));
				error_at(p, x->pos,
					 "interfaces: MAC %s is matched twice (first at "
					 "%u:%u)",
					 mac, y->pos.line, y->pos.col);
				mac_seen = true;
			}
		}
	}
}

/* Two interfaces in one subnet make routing ambiguous; one address twice
 * is a typo. */
static void
check_addresses(struct mparse *p)
{
	const struct network_cfg *n = &p->m->network;

	for (size_t i = 0; i < n->n_interfaces; i++) {
		const struct interface *x = &n->interfaces[i];

		for (size_t a = 0; a < x->n_addresses; a++) {
			const struct iface_addr *xa = &x->addresses[a];
			bool found = false;

			for (size_t j = 0; j <= i && !found; j++) {
				const struct interface *y = &n->interfaces[j];
				size_t nb = j == i ? a : y->n_addresses;

				for (size_t b = 0; b < nb && !found; b++) {
					const struct iface_addr *ya = &y->addresses[b];
					char s1[IP_PREFIX_STRLEN], s2[IP_PREFIX_STRLEN], lbl[64];

					if (ip_addr_equal(&xa->prefix.addr, &ya->prefix.addr)) {
						ip_prefix_format(&xa->prefix, s1, sizeof(s1));
						error_at(p, xa->pos,
							 "addresses: %s is given twice "
							 "(first at %u:%u)",
							 s1, ya->pos.line, ya->pos.col);
						found = true;
					} else if (j != i &&
						   ip_prefix_overlap(&xa->prefix, &ya->prefix)) {
						ip_prefix_format(&xa->prefix, s1, sizeof(s1));
						ip_prefix_format(&ya->prefix, s2, sizeof(s2));
						iface_label(y, lbl, sizeof(lbl));
						error_at(p, xa->pos,
							 "addresses: %s overlaps %s of "
							 "interface %s (at %u:%u)",
							 s1, s2, lbl, ya->pos.line, ya->pos.col);
						found = true;
					}
				}
			}
		}
	}
}

/* The container bridge must not share addresses with a real network, or
 * replies to that network would go to containers. */
static void
check_bridge_net(struct mparse *p, const struct ip_prefix *br, struct srcpos brpos, const char *key)
{
	const struct network_cfg *n = &p->m->network;
	char s1[IP_PREFIX_STRLEN], s2[IP_PREFIX_STRLEN], lbl[64];

	ip_prefix_format(br, s1, sizeof(s1));
	for (size_t i = 0; i < n->n_interfaces; i++) {
		const struct interface *x = &n->interfaces[i];

		for (size_t a = 0; a < x->n_addresses; a++) {
			const struct iface_addr *xa = &x->addresses[a];

			if (!ip_prefix_overlap(br, &xa->prefix))
				continue;
			ip_prefix_format(&xa->prefix, s2, sizeof(s2));
			iface_label(x, lbl, sizeof(lbl));
			if (brpos.line)
				error_at(p, brpos,
					 "%s: the bridge subnet %s overlaps %s of "
					 "interface %s (at %u:%u)",
					 key, s1, s2, lbl, xa->pos.line, xa->pos.col);
			else
				error_at(p, xa->pos,
					 "addresses: %s overlaps the default bridge "
					 "subnet %s (set network.bridge.subnet)",
					 s2, s1);
		}
	}
}

/* Each container on the bridge takes one address; the network, the
 * gateway and the broadcast address take three more. */
static void
check_bridge_room(struct mparse *p)
{
	const struct manifest *m = p->m;
	const struct bridge_cfg *b = &m->network.bridge;
	size_t room = ((size_t)1 << (32 - b->subnet.len)) - 3, used = 0;
	char s[IP_PREFIX_STRLEN];

	ip_prefix_format(&b->subnet, s, sizeof(s));
	for (size_t i = 0; i < m->n_containers; i++) {
		const struct container *c = &m->containers[i];

		if (c->network_mode != NET_BRIDGE || ++used != room + 1)
			continue;
		if (b->subnet_pos.line)
			error_at(p, b->subnet_pos,
				 "subnet: %s has room for %zu containers, but more "
				 "use the bridge",
				 s, room);
		else
			error_at(p, c->pos,
				 "container \"%s\": the default bridge subnet %s has room "
				 "for %zu containers (set network.bridge.subnet)",
				 c->name, s, room);
	}
}

/* A container's IPv6 address is subnet6's network plus the host part of
 * its IPv4 address (lib/net/bridge.c), so subnet6 needs as many host bits. */
static void
check_bridge_subnet6(struct mparse *p)
{
	const struct bridge_cfg *b = &p->m->network.bridge;
	char s4[IP_PREFIX_STRLEN], s6[IP_PREFIX_STRLEN];

	if (!b->has_subnet6 || 128 - b->subnet6.len >= 32 - b->subnet.len)
		return;
	ip_prefix_format(&b->subnet, s4, sizeof(s4));
	ip_prefix_format(&b->subnet6, s6, sizeof(s6));
	error_at(p, b->subnet6_pos,
		 "subnet6: %s is smaller than subnet %s: a container's IPv6 address takes the "
		 "host part of its IPv4 one, so use a prefix length of at most /%u",
		 s6, s4, 96 + b->subnet.len);
}

/* A bind source, where it is written and by which container. */
struct bindsrc {
	const char *path;
	const struct volume *v;
	const char *container;
};

/* Path order with '/' below every other byte: a directory's descendants
 * follow it directly ("a", "a/b", "a-c"), so a nested source is found by
 * looking at the closest top-level one before it. */
static int
path_cmp(const char *a, const char *b)
{
	for (; *a && *a == *b; a++, b++)
		;
	unsigned char x = *a == '/' ? 1 : (unsigned char)*a, y = *b == '/' ? 1 : (unsigned char)*b;
	return (x > y) - (x < y);
}

static int
bindsrc_cmp(const void *a, const void *b)
{
	const struct bindsrc *x = a, *y = b;
	int c = path_cmp(x->path, y->path);

	if (c)
		return c;
	return pos_before(x->v->pos, y->v->pos) ? -1 : pos_before(y->v->pos, x->v->pos);
}

/* Sources are shown as written, ./sub for BIND_DIR/sub: the parser keeps
 * only binds under BIND_DIR. */
static void
bind_nested(struct mparse *p, const struct bindsrc *top, const struct bindsrc *sub)
{
	size_t n = strlen(BIND_DIR);

	error_at(p, sub->v->pos,
		 "volumes: bind source .%s is inside bind source .%s (container %s, %u:%u), "
		 "refused: a container that writes .%s could put a symlink on the way",
		 sub->path + n, top->path + n, top->container, top->v->pos.line, top->v->pos.col,
		 top->path + n);
}

/* No bind source lies below another, across all containers: whoever can
 * write the upper one could plant a symlink where the lower one is looked
 * up. The same source in several containers is fine. */
static void
check_binds(struct mparse *p)
{
	const struct manifest *m = p->m;
	struct bindsrc *b;
	size_t n = 0, top = 0;

	for (size_t i = 0; i < m->n_containers; i++)
		for (size_t j = 0; j < m->containers[i].n_volumes; j++)
			n += m->containers[i].volumes[j].kind == VOLUME_BIND;
	if (n < 2)
		return;
	if (!(b = calloc(n, sizeof(*b)))) {
		diag_add(p->d, 0, 0, "out of memory");
		return;
	}
	n = 0;
	for (size_t i = 0; i < m->n_containers; i++) {
		const struct container *c = &m->containers[i];
		for (size_t j = 0; j < c->n_volumes; j++) {
			const struct volume *v = &c->volumes[j];
			if (v->kind == VOLUME_BIND)
				b[n++] = (struct bindsrc){v->source, v, c->name};
		}
	}
	qsort(b, n, sizeof(*b), bindsrc_cmp);
	for (size_t i = 1; i < n; i++) {
		size_t len = strlen(b[top].path);

		if (strncmp(b[i].path, b[top].path, len) == 0 && b[i].path[len] == '/')
			bind_nested(p, &b[top], &b[i]);
		else if (strcmp(b[i].path, b[top].path) != 0)
			top = i;
	}
	free(b);
}

void
manifest_check(struct mparse *p)
{
	const struct bridge_cfg *b = &p->m->network.bridge;

	check_deps(p);
	check_ports(p);
	check_binds(p);
	check_interfaces(p);
	check_addresses(p);
	check_bridge_net(p, &b->subnet, b->subnet_pos, "subnet");
	if (b->has_subnet6)
		check_bridge_net(p, &b->subnet6, b->subnet6_pos, "subnet6");
	check_bridge_subnet6(p);
	check_bridge_room(p);
}
