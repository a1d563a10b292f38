/* SPDX-License-Identifier: MIT */
/* The host manifest as a plain C model, read by every berth program. The
 * schema is documented in docs/manifest.md; defaults are filled in by the
 * parser, so a program never has to guess what an absent key means. */
#ifndef BERTH_MANIFEST_H
#define BERTH_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "base/diag.h"
#include "image/imageref.h"
#include "base/json.h"
#include "base/netaddr.h"
#include "manifest/portspec.h"
#include "manifest/trust.h"
#include "base/scalar.h"
#include "manifest/volspec.h"

#define MANIFEST_MAX_BYTES (1024 * 1024)
#define MANIFEST_MAX_CONTAINERS 1000
#define MANIFEST_MAX_NAMESERVERS 3 /* what the C libraries' resolvers read */
#define MANIFEST_MAX_SEARCH 6
#define MANIFEST_MAX_NTP 8 /* more only slows chrony's source selection */
/* Limits on lists keep every check fast on a hostile 1 MiB file. */
#define MANIFEST_MAX_INTERFACES 64
#define MANIFEST_MAX_ADDRESSES 64 /* per interface */
#define MANIFEST_MAX_ROUTES 256	  /* per interface */
#define MANIFEST_MAX_ALLOW 1024
#define MANIFEST_MAX_FORWARD 16
#define MANIFEST_MAX_ENV 1024	     /* per container */
#define MANIFEST_MAX_PORTS 1024	     /* per container */
#define MANIFEST_MAX_ALL_PORTS 16384 /* in the whole manifest */
#define MANIFEST_MAX_VOLUMES 128     /* per container */
#define MANIFEST_MAX_LIST 64	     /* cap_add, cap_drop, security_opt */
#define MANIFEST_MAX_HOSTS 256	     /* network.hosts, and extra_hosts per container */

/* host: */
struct host_sysctl {
	char *key; /* net.ipv4.tcp_syncookies */
	char *value;
	struct srcpos pos;
};

struct host_cfg {
	char *hostname;	    /* default "berth" */
	bool debug_console; /* default false */
	bool nosmt;	    /* default false: the kernel's nosmt (docs/kernel.md) */
	bool init_on_free;  /* default true; false: init_on_free=0 (docs/kernel.md) */
	char *timezone;	    /* default "UTC" */
	struct host_sysctl *sysctls;
	size_t n_sysctls;
	/* Memory kept from the containers for init, the supervisor and
	 * netsetup; 0: the larger of 128 MiB and 10% of RAM, at most 1 GiB
	 * (docs/supervisor.md, "Memory"). */
	uint64_t memory_reserve;
};

/* network: */
struct route {
	struct ip_prefix to; /* "default" is 0.0.0.0/0 or ::/0 */
	bool has_via;	     /* false: an on-link route */
	struct ip_addr via;
	uint32_t metric; /* 0: the kernel's default */
	struct srcpos pos;
};

struct iface_addr {
	struct ip_prefix prefix; /* host bits set: 192.0.2.10/24 */
	struct srcpos pos;
};

struct interface {
	char *name;	/* exactly one of name and match_mac is set */
	bool match_mac; /* the interface with this MAC, whatever its name */
	struct mac_addr mac;
	bool dhcp;	/* DHCPv4; default false */
	/* A trial boot is confirmed only with this interface up and addressed;
	 * default (has_required false): an interface with DHCP or a default
	 * route is required. manifest_iface_required() says which. */
	bool required, has_required;
	bool accept_ra; /* IPv6 router advertisements (SLAAC); default false */
	uint32_t mtu;	/* 0: leave the link's MTU alone */
	struct iface_addr *addresses;
	size_t n_addresses;
	struct route *routes;
	size_t n_routes;
	struct srcpos pos;
};

struct dns_cfg {
	struct ip_addr *nameservers; /* none: what DHCP gives */
	size_t n_nameservers;
	char **search;
	size_t n_search;
};

enum fw_policy {
	FW_DROP,
	FW_ACCEPT,
};

struct fw_rule {
	int proto; /* IPPROTO_TCP or IPPROTO_UDP */
	uint16_t port_lo, port_hi;
	bool has_from; /* false: from anywhere */
	struct ip_prefix from;
	struct srcpos pos;
};

struct firewall_cfg {
	enum fw_policy inbound; /* default FW_DROP */
	struct fw_rule *allow;
	size_t n_allow;
};

struct bridge_cfg {
	struct ip_prefix subnet; /* default 172.31.0.0/24 */
	bool has_subnet6;
	struct ip_prefix subnet6;
	bool icc; /* traffic between containers; default false */
	struct srcpos subnet_pos, subnet6_pos;
};

/* network.ntp: the servers chronyd follows (docs/time.md). */
struct ntp_server {
	char *name; /* an IP address or a DNS name, as written */
	struct srcpos pos;
};

