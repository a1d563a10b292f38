/* SPDX-License-Identifier: MIT */
/* Reads a host manifest: the entry points, the defaults, the top level and
 * the small sections (host, logging, update). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <string.h>
#include <unistd.h>

#include "manifest/manifest-parse.h"
#include "base/names.h"

static const struct ynode root_key = {.type = YNODE_SCALAR, .str = "manifest"};

static bool
set_string(struct mparse *p, const struct ynode *key, const char *s, char **out)
{
	char *copy = strdup(s);

	if (!copy) {
		diag_add(p->d, key->line, key->col, "out of memory");
		return false;
	}
	free(*out);
	*out = copy;
	return true;
}

/* version: 1 */
static void
f_version(struct mparse *p, const struct ynode *key, const struct ynode *val, void *obj)
{
	const char *s = mp_scalar(p, key, val, "1");
	char q[DIAG_QUOTE_MAX];

	(void)obj;
	p->have_version = true;
	if (!s)
		return;
	if (strcmp(s, "1") != 0) {
		mp_error(p, val, "version: unsupported version %s (this berth reads version 1)",
			 diag_quote(q, val->str, val->len));
		return;
	}
	p->m->version = 1;
}

/* host: */
static void
h_hostname(struct mparse *p, const struct ynode *key, const struct ynode *val, void *obj)
{
	struct host_cfg *h = obj;
	const char *s = mp_scalar(p, key, val, "a host name"), *why;

	if (!s)
		return;
	if (name_hostname_check(s, &why) < 0)
		mp_invalid(p, key, val, "host name", why);
	else
		set_string(p, key, s, &h->hostname);
}

static void
h_timezone(struct mparse *p, const struct ynode *key, const struct ynode *val, void *obj)
{
	struct host_cfg *h = obj;
	const char *s = mp_scalar(p, key, val, "a time zone like UTC or Europe/Berlin"), *why;

	if (!s)
		return;
	if (name_timezone_check(s, &why) < 0)
		mp_invalid(p, key, val, "time zone", why);
	else
		set_string(p, key, s, &h->timezone);
}

static void
h_sysctls(struct mparse *p, const struct ynode *key, const struct ynode *val, void *obj)
{
	struct host_cfg *h = obj;
	char q[DIAG_QUOTE_MAX];
	const char *why;

	if (ynode_is_null(val))
		return;
	if (val->type != YNODE_MAP) {
		mp_expected(p, key, val, "a mapping of sysctl names to values");
		return;
	}
	for (size_t i = 0; i + 1 < val->n; i += 2) {
		const struct ynode *k = val->kids[i], *v = val->kids[i + 1];
		struct host_sysctl *s;

		if (k->skip || v->type == YNODE_BAD)
			continue;
		if (name_sysctl_check(k->str, &why) < 0) {
			mp_error(p, k, "sysctls: invalid sysctl name %s: %s",
				 diag_quote(q, k->str, k->len), why);
			continue;
		}
		if (!mp_scalar(p, k, v, "a value"))
			continue;
		if (v->len > SYSCTL_VALUE_MAX) {
			mp_error(p, v, "%s: longer than %d bytes", k->str, SYSCTL_VALUE_MAX);
			continue;
		}
		if (!(s = mp_push(p, &h->sysctls, &h->n_sysctls, sizeof(*s))))
			return;
		s->pos = mp_pos(k);
		if (!set_string(p, k, k->str, &s->key) || !set_string(p, v, v->str, &s->value))
			return;
	}
}

static const struct mfield host_fields[] = {
    MF_FN("hostname", h_hostname),
    MF_BOOL("debug_console", struct host_cfg, debug_console),
    MF_BOOL("nosmt", struct host_cfg, nosmt),
    MF_BOOL("init_on_free", struct host_cfg, init_on_free),
    MF_FN("timezone", h_timezone),
    MF_FN("sysctls", h_sysctls),
    MF_SIZE("memory_reserve", struct host_cfg, memory_reserve, 16u << 20),
};

static void
f_host(struct mparse *p, const struct ynode *key, const struct ynode *val, void *obj)
{
	(void)obj;
	mp_map(p, key, val, host_fields, sizeof(host_fields) / sizeof(host_fields[0]), &p->m->host);
}

/* logging: */

