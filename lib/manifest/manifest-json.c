/* SPDX-License-Identifier: MIT */
/* Writes the normalised manifest model, defaults included, as JSON. */
#include <stdio.h>
#include <sys/socket.h>
#include <string.h>

#include "manifest/cap.h"
#include "manifest/manifest.h"

static void
key_string(struct json *j, const char *k, const char *v)
{
	json_key(j, k);
	json_string(j, v);
}

static void
key_bool(struct json *j, const char *k, bool v)
{
	json_key(j, k);
	json_bool(j, v);
}

static void
key_uint(struct json *j, const char *k, uint64_t v)
{
	json_key(j, k);
	json_uint(j, v);
}

static void
key_duration(struct json *j, const char *k, uint64_t ms)
{
	char buf[DURATION_STRLEN];

	duration_format(ms, buf, sizeof(buf));
	key_string(j, k, buf);
}

static void
key_strings(struct json *j, const char *k, char *const *v, size_t n)
{
	if (k)
		json_key(j, k);
	json_array_begin(j);
	for (size_t i = 0; i < n; i++)
		json_string(j, v[i]);
	json_array_end(j);
}

static void
write_prefix(struct json *j, const struct ip_prefix *p)
{
	char buf[IP_PREFIX_STRLEN];

	ip_prefix_format(p, buf, sizeof(buf));
	json_string(j, buf);
}

static void
write_addr(struct json *j, const struct ip_addr *a)
{
	char buf[IP_ADDR_STRLEN];

	ip_addr_format(a, buf, sizeof(buf));
	json_string(j, buf);
}

/* network.hosts and extra_hosts: [{"name": ..., "address": ...}] */
static void
write_host_entries(struct json *j, const char *key, const struct host_entry *v, size_t n)
{
	json_key(j, key);
	json_array_begin(j);
	for (size_t i = 0; i < n; i++) {
		json_object_begin(j);
		key_string(j, "name", v[i].name);
		json_key(j, "address");
		write_addr(j, &v[i].addr);
		json_object_end(j);
	}
	json_array_end(j);
}

static void
write_host(struct json *j, const struct host_cfg *h)
{
	json_key(j, "host");
	json_object_begin(j);
	key_string(j, "hostname", h->hostname);
	key_bool(j, "debug_console", h->debug_console);
	key_bool(j, "nosmt", h->nosmt);
	key_bool(j, "init_on_free", h->init_on_free);
	key_string(j, "timezone", h->timezone);
	json_key(j, "sysctls");
	json_object_begin(j);
	for (size_t i = 0; i < h->n_sysctls; i++)
		key_string(j, h->sysctls[i].key, h->sysctls[i].value);
	json_object_end(j);
	json_key(j, "memory_reserve");
	if (h->memory_reserve)
		json_uint(j, h->memory_reserve);
	else
		json_null(j); /* automatic: the supervisor computes it from RAM */
	json_object_end(j);
}

static void
write_interface(struct json *j, const struct interface *i)
{
	char mac[MAC_STRLEN];

	json_object_begin(j);
	key_string(j, "name", i->name);
	json_key(j, "match");
	if (i->match_mac) {
		json_object_begin(j);
		mac_format(&i->mac, mac, sizeof(mac));
		key_string(j, "mac", mac);
		json_object_end(j);
	} else {
		json_null(j);
	}
	key_bool(j, "dhcp", i->dhcp);
	key_bool(j, "required", manifest_iface_required(i));
	key_bool(j, "accept_ra", i->accept_ra);
	json_key(j, "mtu");
	if (i->mtu)
		json_uint(j, i->mtu);
	else
		json_null(j);
	json_key(j, "addresses");
	json_array_begin(j);
	for (size_t a = 0; a < i->n_addresses; a++)
		write_prefix(j, &i->addresses[a].prefix);
	json_array_end(j);
	json_key(j, "routes");
	json_array_begin(j);
	for (size_t r = 0; r < i->n_routes; r++) {
		json_object_begin(j);
		json_key(j, "to");
		write_prefix(j, &i->routes[r].to);
		json_key(j, "via");
		if (i->routes[r].has_via)
			write_addr(j, &i->routes[r].via);
		else
			json_null(j);
		key_uint(j, "metric", i->routes[r].metric);
		json_object_end(j);
	}
	json_array_end(j);
	json_object_end(j);
}

