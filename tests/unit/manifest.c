/* SPDX-License-Identifier: MIT */
/* Unit tests of the manifest parser (lib/manifest*.c): good manifests read
 * field by field, the defaults, the start order, error collection, and the
 * JSON form. */
#include <glob.h>
#include <linux/capability.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>

#include "manifest/cap.h"
#include "check.h"
#include "manifest/manifest.h"

static int
parse(const char *text, struct manifest *m, struct diag *d)
{
	int r = manifest_parse_buffer("test.yaml", text, strlen(text), m, d);

	for (size_t i = 0; i < d->n; i++)
		printf("  diag %u:%u: %s\n", d->v[i].line, d->v[i].col, d->v[i].msg);
	return r;
}

static const char *
prefix_str(const struct ip_prefix *p)
{
	static char buf[4][IP_PREFIX_STRLEN];
	static int k;

	k = (k + 1) % 4;
	ip_prefix_format(p, buf[k], sizeof(buf[k]));
	return buf[k];
}

static const char *
addr_str(const struct ip_addr *a)
{
	static char buf[4][IP_ADDR_STRLEN];
	static int k;

	k = (k + 1) % 4;
	ip_addr_format(a, buf[k], sizeof(buf[k]));
	return buf[k];
}

static void
test_defaults(void)
{
	struct manifest m;
	struct diag d;
	const struct interface *i;

	CHECK(parse("version: 1\n", &m, &d) == 0 && d.n == 0, "minimal manifest is valid");
	CHECK(m.version == 1, "version is 1");
	CHECK_STR(m.host.hostname, "berth", "default hostname");
	CHECK_STR(m.host.timezone, "UTC", "default timezone");
	CHECK(!m.host.debug_console && m.host.n_sysctls == 0, "default debug_console, sysctls");
	CHECK(m.host.init_on_free && !m.host.nosmt, "default init_on_free, nosmt");
	CHECK(m.network.n_interfaces == 1, "default: one interface");
	i = m.network.interfaces;
	CHECK(m.network.n_interfaces == 1 && i->name && strcmp(i->name, "eth0") == 0 && i->dhcp &&
		  !i->accept_ra && !i->match_mac && i->mtu == 0 && i->n_addresses == 0,
	      "default interface is eth0 with DHCP");
	CHECK(m.network.dns.n_nameservers == 0 && m.network.dns.n_search == 0, "default dns");
	CHECK(m.network.firewall.inbound == FW_DROP && m.network.firewall.n_allow == 0,
	      "default firewall drops");
	CHECK_STR(prefix_str(&m.network.bridge.subnet), "172.31.0.0/24", "default bridge subnet");
	CHECK(!m.network.bridge.has_subnet6 && !m.network.bridge.icc, "default bridge icc off");
	CHECK(m.logging.n_forward == 0 && m.logging.max_size == 10 << 20 &&
		  m.logging.max_files == 5 && m.logging.kernel &&
		  m.logging.firewall == LOG_FW_DROPS,
	      "default logging");
	CHECK(m.update.confirm_after_ms == 60000 && m.update.tries == 3 &&
		  m.update.health_deadline_ms == 300000,
	      "default update");
	CHECK(m.n_containers == 0 && m.start_order, "no containers, an (empty) start order");
	manifest_free(&m);
	diag_free(&d);

	CHECK(parse("version: 1\nnetwork: {interfaces: []}\n", &m, &d) == 0 &&
		  m.network.n_interfaces == 0,
	      "an explicit empty interface list configures none");
	manifest_free(&m);
	diag_free(&d);
}