/* HOST:PORT, HOST a name, an IPv4 address or an IPv6 address in brackets:
 * the host without brackets into host (DOMAIN_MAX + 1 bytes), its address
 * into *a (family 0 for a name), the port into *port. */
static int
host_port_parse(const char *h, char *host, struct ip_addr *a, uint16_t *port, const char **why)
{
	const char *colon;
	bool bracketed = *h == '[';
	uint64_t n;
	size_t hlen;

	if (bracketed) {
		const char *end = strchr(h, ']');

		if (!end || end[1] != ':')
			return (*why = "an IPv6 address is written [ADDRESS]:PORT"), -1;
		hlen = (size_t)(end - h - 1);
		h++;
		colon = end + 1;
	} else {
		colon = strrchr(h, ':');
		if (!colon)
			return (*why = "missing :PORT after the host"), -1;
		hlen = (size_t)(colon - h);
	}
	if (hlen == 0 || hlen > DOMAIN_MAX)
		return (*why = "missing or overlong host"), -1;
	memcpy(host, h, hlen);
	host[hlen] = '\0';
	*a = (struct ip_addr){0};
	if (ip_addr_parse(host, a, why) < 0) {
		*a = (struct ip_addr){0};
		if (bracketed || name_domain_check(host, why) < 0)
			return (*why = "the host is a DNS name, an IPv4 address or [IPv6]"), -1;
	}
	if (!bracketed && a->family == AF_INET6)
		return (*why = "an IPv6 address is written [ADDRESS]:PORT"), -1;
	if (scalar_uint(colon + 1, 65535, &n, why) < 0 || n == 0)
		return (*why = "the port is a number from 1 to 65535"), -1;
	*port = (uint16_t)n;
	return 0;
}

const char *
log_proto_str(enum log_proto p)
{
	static const char *const names[] = {"tcp", "udp", "relp", "tls"};
	return names[p];
}

/* tcp://HOST:PORT, udp://HOST:PORT, relp://HOST:PORT or tls://HOST:PORT. */
static int
log_url_parse(const char *s, struct log_target *t, const char **why)
{
	static const struct {
		const char *scheme;
		enum log_proto proto;
	} schemes[] = {
	    {"tcp://", LOG_TCP}, {"udp://", LOG_UDP}, {"relp://", LOG_RELP}, {"tls://", LOG_TLS}};
	char host[DOMAIN_MAX + 1];
	struct ip_addr a;
	size_t skip = 0;

	for (size_t i = 0; i < sizeof schemes / sizeof schemes[0] && !skip; i++)
		if (strncmp(s, schemes[i].scheme, strlen(schemes[i].scheme)) == 0) {
			t->proto = schemes[i].proto;
			skip = strlen(schemes[i].scheme);
		}
	if (!skip)
		return (*why = "expected tcp://HOST:PORT, udp://HOST:PORT, relp://HOST:PORT or "
			       "tls://HOST:PORT"),
		       -1;
	if (host_port_parse(s + skip, host, &a, &t->port, why) < 0)
		return -1;
	if (!(t->host = strdup(host)))
		return (*why = "out of memory"), -1;
	return 0;
}

static void
l_target_url(struct mparse *p, const struct ynode *key, const struct ynode *val, void *obj)
{
	struct log_target *t = obj;
	const char *s = mp_scalar(p, key, val, "a URL like udp://192.0.2.20:514"), *why;

	if (!s)
		return;
	free(t->host);
	t->host = NULL;
	if (val->len > MP_SHORT_MAX || log_url_parse(s, t, &why) < 0)
		mp_invalid(p, key, val, "log target", val->len > MP_SHORT_MAX ? "too long" : why);
	else
		set_string(p, key, s, &t->url);
}

/* The TLS files are on /var: the root is the same for every host of an
 * image, a host's certificate and key are its own. */
static void
l_target_file(struct mparse *p, const struct ynode *key, const struct ynode *val, char **out)
{
	const char *s = mp_scalar(p, key, val, "an absolute path under /var"), *why;

	if (!s)
		return;
	if (path_check_abs(s, &why) < 0)
		mp_invalid(p, key, val, "path", why);
	else if (strncmp(s, "/var/", 5) != 0)
		mp_invalid(p, key, val, "path", "a host's own files are under /var");
	else
		mp_string(p, key, val, PATH_MAX_LEN, "an absolute path under /var", out);
}

