#!/bin/bash
# SPDX-License-Identifier: MIT
# IPv6 on the container bridge (bridge.subnet6): berth0 gets subnet6's
# first address, each container's eth0 subnet6's network plus the host part
# of its IPv4 address (usable at once, no DAD) and a default route via the
# bridge, and no router advertisements; with icc: false two containers cannot reach each other over IPv6;
# a container reaches a peer that has no route back to subnet6, through
# the host's IPv6 forwarding and masquerade; a rerun changes nothing.
. "$TOP/tests/host/lib/net.sh"
net_init bridge6
ca=$ns-a cb=$ns-b
net_containers "$ca" "$cb"
cat >"$tmp/m.yaml" <<'YAML'
version: 1
network:
  interfaces:
    - {name: eth0, addresses: [192.0.2.10/24, "2001:db8::10/64"]}
  bridge: {subnet: 203.0.113.0/24, subnet6: "2001:db8:ff::/64", icc: false}
containers:
  web: {image: "dir:/nonexistent", command: [sleep, "1"]}
  db: {image: "dir:/nonexistent", command: [sleep, "1"]}
YAML
net_run --manifest "$tmp/m.yaml"
expect "netsetup exit status" 0 "$rc"
[ "$rc" = 0 ] || echo "$out"
expect "reports both bridge addresses" 1 \
	"$(grep -c '^netsetup: berth0: set up with 203.0.113.1/24 and 2001:db8:ff::1/64$' <<<"$out")"
expect "IPv6 forwarding on" 1 "$(net_in cat /proc/sys/net/ipv6/conf/all/forwarding)"
expect "bridge IPv6 address" 2001:db8:ff::1/64 \
	"$(net_in ip -j -6 addr show dev berth0 scope global | jq -r '.[0].addr_info[0] | "\(.local)/\(.prefixlen)"')"
expect "IPv6 masquerade rule" 1 "$(net_in nft -j list chain inet berth postrouting |
	jq '[.nftables[] | select(.rule) | select(any(.rule.expr[]; .match.right.prefix?.addr=="2001:db8:ff::" and .match.right.prefix.len==64) and any(.rule.expr[]; has("masquerade")))] | length')"

attach() {
	out=$(ip netns exec "$ns" "$BUILD/netsetup" --manifest "$tmp/m.yaml" bridge-attach "$1" "/run/netns/$2" 2>&1)
	rc=$?
	[ "$rc" = 0 ] || echo "$out"
}
attach web "$ca"
expect "attach web" 0 "$rc"
a4=$(ip -n "$ca" -j -4 addr show dev eth0 | jq -r '.[0].addr_info[0].local')
want=$(printf '2001:db8:ff::%x/64' "${a4##*.}")
expect "attach reports both addresses" 1 "$(grep -c "^netsetup: container web: attached eth0 $a4/24 and $want to berth0" <<<"$out")"
attach db "$cb"
expect "attach db" 0 "$rc"
a6=$(ip -n "$ca" -j -6 addr show dev eth0 scope global)
expect "web's IPv6 address mirrors its IPv4 host part ($a4)" "$want" \
	"$(jq -r '.[0].addr_info[0] | "\(.local)/\(.prefixlen)"' <<<"$a6")"
expect "not tentative" false "$(jq '.[0].addr_info[0].tentative // false' <<<"$a6")"
b6=$(ip -n "$cb" -j -6 addr show dev eth0 scope global | jq -r '.[0].addr_info[0].local')
# A container must not take another's router advertisements (icc: true).
expect "no router advertisements in the container" "0 0" \
	"$(ip netns exec "$ca" cat /proc/sys/net/ipv6/conf/eth0/accept_ra /proc/sys/net/ipv6/conf/default/accept_ra | paste -sd ' ')"
expect "IPv6 default route via the bridge" "2001:db8:ff::1 eth0" \
	"$(ip -n "$ca" -6 -j route show default | jq -r '.[0] | "\(.gateway) \(.dev)"')"

reaches() { ip netns exec "$1" busybox ping -6 -c 1 -W 2 "$2" >/dev/null 2>&1 && echo yes || echo no; }
expect "container reaches the bridge over IPv6" yes "$(reaches "$ca" 2001:db8:ff::1)"
expect "icc false: web cannot reach db over IPv6" no "$(reaches "$ca" "$b6")"
# The peer has no route to 2001:db8:ff::/64: only a masqueraded packet
# gets an answer. The host's own 2001:db8::10 may still be tentative.
expect "peer has no route back" 0 "$(ip -n "$peer" -6 -j route show 2001:db8:ff::/64 | jq length)"
for _ in $(seq 30); do
	net_in ip -j -6 addr show dev eth0 tentative | jq -e '[.[].addr_info[]] | length == 0' >/dev/null && break
	sleep 0.1
done
expect "container reaches a peer through masquerade" yes "$(reaches "$ca" 2001:db8::1)"

net_run --manifest "$tmp/m.yaml"
expect "rerun exit status" 0 "$rc"
expect "rerun changes nothing" "" "$out"

# icc is both the ports' isolation and the forward chain's rule: the
# manifest is applied again, then the containers are attached again.
sed -i 's/icc: false/icc: true/' "$tmp/m.yaml"
net_run --manifest "$tmp/m.yaml"
attach web "$ca"
attach db "$cb"
expect "icc true: web reaches db over IPv6" yes "$(reaches "$ca" "$b6")"
exit $failed
