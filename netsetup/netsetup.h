/* SPDX-License-Identifier: MIT */
/* What the parts of netsetup share: reporting changes and failures. */
#ifndef BERTH_NETSETUP_H
#define BERTH_NETSETUP_H

#include <stdbool.h>

#include "manifest/manifest.h"
#include "net/netlink.h"

#define RUN_DIR "/run/berth"

extern bool ns_dry_run;

/* "netsetup: eth0: added 192.0.2.10/24" on stdout: one line per change. */
void ns_changed(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "netsetup: eth0: set up: ..." on stderr; netsetup will exit 1. */
void ns_failed(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* 1 once ns_failed was called, else 0. */
int ns_exit_status(void);
/* done or, in a dry run, would: "added" / "would add". */
const char *ns_verb(const char *done, const char *would);

/* files.c: hostname, /run/berth/hostname, resolv.conf and hosts. */
void ns_apply_files(const struct manifest *m);
/* Writes path (temp file + rename) unless it holds content already. */
int ns_write_file(const char *path, const char *content, bool *changed, char *err, size_t errlen);

/* With DHCP and no nameservers in the manifest, resolv.conf is the lease's. */
bool ns_dns_from_dhcp(const struct manifest *m);

/* dhcp.c: a keeper running dhcpcd per interface with dhcp: true. */
void ns_start_dhcp(const struct manifest *m, const struct nl_link *links);
/* The name netsetup answers dhcpcd's events under (argv[0], a symlink). */
#define NS_DHCP_HOOK "dhcp-event"
/* Given to dhcpcd (-e), which passes it on to the hook: "1" when the
 * lease's nameservers go to resolv.conf. */
#define NS_DHCP_ENV_DNS "BERTH_DHCP_DNS"
/* lease.c: the hook; reason and interface come from the environment. */
int ns_dhcp_event(void);

/* ntp.c: chronyd, kept running, from network.ntp or DHCP's servers. */
/* Only from the host's network namespace (host_netns): the clock is the
 * whole machine's, and a netsetup run in another one, as the tests do,
 * must not start a daemon that sets it. */
void ns_start_ntp(const struct manifest *m, bool host_netns);
/* The DHCP hook's part: the lease's NTP servers, or none with drop. */
void ns_dhcp_ntp(const char *ifname, bool drop);

/* bridge.c: berth0 at boot, and the bridge-attach/-detach commands. */
void ns_apply_bridge(struct nl *nl, const struct manifest *m);
int ns_cmd_bridge_attach(struct nl *nl, const struct manifest *m, int argc, char **argv);
int ns_cmd_bridge_detach(struct nl *nl, int argc, char **argv);

#endif
