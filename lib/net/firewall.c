/* SPDX-License-Identifier: MIT */
/* The host firewall: berth's nftables table "inet berth", built with libnftnl. */
#include "net/firewall.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>
#include <libnftnl/udata.h>
#include <linux/if_ether.h>
#include <linux/netfilter.h>
#include <linux/netfilter_bridge.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "base/fnv.h"
#include "net/bridge.h"
#include "net/netlink.h"

/* The kernel's ifindex of "lo" in every network namespace. */
#define LOOPBACK_IFINDEX 1
/* Room after the batch limit for the one message that crosses it. */
#define MSG_MAX 16384

/* The ct state bits of nft: 1 << (ip_conntrack_info + 1), invalid is 1. */
#define CT_INVALID 1u
#define CT_ESTABLISHED 2u
#define CT_RELATED 4u

/* A ruleset being built into one batch; what[i] names message seq0 + i for
 * error messages. */
struct fwb {
	struct mnl_nlmsg_batch *batch;
	char *buf;
	uint32_t seq0, seq;
	char (*what)[80];
	size_t cap;
	struct nlmsghdr *last; /* the message built last */
	bool failed; /* out of memory or batch too large */
	uint16_t family; /* of the table the messages are about: inet or bridge */
};

/* A rule under construction: expressions go into r until one fails. */
struct rb {
	struct fwb *fwb;
	struct nftnl_rule *r;
	const char *chain;
};

static void
fwb_name(struct fwb *b, const char *fmt, const char *arg)
{
	size_t i = b->seq - b->seq0;

	if (i >= b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 64;
		char(*what)[80] = reallocarray(b->what, cap, sizeof(*what));

		if (!what) {
			b->failed = true;
			return;
		}
		b->what = what;
		b->cap = cap;
	}
	snprintf(b->what[i], sizeof(b->what[i]), fmt, arg);
}

/* Starts the next message of the batch: its header, and a name for errors. */
static struct nlmsghdr *
fwb_msg(struct fwb *b, int type, int flags, const char *what_fmt, const char *arg)
{
	struct nlmsghdr *nlh;

	fwb_name(b, what_fmt, arg);
	nlh = nftnl_nlmsg_build_hdr(mnl_nlmsg_batch_current(b->batch), (uint16_t)type,
				    b->family, (uint16_t)flags, b->seq++);
	b->last = nlh;
	return nlh;
}

static void
fwb_next(struct fwb *b)
{
	if (!mnl_nlmsg_batch_next(b->batch))
		b->failed = true;
}

/* ---- expressions ---- */

static struct nftnl_expr *
ex(struct rb *rb, const char *name)
{
	struct nftnl_expr *e;

	if (!rb->r)
		return NULL;
	e = nftnl_expr_alloc(name);
	if (!e) {
		nftnl_rule_free(rb->r);
		rb->r = NULL;
		rb->fwb->failed = true;
		return NULL;
	}
	nftnl_rule_add_expr(rb->r, e);
	return e;
}

static void
e_meta_reg(struct rb *rb, uint32_t key, uint32_t dreg)
{
	struct nftnl_expr *e = ex(rb, "meta");

	if (!e)
		return;
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, key);
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_DREG, dreg);
}

static void
e_meta(struct rb *rb, uint32_t key)
{
	e_meta_reg(rb, key, NFT_REG_1);
}

static void
e_cmp(struct rb *rb, uint32_t op, const void *data, uint32_t len)
{
	struct nftnl_expr *e = ex(rb, "cmp");

	if (!e)
		return;
	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, op);
	nftnl_expr_set(e, NFTNL_EXPR_CMP_DATA, data, len);
}

static void
e_payload_reg(struct rb *rb, uint32_t base, uint32_t offset, uint32_t len, uint32_t dreg)
{
	struct nftnl_expr *e = ex(rb, "payload");

	if (!e)
		return;
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE, base);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, offset);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, len);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_DREG, dreg);
}

static void
e_payload(struct rb *rb, uint32_t base, uint32_t offset, uint32_t len)
{
	e_payload_reg(rb, base, offset, len, NFT_REG_1);
}

/* reg1 = reg1 & mask (the xor with zeros is how nft spells a plain and). */
static void
e_and(struct rb *rb, const void *mask, uint32_t len)
{
	static const unsigned char zero[16];
	struct nftnl_expr *e = ex(rb, "bitwise");

	if (!e)
		return;
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_DREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_LEN, len);
	nftnl_expr_set(e, NFTNL_EXPR_BITWISE_MASK, mask, len);
	nftnl_expr_set(e, NFTNL_EXPR_BITWISE_XOR, zero, len);
}

static void
e_range(struct rb *rb, const void *lo, const void *hi, uint32_t len)
{
	struct nftnl_expr *e = ex(rb, "range");

	if (!e)
		return;
	nftnl_expr_set_u32(e, NFTNL_EXPR_RANGE_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_RANGE_OP, NFT_RANGE_EQ);
	nftnl_expr_set(e, NFTNL_EXPR_RANGE_FROM_DATA, lo, len);
	nftnl_expr_set(e, NFTNL_EXPR_RANGE_TO_DATA, hi, len);
}

static void
e_ct(struct rb *rb, uint32_t key)
{
	struct nftnl_expr *e = ex(rb, "ct");

	if (!e)
		return;
	nftnl_expr_set_u32(e, NFTNL_EXPR_CT_KEY, key);
	nftnl_expr_set_u32(e, NFTNL_EXPR_CT_DREG, NFT_REG_1);
}

/* Packets over rate per unit (seconds) stop the rule, so what follows the
 * limit happens at most that often. */
static void
e_limit(struct rb *rb, uint64_t rate, uint64_t unit, uint32_t burst)
{
	struct nftnl_expr *e = ex(rb, "limit");

	if (!e)
		return;
	nftnl_expr_set_u64(e, NFTNL_EXPR_LIMIT_RATE, rate);
	nftnl_expr_set_u64(e, NFTNL_EXPR_LIMIT_UNIT, unit);
	nftnl_expr_set_u32(e, NFTNL_EXPR_LIMIT_BURST, burst);
	nftnl_expr_set_u32(e, NFTNL_EXPR_LIMIT_TYPE, NFT_LIMIT_PKTS);
}

static void
e_log(struct rb *rb, const char *prefix)
{
	struct nftnl_expr *e = ex(rb, "log");

	if (!e)
		return;
	nftnl_expr_set_str(e, NFTNL_EXPR_LOG_PREFIX, prefix);
	nftnl_expr_set_u32(e, NFTNL_EXPR_LOG_LEVEL, NFT_LOGLEVEL_INFO);
}

static void
e_counter(struct rb *rb)
{
	(void)ex(rb, "counter");
}

static void
e_verdict(struct rb *rb, int verdict)
{
	struct nftnl_expr *e = ex(rb, "immediate");

	if (!e)
		return;
	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_VERDICT, (uint32_t)verdict);
}

/* ---- matches built from expressions ---- */

static void
m_nfproto(struct rb *rb, uint8_t proto)
{
	e_meta(rb, NFT_META_NFPROTO);
	e_cmp(rb, NFT_CMP_EQ, &proto, 1);
}

static void
m_l4proto(struct rb *rb, uint8_t proto)
{
	e_meta(rb, NFT_META_L4PROTO);
	e_cmp(rb, NFT_CMP_EQ, &proto, 1);
}

/* ct state & bits != 0 */
static void
m_ct_state(struct rb *rb, uint32_t bits)
{
	uint32_t zero = 0;

	e_ct(rb, NFT_CT_STATE);
	e_and(rb, &bits, sizeof(bits));
	e_cmp(rb, NFT_CMP_NEQ, &zero, sizeof(zero));
}