struct ntp_cfg {
	/* Default (given false): the servers DHCP offers. An explicit empty
	 * list turns NTP off. */
	bool given;
	struct ntp_server *servers;
	size_t n_servers;
	bool nts; /* network.ntp_nts: NTS-KE (TLS) with every server */
};

/* A static name in containers' /etc/hosts (network.hosts, extra_hosts). */
struct host_entry {
	char *name;
	struct ip_addr addr;
	struct srcpos pos;
};
void host_entries_free(struct host_entry *v, size_t n);

struct network_cfg {
	/* Default when the key is absent: eth0 with DHCP. An explicit empty
	 * list configures nothing but loopback. */
	struct interface *interfaces;
	size_t n_interfaces;
	struct dns_cfg dns;
	struct ntp_cfg ntp;
	struct firewall_cfg firewall;
	struct bridge_cfg bridge;
	struct host_entry *hosts; /* in every container's /etc/hosts */
	size_t n_hosts;
};

/* logging: */
enum log_proto {
	LOG_TCP, /* RFC 6587 octet counting */
	LOG_UDP,
	LOG_RELP, /* RELP: acknowledged, fed from the spool (supervisor/logrelp.c) */
	LOG_TLS,  /* RFC 5425: octet counting over TLS, fed from the spool */
};

/* "tcp", "udp", "relp", "tls": the URL's scheme. */
const char *log_proto_str(enum log_proto p);

struct log_target {
	char *url; /* as written: tcp://logs.example:6514 */
	enum log_proto proto;
	char *host; /* a name or an address, without brackets */
	uint16_t port;
	/* tls only: the CA that signs the receiver's certificate (required),
	 * and the client's certificate and key for mutual TLS (both or
	 * neither); absolute paths under /var, read when connecting. */
	char *ca, *cert, *key;
	struct srcpos pos;
};

/* logging.firewall: what the firewall writes to the kernel log. */
enum log_firewall {
	LOG_FW_DROPS, /* refused packets, rate-limited (default) */
	LOG_FW_OFF,
};
const char *log_firewall_str(enum log_firewall f);

struct logging_cfg {
	struct log_target *forward;
	size_t n_forward;
	uint64_t max_size;  /* bytes per file before rotation; default 10 MiB */
	uint32_t max_files; /* rotated files kept; default 5 */
	uint64_t spool_size; /* per TCP target on the data partition; default 64 MiB */
	bool kernel;	    /* forward /dev/kmsg too; default true */
	enum log_firewall firewall;
};

/* update: */
/* update.confirm_target: what must answer before a trial boot is
 * confirmed. */
enum confirm_target {
	CT_GATEWAY, /* the IPv4 default gateway answers an ICMP echo (default) */
	CT_NONE,    /* nothing beyond the interfaces */
	CT_TCP,	    /* a TCP connect to address:port succeeds */
};

/* update.window: on DAYS (bit 0 Sunday .. bit 6 Saturday), from start to
 * end, minutes of the day in the host's time zone; end > start, 1440 is
 * midnight at the end of the day. */
struct update_window {
	uint8_t days;
	uint16_t start, end;
};
#define MANIFEST_MAX_WINDOWS 16

struct update_cfg {
	uint64_t confirm_after_ms;   /* default 60 s */
	uint32_t tries;		     /* default 3 */
	uint64_t health_deadline_ms; /* default 5 min */
	enum confirm_target confirm_target;
	struct ip_addr confirm_addr; /* CT_TCP */
	uint16_t confirm_port;	     /* CT_TCP */
	char *product;		     /* default "berth": bundles must name it */
	char **boards;		     /* DMI product names bundles are for; none: any */
	size_t n_boards;
	/* The update channel (docs/update.md, Channel); NULL: none. */
	char *channel;		  /* http(s)://HOST[:PORT]/PATH */
	char *channel_ca;	  /* build-host file baked as the CA; NULL: Debian's bundle */
	uint64_t check_every_ms;  /* default 6 h; each wait has up to 10% jitter */
	bool auto_install;	  /* update.auto: install what is found; default true */
	uint64_t download_rate;	  /* bytes per second a download may take; 0: no cap */
	struct update_window *windows; /* when a reboot may happen; none: any time */
	size_t n_windows;
};

/* Seconds from now (local broken-down time) until a window is open: 0
 * inside one; with no windows always 0. */
unsigned long update_window_wait(const struct update_window *w, size_t n, const struct tm *now);
/* "Mon-Fri 02:00-04:00", as the manifest may write it (at most 48 bytes). */
void update_window_format(const struct update_window *w, char *buf, size_t len);

/* containers: */
struct env_var {
	char *name;
	char *value;
};

enum net_mode {
	NET_BRIDGE,
	NET_NONE,
	NET_HOST,
};

/* Whose users a container's are: its own range of host ids (the default),
 * or the host's (an explicit relaxation). */
