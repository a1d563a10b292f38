/* SPDX-License-Identifier: MIT */
/* IPv4/IPv6 addresses and prefixes (CIDR), and MAC addresses. */
#ifndef BERTH_NETADDR_H
#define BERTH_NETADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IP_ADDR_STRLEN 46   /* INET6_ADDRSTRLEN */
#define IP_PREFIX_STRLEN 50 /* address, '/', 3 digits, NUL */
#define MAC_STRLEN 18

struct ip_addr {
	int family;    /* AF_INET or AF_INET6; 0 when unset */
	uint8_t a[16]; /* network byte order; IPv4 uses a[0..3] */
};

struct ip_prefix {
	struct ip_addr addr;
	unsigned len; /* 0..32 or 0..128 */
};

struct mac_addr {
	uint8_t b[6];
};

/* 192.0.2.1, 2001:db8::1 (no zone index, no brackets) */
int ip_addr_parse(const char *s, struct ip_addr *out, const char **why);

/* 192.0.2.0/24, 2001:db8::/32. With IP_PREFIX_SUBNET the bits after the
 * prefix must be zero (a network); without it they may be set (an
 * interface address such as 192.0.2.10/24). */
#define IP_PREFIX_SUBNET 1
int ip_prefix_parse(const char *s, int flags, struct ip_prefix *out, const char **why);

bool ip_prefix_host_bits(const struct ip_prefix *p);
/* Clears the host bits: 192.0.2.10/24 -> 192.0.2.0/24. */
void ip_prefix_network(struct ip_prefix *p);
/* True when the two prefixes share an address (same family only). */
bool ip_prefix_overlap(const struct ip_prefix *x, const struct ip_prefix *y);
bool ip_prefix_contains(const struct ip_prefix *p, const struct ip_addr *a);
bool ip_addr_equal(const struct ip_addr *x, const struct ip_addr *y);
bool ip_addr_is_unspecified(const struct ip_addr *a);
unsigned ip_addr_bits(const struct ip_addr *a); /* 32 or 128 */

void ip_addr_format(const struct ip_addr *a, char *buf, size_t len);
void ip_prefix_format(const struct ip_prefix *p, char *buf, size_t len);

/* 52:54:00:12:34:56, either case; not multicast, not all zeros. */
int mac_parse(const char *s, struct mac_addr *out, const char **why);
/* lowercase, colon-separated */
void mac_format(const struct mac_addr *m, char *buf, size_t len);

#endif