static void
l_target_ca(struct mparse *p, const struct ynode *key, const struct ynode *val, void *obj)
{
	l_target_file(p, key, val, &((struct log_target *)obj)->ca);
}

static void
l_target_cert(struct mparse *p, const struct ynode *key, const struct ynode *val, void *obj)
{
	l_target_file(p, key, val, &((struct log_target *)obj)->cert);
}

static void
l_target_key(struct mparse *p, const struct ynode *key, const struct ynode *val, void *obj)
{
	l_target_file(p, key, val, &((struct log_target *)obj)->key);
}

static const struct mfield target_fields[] = {
    MF_FN("url", l_target_url),
    MF_FN("ca", l_target_ca),
    MF_FN("cert", l_target_cert),
    MF_FN("key", l_target_key),
};

/* The TLS keys belong to tls:// targets, which cannot go without a CA:
 * the receiver's certificate is always checked. */
static void
target_check_tls(struct mparse *p, const struct ynode *item, struct log_target *t)
{
	static const char *const keys[] = {"ca", "cert", "key"};

	if (t->proto != LOG_TLS) {
		for (size_t i = 0; i < 3; i++)
			if (mp_get(item, keys[i]))
				mp_error(p, mp_get_key(item, keys[i]),
					 "%s: only a tls:// target takes TLS files", keys[i]);
		return;
	}
	if (!mp_get(item, "ca"))
		mp_error(p, item,
			 "forward: a tls:// target needs \"ca\", the CA file its receiver's "
			 "certificate is checked against");
	if (!mp_get(item, "cert") != !mp_get(item, "key"))
		mp_error(p, item,
			 "forward: \"cert\" and \"key\" go together (the client's certificate "
			 "and its key, for mutual TLS)");
}

static void
l_forward_item(struct mparse *p, const struct ynode *key, const struct ynode *item, void *obj)
{
	struct logging_cfg *l = obj;
	struct log_target *t;

	if (!(t = mp_push(p, &l->forward, &l->n_forward, sizeof(*t))))
		return;
	t->pos = mp_pos(item);
	if (mp_map(p, key, item, target_fields, 4, t) && !mp_get(item, "url"))
		mp_error(p, item, "forward: missing required key \"url\"");
	if (t->url)
		target_check_tls(p, item, t);
	if (!t->url) { /* keep only usable targets */
		free(t->host);
		free(t->ca);
		free(t->cert);
		free(t->key);
		l->n_forward--;
	}
}

static void
l_forward(struct mparse *p, const struct ynode *key, const struct ynode *val, void *obj)
{
	mp_seq(p, key, val, MANIFEST_MAX_FORWARD, l_forward_item, obj);
}

static const struct mfield local_fields[] = {
    MF_SIZE("max_size", struct logging_cfg, max_size, 4096),
    MF_U32("max_files", struct logging_cfg, max_files, 1, 100),
};

static void
l_local(struct mparse *p, const struct ynode *key, const struct ynode *val, void *obj)
{
	mp_map(p, key, val, local_fields, 2, obj);
}

static const char *const log_firewall_names[] = {"drops", "off"};

const char *
log_firewall_str(enum log_firewall f)
{
	return (unsigned)f <= LOG_FW_OFF ? log_firewall_names[f] : "?";
}

static const struct mfield logging_fields[] = {
    MF_FN("forward", l_forward),
    MF_FN("local", l_local),
    MF_BOOL("kernel", struct logging_cfg, kernel),
    MF_ENUM("firewall", struct logging_cfg, firewall, log_firewall_names),
    MF_SIZE("spool_size", struct logging_cfg, spool_size, 64 * 1024),
};

static void
f_logging(struct mparse *p, const struct ynode *key, const struct ynode *val, void *obj)
{
	(void)obj;
	mp_map(p, key, val, logging_fields, sizeof(logging_fields) / sizeof(logging_fields[0]),
	       &p->m->logging);
}

/* update: */
static void
u_product(struct mparse *p, const struct ynode *key, const struct ynode *val, void *obj)
{
	struct update_cfg *u = obj;
	const char *s = mp_scalar(p, key, val, "a product name like berth or edge-gw"), *why;

	if (!s)
		return;
	if (name_product_check(s, &why) < 0)
		mp_invalid(p, key, val, "product name", why);
	else
		set_string(p, key, s, &u->product);
}

