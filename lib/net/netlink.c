/* SPDX-License-Identifier: MIT */
/* rtnetlink through libmnl: links, addresses and routes, each change idempotent. */
#include "net/netlink.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* Bytes of an address of family: 4, 16, or 0 for another family. */
static size_t
addr_size(int family)
{
	return family == AF_INET ? 4 : family == AF_INET6 ? 16 : 0;
}

static const char *
prefix_str(const struct ip_prefix *p, char buf[IP_PREFIX_STRLEN])
{
	ip_prefix_format(p, buf, IP_PREFIX_STRLEN);
	return buf;
}

static bool
prefix_equal(const struct ip_prefix *a, const struct ip_prefix *b)
{
	return a->len == b->len && ip_addr_equal(&a->addr, &b->addr);
}

/* Big enough for one datagram of a dump; the kernel sizes its dump skbs to
 * the reader's buffer up to 32 KiB. */
#define NL_DUMP_BUF 32768

/* The kernel picks 1024 for an IPv6 route added without a metric. */
#define IP6_DEFAULT_METRIC 1024

struct nl_req {
	struct nl *nl;
	mnl_cb_t fn;
	void *arg;
};

void
nl_fail(struct nl *nl, const char *ifname, int err, const char *fmt, ...)
{
	char op[200];
	va_list ap;
	int n;

	va_start(ap, fmt);
	vsnprintf(op, sizeof(op), fmt, ap);
	va_end(ap);
	n = snprintf(nl->err, sizeof(nl->err), "%s%s%s: %s%s%s%s", ifname ? ifname : "",
		     ifname ? ": " : "", op, strerror(err), nl->extack[0] ? " (kernel: " : "",
		     nl->extack, nl->extack[0] ? ")" : "");
	/* A message cut short still names the interface and the operation. */
	if (n < 0 || (size_t)n >= sizeof(nl->err))
		nl->err[sizeof(nl->err) - 1] = '\0';
	errno = err;
}

int
nl_open(struct nl *nl)
{
	int one = 1;

	bool dry_run = nl->dry_run;

	memset(nl, 0, sizeof(*nl));
	nl->dry_run = dry_run;
	nl->sock = mnl_socket_open(NETLINK_ROUTE);
	if (!nl->sock) {
		nl_fail(nl, NULL, errno, "open rtnetlink socket");
		return -1;
	}
	/* Without NETLINK_EXT_ACK the kernel keeps its explanation to itself;
	 * old kernels refuse the option, and then errors just lack the text. */
	mnl_socket_setsockopt(nl->sock, NETLINK_EXT_ACK, &one, sizeof(one));
	if (mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		nl_fail(nl, NULL, errno, "bind rtnetlink socket");
		mnl_socket_close(nl->sock);
		nl->sock = NULL;
		return -1;
	}
	nl->portid = mnl_socket_get_portid(nl->sock);
	nl->seq = (unsigned int)time(NULL);
	return 0;
}

int
nl_open_netns(struct nl *nl, int netns_fd)
{
	int self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC), err;

	if (self < 0) {
		nl_fail(nl, NULL, errno, "open own network namespace");
		return -1;
	}
	if (setns(netns_fd, CLONE_NEWNET) < 0) {
		err = errno;
		close(self);
		nl_fail(nl, NULL, err, "enter network namespace");
		return -1;
	}
	/* A netlink socket belongs to the namespace it was created in, so
	 * it keeps talking to the container's after the thread leaves. */
	if (nl_open(nl) < 0) {
		err = errno;
		if (setns(self, CLONE_NEWNET) < 0)
			abort(); /* running on in the wrong namespace would be worse */
		close(self);
		errno = err;
		return -1;
	}
	if (setns(self, CLONE_NEWNET) < 0)
		abort();
	close(self);
	return 0;
}

void
nl_close(struct nl *nl)
{
	if (nl->sock)
		mnl_socket_close(nl->sock);
	nl->sock = NULL;
}

struct extack_buf {
	char *buf;
	size_t size;
};