static const char full[] =
    "version: 1\n"
    "host:\n"
    "  hostname: edge-01\n"
    "  debug_console: true\n"
    "  timezone: Europe/Berlin\n"
    "  sysctls: {net.ipv4.tcp_syncookies: 1, vm.swappiness: \"10\"}\n"
    "network:\n"
    "  interfaces:\n"
    "    - name: eth0\n"
    "      dhcp: true\n"
    "    - match: {mac: \"52:54:00:AB:cd:56\"}\n"
    "      addresses: [192.0.2.10/24, \"2001:db8::10/64\"]\n"
    "      routes:\n"
    "        - {to: default, via: 192.0.2.1}\n"
    "        - {to: \"::/0\", via: \"2001:db8::1\", metric: 100}\n"
    "        - {to: 198.51.100.0/24}\n"
    "      mtu: 9000\n"
    "      accept_ra: true\n"
    "  dns: {nameservers: [192.0.2.53, \"2001:db8::53\"], search: [example.org]}\n"
    "  firewall:\n"
    "    inbound: drop\n"
    "    allow:\n"
    "      - {proto: tcp, port: 443}\n"
    "      - {proto: udp, port: 8000-8010, from: 198.51.100.0/24}\n"
    "  bridge: {subnet: 203.0.113.0/26, subnet6: \"2001:db8:1::/64\", icc: true}\n"
    "logging:\n"
    "  forward: [{url: \"tcp://logs.example:6514\"}, {url: \"udp://[2001:db8::20]:514\"},\n"
    "            {url: \"relp://192.0.2.30:2514\"},\n"
    "            {url: \"tls://siem.example:6514\", ca: /var/lib/berth/tls/ca.pem,\n"
    "             cert: /var/lib/berth/tls/host.pem, key: /var/lib/berth/tls/host.key}]\n"
    "  local: {max_size: 1m, max_files: 2}\n"
    "  kernel: false\n"
    "  firewall: off\n"
    "update: {confirm_after: 2m, tries: 5, health_deadline: 10m}\n"
    "containers:\n"
    "  web:\n"
    "    image: oci:images/web:1.0@sha256:"
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n"
    "    entrypoint: /bin/entry --flag\n"
    "    command: [\"httpd\", \"-f\", \"-p\", \"8080\"]\n"
    "    environment: {MODE: prod, QUOTE: \"say \\\"hi\\\"\\n\", NUM: 5}\n"
    "    user: \"1000:1000\"\n"
    "    working_dir: /srv\n"
    "    hostname: www\n"
    "    ports: [\"80:8080/tcp\", \"127.0.0.1:8443:443\", \"[::1]:9000-9001:9000-9001/udp\"]\n"
    "    volumes: [\"web-data:/data\", \"./site:/site:ro\", \"tmpfs:/tmp:size=16m\"]\n"
    "    read_only: true\n"
    "    cap_add: [NET_ADMIN]\n"
    "    cap_drop: [ALL]\n"
    "    security_opt: [\"no-new-privileges:false\", \"seccomp=unconfined\"]\n"
    "    restart: on-failure:4\n"
    "    depends_on: {db: {condition: service_healthy}, init: {condition: "
    "service_completed_successfully}}\n"
    "    healthcheck: {test: [\"CMD\", \"/bin/check\", \"-q\"], interval: 5s, timeout: 2s, "
    "retries: 7, start_period: 1m}\n"
    "    mem_limit: 256m\n"
    "    cpus: 1.5\n"
    "    pids_limit: -1\n"
    "    stop_signal: SIGQUIT\n"
    "    stop_grace_period: 1m30s\n"
    "    essential: true\n"
    "  db:\n"
    "    image: docker-archive:images/db.tar\n"
    "    command: sh -c 'exec db --port \"5432\"'\n"
    "    environment: [\"A=1\", \"B=x=y\", \"C=\"]\n"
    "    network_mode: none\n"
    "    healthcheck: {test: \"pg_isready -q\"}\n"
    "    depends_on: [init]\n"
    "  init:\n"
    "    image: dir:images/init\n"
    "    network_mode: host\n"
    "    userns: host\n"
    "    user: nobody\n"
    "    cap_drop: [CHOWN, cap_kill]\n"
    "    healthcheck: {disable: true}\n";