/* A bundle's header holds the boards '|'-separated in 31 bytes. */
static void
u_boards(struct mparse *p, const struct ynode *key, const struct ynode *val, void *obj)
{
	struct update_cfg *u = obj;
	size_t total = 0;
	const char *why;

	if (!mp_argv(p, key, val, 0, &u->boards, &u->n_boards))
		return;
	for (size_t i = 0; i < u->n_boards; i++) {
		if (name_board_check(u->boards[i], &why) < 0) {
			mp_error(p, val, "boards: invalid board name \"%s\": %s", u->boards[i],
				 why);
			return;
		}
		total += strlen(u->boards[i]) + (i > 0);
	}
	if (total > 31)
		mp_error(p, val,
			 "boards: %zu characters with separators; an update bundle holds 31",
			 total);
}

/* gateway, none, or ADDRESS:PORT ([IPv6]:PORT): an address, not a name,
 * since the check runs before anything else is known to work. */
static void
u_confirm_target(struct mparse *p, const struct ynode *key, const struct ynode *val, void *obj)
{
	struct update_cfg *u = obj;
	const char *s = mp_scalar(p, key, val, "gateway, none or ADDRESS:PORT"), *why;
	char host[DOMAIN_MAX + 1];

	if (!s)
		return;
	if (!strcmp(s, "gateway") || !strcmp(s, "none")) {
		u->confirm_target = s[0] == 'g' ? CT_GATEWAY : CT_NONE;
		return;
	}
	if (val->len > MP_SHORT_MAX ||
	    host_port_parse(s, host, &u->confirm_addr, &u->confirm_port, &why) < 0) {
		mp_invalid(p, key, val, "confirmation target",
			   val->len > MP_SHORT_MAX ? "too long" : why);
		return;
	}
	if (!u->confirm_addr.family) {
		mp_invalid(p, key, val, "confirmation target",
			   "gateway, none, or an address with its port (ADDRESS:PORT, "
			   "[IPv6]:PORT), not a name");
		return;
	}
	u->confirm_target = CT_TCP;
}

static void
u_channel_ca(struct mparse *p, const struct ynode *key, const struct ynode *val, void *obj)
{
	mp_string(p, key, val, MP_SHORT_MAX, "a file (PEM)", &((struct update_cfg *)obj)->channel_ca);
}

static const struct mfield update_fields[] = {
    MF_DUR("confirm_after", struct update_cfg, confirm_after_ms),
    MF_U32("tries", struct update_cfg, tries, 1, 10),
    MF_DUR_NZ("health_deadline", struct update_cfg, health_deadline_ms),
    MF_FN("confirm_target", u_confirm_target),
    MF_FN("product", u_product),
    MF_FN("boards", u_boards),
    MF_FN("channel", mp_update_channel),
    MF_FN("channel_ca", u_channel_ca),
    MF_DUR_NZ("check_every", struct update_cfg, check_every_ms),
    MF_BOOL("auto", struct update_cfg, auto_install),
    MF_SIZE("download_rate", struct update_cfg, download_rate, 1024),
    MF_FN("window", mp_update_window),
};

static void
f_update(struct mparse *p, const struct ynode *key, const struct ynode *val, void *obj)
{
	struct update_cfg *u = &p->m->update;
	const struct ynode *at;
	char c[DURATION_STRLEN], h[DURATION_STRLEN];

	(void)obj;
	if (!mp_map(p, key, val, update_fields, sizeof(update_fields) / sizeof(update_fields[0]),
		    u))
		return;
	if (u->check_every_ms < 60000 && mp_get(val, "check_every"))
		mp_error(p, mp_get(val, "check_every"), "check_every: at least 1m");
	for (const char *k = "channel_ca"; !u->channel && k; k = k[0] == 'c' ? "window" : NULL)
		if (mp_get_key(val, k))
			mp_error(p, mp_get_key(val, k), "%s: there is no update.channel to use it with",
				 k);
	/* Being healthy for confirm_after must fit before the deadline. */
	if (u->confirm_after_ms < u->health_deadline_ms)
		return;
	at = mp_get(val, "health_deadline");
	if (!at)
		at = mp_get(val, "confirm_after");
	if (!at)
		return;
	duration_format(u->confirm_after_ms, c, sizeof(c));
	duration_format(u->health_deadline_ms, h, sizeof(h));
	mp_error(p, at, "%s: confirm_after (%s) must be shorter than health_deadline (%s)",
		 at == mp_get(val, "health_deadline") ? "health_deadline" : "confirm_after", c, h);
}