static void
write_firewall(struct json *j, const struct firewall_cfg *f)
{
	char port[16];

	json_key(j, "firewall");
	json_object_begin(j);
	key_string(j, "inbound", f->inbound == FW_DROP ? "drop" : "accept");
	json_key(j, "allow");
	json_array_begin(j);
	for (size_t i = 0; i < f->n_allow; i++) {
		const struct fw_rule *r = &f->allow[i];

		json_object_begin(j);
		key_string(j, "proto", proto_str(r->proto));
		if (r->port_lo == r->port_hi)
			snprintf(port, sizeof(port), "%u", r->port_lo);
		else
			snprintf(port, sizeof(port), "%u-%u", r->port_lo, r->port_hi);
		key_string(j, "port", port);
		json_key(j, "from");
		if (r->has_from)
			write_prefix(j, &r->from);
		else
			json_null(j);
		json_object_end(j);
	}
	json_array_end(j);
	json_object_end(j);
}

static void
write_network(struct json *j, const struct network_cfg *n)
{
	json_key(j, "network");
	json_object_begin(j);
	json_key(j, "interfaces");
	json_array_begin(j);
	for (size_t i = 0; i < n->n_interfaces; i++)
		write_interface(j, &n->interfaces[i]);
	json_array_end(j);
	json_key(j, "dns");
	json_object_begin(j);
	json_key(j, "nameservers");
	json_array_begin(j);
	for (size_t i = 0; i < n->dns.n_nameservers; i++)
		write_addr(j, &n->dns.nameservers[i]);
	json_array_end(j);
	key_strings(j, "search", n->dns.search, n->dns.n_search);
	json_object_end(j);
	/* null: the servers DHCP offers; []: no NTP. */
	json_key(j, "ntp");
	if (n->ntp.given) {
		json_array_begin(j);
		for (size_t i = 0; i < n->ntp.n_servers; i++)
			json_string(j, n->ntp.servers[i].name);
		json_array_end(j);
	} else {
		json_null(j);
	}
	key_bool(j, "ntp_nts", n->ntp.nts);
	write_firewall(j, &n->firewall);
	json_key(j, "bridge");
	json_object_begin(j);
	json_key(j, "subnet");
	write_prefix(j, &n->bridge.subnet);
	json_key(j, "subnet6");
	if (n->bridge.has_subnet6)
		write_prefix(j, &n->bridge.subnet6);
	else
		json_null(j);
	key_bool(j, "icc", n->bridge.icc);
	json_object_end(j);
	write_host_entries(j, "hosts", n->hosts, n->n_hosts);
	json_object_end(j);
}

static void
write_logging(struct json *j, const struct logging_cfg *l)
{
	json_key(j, "logging");
	json_object_begin(j);
	json_key(j, "forward");
	json_array_begin(j);
	for (size_t i = 0; i < l->n_forward; i++) {
		json_object_begin(j);
		key_string(j, "url", l->forward[i].url);
		key_string(j, "proto", log_proto_str(l->forward[i].proto));
		key_string(j, "host", l->forward[i].host);
		key_uint(j, "port", l->forward[i].port);
		if (l->forward[i].ca)
			key_string(j, "ca", l->forward[i].ca);
		if (l->forward[i].cert)
			key_string(j, "cert", l->forward[i].cert);
		if (l->forward[i].key)
			key_string(j, "key", l->forward[i].key);
		json_object_end(j);
	}
	json_array_end(j);
	json_key(j, "local");
	json_object_begin(j);
	key_uint(j, "max_size", l->max_size);
	key_uint(j, "max_files", l->max_files);
	json_object_end(j);
	key_bool(j, "kernel", l->kernel);
	key_string(j, "firewall", log_firewall_str(l->firewall));
	key_uint(j, "spool_size", l->spool_size);
	json_object_end(j);
}

static void
write_update(struct json *j, const struct update_cfg *u)
{
	json_key(j, "update");
	json_object_begin(j);
	key_duration(j, "confirm_after", u->confirm_after_ms);
	key_uint(j, "tries", u->tries);
	key_duration(j, "health_deadline", u->health_deadline_ms);
	json_key(j, "confirm_target");
	if (u->confirm_target == CT_TCP) {
		char a[IP_ADDR_STRLEN], t[IP_ADDR_STRLEN + 10];
		ip_addr_format(&u->confirm_addr, a, sizeof(a));
		snprintf(t, sizeof(t), u->confirm_addr.family == AF_INET6 ? "[%s]:%u" : "%s:%u", a,
			 u->confirm_port);
		json_string(j, t);
	} else {
		json_string(j, u->confirm_target == CT_NONE ? "none" : "gateway");
	}
	key_string(j, "product", u->product);
	json_key(j, "boards");
	json_array_begin(j);
	for (size_t i = 0; i < u->n_boards; i++)
		json_string(j, u->boards[i]);
	json_array_end(j);
	key_string(j, "channel", u->channel);
	key_string(j, "channel_ca", u->channel_ca);
	key_duration(j, "check_every", u->check_every_ms);
	key_bool(j, "auto", u->auto_install);
	json_key(j, "download_rate");
	if (u->download_rate)
		json_uint(j, u->download_rate);
	else
		json_null(j);
	json_key(j, "window");
	json_array_begin(j);
	for (size_t i = 0; i < u->n_windows; i++) {
		char w[64];

		update_window_format(&u->windows[i], w, sizeof w);
		json_string(j, w);
	}
	json_array_end(j);
	json_object_end(j);
}