static int
extack_attr_cb(const struct nlattr *a, void *data)
{
	struct extack_buf *out = data;

	if (mnl_attr_get_type(a) == NLMSGERR_ATTR_MSG &&
	    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
		snprintf(out->buf, out->size, "%s", mnl_attr_get_str(a));
	return MNL_CB_OK;
}

int
nl_ack_parse(const struct nlmsghdr *nlh, char *extack, size_t size)
{
	struct extack_buf out = {extack, size};
	const struct nlmsgerr *e;
	size_t off;

	if (size)
		extack[0] = '\0';
	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*e)))
		return -EBADMSG;
	e = mnl_nlmsg_get_payload(nlh);
	if (e->error == 0 || !(nlh->nlmsg_flags & NLM_F_ACK_TLVS) || size == 0)
		return e->error;
	/* The TLVs follow the echoed request, or only its header when capped. */
	off = sizeof(*e);
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) {
		if (e->msg.nlmsg_len < sizeof(struct nlmsghdr))
			return e->error;
		off += e->msg.nlmsg_len - sizeof(struct nlmsghdr);
	}
	if (off < mnl_nlmsg_get_payload_len(nlh))
		mnl_attr_parse(nlh, (unsigned int)off, extack_attr_cb, &out);
	return e->error;
}

static int
error_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nl_req *req = data;
	int err = nl_ack_parse(nlh, req->nl->extack, sizeof(req->nl->extack));

	if (err == 0)
		return MNL_CB_STOP;
	errno = err < 0 ? -err : EPROTO;
	return MNL_CB_ERROR;
}

static int
done_cb(const struct nlmsghdr *nlh, void *data)
{
	(void)data;
	/* A dump that failed half-way says so with a negative int here. */
	if (mnl_nlmsg_get_payload_len(nlh) >= sizeof(int)) {
		int err = *(const int *)mnl_nlmsg_get_payload(nlh);

		if (err < 0) {
			errno = -err;
			return MNL_CB_ERROR;
		}
	}
	return MNL_CB_STOP;
}

static int
data_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nl_req *req = data;

	return req->fn ? req->fn(nlh, req->arg) : MNL_CB_OK;
}

/* Sends one request and reads until its ack or the end of its dump; fn sees
 * each data message. Returns 0, or -1 with errno and nl->extack set. */
static int
nl_talk(struct nl *nl, struct nlmsghdr *nlh, mnl_cb_t fn, void *arg)
{
	char buf[NL_DUMP_BUF];
	struct nl_req req = {nl, fn, arg};
	mnl_cb_t ctl[NLMSG_DONE + 1] = {0};
	unsigned int seq = ++nl->seq;
	ssize_t n;
	int ret;

	ctl[NLMSG_ERROR] = error_cb;
	ctl[NLMSG_DONE] = done_cb;
	nl->extack[0] = '\0';
	nlh->nlmsg_seq = seq;
	if (mnl_socket_sendto(nl->sock, nlh, nlh->nlmsg_len) < 0)
		return -1;
	for (;;) {
		n = mnl_socket_recvfrom(nl->sock, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		ret = mnl_cb_run2(buf, (size_t)n, seq, nl->portid, data_cb, &req, ctl,
				  MNL_ARRAY_SIZE(ctl));
		if (ret == MNL_CB_ERROR)
			return -1;
		if (ret == MNL_CB_STOP)
			return 0;
	}
}

int
nl_request(struct nl *nl, struct nlmsghdr *nlh)
{
	return nl->dry_run ? 0 : nl_talk(nl, nlh, NULL, NULL);
}

static struct nlmsghdr *
nl_msg(char *buf, int type, int flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);

	nlh->nlmsg_type = (unsigned short)type;
	nlh->nlmsg_flags = (unsigned short)(NLM_F_REQUEST | flags);
	return nlh;
}

/* ---- links ---- */

struct link_query {
	const char *name;
	const unsigned char *mac;
	struct nl_link *out;
	bool found;
};