static void
test_full_host(const struct manifest *m)
{
	const struct network_cfg *n = &m->network;
	const struct interface *i = &n->interfaces[1];

	CHECK_STR(m->host.hostname, "edge-01", "host.hostname");
	CHECK(m->host.debug_console, "host.debug_console");
	CHECK_STR(m->host.timezone, "Europe/Berlin", "host.timezone");
	CHECK(m->host.n_sysctls == 2 &&
		  strcmp(m->host.sysctls[0].key, "net.ipv4.tcp_syncookies") == 0 &&
		  strcmp(m->host.sysctls[0].value, "1") == 0 &&
		  strcmp(m->host.sysctls[1].value, "10") == 0,
	      "host.sysctls");
	CHECK(n->n_interfaces == 2 && n->interfaces[0].dhcp &&
		  strcmp(n->interfaces[0].name, "eth0") == 0,
	      "interfaces[0] eth0 dhcp");
	CHECK(!i->name && i->match_mac && i->mac.b[3] == 0xab && i->mac.b[5] == 0x56 && !i->dhcp,
	      "interfaces[1] matched by MAC");
	CHECK(i->n_addresses == 2 &&
		  strcmp(prefix_str(&i->addresses[0].prefix), "192.0.2.10/24") == 0 &&
		  strcmp(prefix_str(&i->addresses[1].prefix), "2001:db8::10/64") == 0,
	      "interfaces[1] addresses keep their host bits");
	CHECK(i->addresses[0].pos.line == 12 && i->addresses[0].pos.col == 19,
	      "address position is 12:19");
	CHECK(i->n_routes == 3, "three routes");
	CHECK(i->n_routes == 3 && strcmp(prefix_str(&i->routes[0].to), "0.0.0.0/0") == 0 &&
		  i->routes[0].has_via && strcmp(addr_str(&i->routes[0].via), "192.0.2.1") == 0 &&
		  i->routes[0].metric == 0,
	      "route default via 192.0.2.1");
	CHECK(i->n_routes == 3 && strcmp(prefix_str(&i->routes[1].to), "::/0") == 0 &&
		  i->routes[1].metric == 100,
	      "route ::/0 metric 100");
	CHECK(i->n_routes == 3 && !i->routes[2].has_via, "on-link route");
	CHECK(i->mtu == 9000 && i->accept_ra, "mtu and accept_ra");
	CHECK(n->dns.n_nameservers == 2 && n->dns.nameservers[1].family == AF_INET6 &&
		  n->dns.n_search == 1 && strcmp(n->dns.search[0], "example.org") == 0,
	      "dns");
	CHECK(n->firewall.n_allow == 2 && n->firewall.allow[0].proto == IPPROTO_TCP &&
		  n->firewall.allow[0].port_lo == 443 && n->firewall.allow[0].port_hi == 443 &&
		  !n->firewall.allow[0].has_from && n->firewall.allow[1].proto == IPPROTO_UDP &&
		  n->firewall.allow[1].port_lo == 8000 && n->firewall.allow[1].port_hi == 8010 &&
		  n->firewall.allow[1].has_from,
	      "firewall allow rules");
	CHECK(strcmp(prefix_str(&n->bridge.subnet), "203.0.113.0/26") == 0 &&
		  n->bridge.has_subnet6 && n->bridge.icc,
	      "bridge");
	CHECK(m->logging.n_forward == 4 && m->logging.forward[0].proto == LOG_TCP &&
		  strcmp(m->logging.forward[0].host, "logs.example") == 0 &&
		  m->logging.forward[0].port == 6514 && m->logging.forward[1].proto == LOG_UDP &&
		  strcmp(m->logging.forward[1].host, "2001:db8::20") == 0 &&
		  m->logging.forward[1].port == 514,
	      "logging.forward");
	CHECK(m->logging.forward[2].proto == LOG_RELP &&
		  strcmp(m->logging.forward[2].host, "192.0.2.30") == 0 &&
		  m->logging.forward[2].port == 2514 &&
		  strcmp(log_proto_str(m->logging.forward[2].proto), "relp") == 0,
	      "logging.forward relp");
	CHECK(m->logging.forward[3].proto == LOG_TLS &&
		  strcmp(m->logging.forward[3].host, "siem.example") == 0 &&
		  m->logging.forward[3].port == 6514 &&
		  strcmp(m->logging.forward[3].ca, "/var/lib/berth/tls/ca.pem") == 0 &&
		  strcmp(m->logging.forward[3].cert, "/var/lib/berth/tls/host.pem") == 0 &&
		  strcmp(m->logging.forward[3].key, "/var/lib/berth/tls/host.key") == 0 &&
		  !m->logging.forward[0].ca &&
		  strcmp(log_proto_str(m->logging.forward[3].proto), "tls") == 0,
	      "logging.forward tls");
	CHECK(m->logging.max_size == 1 << 20 && m->logging.max_files == 2 && !m->logging.kernel,
	      "logging.local and kernel");
	CHECK(m->logging.firewall == LOG_FW_OFF &&
		  strcmp(log_firewall_str(m->logging.firewall), "off") == 0,
	      "logging.firewall off");
	CHECK(m->update.confirm_after_ms == 120000 && m->update.tries == 5 &&
		  m->update.health_deadline_ms == 600000,
	      "update");
}