/* iifname/oifname op name, compared over all IFNAMSIZ bytes so that
 * "berth0" does not match "berth01". */
static void
m_ifname(struct rb *rb, uint32_t key, uint32_t op, const char *name)
{
	char padded[IFNAMSIZ] = {0};

	snprintf(padded, sizeof(padded), "%s", name);
	e_meta(rb, key);
	e_cmp(rb, op, padded, sizeof(padded));
}

/* ip saddr / ip6 saddr within prefix p. */
static void
m_saddr(struct rb *rb, const struct ip_prefix *p)
{
	struct ip_prefix mask = {.addr.family = p->addr.family, .len = p->len}, net = *p;
	bool v4 = p->addr.family == AF_INET;
	uint32_t len = v4 ? 4 : 16;

	m_nfproto(rb, v4 ? NFPROTO_IPV4 : NFPROTO_IPV6);
	if (p->len == 0)
		return;
	memset(mask.addr.a, 0xff, len);
	ip_prefix_network(&mask);
	ip_prefix_network(&net);
	e_payload(rb, NFT_PAYLOAD_NETWORK_HEADER, v4 ? 12 : 8, len);
	if (p->len < len * 8)
		e_and(rb, mask.addr.a, len);
	e_cmp(rb, NFT_CMP_EQ, net.addr.a, len);
}

/* th sport/dport (offset 0/2) in lo..hi. */
static void
m_port(struct rb *rb, uint32_t offset, uint16_t lo, uint16_t hi)
{
	uint16_t nlo = htons(lo), nhi = htons(hi);

	e_payload(rb, NFT_PAYLOAD_TRANSPORT_HEADER, offset, 2);
	if (lo == hi)
		e_cmp(rb, NFT_CMP_EQ, &nlo, 2);
	else
		e_range(rb, &nlo, &nhi, 2);
}

static struct rb
rule_start(struct fwb *b, const char *chain)
{
	struct rb rb = {.fwb = b, .chain = chain, .r = nftnl_rule_alloc()};

	if (!rb.r) {
		b->failed = true;
		return rb;
	}
	nftnl_rule_set_str(rb.r, NFTNL_RULE_TABLE, FIREWALL_TABLE);
	nftnl_rule_set_str(rb.r, NFTNL_RULE_CHAIN, chain);
	nftnl_rule_set_u32(rb.r, NFTNL_RULE_FAMILY, b->family);
	return rb;
}

/* The comments of the counting drop rules, by enum firewall_drop: how
 * firewall_drops_read finds them again. */
static const char *const drop_comment[FWC_N] = {
    "berth drop inbound",
    "berth drop inter-container",
    "berth drop forward",
};
static const char *const drop_key[FWC_N] = {"inbound", "inter_container", "forward"};

const char *
firewall_drop_str(enum firewall_drop d)
{
	return d < FWC_N ? drop_key[d] : "?";
}

static void
rule_comment(struct rb *rb, const char *comment)
{
	struct nftnl_udata_buf *ud;

	if (!rb->r)
		return;
	ud = nftnl_udata_buf_alloc(128);
	if (!ud || !nftnl_udata_put_strz(ud, NFTNL_UDATA_RULE_COMMENT, comment)) {
		nftnl_rule_free(rb->r);
		rb->r = NULL;
		rb->fwb->failed = true;
	} else {
		nftnl_rule_set_data(rb->r, NFTNL_RULE_USERDATA, nftnl_udata_buf_data(ud),
				    nftnl_udata_buf_len(ud));
	}
	if (ud)
		nftnl_udata_buf_free(ud);
}

/* Appends the rule to the batch; what names it in error messages. */
static void
rule_end(struct rb *rb, const char *what)
{
	struct nlmsghdr *nlh;
	char name[80];

	if (!rb->r)
		return;
	snprintf(name, sizeof(name), "%s: %s", rb->chain, what);
	nlh = fwb_msg(rb->fwb, NFT_MSG_NEWRULE, NLM_F_APPEND | NLM_F_CREATE,
		      "add rule to chain %s", name);
	nftnl_rule_nlmsg_build_payload(nlh, rb->r);
	nftnl_rule_free(rb->r);
	rb->r = NULL;
	fwb_next(rb->fwb);
}

/* The last rule of a chain: counts what the chain drops, then drops it,
 * ahead of the policy, which only counts on its own when nobody looks. */
static void
add_counted_drop(struct fwb *b, const char *chain, enum firewall_drop d)
{
	struct rb rb = rule_start(b, chain);

	e_counter(&rb);
	e_verdict(&rb, NF_DROP);
	rule_comment(&rb, drop_comment[d]);
	rule_end(&rb, drop_comment[d]);
}

/* ---- the ruleset ---- */

static void
add_table(struct fwb *b, int type, int flags, const char *comment)
{
	struct nftnl_table *t = nftnl_table_alloc();
	struct nftnl_udata_buf *ud = NULL;
	struct nlmsghdr *nlh;

	if (!t) {
		b->failed = true;
		return;
	}
	nftnl_table_set_str(t, NFTNL_TABLE_NAME, FIREWALL_TABLE);
	if (comment) {
		ud = nftnl_udata_buf_alloc(256);
		if (!ud || !nftnl_udata_put_strz(ud, NFTNL_UDATA_TABLE_COMMENT, comment)) {
			b->failed = true;
			goto out;
		}
		nftnl_table_set_data(t, NFTNL_TABLE_USERDATA, nftnl_udata_buf_data(ud),
				     nftnl_udata_buf_len(ud));
	}
	nlh = fwb_msg(b, type, flags, type == NFT_MSG_DELTABLE ? "delete table %s" : "add table %s",
		      b->family == NFPROTO_BRIDGE ? "bridge " FIREWALL_TABLE : "inet " FIREWALL_TABLE);
	nftnl_table_nlmsg_build_payload(nlh, t);
	fwb_next(b);
out:
	if (ud)
		nftnl_udata_buf_free(ud);
	nftnl_table_free(t);
}

static void
add_chain(struct fwb *b, const char *name, const char *type, uint32_t hook, int32_t prio,
	  uint32_t policy)
{
	struct nftnl_chain *c = nftnl_chain_alloc();
	struct nlmsghdr *nlh;

	if (!c) {
		b->failed = true;
		return;
	}
	nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, FIREWALL_TABLE);
	nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, name);
	nftnl_chain_set_str(c, NFTNL_CHAIN_TYPE, type);
	nftnl_chain_set_u32(c, NFTNL_CHAIN_HOOKNUM, hook);
	nftnl_chain_set_s32(c, NFTNL_CHAIN_PRIO, prio);
	nftnl_chain_set_u32(c, NFTNL_CHAIN_POLICY, policy);
	nlh = fwb_msg(b, NFT_MSG_NEWCHAIN, NLM_F_CREATE, "add chain %s", name);
	nftnl_chain_nlmsg_build_payload(nlh, c);
	nftnl_chain_free(c);
	fwb_next(b);
}

/* ICMP that a host needs to work: errors that carry path MTU and
 * reachability, and IPv6 neighbour discovery. */
struct icmp_rule {
	uint8_t nfproto, l4proto, type;
	bool ping;	/* rate limited */
	bool nd;	/* neighbour discovery: only from on-link (hop limit 255) */
	bool ra;	/* only when router advertisements are taken */
	const char *what;
};