static int
link_attr_cb(const struct nlattr *a, void *data)
{
	struct nl_link *l = data;

	switch (mnl_attr_get_type(a)) {
	case IFLA_IFNAME:
		if (mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
			snprintf(l->name, sizeof(l->name), "%s", mnl_attr_get_str(a));
		break;
	case IFLA_ADDRESS:
		if (mnl_attr_get_payload_len(a) == sizeof(l->mac)) {
			memcpy(l->mac, mnl_attr_get_payload(a), sizeof(l->mac));
			l->has_mac = true;
		}
		break;
	case IFLA_MTU:
		if (mnl_attr_validate(a, MNL_TYPE_U32) == 0)
			l->mtu = mnl_attr_get_u32(a);
		break;
	}
	return MNL_CB_OK;
}

static int
link_cb(const struct nlmsghdr *nlh, void *data)
{
	struct link_query *q = data;
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	struct nl_link l = {0};

	if (q->found || nlh->nlmsg_type != RTM_NEWLINK ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifi))
		return MNL_CB_OK;
	l.index = ifi->ifi_index;
	l.flags = ifi->ifi_flags;
	mnl_attr_parse(nlh, sizeof(*ifi), link_attr_cb, &l);
	if (q->name && strcmp(q->name, l.name) != 0)
		return MNL_CB_OK;
	if (q->mac && (!l.has_mac || memcmp(q->mac, l.mac, sizeof(l.mac)) != 0))
		return MNL_CB_OK;
	/* The dump comes in index order, so the first match is the lowest
	 * index: the physical NIC rather than VLANs on it that share its MAC. */
	*q->out = l;
	q->found = true;
	return MNL_CB_OK;
}

/* Every link of the namespace, one RTM_NEWLINK message each to fn. */
static int
link_dump(struct nl *nl, mnl_cb_t fn, void *arg)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = nl_msg(buf, RTM_GETLINK, NLM_F_DUMP);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));

	ifi->ifi_family = AF_UNSPEC;
	return nl_talk(nl, nlh, fn, arg);
}

static int
link_find(struct nl *nl, struct link_query *q, const char *what)
{
	if (link_dump(nl, link_cb, q) < 0) {
		nl_fail(nl, what, errno, "list links");
		return -1;
	}
	if (!q->found) {
		nl->extack[0] = '\0';
		nl_fail(nl, what, ENODEV, "find link");
		return -1;
	}
	return 0;
}

int
nl_link_by_name(struct nl *nl, const char *name, struct nl_link *out)
{
	struct link_query q = {.name = name, .out = out};

	return link_find(nl, &q, name);
}

int
nl_link_by_mac(struct nl *nl, const unsigned char mac[6], struct nl_link *out)
{
	struct link_query q = {.mac = mac, .out = out};
	char what[32];

	snprintf(what, sizeof(what), "mac %02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2],
		 mac[3], mac[4], mac[5]);
	return link_find(nl, &q, what);
}

struct counters_query {
	void (*fn)(const char *name, const struct nl_link_counters *c, void *arg);
	void *arg;
	char name[IF_NAMESIZE];
	struct nl_link_counters c;
};

static int
counters_attr_cb(const struct nlattr *a, void *data)
{
	struct counters_query *q = data;
	struct rtnl_link_stats64 st;

	switch (mnl_attr_get_type(a)) {
	case IFLA_IFNAME:
		if (mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
			snprintf(q->name, sizeof(q->name), "%s", mnl_attr_get_str(a));
		break;
	case IFLA_STATS64:
		/* Older kernels send a shorter struct; only its start is read. */
		if (mnl_attr_get_payload_len(a) < offsetof(struct rtnl_link_stats64, rx_errors))
			break;
		memset(&st, 0, sizeof(st));
		memcpy(&st, mnl_attr_get_payload(a), offsetof(struct rtnl_link_stats64, rx_errors));
		q->c = (struct nl_link_counters){.rx_bytes = st.rx_bytes,
						 .rx_packets = st.rx_packets,
						 .tx_bytes = st.tx_bytes,
						 .tx_packets = st.tx_packets};
		break;
	}
	return MNL_CB_OK;
}

static int
counters_cb(const struct nlmsghdr *nlh, void *data)
{
	struct counters_query *q = data;
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);

	if (nlh->nlmsg_type != RTM_NEWLINK || mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifi))
		return MNL_CB_OK;
	q->name[0] = '\0';
	q->c = (struct nl_link_counters){0};
	mnl_attr_parse(nlh, sizeof(*ifi), counters_attr_cb, q);
	if (q->name[0])
		q->fn(q->name, &q->c, q->arg);
	return MNL_CB_OK;
}