static void
test_full_web(const struct container *c)
{
	CHECK(c->image.kind == IMAGE_OCI && strcmp(c->image.path, "images/web") == 0 &&
		  strcmp(c->image.tag, "1.0") == 0 && strlen(c->image.digest) == 64,
	      "web.image");
	CHECK(c->has_entrypoint && c->n_entrypoint == 2 &&
		  strcmp(c->entrypoint[0], "/bin/entry") == 0,
	      "web.entrypoint string is split");
	CHECK(c->has_command && c->n_command == 4 && strcmp(c->command[3], "8080") == 0,
	      "web.command list");
	CHECK(c->n_env == 3 && strcmp(c->env[1].name, "QUOTE") == 0 &&
		  strcmp(c->env[1].value, "say \"hi\"\n") == 0 && strcmp(c->env[2].value, "5") == 0,
	      "web.environment map");
	CHECK(c->has_user && c->user.uid_numeric && c->user.uid == 1000 && c->user.gid == 1000,
	      "web.user");
	CHECK_STR(c->working_dir, "/srv", "web.working_dir");
	CHECK_STR(c->hostname, "www", "web.hostname");
	CHECK(c->n_ports == 3 && c->ports[0].host_port == 80 &&
		  c->ports[0].container_port == 8080 && c->ports[1].has_host_ip &&
		  c->ports[2].count == 2 && c->ports[2].proto == IPPROTO_UDP,
	      "web.ports");
	CHECK(c->n_volumes == 3 && c->volumes[0].kind == VOLUME_NAMED &&
		  c->volumes[1].kind == VOLUME_BIND && c->volumes[1].read_only &&
		  strcmp(c->volumes[1].source, BIND_DIR "/site") == 0 &&
		  c->volumes[2].kind == VOLUME_TMPFS && c->volumes[2].tmpfs_size == 16 << 20,
	      "web.volumes");
	CHECK(c->read_only, "web.read_only");
	CHECK(c->cap_drop_all && c->caps == CAP_BIT(CAP_NET_ADMIN),
	      "web caps: ALL dropped, one added");
	CHECK(!c->no_new_privs && c->seccomp == SECCOMP_PROFILE_UNCONFINED, "web.security_opt");
	CHECK(c->restart.kind == RESTART_ON_FAILURE && c->restart.max_retries == 4, "web.restart");
	CHECK(c->n_depends_on == 2 && strcmp(c->depends_on[0].name, "db") == 0 &&
		  c->depends_on[0].condition == DEP_HEALTHY && c->depends_on[0].index == 1 &&
		  c->depends_on[1].condition == DEP_COMPLETED && c->depends_on[1].index == 2,
	      "web.depends_on long form");
	CHECK(c->health.kind == HEALTH_CMD && c->health.n_test == 2 &&
		  strcmp(c->health.test[0], "/bin/check") == 0 && c->health.interval_ms == 5000 &&
		  c->health.timeout_ms == 2000 && c->health.retries == 7 &&
		  c->health.start_period_ms == 60000,
	      "web.healthcheck");
	CHECK(c->mem_limit == 256 << 20 && c->cpus_milli == 1500 && c->pids_limit == 0,
	      "web limits (pids_limit -1 is no limit)");
	CHECK(c->stop_signal == SIGQUIT && c->stop_grace_ms == 90000 && c->essential,
	      "web stop_signal, stop_grace_period, essential");
}