static const struct icmp_rule icmp_rules[] = {
	{NFPROTO_IPV4, IPPROTO_ICMP, 3, false, false, false, "icmp destination-unreachable"},
	{NFPROTO_IPV4, IPPROTO_ICMP, 11, false, false, false, "icmp time-exceeded"},
	{NFPROTO_IPV4, IPPROTO_ICMP, 12, false, false, false, "icmp parameter-problem"},
	{NFPROTO_IPV4, IPPROTO_ICMP, 8, true, false, false, "icmp echo-request"},
	{NFPROTO_IPV6, IPPROTO_ICMPV6, 1, false, false, false, "icmpv6 destination-unreachable"},
	{NFPROTO_IPV6, IPPROTO_ICMPV6, 2, false, false, false, "icmpv6 packet-too-big"},
	{NFPROTO_IPV6, IPPROTO_ICMPV6, 3, false, false, false, "icmpv6 time-exceeded"},
	{NFPROTO_IPV6, IPPROTO_ICMPV6, 4, false, false, false, "icmpv6 parameter-problem"},
	{NFPROTO_IPV6, IPPROTO_ICMPV6, 128, true, false, false, "icmpv6 echo-request"},
	{NFPROTO_IPV6, IPPROTO_ICMPV6, 135, false, true, false, "icmpv6 nd-neighbor-solicit"},
	{NFPROTO_IPV6, IPPROTO_ICMPV6, 136, false, true, false, "icmpv6 nd-neighbor-advert"},
	{NFPROTO_IPV6, IPPROTO_ICMPV6, 134, false, true, true, "icmpv6 nd-router-advert"},
};

static void
add_input(struct fwb *b, const struct firewall_config *cfg)
{
	uint32_t lo = LOOPBACK_IFINDEX;
	struct rb rb;
	size_t i;

	add_chain(b, "input", "filter", NF_INET_LOCAL_IN, 0,
		  cfg->inbound_accept ? NF_ACCEPT : NF_DROP);
	rb = rule_start(b, "input");
	m_ct_state(&rb, CT_ESTABLISHED | CT_RELATED);
	e_verdict(&rb, NF_ACCEPT);
	rule_end(&rb, "ct state established,related accept");

	rb = rule_start(b, "input");
	e_meta(&rb, NFT_META_IIF);
	e_cmp(&rb, NFT_CMP_EQ, &lo, sizeof(lo));
	e_verdict(&rb, NF_ACCEPT);
	rule_end(&rb, "iif lo accept");

	rb = rule_start(b, "input");
	m_ct_state(&rb, CT_INVALID);
	e_verdict(&rb, NF_DROP);
	rule_end(&rb, "ct state invalid drop");

	for (i = 0; i < sizeof(icmp_rules) / sizeof(icmp_rules[0]); i++) {
		const struct icmp_rule *ir = &icmp_rules[i];
		uint8_t hoplimit = 255;

		if (ir->ra && !cfg->accept_ra)
			continue;
		rb = rule_start(b, "input");
		m_nfproto(&rb, ir->nfproto);
		m_l4proto(&rb, ir->l4proto);
		e_payload(&rb, NFT_PAYLOAD_TRANSPORT_HEADER, 0, 1);
		e_cmp(&rb, NFT_CMP_EQ, &ir->type, 1);
		if (ir->nd) {
			/* RFC 4861: a router forwarding ND would have decremented it. */
			e_payload(&rb, NFT_PAYLOAD_NETWORK_HEADER, 7, 1);
			e_cmp(&rb, NFT_CMP_EQ, &hoplimit, 1);
		}
		if (ir->ping)
			e_limit(&rb, 10, 1, 20);
		e_verdict(&rb, NF_ACCEPT);
		rule_end(&rb, ir->what);
	}

	if (cfg->dhcp) {
		rb = rule_start(b, "input");
		m_nfproto(&rb, NFPROTO_IPV4);
		m_l4proto(&rb, IPPROTO_UDP);
		m_port(&rb, 0, 67, 67);
		m_port(&rb, 2, 68, 68);
		e_verdict(&rb, NF_ACCEPT);
		rule_end(&rb, "dhcp client replies");
	}

	for (i = 0; i < cfg->n_allow; i++) {
		const struct firewall_allow *a = &cfg->allow[i];
		char what[80], src[IP_PREFIX_STRLEN] = "any";

		if (a->src.addr.family)
			ip_prefix_format(&a->src, src, sizeof(src));
		snprintf(what, sizeof(what), "allow %s %u-%u from %s",
			 a->proto == IPPROTO_TCP ? "tcp" : "udp", a->port_lo, a->port_hi, src);
		rb = rule_start(b, "input");
		m_l4proto(&rb, (uint8_t)a->proto);
		if (a->src.addr.family)
			m_saddr(&rb, &a->src);
		m_port(&rb, 2, a->port_lo, a->port_hi);
		e_verdict(&rb, NF_ACCEPT);
		rule_end(&rb, what);
	}

	if (cfg->inbound_accept)
		return;
	/* Ahead of the drop; at most 10 lines a minute so that a flood
	 * cannot flood the log too. */
	if (cfg->log_drops) {
		rb = rule_start(b, "input");
		e_limit(&rb, 10, 60, 5);
		e_log(&rb, FIREWALL_LOG_PREFIX);
		rule_end(&rb, "log dropped");
	}
	add_counted_drop(b, "input", FWC_INBOUND);
}

static void
add_forward(struct fwb *b, const struct firewall_config *cfg)
{
	struct rb rb;

	add_chain(b, "forward", "filter", NF_INET_FORWARD, 0, NF_DROP);
	rb = rule_start(b, "forward");
	m_ct_state(&rb, CT_ESTABLISHED | CT_RELATED);
	e_verdict(&rb, NF_ACCEPT);
	rule_end(&rb, "ct state established,related accept");

	rb = rule_start(b, "forward");
	m_ct_state(&rb, CT_INVALID);
	e_verdict(&rb, NF_DROP);
	rule_end(&rb, "ct state invalid drop");
	if (!cfg->bridge) {
		add_counted_drop(b, "forward", FWC_FORWARD);
		return;
	}

	if (!cfg->icc && cfg->log_drops) {
		/* Its own limit: inbound floods do not silence it. */
		rb = rule_start(b, "forward");
		m_ifname(&rb, NFT_META_IIFNAME, NFT_CMP_EQ, cfg->bridge);
		m_ifname(&rb, NFT_META_OIFNAME, NFT_CMP_EQ, cfg->bridge);
		e_limit(&rb, 10, 60, 5);
		e_log(&rb, FIREWALL_LOG_PREFIX_ICC);
		rule_end(&rb, "log inter-container dropped");
	}
	rb = rule_start(b, "forward");
	m_ifname(&rb, NFT_META_IIFNAME, NFT_CMP_EQ, cfg->bridge);
	m_ifname(&rb, NFT_META_OIFNAME, NFT_CMP_EQ, cfg->bridge);
	if (!cfg->icc) {
		e_counter(&rb);
		rule_comment(&rb, drop_comment[FWC_ICC]);
	}
	e_verdict(&rb, cfg->icc ? NF_ACCEPT : NF_DROP);
	rule_end(&rb, cfg->icc ? "inter-container accept" : "inter-container drop");

	rb = rule_start(b, "forward");
	m_ifname(&rb, NFT_META_IIFNAME, NFT_CMP_EQ, cfg->bridge);
	e_verdict(&rb, NF_ACCEPT);
	rule_end(&rb, "containers to outside accept");

	/* Only connections that a DNAT rule sent to a container (a published
	 * port) may come in to the bridge. */
	rb = rule_start(b, "forward");
	{
		uint32_t dnat = IPS_DST_NAT, zero = 0;

		m_ifname(&rb, NFT_META_OIFNAME, NFT_CMP_EQ, cfg->bridge);
		e_ct(&rb, NFT_CT_STATUS);
		e_and(&rb, &dnat, sizeof(dnat));
		e_cmp(&rb, NFT_CMP_NEQ, &zero, sizeof(zero));
	}
	e_verdict(&rb, NF_ACCEPT);
	rule_end(&rb, "published ports accept");
	add_counted_drop(b, "forward", FWC_FORWARD);
}