int
nl_link_counters_each(struct nl *nl,
		      void (*fn)(const char *name, const struct nl_link_counters *c, void *arg),
		      void *arg)
{
	struct counters_query q = {.fn = fn, .arg = arg};

	if (link_dump(nl, counters_cb, &q) < 0) {
		nl_fail(nl, "links", errno, "read counters");
		return -1;
	}
	return 0;
}

static int
link_change(struct nl *nl, const struct nl_link *link, unsigned int up, unsigned int mtu)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = nl_msg(buf, RTM_NEWLINK, NLM_F_ACK);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));

	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = link->index;
	ifi->ifi_flags = up;
	ifi->ifi_change = up;
	if (mtu)
		mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
	return nl->dry_run ? 0 : nl_talk(nl, nlh, NULL, NULL);
}

int
nl_link_set_up(struct nl *nl, const struct nl_link *link, bool *changed)
{
	if (link->flags & IFF_UP)
		return 0;
	if (link_change(nl, link, IFF_UP, 0) < 0) {
		nl_fail(nl, link->name, errno, "set up");
		return -1;
	}
	*changed = true;
	return 0;
}

int
nl_link_set_mtu(struct nl *nl, const struct nl_link *link, unsigned int mtu, bool *changed)
{
	if (link->mtu == mtu)
		return 0;
	if (link_change(nl, link, 0, mtu) < 0) {
		nl_fail(nl, link->name, errno, "set mtu %u", mtu);
		return -1;
	}
	*changed = true;
	return 0;
}

int
nl_link_del(struct nl *nl, const char *name, bool *changed)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = nl_msg(buf, RTM_DELLINK, NLM_F_ACK);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));

	ifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	if (nl_request(nl, nlh) < 0) {
		if (errno == ENODEV)
			return 0;
		nl_fail(nl, name, errno, "remove link");
		return -1;
	}
	*changed = true;
	return 0;
}

/* ---- addresses ---- */

struct addr_query {
	int index;
	struct ip_prefix *out;
	size_t max, n;
};

struct addr_attrs {
	const struct nlattr *local, *address;
};

static int
addr_attr_cb(const struct nlattr *a, void *data)
{
	struct addr_attrs *aa = data;

	if (mnl_attr_get_type(a) == IFA_LOCAL)
		aa->local = a;
	else if (mnl_attr_get_type(a) == IFA_ADDRESS)
		aa->address = a;
	return MNL_CB_OK;
}

static int
addr_cb(const struct nlmsghdr *nlh, void *data)
{
	struct addr_query *q = data;
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	struct addr_attrs aa = {0};
	const struct nlattr *a;
	struct ip_prefix p = {0};

	if (nlh->nlmsg_type != RTM_NEWADDR || mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifa) ||
	    (int)ifa->ifa_index != q->index || !addr_size(ifa->ifa_family))
		return MNL_CB_OK;
	mnl_attr_parse(nlh, sizeof(*ifa), addr_attr_cb, &aa);
	/* On point-to-point links IFA_ADDRESS is the peer; IFA_LOCAL is ours. */
	a = aa.local ? aa.local : aa.address;
	if (!a || mnl_attr_get_payload_len(a) != addr_size(ifa->ifa_family))
		return MNL_CB_OK;
	p.addr.family = ifa->ifa_family;
	p.len = ifa->ifa_prefixlen;
	memcpy(p.addr.a, mnl_attr_get_payload(a), addr_size(p.addr.family));
	if (q->n < q->max)
		q->out[q->n] = p;
	q->n++;
	return MNL_CB_OK;
}