static void
test_full(void)
{
	struct manifest m;
	struct diag d;
	const struct container *db, *init;

	CHECK(parse(full, &m, &d) == 0 && d.n == 0, "full manifest is valid");
	if (m.n_containers != 3) {
		CHECK(0, "full manifest has 3 containers (has %zu)", m.n_containers);
		goto out;
	}
	test_full_host(&m);
	test_full_web(&m.containers[0]);
	db = manifest_container(&m, "db");
	init = manifest_container(&m, "init");
	CHECK(db && db->n_command == 3 && strcmp(db->command[2], "exec db --port \"5432\"") == 0,
	      "db.command string is split like a shell does");
	CHECK(db && db->n_env == 3 && strcmp(db->env[1].value, "x=y") == 0 &&
		  strcmp(db->env[2].value, "") == 0,
	      "db.environment list");
	CHECK(db && db->network_mode == NET_NONE, "db.network_mode none");
	CHECK(db && db->userns == USERNS_PRIVATE, "db.userns private by default");
	CHECK(init && init->userns == USERNS_HOST, "init.userns host");
	CHECK(db && db->health.kind == HEALTH_SHELL && db->health.n_test == 1 &&
		  strcmp(db->health.test[0], "pg_isready -q") == 0 &&
		  db->health.interval_ms == 30000 && db->health.retries == 3,
	      "db.healthcheck string is CMD-SHELL, with defaults");
	CHECK(init && init->network_mode == NET_HOST && init->has_user && !init->user.uid_numeric &&
		  strcmp(init->user.user, "nobody") == 0,
	      "init network_mode host, user by name");
	CHECK(init && init->caps == (cap_default_set() & ~(CAP_BIT(CAP_CHOWN) | CAP_BIT(CAP_KILL))),
	      "init caps: default less CHOWN and KILL");
	CHECK(init && init->health.kind == HEALTH_NONE, "init healthcheck disabled");
	CHECK(m.start_order && m.start_order[0] == 2 && m.start_order[1] == 1 &&
		  m.start_order[2] == 0,
	      "start order init, db, web");
out:
	manifest_free(&m);
	diag_free(&d);
}

static void
test_container_defaults(void)
{
	struct manifest m;
	struct diag d;
	const struct container *c;

	CHECK(parse("version: 1\ncontainers:\n  my_app.1: {image: \"dir:x\"}\n", &m, &d) == 0,
	      "container with only an image is valid");
	c = m.n_containers ? &m.containers[0] : NULL;
	CHECK(c && c->caps == cap_default_set(), "default capabilities");
	CHECK(c && c->no_new_privs && c->seccomp == SECCOMP_PROFILE_DEFAULT, "default security");
	CHECK(c && c->network_mode == NET_BRIDGE && c->restart.kind == RESTART_NO,
	      "default network_mode and restart");
	CHECK(c && c->pids_limit == 4096 && c->mem_limit == 0 && c->cpus_milli == 0,
	      "default limits");
	CHECK(c && c->stop_signal == SIGTERM && c->stop_grace_ms == 10000 && !c->essential,
	      "default stop and essential");
	CHECK(c && c->health.kind == HEALTH_NONE && !c->has_command && !c->has_entrypoint &&
		  !c->has_user && !c->working_dir && !c->read_only,
	      "default command, user, working_dir, read_only");
	CHECK_STR(c ? c->hostname : NULL, "my-app.1", "default hostname from the name");
	manifest_free(&m);
	diag_free(&d);
}

