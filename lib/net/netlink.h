/* SPDX-License-Identifier: MIT */
/* rtnetlink through libmnl: links, addresses and routes, each change idempotent. */
#ifndef BERTH_NETLINK_H
#define BERTH_NETLINK_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/netaddr.h"

/*
 * One rtnetlink socket. Every function returns 0 or -1; on -1, nl->err says
 * which interface, which operation and why, with the kernel's extended-ack
 * text when it gave one ("eth0: set mtu 99: Invalid argument (kernel: ...)").
 * Functions that change something take a bool *changed: set to true when the
 * kernel state was changed, left alone when it already was as asked.
 */
struct nlmsghdr;

struct nl {
	/* Set by the caller: queries run, changes are only reported. */
	bool dry_run;
	struct mnl_socket *sock;
	unsigned int portid;
	unsigned int seq;
	char extack[256]; /* the kernel's message for the last failed request */
	char err[768];
};

struct nl_link {
	int index;
	char name[IF_NAMESIZE];
	unsigned char mac[6];
	bool has_mac; /* only when the hardware address is 6 bytes (Ethernet) */
	unsigned int mtu;
	unsigned int flags; /* IFF_* */
};

struct nl_route {
	struct ip_prefix dst; /* len 0: default route */
	struct ip_addr gw;    /* family 0: on-link, no gateway */
	int oif;	     /* 0 when the kernel gave none (multipath) */
	unsigned int metric;
	unsigned char protocol; /* RTPROT_*: RTPROT_STATIC unless set */
};

int nl_open(struct nl *nl);
/* nl_open in another network namespace (an fd of /proc/PID/ns/net): the
 * socket stays bound to it, the calling thread returns to its own. */
int nl_open_netns(struct nl *nl, int netns_fd);
void nl_close(struct nl *nl);

int nl_link_by_name(struct nl *nl, const char *name, struct nl_link *out);

/* A link's traffic as the kernel counts it (IFLA_STATS64): rx is what
 * arrived on the link, tx what left by it. */
struct nl_link_counters {
	unsigned long long rx_bytes, rx_packets, tx_bytes, tx_packets;
};
/* Calls fn for every link of the namespace, in one dump, so that the
 * counters of many links cost one request. */
int nl_link_counters_each(struct nl *nl,
			  void (*fn)(const char *name, const struct nl_link_counters *c, void *arg),
			  void *arg);
int nl_link_by_mac(struct nl *nl, const unsigned char mac[6], struct nl_link *out);
int nl_link_set_up(struct nl *nl, const struct nl_link *link, bool *changed);
int nl_link_set_mtu(struct nl *nl, const struct nl_link *link, unsigned int mtu, bool *changed);

/* Fills out[] with up to max addresses of one family (0: both) on a link;
 * *n is the number found, which may exceed max. */
int nl_addr_list(struct nl *nl, const struct nl_link *link, int family, struct ip_prefix *out,
		 size_t max, size_t *n);
int nl_addr_add(struct nl *nl, const struct nl_link *link, const struct ip_prefix *addr,
		bool *changed);
/* nl_addr_add for an IPv6 address unique by construction: no duplicate
 * address detection, so it is usable at once (not "tentative"). */
int nl_addr_add_nodad(struct nl *nl, const struct nl_link *link, const struct ip_prefix *addr,
		      bool *changed);
/* nl_addr_add with a lifetime in seconds (a DHCP lease): the kernel removes
 * the address when it runs out. An address already there gets the new
 * lifetime; *changed only when it was not there. */
int nl_addr_put_lease(struct nl *nl, const struct nl_link *link, const struct ip_prefix *addr,
		      unsigned int seconds, bool *changed);
int nl_addr_del(struct nl *nl, const struct nl_link *link, const struct ip_prefix *addr,
		bool *changed);

/* The main table's unicast routes of one family, as nl_addr_list. */
int nl_route_list(struct nl *nl, int family, struct nl_route *out, size_t max, size_t *n);
/*
 * Makes the main table hold route r through link. Present as asked: nothing.
 * A route to the same destination and metric through another gateway or link
 * is replaced (*replaced true), so that the table converges to the manifest.
 */
int nl_route_add(struct nl *nl, const struct nl_link *link, const struct nl_route *r,
		 bool *changed, bool *replaced);
int nl_route_del(struct nl *nl, const struct nl_link *link, const struct nl_route *r,
		 bool *changed);

/* For the other rtnetlink users in lib/ (lib/net/bridge.c): sends a request
 * built in buf and waits for its ack (nothing is sent in a dry run);
 * nl_fail fills nl->err as every function here does and sets errno. */
int nl_request(struct nl *nl, struct nlmsghdr *nlh);
void nl_fail(struct nl *nl, const char *ifname, int err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Removes the link; absent already: nothing. */
int nl_link_del(struct nl *nl, const char *name, bool *changed);

/* Reads an NLMSG_ERROR message: returns its error (0 for an ack, -errno) and
 * copies the kernel's extended-ack message, if any, into extack. Shared with
 * the nftables code, which reads the acks of a batch itself. */
int nl_ack_parse(const struct nlmsghdr *nlh, char *extack, size_t size);

/* "default via 192.0.2.1" or "198.51.100.0/24" (+ " metric N"): never truncates. */
const char *nl_route_str(const struct nl_route *r, char *buf, size_t size);

#endif