int
nl_addr_list(struct nl *nl, const struct nl_link *link, int family, struct ip_prefix *out,
	     size_t max, size_t *n)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = nl_msg(buf, RTM_GETADDR, NLM_F_DUMP);
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	struct addr_query q = {.index = link->index, .out = out, .max = max};

	ifa->ifa_family = (unsigned char)family;
	if (nl_talk(nl, nlh, addr_cb, &q) < 0) {
		nl_fail(nl, link->name, errno, "list addresses");
		return -1;
	}
	*n = q.n;
	return 0;
}

/* Whether addr is on link: -1 error, 0 no, 1 yes. */
static int
addr_present(struct nl *nl, const struct nl_link *link, const struct ip_prefix *addr)
{
	struct ip_prefix have[64];
	size_t n, i;

	if (nl_addr_list(nl, link, addr->addr.family, have, 64, &n) < 0)
		return -1;
	for (i = 0; i < n && i < 64; i++)
		if (prefix_equal(&have[i], addr))
			return 1;
	/* With more than 64 addresses the rest is not looked at: the kernel's
	 * EEXIST then tells that the address is there. */
	return 0;
}

/* lifetime 0: permanent; ifa_flags: IFA_F_* (IFA_F_NODAD). */
static int
addr_change(struct nl *nl, int type, int flags, const struct nl_link *link,
	    const struct ip_prefix *addr, unsigned int lifetime, uint32_t ifa_flags)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = nl_msg(buf, type, NLM_F_ACK | flags);
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	size_t size = addr_size(addr->addr.family);

	ifa->ifa_family = (unsigned char)addr->addr.family;
	ifa->ifa_prefixlen = (unsigned char)addr->len;
	ifa->ifa_index = (unsigned int)link->index;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	mnl_attr_put(nlh, IFA_LOCAL, size, addr->addr.a);
	mnl_attr_put(nlh, IFA_ADDRESS, size, addr->addr.a);
	if (ifa_flags) {
		ifa->ifa_flags = (unsigned char)ifa_flags;
		mnl_attr_put_u32(nlh, IFA_FLAGS, ifa_flags);
	}
	if (lifetime) {
		struct ifa_cacheinfo ci = {.ifa_prefered = lifetime, .ifa_valid = lifetime};

		mnl_attr_put(nlh, IFA_CACHEINFO, sizeof(ci), &ci);
	}
	return nl->dry_run ? 0 : nl_talk(nl, nlh, NULL, NULL);
}

static int
addr_add(struct nl *nl, const struct nl_link *link, const struct ip_prefix *addr,
	 uint32_t ifa_flags, bool *changed)
{
	char s[IP_PREFIX_STRLEN];
	int present = addr_present(nl, link, addr);

	if (present < 0)
		return -1;
	if (present)
		return 0;
	if (addr_change(nl, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, link, addr, 0, ifa_flags) < 0) {
		if (errno == EEXIST)
			return 0;
		nl_fail(nl, link->name, errno, "add address %s", prefix_str(addr, s));
		return -1;
	}
	*changed = true;
	return 0;
}

int
nl_addr_add(struct nl *nl, const struct nl_link *link, const struct ip_prefix *addr,
	    bool *changed)
{
	return addr_add(nl, link, addr, 0, changed);
}

int
nl_addr_add_nodad(struct nl *nl, const struct nl_link *link, const struct ip_prefix *addr,
		  bool *changed)
{
	return addr_add(nl, link, addr, IFA_F_NODAD, changed);
}

int
nl_addr_put_lease(struct nl *nl, const struct nl_link *link, const struct ip_prefix *addr,
		  unsigned int seconds, bool *changed)
{
	char s[IP_PREFIX_STRLEN];
	int present = addr_present(nl, link, addr);

	if (present < 0)
		return -1;
	/* NLM_F_REPLACE on an existing address only updates its lifetime,
	 * which is what a renewed lease needs. */
	if (addr_change(nl, RTM_NEWADDR, NLM_F_CREATE | NLM_F_REPLACE, link, addr, seconds, 0) <
	    0) {
		nl_fail(nl, link->name, errno, "add address %s for %u s", prefix_str(addr, s),
			seconds);
		return -1;
	}
	if (!present)
		*changed = true;
	return 0;
}

