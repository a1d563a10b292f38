/* SPDX-License-Identifier: MIT */
/* Checks for the names and paths a manifest gives: containers, volumes,
 * hosts, domains, interfaces, environment variables, sysctls, time zones.
 * Each returns 0, or -1 with *why set to a static phrase. */
#ifndef BERTH_NAMES_H
#define BERTH_NAMES_H

#include <stddef.h>

#define CONTAINER_NAME_MAX 63
#define VOLUME_NAME_MAX 64
#define HOSTNAME_MAX 64 /* HOST_NAME_MAX: what sethostname(2) takes */
#define DOMAIN_MAX 253
#define IFNAME_MAX 15 /* IFNAMSIZ - 1 */
#define ENV_NAME_MAX 255
#define SYSCTL_NAME_MAX 255
#define SYSCTL_VALUE_MAX 127
#define TIMEZONE_MAX 64
#define PATH_MAX_LEN 4095

/* [a-z0-9][a-z0-9_.-]{0,62} */
int name_container_check(const char *s, const char **why);
/* [a-zA-Z0-9][a-zA-Z0-9_.-]{0,63} */
int name_volume_check(const char *s, const char **why);
/* RFC 1123 labels joined by dots, at most 64 bytes in all */
int name_hostname_check(const char *s, const char **why);
/* the same, up to 253 bytes (DNS search domains) */
int name_domain_check(const char *s, const char **why);
/* a Linux interface name: 1-15 bytes, no '/', ':', whitespace, not . or .. */
int name_ifname_check(const char *s, const char **why);
/* [A-Za-z_][A-Za-z0-9_]* */
int name_env_check(const char *s, const char **why);
/* net.ipv4.ip_forward or net/ipv4/conf/eth0.100/rp_filter */
int name_sysctl_check(const char *s, const char **why);
/* Europe/Berlin, UTC, Etc/GMT+2 */
int name_timezone_check(const char *s, const char **why);
/* update.product: 1-31 of [0-9A-Za-z._-], starting with a letter or digit
 * (what an update bundle's header can carry). */
int name_product_check(const char *s, const char **why);
/* One of update.boards: 1-31 printable ASCII characters, no '|' (the
 * separator in a bundle's header; DMI names have commas). */
int name_board_check(const char *s, const char **why);
/* An absolute, normalised path: starts with '/', no empty, "." or ".."
 * components, no trailing '/' (except "/" itself). */
int path_check_abs(const char *s, const char **why);
/* A relative path under some directory: no leading '/', no empty, "." or
 * ".." components. */
int path_check_rel(const char *s, const char **why);

#endif