/* storage_opt and host.memory_reserve: what they read, and what they refuse. */
static void
test_storage(void)
{
	static const struct {
		const char *name, *yaml; /* the container "a"'s keys, or the host's */
		uint64_t size, reserve;	 /* 0: an error is expected */
		const char *error;	 /* part of its message */
	} cases[] = {
	    {"storage_opt default 256 MiB", "", 256u << 20, 0, NULL},
	    {"storage_opt size 64m", "storage_opt: {size: 64m}", 64u << 20, 0, NULL},
	    {"storage_opt size 2g", "storage_opt: {size: 2g}", 2ull << 30, 0, NULL},
	    {"storage_opt empty keeps the default", "storage_opt: {}", 256u << 20, 0, NULL},
	    {"storage_opt below 1 MiB", "storage_opt: {size: 512k}", 0, 0, "at least"},
	    {"storage_opt bad size", "storage_opt: {size: lots}", 0, 0, "size: invalid size"},
	    {"storage_opt unknown key", "storage_opt: {sise: 1g}", 0, 0, "did you mean \"size\""},
	    {"storage_opt not a mapping", "storage_opt: 1g", 0, 0, "expected a mapping"},
	    {"storage_opt with read_only", "read_only: true\n    storage_opt: {size: 1g}", 0, 0,
	     "a read_only container has no writable layer"},
	    {"host.memory_reserve 256m", "host: {memory_reserve: 256m}", 256u << 20, 256u << 20,
	     NULL},
	    {"host.memory_reserve below 16 MiB", "host: {memory_reserve: 1m}", 0, 0, "at least"},
	};
	char text[512];

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct manifest m;
		struct diag d;
		bool host = strncmp(cases[i].yaml, "host:", 5) == 0;

		snprintf(text, sizeof text,
			 "version: 1\n%s\ncontainers:\n  a:\n    image: dir:x\n    %s\n",
			 host ? cases[i].yaml : "", host ? "" : cases[i].yaml);
		int rc = manifest_parse_buffer("test.yaml", text, strlen(text), &m, &d);
		const struct container *c = m.n_containers ? &m.containers[0] : NULL;
		if (cases[i].size) {
			CHECK(rc == 0 && c &&
				  c->storage_size == (host ? 256u << 20 : cases[i].size) &&
				  m.host.memory_reserve == cases[i].reserve,
			      "%s: read", cases[i].name);
		} else {
			CHECK(rc < 0 && d.n == 1 && strstr(d.v[0].msg, cases[i].error) &&
				  d.v[0].line >= 2,
			      "%s: refused with \"%s\" (got \"%s\")", cases[i].name, cases[i].error,
			      d.n ? d.v[0].msg : "no error");
		}
		manifest_free(&m);
		diag_free(&d);
	}
}

static void
test_init_on_free(void)
{
	struct manifest m;
	struct diag d;

	CHECK(parse("version: 1\nhost: {init_on_free: false}\n", &m, &d) == 0 &&
		      !m.host.init_on_free,
	      "host.init_on_free: false");
	manifest_free(&m);
	diag_free(&d);
	CHECK(parse("version: 1\nhost: {init_on_free: 0}\n", &m, &d) < 0 && d.n == 1 &&
		      d.v[0].line == 2 && d.v[0].col == 22,
	      "host.init_on_free: 0 is an error at 2:22 (%zu errors, at %d:%d)", d.n,
	      d.n ? d.v[0].line : 0, d.n ? d.v[0].col : 0);
	manifest_free(&m);
	diag_free(&d);
}