static void
add_nat(struct fwb *b, const struct firewall_config *cfg)
{
	struct rb rb;

	if (!cfg->bridge)
		return;
	add_chain(b, "postrouting", "nat", NF_INET_POST_ROUTING, 100, NF_ACCEPT);
	rb = rule_start(b, "postrouting");
	m_saddr(&rb, &cfg->bridge_subnet);
	m_ifname(&rb, NFT_META_OIFNAME, NFT_CMP_NEQ, cfg->bridge);
	ex(&rb, "masq");
	rule_end(&rb, "masquerade containers");
	/* IPv6 too: the containers' subnet6 is usually not routed to the host
	 * (a documentation or ULA prefix), so they leave with its address. */
	if (cfg->bridge_subnet6.addr.family != AF_INET6)
		return;
	rb = rule_start(b, "postrouting");
	m_saddr(&rb, &cfg->bridge_subnet6);
	m_ifname(&rb, NFT_META_OIFNAME, NFT_CMP_NEQ, cfg->bridge);
	ex(&rb, "masq");
	rule_end(&rb, "masquerade containers (IPv6)");
}

/* ---- published ports: two maps the supervisor fills ---- */

/* nft's type of a concatenation: the types of its fields, 6 bits each. */
#define TYPE_BITS 6
#define T_IPV4 7
#define T_PROTO 12
#define T_SERVICE 13
/* A lookup reads a concatenation from consecutive 32-bit registers, each
 * field padded to 4 bytes; the map's keys and values are laid out the same. */
#define PUB_DATA_TYPE ((T_IPV4 << TYPE_BITS) | T_SERVICE)
#define PUB_DATA_LEN 8
/* Elements per message: one message stays well under MSG_MAX. */
#define PUB_CHUNK 128

struct pub_map {
	const char *name;
	uint32_t id; /* lets the rules of the same batch name the new map */
	uint32_t key_type, key_len;
	bool by_ip; /* keyed by destination address too */
};

static const struct pub_map pub_maps[2] = {
	{FIREWALL_MAP_PORTS, 1, (T_PROTO << TYPE_BITS) | T_SERVICE, 8, false},
	{FIREWALL_MAP_PORTS_IP, 2, (((T_IPV4 << TYPE_BITS) | T_PROTO) << TYPE_BITS) | T_SERVICE, 12,
	 true},
};

/* One element: key (address, protocol, port) and value (container
 * address, port) as the registers hold them. */
struct pub_elem {
	unsigned char key[12];
	unsigned char data[PUB_DATA_LEN];
};

/* Elements per map, pub_maps[i] <-> e[i]. */
struct pub_elems {
	struct pub_elem *e[2];
	size_t n[2];
};

static void
pub_elems_free(struct pub_elems *pe)
{
	free(pe->e[0]);
	free(pe->e[1]);
	memset(pe, 0, sizeof(*pe));
}

static void
add_map(struct fwb *b, const struct pub_map *pm)
{
	struct nftnl_set *s = nftnl_set_alloc();
	struct nlmsghdr *nlh;

	if (!s) {
		b->failed = true;
		return;
	}
	nftnl_set_set_str(s, NFTNL_SET_TABLE, FIREWALL_TABLE);
	nftnl_set_set_str(s, NFTNL_SET_NAME, pm->name);
	nftnl_set_set_u32(s, NFTNL_SET_FAMILY, NFPROTO_INET);
	nftnl_set_set_u32(s, NFTNL_SET_ID, pm->id);
	nftnl_set_set_u32(s, NFTNL_SET_FLAGS, NFT_SET_MAP);
	nftnl_set_set_u32(s, NFTNL_SET_KEY_TYPE, pm->key_type);
	nftnl_set_set_u32(s, NFTNL_SET_KEY_LEN, pm->key_len);
	nftnl_set_set_u32(s, NFTNL_SET_DATA_TYPE, PUB_DATA_TYPE);
	nftnl_set_set_u32(s, NFTNL_SET_DATA_LEN, PUB_DATA_LEN);
	nlh = fwb_msg(b, NFT_MSG_NEWSET, NLM_F_CREATE, "add map %s", pm->name);
	nftnl_set_nlmsg_build_payload(nlh, s);
	nftnl_set_free(s);
	fwb_next(b);
}

/*
 * meta nfproto ipv4 fib daddr type local [ip daddr != 127.0.0.0/8]
 *     dnat ip to [ip daddr .] meta l4proto . th dport map @MAP
 * Only traffic to the host's own addresses: a packet routed through the
 * host keeps its destination whatever its port. Loopback destinations are
 * left alone, since a DNAT'ed packet from 127.0.0.1 could not leave lo.
 */
static void
add_pub_rule(struct fwb *b, const char *chain, const struct pub_map *pm, bool local_out)
{
	uint32_t local = RTN_LOCAL, reg = NFT_REG32_00;
	const unsigned char lo_net[4] = {127, 0, 0, 0}, lo_mask[4] = {255, 0, 0, 0};
	struct nftnl_expr *e;
	char what[80];
	struct rb rb = rule_start(b, chain);

	m_nfproto(&rb, NFPROTO_IPV4);
	if ((e = ex(&rb, "fib"))) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_FLAGS, NFTA_FIB_F_DADDR);
		nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_RESULT, NFT_FIB_RESULT_ADDRTYPE);
		nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_DREG, NFT_REG_1);
	}
	e_cmp(&rb, NFT_CMP_EQ, &local, sizeof(local));
	if (local_out) {
		e_payload(&rb, NFT_PAYLOAD_NETWORK_HEADER, 16, 4);
		e_and(&rb, lo_mask, 4);
		e_cmp(&rb, NFT_CMP_NEQ, lo_net, 4);
	}
	if (pm->by_ip)
		e_payload_reg(&rb, NFT_PAYLOAD_NETWORK_HEADER, 16, 4, reg++);
	e_meta_reg(&rb, NFT_META_L4PROTO, reg++);
	e_payload_reg(&rb, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2, reg);
	if ((e = ex(&rb, "lookup"))) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_SREG, NFT_REG32_00);
		nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_DREG, NFT_REG32_00);
		nftnl_expr_set_str(e, NFTNL_EXPR_LOOKUP_SET, pm->name);
		nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_SET_ID, pm->id);
	}
	if ((e = ex(&rb, "nat"))) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_TYPE, NFT_NAT_DNAT);
		nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_FAMILY, NFPROTO_IPV4);
		nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_REG_ADDR_MIN, NFT_REG32_00);
		nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_REG_PROTO_MIN, NFT_REG32_01);
	}
	snprintf(what, sizeof(what), "dnat to map %s", pm->name);
	rule_end(&rb, what);
}

/* Adds (type NFT_MSG_NEWSETELEM) or deletes elements of map pm, with their
 * values when with_data. */