static const struct mfield root_fields[] = {
    MF_FN("version", f_version),	MF_FN("host", f_host),	   MF_FN("network", mp_network),
    MF_FN("logging", f_logging),	MF_FN("update", f_update), MF_FN("trust", mp_trust),
    MF_FN("containers", mp_containers),
};

static void
defaults(struct manifest *m)
{
	static const struct ip_prefix bridge = {{AF_INET, {172, 31, 0, 0}}, 24};

	m->host.hostname = strdup("berth");
	m->host.timezone = strdup("UTC");
	m->host.init_on_free = true;
	m->network.firewall.inbound = FW_DROP;
	m->network.bridge.subnet = bridge;
	m->logging.max_size = 10u << 20;
	m->logging.max_files = 5;
	m->logging.spool_size = 64u << 20;
	m->logging.kernel = true;
	m->update.confirm_after_ms = 60000;
	m->update.tries = 3;
	m->update.health_deadline_ms = 300000;
	m->update.product = strdup("berth");
	m->update.check_every_ms = 6 * 3600 * 1000;
	m->update.auto_install = true;
	if (trust_default(&m->trust) < 0)
		trust_free(&m->trust); /* no scopes: reported as out of memory */
}

/* With no interfaces: key at all, the host asks DHCP on eth0, as an
 * operator plugging in a new machine would expect. */
static void
default_interface(struct mparse *p)
{
	struct network_cfg *n = &p->m->network;
	struct interface *i = mp_push(p, &n->interfaces, &n->n_interfaces, sizeof(*i));

	if (!i)
		return;
	i->dhcp = true;
	if (!(i->name = strdup("eth0")))
		diag_add(p->d, 0, 0, "out of memory");
}

static void
parse_root(struct mparse *p, const struct ynode *root)
{
	if (!root || ynode_is_null(root)) {
		diag_add(p->d, 1, 1, "the manifest is empty (it starts with version: 1)");
		return;
	}
	if (!mp_map(p, &root_key, root, root_fields, sizeof(root_fields) / sizeof(root_fields[0]),
		    NULL))
		return;
	if (!p->have_version)
		mp_error(p, root,
			 "missing required key \"version\" (a manifest starts with "
			 "version: 1)");
	if (!p->have_interfaces)
		default_interface(p);
	manifest_check(p);
}

int
manifest_parse_buffer(const char *name, const char *buf, size_t len, struct manifest *m,
		      struct diag *d)
{
	struct mparse p = {.d = d, .m = m};
	struct ynode *root;

	memset(m, 0, sizeof(*m));
	diag_init(d, name);
	m->file = strdup(name);
	defaults(m);
	if (!m->file || !d->file || !m->host.hostname || !m->host.timezone || !m->trust.n_scopes) {
		diag_add(d, 0, 0, "out of memory");
		return -1;
	}
	if (len > MANIFEST_MAX_BYTES) {
		diag_add(d, 0, 0, "larger than 1 MiB");
		return -1;
	}
	if (ytree_parse(buf, len, d, &root) == 0)
		parse_root(&p, root);
	ytree_free(root);
	diag_sort(d);
	return diag_count(d) ? -1 : 0;
}

/* Opens a manifest to read: "-" is standard input. A FIFO is opened
 * without waiting for a writer (open(2) of a FIFO blocks until one comes),
 * then read blocking: with no writer, read gives end-of-file at once. */