static void
test_errors(void)
{
	static const char bad[] = "version: 1\n"
				  "containers:\n"
				  "  b:\n"
				  "    image: dir:x\n"
				  "    depends_on: [a]\n"
				  "    cpus: lots\n"
				  "  a:\n"
				  "    imgae: dir:x\n"
				  "    depends_on: [b]\n"
				  "host: {debug_console: maybe}\n";
	struct manifest m;
	struct diag d;
	int sorted = 1;

	CHECK(parse(bad, &m, &d) < 0, "a bad manifest is rejected");
	CHECK(d.n == 5, "every error is reported (5, got %zu)", d.n);
	for (size_t i = 1; i < d.n; i++)
		sorted &= d.v[i - 1].line < d.v[i].line ||
			  (d.v[i - 1].line == d.v[i].line && d.v[i - 1].col <= d.v[i].col);
	CHECK(sorted, "errors are sorted by position");
	CHECK(d.n == 5 && strstr(d.v[3].msg, "cycle b -> a -> b"), "the cycle is named");
	CHECK(m.start_order == NULL, "no start order with a cycle");
	CHECK_STR(d.file, "test.yaml", "errors carry the file name");
	manifest_free(&m);
	diag_free(&d);

	CHECK(manifest_parse_file("/nonexistent/berth.yaml", &m, &d) < 0 && d.n == 1 &&
		  d.v[0].line == 0 && strstr(d.v[0].msg, "cannot read"),
	      "a missing file is one error without a position");
	manifest_free(&m);
	diag_free(&d);

	char *big = malloc(MANIFEST_MAX_BYTES + 2);

	if (big) {
		memset(big, '#', MANIFEST_MAX_BYTES + 1);
		big[MANIFEST_MAX_BYTES + 1] = '\0';
		CHECK(manifest_parse_buffer("big", big, MANIFEST_MAX_BYTES + 1, &m, &d) < 0 &&
			  d.n == 1 && strstr(d.v[0].msg, "larger than 1 MiB"),
		      "a manifest over 1 MiB is rejected");
		manifest_free(&m);
		diag_free(&d);
		free(big);
	}
}

static void
test_json(void)
{
	static const char text[] = "version: 1\n"
				   "containers:\n"
				   "  web:\n"
				   "    image: dir:x\n"
				   "    environment: {Q: \"a\\\"b\\\\c\\n\\u0001\\u00e9\"}\n";
	struct manifest m;
	struct diag d;
	struct json j;

	CHECK(parse(text, &m, &d) == 0, "manifest for JSON is valid");
	json_init(&j);
	manifest_to_json(&m, &j);
	CHECK(json_finish(&j) == 0, "manifest JSON is complete");
	CHECK(j.buf && strstr(j.buf, "\"Q\": \"a\\\"b\\\\c\\n\\u0001\xc3\xa9\""),
	      "environment value escaped in JSON");
	CHECK(j.buf && strstr(j.buf, "\"pids_limit\": 4096"), "JSON has the defaults");
	CHECK(j.buf && strstr(j.buf, "\"storage_opt\": {\n        \"size\": 268435456\n      }"),
	      "JSON has the writable layer's default size");
	CHECK(j.buf && strstr(j.buf, "\"memory_reserve\": null"),
	      "JSON has the automatic memory reserve as null");
	CHECK(j.buf && strstr(j.buf, "\"start_order\": [\n    \"web\"\n  ]"), "JSON start order");
	json_free(&j);
	manifest_free(&m);
	diag_free(&d);
}

static void
test_examples(void)
{
	glob_t g;

	if (glob(SRCDIR "/examples/*.yaml", 0, NULL, &g) != 0) {
		CHECK(0, "examples/*.yaml exist");
		return;
	}
	for (size_t i = 0; i < g.gl_pathc; i++) {
		struct manifest m;
		struct diag d;
		const char *name = strrchr(g.gl_pathv[i], '/') + 1;

		CHECK(manifest_parse_file(g.gl_pathv[i], &m, &d) == 0 && d.n == 0,
		      "example %s is valid", name);
		manifest_free(&m);
		diag_free(&d);
	}
	globfree(&g);
}

int
main(void)
{
	test_defaults();
	test_full();
	test_container_defaults();
	test_storage();
	test_init_on_free();
	test_errors();
	test_json();
	test_examples();
	CHECK_EXIT();
}