int
nl_addr_del(struct nl *nl, const struct nl_link *link, const struct ip_prefix *addr,
	    bool *changed)
{
	char s[IP_PREFIX_STRLEN];

	if (addr_change(nl, RTM_DELADDR, 0, link, addr, 0, 0) < 0) {
		if (errno == EADDRNOTAVAIL)
			return 0;
		nl_fail(nl, link->name, errno, "remove address %s", prefix_str(addr, s));
		return -1;
	}
	*changed = true;
	return 0;
}

/* ---- routes ---- */

struct route_query {
	int family;
	struct nl_route *out;
	size_t max, n;
};

struct route_attrs {
	const struct nlattr *dst, *gw, *oif, *prio, *table;
};

static int
route_attr_cb(const struct nlattr *a, void *data)
{
	struct route_attrs *ra = data;

	switch (mnl_attr_get_type(a)) {
	case RTA_DST:
		ra->dst = a;
		break;
	case RTA_GATEWAY:
		ra->gw = a;
		break;
	case RTA_OIF:
		ra->oif = mnl_attr_validate(a, MNL_TYPE_U32) == 0 ? a : NULL;
		break;
	case RTA_PRIORITY:
		ra->prio = mnl_attr_validate(a, MNL_TYPE_U32) == 0 ? a : NULL;
		break;
	case RTA_TABLE:
		ra->table = mnl_attr_validate(a, MNL_TYPE_U32) == 0 ? a : NULL;
		break;
	}
	return MNL_CB_OK;
}

static int
route_cb(const struct nlmsghdr *nlh, void *data)
{
	struct route_query *q = data;
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	struct route_attrs ra = {0};
	struct nl_route r = {0};
	size_t size;

	if (nlh->nlmsg_type != RTM_NEWROUTE || mnl_nlmsg_get_payload_len(nlh) < sizeof(*rtm) ||
	    rtm->rtm_family != q->family || rtm->rtm_type != RTN_UNICAST)
		return MNL_CB_OK;
	size = addr_size(rtm->rtm_family);
	mnl_attr_parse(nlh, sizeof(*rtm), route_attr_cb, &ra);
	/* rtm_table is 8 bits; RTA_TABLE has the full number. */
	if ((ra.table ? mnl_attr_get_u32(ra.table) : rtm->rtm_table) != RT_TABLE_MAIN)
		return MNL_CB_OK;
	r.dst.addr.family = rtm->rtm_family;
	r.dst.len = rtm->rtm_dst_len;
	if (ra.dst && mnl_attr_get_payload_len(ra.dst) == size)
		memcpy(r.dst.addr.a, mnl_attr_get_payload(ra.dst), size);
	if (ra.gw && mnl_attr_get_payload_len(ra.gw) == size) {
		r.gw.family = rtm->rtm_family;
		memcpy(r.gw.a, mnl_attr_get_payload(ra.gw), size);
	}
	r.oif = ra.oif ? (int)mnl_attr_get_u32(ra.oif) : 0;
	r.metric = ra.prio ? mnl_attr_get_u32(ra.prio) : 0;
	r.protocol = rtm->rtm_protocol;
	if (q->n < q->max)
		q->out[q->n] = r;
	q->n++;
	return MNL_CB_OK;
}

int
nl_route_list(struct nl *nl, int family, struct nl_route *out, size_t max, size_t *n)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = nl_msg(buf, RTM_GETROUTE, NLM_F_DUMP);
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	struct route_query q = {.family = family, .out = out, .max = max};

	rtm->rtm_family = (unsigned char)family;
	if (nl_talk(nl, nlh, route_cb, &q) < 0) {
		nl_fail(nl, NULL, errno, "list %s routes", family == AF_INET6 ? "IPv6" : "IPv4");
		return -1;
	}
	*n = q.n;
	return 0;
}

static unsigned int
route_metric(const struct nl_route *r)
{
	return r->dst.addr.family == AF_INET6 && r->metric == 0 ? IP6_DEFAULT_METRIC : r->metric;
}