static void
put_elems(struct fwb *b, int type, const struct pub_map *pm, const struct pub_elem *v, size_t n,
	  bool with_data)
{
	size_t i = 0;

	/* No elements: no add; for a delete, the kernel's flush of the map. */
	if (n == 0 && type == NFT_MSG_NEWSETELEM)
		return;
	do {
		struct nftnl_set *s = nftnl_set_alloc();
		struct nlmsghdr *nlh;

		if (!s) {
			b->failed = true;
			return;
		}
		nftnl_set_set_str(s, NFTNL_SET_TABLE, FIREWALL_TABLE);
		nftnl_set_set_str(s, NFTNL_SET_NAME, pm->name);
		for (size_t j = i; j < n && j < i + PUB_CHUNK; j++) {
			struct nftnl_set_elem *e = nftnl_set_elem_alloc();

			if (!e) {
				b->failed = true;
				break;
			}
			nftnl_set_elem_set(e, NFTNL_SET_ELEM_KEY, v[j].key, pm->key_len);
			if (with_data)
				nftnl_set_elem_set(e, NFTNL_SET_ELEM_DATA, v[j].data, PUB_DATA_LEN);
			nftnl_set_elem_add(s, e);
		}
		nlh = fwb_msg(b, type, type == NFT_MSG_NEWSETELEM ? NLM_F_CREATE | NLM_F_EXCL : 0,
			      type == NFT_MSG_NEWSETELEM ? "add elements to map %s"
							 : "delete elements from map %s",
			      pm->name);
		nftnl_set_elems_nlmsg_build_payload(nlh, s);
		nftnl_set_free(s);
		fwb_next(b);
	} while ((i += PUB_CHUNK) < n);
}

/* The published-port maps and the nat chains that look them up; keep
 * carries the elements of the table being replaced over into the new one. */
static void
add_publish(struct fwb *b, const struct firewall_config *cfg, const struct pub_elems *keep)
{
	if (!cfg->bridge)
		return;
	add_map(b, &pub_maps[0]);
	add_map(b, &pub_maps[1]);
	/* Before the kernel's conntrack-based NAT decides (dstnat, -100). */
	add_chain(b, "prerouting", "nat", NF_INET_PRE_ROUTING, -100, NF_ACCEPT);
	add_chain(b, "output", "nat", NF_INET_LOCAL_OUT, -100, NF_ACCEPT);
	/* A host address first: it is the narrower mapping. */
	add_pub_rule(b, "prerouting", &pub_maps[1], false);
	add_pub_rule(b, "prerouting", &pub_maps[0], false);
	add_pub_rule(b, "output", &pub_maps[1], true);
	add_pub_rule(b, "output", &pub_maps[0], true);
	for (size_t i = 0; keep && i < 2; i++)
		put_elems(b, NFT_MSG_NEWSETELEM, &pub_maps[i], keep->e[i], keep->n[i], true);
}

/* Opens a batch of at most limit bytes (plus the message crossing it). */
static int
fwb_start(struct fwb *b, size_t limit)
{
	memset(b, 0, sizeof(*b));
	b->buf = calloc(1, limit + MSG_MAX);
	if (!b->buf)
		return -1;
	b->batch = mnl_nlmsg_batch_start(b->buf, limit);
	if (!b->batch) {
		free(b->buf);
		b->buf = NULL;
		return -1;
	}
	/* Fixed sequence numbers keep the bytes, and so the fingerprint, the
	 * same for the same ruleset. */
	b->seq0 = b->seq = 1;
	b->family = NFPROTO_INET;
	fwb_name(b, "%s", "begin batch");
	nftnl_batch_begin(mnl_nlmsg_batch_current(b->batch), b->seq++);
	fwb_next(b);
	return 0;
}

/* Asks for an ack of the last message (send_batch waits for it) and
 * closes the batch. */
static int
fwb_finish(struct fwb *b)
{
	if (b->last)
		b->last->nlmsg_flags |= NLM_F_ACK;
	fwb_name(b, "%s", "end batch");
	nftnl_batch_end(mnl_nlmsg_batch_current(b->batch), b->seq++);
	fwb_next(b);
	return b->failed ? -1 : 0;
}

/* ---- the bridge table: inter-container attempts, seen and counted ----
 *
 * With icc: false every container's bridge port is isolated, and the
 * bridge drops frames between two such ports before any inet hook sees
 * them (docs/security.md): a container's ARP request for another's
 * address simply goes unanswered, and the forward chain's counter stays
 * at 0. The table "bridge berth" looks first, in the bridge's prerouting,
 * at what containers send into berth0: an ARP request or IPv6 neighbour
 * solicitation for another container's address, or an IPv4 or IPv6
 * packet to one (any address of the subnet but the gateway's), is logged
 * (rate-limited, the icc prefix) and counted as an inter-container drop,
 * then dropped. Isolation stays the wall; this is the window on it. */

/* ether type (meta protocol) == type */
static void
m_ethertype(struct rb *rb, uint16_t type)
{
	uint16_t t = htons(type);

	e_meta(rb, NFT_META_PROTOCOL);
	e_cmp(rb, NFT_CMP_EQ, &t, 2);
}

/* The address at offset of base is in subnet p and is not gw. */
static void
m_peer_addr(struct rb *rb, uint32_t base, uint32_t offset, const struct ip_prefix *p,
	    const struct ip_prefix *gw)
{
	uint32_t len = p->addr.family == AF_INET ? 4 : 16;
	struct ip_prefix mask = {.addr.family = p->addr.family, .len = p->len}, net = *p;

	memset(mask.addr.a, 0xff, len);
	ip_prefix_network(&mask);
	ip_prefix_network(&net);
	e_payload(rb, base, offset, len);
	e_cmp(rb, NFT_CMP_NEQ, gw->addr.a, len);
	if (p->len < len * 8)
		e_and(rb, mask.addr.a, len);
	e_cmp(rb, NFT_CMP_EQ, net.addr.a, len);
}

enum peer_kind { PEER_ARP, PEER_IP4, PEER_ND, PEER_IP6 };

static void
m_peer(struct rb *rb, const struct firewall_config *cfg, enum peer_kind k)
{
	static const uint16_t arp_request = 0x0100; /* htons(1) */
	static const uint16_t arp_ipv4 = 0x0008;     /* htons(ETH_P_IP) */
	static const uint8_t nd_solicit = 135;
	static const uint8_t unspecified[16];
	const struct bridge br = {.subnet = cfg->bridge_subnet, .subnet6 = cfg->bridge_subnet6};
	struct ip_prefix gw = {0};

	/* From a container's port (no bridge meta keys in berth's kernel:
	 * the ports are known by their names). */
	e_meta(rb, NFT_META_IIFNAME);
	e_cmp(rb, NFT_CMP_EQ, BRIDGE_PORT_PREFIX, sizeof(BRIDGE_PORT_PREFIX) - 1);
	/* The bridge's own address, which containers may reach. The
	 * manifest's subnet6 is /48 to /120, so it has a gateway. */
	if (k <= PEER_IP4)
		bridge_gateway(&br, &gw);
	else
		bridge_gateway6(&br, &gw);
	switch (k) {
	case PEER_ARP: /* arp ptype ip, operation request, target address */
		m_ethertype(rb, ETH_P_ARP);
		e_payload(rb, NFT_PAYLOAD_NETWORK_HEADER, 2, 2);
		e_cmp(rb, NFT_CMP_EQ, &arp_ipv4, 2);
		e_payload(rb, NFT_PAYLOAD_NETWORK_HEADER, 6, 2);
		e_cmp(rb, NFT_CMP_EQ, &arp_request, 2);
		/* Not a probe for the sender's own address (RFC 5227). */
		e_payload(rb, NFT_PAYLOAD_NETWORK_HEADER, 14, 4);
		e_cmp(rb, NFT_CMP_NEQ, unspecified, 4);
		m_peer_addr(rb, NFT_PAYLOAD_NETWORK_HEADER, 24, &cfg->bridge_subnet, &gw);
		break;
	case PEER_IP4: /* ip daddr */
		m_ethertype(rb, ETH_P_IP);
		m_peer_addr(rb, NFT_PAYLOAD_NETWORK_HEADER, 16, &cfg->bridge_subnet, &gw);
		break;
	case PEER_ND: /* icmpv6 neighbour solicitation, its target address */
		m_ethertype(rb, ETH_P_IPV6);
		m_l4proto(rb, IPPROTO_ICMPV6);
		e_payload(rb, NFT_PAYLOAD_TRANSPORT_HEADER, 0, 1);
		e_cmp(rb, NFT_CMP_EQ, &nd_solicit, 1);
		/* Not duplicate address detection for its own address. */
		e_payload(rb, NFT_PAYLOAD_NETWORK_HEADER, 8, 16);
		e_cmp(rb, NFT_CMP_NEQ, unspecified, 16);
		m_peer_addr(rb, NFT_PAYLOAD_TRANSPORT_HEADER, 8, &cfg->bridge_subnet6, &gw);
		break;
	case PEER_IP6: /* ip6 daddr */
		m_ethertype(rb, ETH_P_IPV6);
		m_peer_addr(rb, NFT_PAYLOAD_NETWORK_HEADER, 24, &cfg->bridge_subnet6, &gw);
		break;
	}
}