enum userns_mode {
	USERNS_PRIVATE,
	USERNS_HOST,
};

enum seccomp_profile {
	SECCOMP_PROFILE_DEFAULT,
	SECCOMP_PROFILE_UNCONFINED,
};

enum dep_condition {
	DEP_STARTED,   /* service_started */
	DEP_HEALTHY,   /* service_healthy */
	DEP_COMPLETED, /* service_completed_successfully */
};

struct dependency {
	char *name;
	size_t index; /* into manifest.containers; valid when the manifest is */
	enum dep_condition condition;
	struct srcpos pos;
};

enum health_kind {
	HEALTH_NONE,  /* no check: running counts as healthy */
	HEALTH_CMD,   /* test is the argv */
	HEALTH_SHELL, /* test[0] is run with /bin/sh -c */
};

struct healthcheck {
	enum health_kind kind;
	char **test;
	size_t n_test;
	uint64_t interval_ms;	  /* default 30 s */
	uint64_t timeout_ms;	  /* default 30 s */
	uint64_t start_period_ms; /* default 0 */
	uint32_t retries;	  /* default 3 */
};

struct container {
	char *name;
	struct srcpos pos;
	struct image_ref image;
	bool has_entrypoint; /* false: the image's */
	char **entrypoint;
	size_t n_entrypoint;
	bool has_command; /* false: the image's */
	char **command;
	size_t n_command;
	struct env_var *env;
	size_t n_env;
	bool has_user; /* false: the image's user, else root */
	struct user_spec user;
	char *working_dir; /* NULL: the image's, else / */
	char *hostname;	   /* default: the container's name */
	struct port_map *ports;
	size_t n_ports;
	struct volume *volumes;
	size_t n_volumes;
	bool read_only;
	/* storage_opt.size: bytes of the writable layer (a tmpfs charged to
	 * the container's memory); default 256 MiB; not used when read_only. */
	uint64_t storage_size;
	uint64_t cap_add, cap_drop; /* as written, CAP_BIT() sets */
	bool cap_drop_all;
	uint64_t caps;	   /* the result: the default set, less drops, plus adds */
	bool no_new_privs; /* default true */
	enum seccomp_profile seccomp;
	enum net_mode network_mode;
	enum userns_mode userns;       /* default private */
	struct restart_policy restart; /* default no */
	struct dependency *depends_on;
	size_t n_depends_on;
	struct healthcheck health;
	uint64_t mem_limit;	/* bytes; 0: no limit */
	uint32_t cpus_milli;	/* thousandths of a CPU; 0: no limit */
	uint32_t pids_limit;	/* default 4096; 0: no limit (-1 in the manifest) */
	int stop_signal;	/* default SIGTERM */
	uint64_t stop_grace_ms; /* default 10 s */
	bool essential;		/* must be healthy to bless a boot; default false */
	/* The build runs the image without checking it against the trust
	 * policy (docs/manifest.md, Trust); berthctl status shows it. */
	bool insecure_allow_unsigned;
	struct host_entry *extra_hosts; /* after network.hosts in its /etc/hosts */
	size_t n_extra_hosts;
};

struct manifest {
	char *file; /* the name it was parsed under */
	int version;
	struct host_cfg host;
	struct network_cfg network;
	struct logging_cfg logging;
	struct update_cfg update;
	struct trust_policy trust; /* berth's default when the manifest has none */
	struct container *containers; /* in file order */
	size_t n_containers;
	/* Indices into containers in an order that starts every container
	 * after what it depends on (file order otherwise); valid when the
	 * manifest is. */
	size_t *start_order;
};

/* Parse and check a manifest. Both initialise *m and *d (their previous
 * contents are not freed) and return 0 when the manifest is valid, -1 when
 * it is not: then d holds every error found, sorted by position, and *m
 * what could be read. Either way the caller frees both with manifest_free
 * and diag_free. The file is read whole; more than MANIFEST_MAX_BYTES is an
 * error. */
int manifest_parse_file(const char *path, struct manifest *m, struct diag *d);
int manifest_parse_buffer(const char *name, const char *buf, size_t len, struct manifest *m,
			  struct diag *d);
void manifest_free(struct manifest *m);

/* The container called name, or NULL. */
const struct container *manifest_container(const struct manifest *m, const char *name);

/* Whether a trial boot needs interface i up with an address: its required
 * key, else whether it has DHCP or a default route. */
bool manifest_iface_required(const struct interface *i);

/* The normalised model, defaults included, as one JSON object (what
 * "berthctl show --json" prints). */
void manifest_to_json(const struct manifest *m, struct json *j);
/* One container the same way, as {"NAME": {...}}: what it is defined as. */
void manifest_container_to_json(const struct container *c, struct json *j);

const char *net_mode_str(enum net_mode mode);
const char *userns_mode_str(enum userns_mode mode);
const char *dep_condition_str(enum dep_condition c);

#endif