const char *
nl_route_str(const struct nl_route *r, char *buf, size_t size)
{
	char dst[IP_PREFIX_STRLEN], gw[IP_ADDR_STRLEN] = "";
	char metric[24] = "";

	if (r->dst.len == 0)
		snprintf(dst, sizeof(dst), "default%s", r->dst.addr.family == AF_INET6 ? " (IPv6)" : "");
	else
		ip_prefix_format(&r->dst, dst, sizeof(dst));
	if (r->gw.family)
		ip_addr_format(&r->gw, gw, sizeof(gw));
	if (r->metric)
		snprintf(metric, sizeof(metric), " metric %u", r->metric);
	snprintf(buf, size, "%s%s%s%s", dst, gw[0] ? " via " : "", gw, metric);
	return buf;
}

/* Looks for routes to r's destination and metric: 1 with the same next hop,
 * 2 with another one only, 0 none, -1 error. */
static int
route_present(struct nl *nl, const struct nl_link *link, const struct nl_route *r)
{
	struct nl_route have[256];
	size_t n, i;
	int found = 0;

	if (nl_route_list(nl, r->dst.addr.family, have, 256, &n) < 0)
		return -1;
	for (i = 0; i < n && i < 256; i++) {
		if (!prefix_equal(&have[i].dst, &r->dst) ||
		    route_metric(&have[i]) != route_metric(r))
			continue;
		if (have[i].oif == link->index && have[i].gw.family == r->gw.family &&
		    (!r->gw.family || ip_addr_equal(&have[i].gw, &r->gw)))
			return 1;
		found = 2;
	}
	return found;
}

static int
route_change(struct nl *nl, int type, int flags, const struct nl_link *link,
	     const struct nl_route *r)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = nl_msg(buf, type, NLM_F_ACK | flags);
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	size_t size = addr_size(r->dst.addr.family);

	rtm->rtm_family = (unsigned char)r->dst.addr.family;
	rtm->rtm_dst_len = (unsigned char)r->dst.len;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = r->protocol ? r->protocol : RTPROT_STATIC;
	/* Without a gateway the destination is on the link itself. */
	rtm->rtm_scope = r->gw.family ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
	rtm->rtm_type = RTN_UNICAST;
	if (r->dst.len)
		mnl_attr_put(nlh, RTA_DST, size, r->dst.addr.a);
	if (r->gw.family)
		mnl_attr_put(nlh, RTA_GATEWAY, size, r->gw.a);
	mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)link->index);
	if (r->metric)
		mnl_attr_put_u32(nlh, RTA_PRIORITY, r->metric);
	return nl->dry_run ? 0 : nl_talk(nl, nlh, NULL, NULL);
}

int
nl_route_add(struct nl *nl, const struct nl_link *link, const struct nl_route *r,
	     bool *changed, bool *replaced)
{
	char s[128];
	int present;

	if (r->gw.family && r->gw.family != r->dst.addr.family) {
		nl->extack[0] = '\0';
		nl_fail(nl, link->name, EINVAL, "add route %s: gateway of another family",
			nl_route_str(r, s, sizeof(s)));
		return -1;
	}
	present = route_present(nl, link, r);
	if (present < 0)
		return -1;
	if (present == 1)
		return 0;
	if (route_change(nl, RTM_NEWROUTE,
			 NLM_F_CREATE | (present == 2 ? NLM_F_REPLACE : NLM_F_EXCL), link, r) < 0) {
		nl_fail(nl, link->name, errno, "%s route %s", present == 2 ? "replace" : "add",
			nl_route_str(r, s, sizeof(s)));
		return -1;
	}
	*changed = true;
	*replaced = present == 2;
	return 0;
}

int
nl_route_del(struct nl *nl, const struct nl_link *link, const struct nl_route *r,
	     bool *changed)
{
	char s[128];

	if (route_change(nl, RTM_DELROUTE, 0, link, r) < 0) {
		if (errno == ESRCH)
			return 0;
		nl_fail(nl, link->name, errno, "remove route %s", nl_route_str(r, s, sizeof(s)));
		return -1;
	}
	*changed = true;
	return 0;
}