static int
open_manifest(const char *path)
{
	int fd;

	if (!strcmp(path, "-"))
		return fcntl(0, F_DUPFD_CLOEXEC, 3);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return -1;
	if (fcntl(fd, F_SETFL, 0) < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/* Reads up to max + 1 bytes, so that the caller can tell "too large". */
static int
read_file(const char *path, size_t max, char **out, size_t *len)
{
	size_t n = 0, cap = 65536;
	char *buf = malloc(cap);
	int fd = open_manifest(path), e;

	if (!buf || fd < 0)
		goto fail;
	for (;;) {
		ssize_t r;

		if (n == cap) {
			char *g;

			if (cap > max)
				break;
			if (!(g = realloc(buf, cap * 2)))
				goto fail;
			buf = g;
			cap *= 2;
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			goto fail;
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	*out = buf;
	*len = n;
	return 0;
fail:
	e = buf ? errno : ENOMEM;
	free(buf);
	if (fd >= 0)
		close(fd);
	errno = e;
	return -1;
}

int
manifest_parse_file(const char *path, struct manifest *m, struct diag *d)
{
	char *buf;
	size_t len;
	int r;

	if (read_file(path, MANIFEST_MAX_BYTES, &buf, &len) < 0) {
		int e = errno;

		memset(m, 0, sizeof(*m));
		diag_init(d, path);
		diag_add(d, 0, 0, "cannot read: %s", strerror(e));
		return -1;
	}
	r = manifest_parse_buffer(path, buf, len, m, d);
	free(buf);
	return r;
}

bool
manifest_iface_required(const struct interface *i)
{
	if (i->has_required)
		return i->required;
	if (i->dhcp)
		return true;
	for (size_t r = 0; r < i->n_routes; r++)
		if (i->routes[r].to.len == 0)
			return true;
	return false;
}

const struct container *
manifest_container(const struct manifest *m, const char *name)
{
	for (size_t i = 0; i < m->n_containers; i++)
		if (m->containers[i].name && strcmp(m->containers[i].name, name) == 0)
			return &m->containers[i];
	return NULL;
}

static void
free_container(struct container *c)
{
	free(c->name);
	image_ref_free(&c->image);
	host_entries_free(c->extra_hosts, c->n_extra_hosts);
	mp_free_argv(c->entrypoint, c->n_entrypoint);
	mp_free_argv(c->command, c->n_command);
	for (size_t i = 0; i < c->n_env; i++) {
		free(c->env[i].name);
		free(c->env[i].value);
	}
	free(c->env);
	free(c->working_dir);
	free(c->hostname);
	free(c->ports);
	for (size_t i = 0; i < c->n_volumes; i++)
		volume_free(&c->volumes[i]);
	free(c->volumes);
	for (size_t i = 0; i < c->n_depends_on; i++)
		free(c->depends_on[i].name);
	free(c->depends_on);
	mp_free_argv(c->health.test, c->health.n_test);
}

static void
free_network(struct network_cfg *n)
{
	for (size_t i = 0; i < n->n_interfaces; i++) {
		free(n->interfaces[i].name);
		free(n->interfaces[i].addresses);
		free(n->interfaces[i].routes);
	}
	free(n->interfaces);
	free(n->dns.nameservers);
	mp_free_argv(n->dns.search, n->dns.n_search);
	for (size_t i = 0; i < n->ntp.n_servers; i++)
		free(n->ntp.servers[i].name);
	free(n->ntp.servers);
	free(n->firewall.allow);
	host_entries_free(n->hosts, n->n_hosts);
}

void
manifest_free(struct manifest *m)
{
	free(m->file);
	free(m->host.hostname);
	free(m->host.timezone);
	free(m->update.product);
	mp_free_argv(m->update.boards, m->update.n_boards);
	free(m->update.channel);
	free(m->update.channel_ca);
	free(m->update.windows);
	for (size_t i = 0; i < m->host.n_sysctls; i++) {
		free(m->host.sysctls[i].key);
		free(m->host.sysctls[i].value);
	}
	free(m->host.sysctls);
	free_network(&m->network);
	for (size_t i = 0; i < m->logging.n_forward; i++) {
		free(m->logging.forward[i].url);
		free(m->logging.forward[i].host);
		free(m->logging.forward[i].ca);
		free(m->logging.forward[i].cert);
		free(m->logging.forward[i].key);
	}
	free(m->logging.forward);
	for (size_t i = 0; i < m->n_containers; i++)
		free_container(&m->containers[i]);
	free(m->containers);
	free(m->start_order);
	trust_free(&m->trust);
	memset(m, 0, sizeof(*m));
}

const char *
net_mode_str(enum net_mode mode)
{
	switch (mode) {
	case NET_BRIDGE:
		return "bridge";
	case NET_NONE:
		return "none";
	case NET_HOST:
		return "host";
	}
	return "?";
}

const char *
userns_mode_str(enum userns_mode mode)
{
	return mode == USERNS_HOST ? "host" : "private";
}

const char *
dep_condition_str(enum dep_condition c)
{
	switch (c) {
	case DEP_STARTED:
		return "service_started";
	case DEP_HEALTHY:
		return "service_healthy";
	case DEP_COMPLETED:
		return "service_completed_successfully";
	}
	return "?";
}