static void
write_caps(struct json *j, const char *key, uint64_t set, bool all)
{
	json_key(j, key);
	json_array_begin(j);
	if (all || set == CAP_ALL_SET)
		json_string(j, "ALL");
	else
		for (int c = 0; c < CAP_NUM; c++)
			if (set & CAP_BIT(c))
				json_string(j, cap_name(c));
	json_array_end(j);
}

/* Which of the policy's lists the build checks the image against, and the
 * scope it came from (null: the policy's default). */
static void
write_image_trust(struct json *j, const struct image_ref *r, const struct trust_policy *p)
{
	char name[strlen(r->path) + (r->tag ? strlen(r->tag) : 0) + 2];
	const struct trust_list *l;
	const char *scope;

	snprintf(name, sizeof name, "%s%s%s", r->path, r->tag ? ":" : "", r->tag ? r->tag : "");
	l = trust_lookup(p, trust_transport_of(r->kind), name, &scope);
	json_key(j, "trust");
	json_object_begin(j);
	key_string(j, "transport", trust_transport_str(trust_transport_of(r->kind)));
	key_string(j, "scope", scope);
	json_key(j, "requirements");
	trust_list_to_json(l, j);
	json_object_end(j);
}

/* policy: the manifest's, to name what the image is checked against; NULL
 * leaves that out. */
static void
write_image(struct json *j, const struct image_ref *r, const struct trust_policy *policy)
{
	json_key(j, "image");
	json_object_begin(j);
	key_string(j, "kind", image_kind_str(r->kind));
	key_string(j, "path", r->path);
	key_string(j, "tag", r->tag);
	key_string(j, "digest", r->digest[0] ? r->digest : NULL);
	/* Where the image builder bakes it: the supervisor's own rule. */
	char rootfs[IMAGE_STORE_MAX], config[IMAGE_STORE_MAX];
	bool has_rootfs = image_ref_rootfs(r, rootfs, sizeof rootfs) == 0;
	bool has_config = image_ref_config(r, config, sizeof config) == 0;
	key_string(j, "rootfs", has_rootfs ? rootfs : NULL);
	key_string(j, "config", has_config ? config : NULL);
	if (policy)
		write_image_trust(j, r, policy);
	json_object_end(j);
}

static void
write_ports(struct json *j, const struct container *c)
{
	json_key(j, "ports");
	json_array_begin(j);
	for (size_t i = 0; i < c->n_ports; i++) {
		const struct port_map *p = &c->ports[i];

		json_object_begin(j);
		json_key(j, "host_ip");
		if (p->has_host_ip)
			write_addr(j, &p->host_ip);
		else
			json_null(j);
		key_uint(j, "host_port", p->host_port);
		key_uint(j, "container_port", p->container_port);
		key_uint(j, "count", p->count);
		key_string(j, "proto", proto_str(p->proto));
		json_object_end(j);
	}
	json_array_end(j);
}

static void
write_volumes(struct json *j, const struct container *c)
{
	char mode[8];

	json_key(j, "volumes");
	json_array_begin(j);
	for (size_t i = 0; i < c->n_volumes; i++) {
		const struct volume *v = &c->volumes[i];

		json_object_begin(j);
		key_string(j, "type", volume_kind_str(v->kind));
		key_string(j, "source", v->source);
		key_string(j, "target", v->target);
		key_bool(j, "read_only", v->read_only);
		if (v->kind == VOLUME_TMPFS) {
			key_uint(j, "size", v->tmpfs_size);
			snprintf(mode, sizeof(mode), "%04o", v->tmpfs_mode);
			key_string(j, "mode", mode);
		}
		json_object_end(j);
	}
	json_array_end(j);
}

static void
write_health(struct json *j, const struct healthcheck *h)
{
	json_key(j, "healthcheck");
	if (h->kind == HEALTH_NONE) {
		json_null(j);
		return;
	}
	json_object_begin(j);
	json_key(j, "test");
	json_array_begin(j);
	json_string(j, h->kind == HEALTH_CMD ? "CMD" : "CMD-SHELL");
	for (size_t i = 0; i < h->n_test; i++)
		json_string(j, h->test[i]);
	json_array_end(j);
	key_duration(j, "interval", h->interval_ms);
	key_duration(j, "timeout", h->timeout_ms);
	key_uint(j, "retries", h->retries);
	key_duration(j, "start_period", h->start_period_ms);
	json_object_end(j);
}