static void
add_bridge_table(struct fwb *b, const struct firewall_config *cfg)
{
	static const char *const what[] = {"arp request to a container",
					   "ip to a container", "neighbour solicitation",
					   "ip6 to a container"};
	enum peer_kind last = cfg->bridge_subnet6.addr.family == AF_INET6 ? PEER_IP6 : PEER_IP4;
	struct rb rb;

	/* Replaced as the inet table is; left out (deleted) without a bridge
	 * or with icc: true. */
	b->family = NFPROTO_BRIDGE;
	add_table(b, NFT_MSG_NEWTABLE, NLM_F_CREATE, NULL);
	add_table(b, NFT_MSG_DELTABLE, 0, NULL);
	if (cfg->bridge && !cfg->icc) {
		add_table(b, NFT_MSG_NEWTABLE, NLM_F_CREATE | NLM_F_EXCL, NULL);
		add_chain(b, "prerouting", "filter", NF_BR_PRE_ROUTING, NF_BR_PRI_FILTER_BRIDGED,
			  NF_ACCEPT);
		for (enum peer_kind k = PEER_ARP; k <= last; k++) {
			if (cfg->log_drops) {
				rb = rule_start(b, "prerouting");
				m_peer(&rb, cfg, k);
				e_limit(&rb, 10, 60, 5);
				e_log(&rb, FIREWALL_LOG_PREFIX_ICC);
				rule_end(&rb, what[k]);
			}
			rb = rule_start(b, "prerouting");
			m_peer(&rb, cfg, k);
			e_counter(&rb);
			e_verdict(&rb, NF_DROP);
			rule_comment(&rb, drop_comment[FWC_ICC]);
			rule_end(&rb, what[k]);
		}
	}
	b->family = NFPROTO_INET;
}

/* Builds the whole batch: the table is added, deleted and added again, so
 * that it is replaced whether or not it existed, in one transaction. */
static int
build(struct fwb *b, size_t limit, const struct firewall_config *cfg, const char *comment,
      const struct pub_elems *keep)
{
	if (fwb_start(b, limit) < 0)
		return -1;
	add_table(b, NFT_MSG_NEWTABLE, NLM_F_CREATE, NULL);
	add_table(b, NFT_MSG_DELTABLE, 0, NULL);
	add_table(b, NFT_MSG_NEWTABLE, NLM_F_CREATE | NLM_F_EXCL, comment);
	add_input(b, cfg);
	add_forward(b, cfg);
	add_nat(b, cfg);
	add_publish(b, cfg, keep);
	add_bridge_table(b, cfg);
	return fwb_finish(b);
}

static void
fwb_free(struct fwb *b)
{
	if (b->batch)
		mnl_nlmsg_batch_stop(b->batch);
	free(b->buf);
	free(b->what);
	memset(b, 0, sizeof(*b));
}

/* ---- talking to the kernel ---- */

static struct mnl_socket *
nft_open(char *err, size_t errlen)
{
	struct mnl_socket *s = mnl_socket_open(NETLINK_NETFILTER);
	int one = 1;

	if (!s) {
		snprintf(err, errlen, "firewall: open nftables socket: %s", strerror(errno));
		return NULL;
	}
	mnl_socket_setsockopt(s, NETLINK_EXT_ACK, &one, sizeof(one));
	/* Acks need not echo the whole request back. */
	mnl_socket_setsockopt(s, NETLINK_CAP_ACK, &one, sizeof(one));
	if (mnl_socket_bind(s, 0, MNL_SOCKET_AUTOPID) < 0) {
		snprintf(err, errlen, "firewall: bind nftables socket: %s", strerror(errno));
		mnl_socket_close(s);
		return NULL;
	}
	return s;
}

/* Sends the query nlh and hands each message of the answer to fn, until
 * the ack or the end of the dump. 0, or a negative errno: the kernel's
 * (-ENOENT: no such table, chain or set) or the socket's. */
static int
nft_query(struct mnl_socket *s, struct nlmsghdr *nlh,
	  void (*fn)(const struct nlmsghdr *nlh, void *arg), void *arg)
{
	char buf[MNL_SOCKET_BUFFER_SIZE * 2], extack[256];
	uint32_t seq = nlh->nlmsg_seq, portid = mnl_socket_get_portid(s);
	bool done = false;
	int err = 0;
	ssize_t n;

	if (mnl_socket_sendto(s, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	while (!done) {
		n = mnl_socket_recvfrom(s, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		for (nlh = (struct nlmsghdr *)buf; mnl_nlmsg_ok(nlh, (int)n);
		     nlh = mnl_nlmsg_next(nlh, (int *)&n)) {
			if (nlh->nlmsg_seq != seq || nlh->nlmsg_pid != portid)
				continue;
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				int e = nl_ack_parse(nlh, extack, sizeof(extack));

				if (e < 0 && err == 0)
					err = e;
				done = true;
			} else if (nlh->nlmsg_type == NLMSG_DONE) {
				done = true;
			} else {
				fn(nlh, arg);
			}
		}
	}
	return err;
}

/* A comment in a table's or a rule's user data (type: which). */
struct comment_query {
	char *out;
	size_t size;
	uint8_t type;
};

static int
udata_comment_cb(const struct nftnl_udata *attr, void *data)
{
	struct comment_query *q = data;
	const char *s = nftnl_udata_get(attr);
	uint8_t len = nftnl_udata_len(attr);

	if (nftnl_udata_type(attr) == q->type && len > 0 && s[len - 1] == '\0')
		snprintf(q->out, q->size, "%s", s);
	return MNL_CB_OK;
}

static void
comment_from_msg(const struct nlmsghdr *nlh, void *arg)
{
	struct comment_query *q = arg;
	struct nftnl_table *t = nftnl_table_alloc();
	const void *ud;
	uint32_t len = 0;

	if (!t)
		return;
	if (nftnl_table_nlmsg_parse(nlh, t) == 0) {
		ud = nftnl_table_get_data(t, NFTNL_TABLE_USERDATA, &len);
		if (ud && len)
			nftnl_udata_parse(ud, len, udata_comment_cb, q);
	}
	nftnl_table_free(t);
}

/* The comment of the loaded table inet berth: 0 with out "" when there is
 * no such table or it has no comment; -1 on error. */
static int
table_comment(struct mnl_socket *s, char *out, size_t size, char *err, size_t errlen)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct comment_query q = {out, size, NFTNL_UDATA_TABLE_COMMENT};
	struct nftnl_table *t = nftnl_table_alloc();
	struct nlmsghdr *nlh;
	int e;

	out[0] = '\0';
	if (!t) {
		e = -ENOMEM;
		goto fail;
	}
	nftnl_table_set_str(t, NFTNL_TABLE_NAME, FIREWALL_TABLE);
	nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETTABLE, NFPROTO_INET, NLM_F_ACK, 1);
	nftnl_table_nlmsg_build_payload(nlh, t);
	nftnl_table_free(t);
	e = nft_query(s, nlh, comment_from_msg, &q);
	if (e == 0 || e == -ENOENT)
		return 0;
fail:
	snprintf(err, errlen, "firewall: read table inet %s: %s", FIREWALL_TABLE, strerror(-e));
	return -1;
}