static void
write_limits(struct json *j, const struct container *c)
{
	char buf[32];

	json_key(j, "mem_limit");
	if (c->mem_limit)
		json_uint(j, c->mem_limit);
	else
		json_null(j);
	json_key(j, "cpus");
	if (c->cpus_milli) {
		cpus_format(c->cpus_milli, buf, sizeof(buf));
		json_number(j, buf);
	} else {
		json_null(j);
	}
	json_key(j, "pids_limit");
	json_int(j, c->pids_limit ? (int64_t)c->pids_limit : -1);
	signal_format(c->stop_signal, buf, sizeof(buf));
	key_string(j, "stop_signal", buf);
	key_duration(j, "stop_grace_period", c->stop_grace_ms);
}

static void
write_user(struct json *j, const struct container *c)
{
	char buf[2 * USER_NAME_MAX + 2];

	json_key(j, "user");
	if (!c->has_user) {
		json_null(j);
		return;
	}
	snprintf(buf, sizeof(buf), "%s%s%s", c->user.user, c->user.group[0] ? ":" : "",
		 c->user.group);
	json_string(j, buf);
}

static void
write_container(struct json *j, const struct container *c, const struct trust_policy *policy)
{
	char restart[32];

	json_key(j, c->name ? c->name : "");
	json_object_begin(j);
	write_image(j, &c->image, policy);
	json_key(j, "entrypoint");
	if (c->has_entrypoint)
		key_strings(j, NULL, c->entrypoint, c->n_entrypoint);
	else
		json_null(j);
	json_key(j, "command");
	if (c->has_command)
		key_strings(j, NULL, c->command, c->n_command);
	else
		json_null(j);
	json_key(j, "environment");
	json_object_begin(j);
	for (size_t i = 0; i < c->n_env; i++)
		key_string(j, c->env[i].name, c->env[i].value);
	json_object_end(j);
	write_user(j, c);
	key_string(j, "working_dir", c->working_dir);
	key_string(j, "hostname", c->hostname);
	write_host_entries(j, "extra_hosts", c->extra_hosts, c->n_extra_hosts);
	write_ports(j, c);
	write_volumes(j, c);
	key_bool(j, "read_only", c->read_only);
	json_key(j, "storage_opt");
	if (c->read_only) {
		json_null(j); /* no writable layer */
	} else {
		json_object_begin(j);
		key_uint(j, "size", c->storage_size);
		json_object_end(j);
	}
	write_caps(j, "cap_add", c->cap_add, false);
	write_caps(j, "cap_drop", c->cap_drop, c->cap_drop_all);
	write_caps(j, "capabilities", c->caps, false);
	json_key(j, "security_opt");
	json_object_begin(j);
	key_bool(j, "no_new_privileges", c->no_new_privs);
	key_string(j, "seccomp", c->seccomp == SECCOMP_PROFILE_DEFAULT ? "default" : "unconfined");
	json_object_end(j);
	key_string(j, "network_mode", net_mode_str(c->network_mode));
	key_string(j, "userns", userns_mode_str(c->userns));
	if (c->restart.kind == RESTART_ON_FAILURE && c->restart.max_retries)
		snprintf(restart, sizeof(restart), "on-failure:%u", c->restart.max_retries);
	else
		snprintf(restart, sizeof(restart), "%s", restart_kind_str(c->restart.kind));
	key_string(j, "restart", restart);
	json_key(j, "depends_on");
	json_object_begin(j);
	for (size_t i = 0; i < c->n_depends_on; i++) {
		json_key(j, c->depends_on[i].name);
		json_object_begin(j);
		key_string(j, "condition", dep_condition_str(c->depends_on[i].condition));
		json_object_end(j);
	}
	json_object_end(j);
	write_health(j, &c->health);
	write_limits(j, c);
	key_bool(j, "essential", c->essential);
	key_bool(j, "insecure_allow_unsigned", c->insecure_allow_unsigned);
	json_object_end(j);
}

void
manifest_container_to_json(const struct container *c, struct json *j)
{
	json_object_begin(j);
	write_container(j, c, NULL);
	json_object_end(j);
}

void
manifest_to_json(const struct manifest *m, struct json *j)
{
	json_object_begin(j);
	key_uint(j, "version", (uint64_t)m->version);
	write_host(j, &m->host);
	write_network(j, &m->network);
	write_logging(j, &m->logging);
	write_update(j, &m->update);
	json_key(j, "trust");
	trust_to_json(&m->trust, j);
	json_key(j, "containers");
	json_object_begin(j);
	for (size_t i = 0; i < m->n_containers; i++)
		write_container(j, &m->containers[i], &m->trust);
	json_object_end(j);
	json_key(j, "start_order");
	json_array_begin(j);
	for (size_t i = 0; m->start_order && i < m->n_containers; i++)
		json_string(j, m->containers[m->start_order[i]].name);
	json_array_end(j);
	json_object_end(j);
}