struct dump_query {
	const struct pub_map *pm;
	struct pub_elems *pe;
	size_t idx;
	int err;
};

static int
dump_elem_cb(struct nftnl_set_elem *e, void *data)
{
	struct dump_query *q = data;
	const void *key, *val;
	uint32_t klen = 0, vlen = 0;
	struct pub_elem *v;

	key = nftnl_set_elem_get(e, NFTNL_SET_ELEM_KEY, &klen);
	val = nftnl_set_elem_get(e, NFTNL_SET_ELEM_DATA, &vlen);
	/* Only what has the shape of our own elements. */
	if (!key || !val || klen != q->pm->key_len || vlen != PUB_DATA_LEN)
		return 0;
	v = reallocarray(q->pe->e[q->idx], q->pe->n[q->idx] + 1, sizeof(*v));
	if (!v) {
		q->err = -ENOMEM;
		return -1;
	}
	q->pe->e[q->idx] = v;
	v += q->pe->n[q->idx]++;
	memset(v, 0, sizeof(*v));
	memcpy(v->key, key, klen);
	memcpy(v->data, val, vlen);
	return 0;
}

static void
dump_msg(const struct nlmsghdr *nlh, void *arg)
{
	struct dump_query *q = arg;
	struct nftnl_set *s = nftnl_set_alloc();

	if (!s) {
		q->err = -ENOMEM;
		return;
	}
	if (nftnl_set_elems_nlmsg_parse(nlh, s) == 0)
		nftnl_set_elem_foreach(s, dump_elem_cb, q);
	nftnl_set_free(s);
}

/* Reads the elements of published-port map idx of the loaded table into
 * pe; a missing table or map has none. Returns 0 or a negative errno. */
static int
pub_dump(struct mnl_socket *s, size_t idx, struct pub_elems *pe)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct dump_query q = {&pub_maps[idx], pe, idx, 0};
	struct nftnl_set *set = nftnl_set_alloc();
	struct nlmsghdr *nlh;
	int e;

	if (!set)
		return -ENOMEM;
	nftnl_set_set_str(set, NFTNL_SET_TABLE, FIREWALL_TABLE);
	nftnl_set_set_str(set, NFTNL_SET_NAME, pub_maps[idx].name);
	nlh =
	    nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETSETELEM, NFPROTO_INET, NLM_F_DUMP | NLM_F_ACK, 2);
	nftnl_set_elems_nlmsg_build_payload(nlh, set);
	nftnl_set_free(set);
	e = nft_query(s, nlh, dump_msg, &q);
	if (q.err < 0)
		return q.err;
	return e == -ENOENT ? 0 : e;
}

/* Sends the batch and reads every answer. nfnetlink handles a batch while
 * sendmsg runs, so by the time it returns every error is already queued;
 * the ack asked for on the last message shows that the batch went through. */
static int
send_batch(struct mnl_socket *s, struct fwb *b, char *err, size_t errlen)
{
	char buf[MNL_SOCKET_BUFFER_SIZE * 2], extack[256] = "", first_extack[256] = "";
	uint32_t last = b->seq - 2, failed_seq = 0;
	struct nlmsghdr *nlh;
	int first_err = 0;
	bool acked = false;
	ssize_t n;

	if (mnl_socket_sendto(s, mnl_nlmsg_batch_head(b->batch), mnl_nlmsg_batch_size(b->batch)) <
	    0) {
		snprintf(err, errlen, "firewall: send ruleset: %s", strerror(errno));
		return -1;
	}
	for (;;) {
		n = recv(mnl_socket_get_fd(s), buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			break;
		if (n < 0) {
			snprintf(err, errlen, "firewall: read answer: %s", strerror(errno));
			return -1;
		}
		for (nlh = (struct nlmsghdr *)buf; mnl_nlmsg_ok(nlh, (int)n);
		     nlh = mnl_nlmsg_next(nlh, (int *)&n)) {
			int e;

			if (nlh->nlmsg_type != NLMSG_ERROR)
				continue;
			e = nl_ack_parse(nlh, extack, sizeof(extack));
			if (e == 0 && nlh->nlmsg_seq == last)
				acked = true;
			if (e < 0 && first_err == 0) {
				first_err = -e;
				failed_seq = nlh->nlmsg_seq;
				snprintf(first_extack, sizeof(first_extack), "%s", extack);
			}
		}
	}
	if (first_err) {
		size_t i = failed_seq - b->seq0;

		snprintf(err, errlen, "firewall: %s: %s%s%s%s",
			 i < b->cap ? b->what[i] : "apply ruleset", strerror(first_err),
			 first_extack[0] ? " (kernel: " : "", first_extack,
			 first_extack[0] ? ")" : "");
		return -1;
	}
	if (!acked) {
		snprintf(err, errlen, "firewall: apply ruleset: the kernel did not confirm it");
		return -1;
	}
	return 0;
}

int
firewall_apply(const struct firewall_config *cfg, bool dry_run, bool *changed, char *err,
	       size_t errlen)
{
	/* Well under the socket's default send buffer; a rule is < 400 bytes. */
	size_t limit = 65536 + cfg->n_allow * 512;
	struct pub_elems keep = {0};
	char comment[64], have[256];
	struct mnl_socket *s = NULL;
	struct fwb b;
	int ret = -1, e;

	if (build(&b, limit, cfg, "", NULL) < 0) {
		snprintf(err, errlen, "firewall: build ruleset: %s",
			 errno == ENOMEM ? strerror(ENOMEM) : "too large");
		fwb_free(&b);
		return -1;
	}
	snprintf(comment, sizeof(comment), "berth ruleset %016" PRIx64,
		 fnv1a64(FNV1A64_INIT, mnl_nlmsg_batch_head(b.batch),
			 mnl_nlmsg_batch_size(b.batch)));
	fwb_free(&b);

	s = nft_open(err, errlen);
	if (!s)
		return -1;
	if (table_comment(s, have, sizeof(have), err, errlen) < 0)
		goto out;
	if (strcmp(have, comment) == 0) {
		ret = 0;
		goto out;
	}
	if (!dry_run) {
		/* The supervisor's published ports survive the replacement. */
		for (size_t i = 0; cfg->bridge && i < 2; i++) {
			if ((e = pub_dump(s, i, &keep)) < 0) {
				snprintf(err, errlen, "firewall: read map %s: %s", pub_maps[i].name,
					 strerror(-e));
				goto out;
			}
			limit += keep.n[i] * 64;
		}
		if (build(&b, limit, cfg, comment, &keep) < 0) {
			snprintf(err, errlen, "firewall: build ruleset: out of memory");
			fwb_free(&b);
			goto out;
		}
		ret = send_batch(s, &b, err, errlen);
		fwb_free(&b);
		if (ret < 0)
			goto out;
	}
	*changed = true;
	ret = 0;
out:
	pub_elems_free(&keep);
	mnl_socket_close(s);
	return ret;
}

/* The elements for container address to of the mappings in ports:
 * one per port of a range. */
static int
pub_elems_make(const struct port_map *ports, size_t n, const struct ip_addr *to,
	       struct pub_elems *pe)
{
	size_t total[2] = {0, 0};

	memset(pe, 0, sizeof(*pe));
	for (size_t i = 0; i < n; i++)
		if (firewall_port_publishable(&ports[i]))
			total[ports[i].has_host_ip && !ip_addr_is_unspecified(&ports[i].host_ip)] +=
			    ports[i].count;
	if (total[0] + total[1] > FIREWALL_PORTS_MAX) {
		errno = E2BIG;
		return -1;
	}
	for (size_t m = 0; m < 2; m++)
		if (total[m] && !(pe->e[m] = calloc(total[m], sizeof(struct pub_elem))))
			goto fail;
	for (size_t i = 0; i < n; i++) {
		const struct port_map *p = &ports[i];
		size_t m = p->has_host_ip && !ip_addr_is_unspecified(&p->host_ip);

		if (!firewall_port_publishable(p))
			continue;
		for (unsigned k = 0; k < p->count; k++) {
			struct pub_elem *v = &pe->e[m][pe->n[m]++];
			uint16_t hp = htons((uint16_t)(p->host_port + k));
			uint16_t cp = htons((uint16_t)(p->container_port + k));
			unsigned char *key = v->key;

			if (m) {
				memcpy(key, p->host_ip.a, 4);
				key += 4;
			}
			key[0] = (unsigned char)p->proto;
			memcpy(key + 4, &hp, 2);
			memcpy(v->data, to->a, 4);
			memcpy(v->data + 4, &cp, 2);
		}
	}
	return 0;
fail:
	pub_elems_free(pe);
	errno = ENOMEM;
	return -1;
}

bool
firewall_port_publishable(const struct port_map *p)
{
	return !p->has_host_ip || p->host_ip.family == AF_INET ||
	       ip_addr_is_unspecified(&p->host_ip);
}

/* One batch that adds (to != NULL) or deletes the elements of ports,
 * emptying both maps first when flush. */
static int
ports_update(const struct port_map *ports, size_t n, const struct ip_addr *to, bool flush,
	     char *err, size_t errlen)
{
	struct pub_elems pe;
	struct mnl_socket *s;
	struct fwb b;
	int ret = -1;

	if (pub_elems_make(ports, n, to ? to : &(struct ip_addr){0}, &pe) < 0) {
		snprintf(err, errlen, "firewall: published ports: %s",
			 errno == E2BIG ? "more than " FIREWALL_PORTS_MAX_STR " ports"
					: strerror(errno));
		return -1;
	}
	if (pe.n[0] + pe.n[1] == 0 && !flush) {
		pub_elems_free(&pe);
		return 0;
	}
	if (fwb_start(&b, 4096 + (pe.n[0] + pe.n[1]) * 64) < 0) {
		snprintf(err, errlen, "firewall: published ports: %s", strerror(ENOMEM));
		pub_elems_free(&pe);
		return -1;
	}
	for (size_t i = 0; flush && i < 2; i++)
		put_elems(&b, NFT_MSG_DELSETELEM, &pub_maps[i], NULL, 0, false);
	for (size_t i = 0; i < 2; i++)
		if (pe.n[i])
			put_elems(&b, to ? NFT_MSG_NEWSETELEM : NFT_MSG_DELSETELEM, &pub_maps[i],
				  pe.e[i], pe.n[i], to != NULL);
	pub_elems_free(&pe);
	if (fwb_finish(&b) < 0) {
		snprintf(err, errlen, "firewall: published ports: %s", strerror(ENOMEM));
		goto out_free;
	}
	if (!(s = nft_open(err, errlen)))
		goto out_free;
	ret = send_batch(s, &b, err, errlen);
	mnl_socket_close(s);
out_free:
	fwb_free(&b);
	return ret;
}

int
firewall_ports_add(const struct port_map *ports, size_t n, const struct ip_addr *to, bool flush,
		   char *err, size_t errlen)
{
	return ports_update(ports, n, to, flush, err, errlen);
}

int
firewall_ports_del(const struct port_map *ports, size_t n, char *err, size_t errlen)
{
	return ports_update(ports, n, NULL, false, err, errlen);
}

/* ---- reading the drop counters ---- */

struct drops_query {
	struct firewall_counter *out;
	char comment[64];
	struct firewall_counter c;
};

static int
counter_expr_cb(struct nftnl_expr *e, void *data)
{
	struct drops_query *q = data;
	const char *name = nftnl_expr_get_str(e, NFTNL_EXPR_NAME);

	if (name && strcmp(name, "counter") == 0) {
		q->c.present = true;
		q->c.packets = nftnl_expr_get_u64(e, NFTNL_EXPR_CTR_PACKETS);
		q->c.bytes = nftnl_expr_get_u64(e, NFTNL_EXPR_CTR_BYTES);
	}
	return 0;
}

static void
drops_from_msg(const struct nlmsghdr *nlh, void *arg)
{
	struct drops_query *q = arg;
	struct comment_query cq = {q->comment, sizeof(q->comment), NFTNL_UDATA_RULE_COMMENT};
	struct nftnl_rule *r = nftnl_rule_alloc();
	const char *table;
	const void *ud;
	uint32_t len = 0;

	if (!r)
		return;
	q->comment[0] = '\0';
	q->c = (struct firewall_counter){0};
	if (nftnl_rule_nlmsg_parse(nlh, r) < 0)
		goto out;
	table = nftnl_rule_get_str(r, NFTNL_RULE_TABLE);
	ud = nftnl_rule_get_data(r, NFTNL_RULE_USERDATA, &len);
	if (!table || strcmp(table, FIREWALL_TABLE) != 0 || !ud || !len)
		goto out;
	nftnl_udata_parse(ud, len, udata_comment_cb, &cq);
	for (int d = 0; d < FWC_N; d++) {
		if (strcmp(q->comment, drop_comment[d]) != 0)
			continue;
		/* The inter-container drops are counted by several rules (the
		 * forward chain's and the bridge table's): their sum. */
		nftnl_expr_foreach(r, counter_expr_cb, q);
		if (!q->c.present)
			continue;
		q->out[d].present = true;
		q->out[d].packets += q->c.packets;
		q->out[d].bytes += q->c.bytes;
	}
out:
	nftnl_rule_free(r);
}

int
firewall_drops_read(struct firewall_counter out[FWC_N], char *err, size_t errlen)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct drops_query q = {.out = out};
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct mnl_socket *s;
	struct nlmsghdr *nlh;
	int e;

	for (int d = 0; d < FWC_N; d++)
		out[d] = (struct firewall_counter){0};
	if (!r) {
		snprintf(err, errlen, "firewall: read counters: %s", strerror(ENOMEM));
		return -1;
	}
	if (!(s = nft_open(err, errlen))) {
		nftnl_rule_free(r);
		return -1;
	}
	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, FIREWALL_TABLE);
	for (int f = 0; f < 2; f++) {
		uint16_t family = f == 0 ? NFPROTO_INET : NFPROTO_BRIDGE;

		nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETRULE, family, NLM_F_DUMP, 3 + f);
		nftnl_rule_nlmsg_build_payload(nlh, r);
		e = nft_query(s, nlh, drops_from_msg, &q);
		/* No table: nothing loaded, nothing dropped by berth. */
		if (e != 0 && e != -ENOENT) {
			snprintf(err, errlen, "firewall: read counters of table %s %s: %s",
				 f == 0 ? "inet" : "bridge", FIREWALL_TABLE, strerror(-e));
			break;
		}
		e = 0;
	}
	nftnl_rule_free(r);
	mnl_socket_close(s);
	return e == 0 ? 0 : -1;
}
