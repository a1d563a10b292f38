#!/bin/bash
# SPDX-License-Identifier: MIT
# With icc: false bridge port isolation keeps containers apart before any
# inet hook sees their frames; the firewall's table "bridge berth" sees the
# attempts first and counts them as inter-container drops: an ARP request
# from one container for another's address, and (with the neighbour
# entry put in by hand, as a container with CAP_NET_ADMIN could) the IPv4
# packet itself. Echoes to the bridge's own address are not counted. With
# icc: true the bridge table is gone.
. "$TOP/tests/host/lib/net.sh"
net_init firewall-icc
ca=$ns-a cb=$ns-b
net_containers "$ca" "$cb"
manifest() {
	cat >"$tmp/m.yaml" <<YAML
version: 1
network:
  interfaces: []
  bridge: {subnet: 203.0.113.0/24, icc: $1}
containers:
  web: {image: "dir:/nonexistent", command: [sleep, "1"]}
YAML
}
attach() {
	out=$(ip netns exec "$ns" "$BUILD/netsetup" --manifest "$tmp/m.yaml" bridge-attach "$1" "/run/netns/$2" 2>&1)
	rc=$?
	[ "$rc" = 0 ] || echo "$out"
}
addr_of() { ip -n "$1" -j -4 addr show dev eth0 | jq -r '.[0].addr_info[0].local'; }
reaches() { ip netns exec "$1" busybox ping -c 1 -W 1 "$2" >/dev/null 2>&1 && echo yes || echo no; }

manifest false
net_run --manifest "$tmp/m.yaml"
expect "netsetup with icc false" 0 "$rc"
attach web "$ca"
expect "attach web" 0 "$rc"
attach db "$cb"
expect "attach db" 0 "$rc"
a=$(addr_of "$ca") b=$(addr_of "$cb")
net_in nft list table bridge berth >"$tmp/bridge.nft" 2>&1 || fail "$name: table bridge berth: $(head -n 2 "$tmp/bridge.nft")"
grep -q 'iifname "vb\*" arp ptype ip arp operation request arp saddr ip != 0.0.0.0 arp daddr ip != 203.0.113.1 arp daddr ip 203.0.113.0/24 counter packets 0 bytes 0 drop comment "berth drop inter-container"' "$tmp/bridge.nft" &&
	pass "$name: arp rule" || fail "$name: arp rule: got $(cat "$tmp/bridge.nft")"
grep -q 'iifname "vb\*" ip daddr != 203.0.113.1 ip daddr 203.0.113.0/24 counter packets 0 bytes 0 drop comment "berth drop inter-container"' "$tmp/bridge.nft" &&
	pass "$name: ip rule" || fail "$name: ip rule: got $(cat "$tmp/bridge.nft")"

expect "web reaches the bridge" yes "$(reaches "$ca" 203.0.113.1)"
expect "nothing counted for the bridge's address" "0" "$(net_in nft list table bridge berth | grep -o 'counter packets [0-9]*' | awk '{ n += $3 } END { print n + 0 }')"
expect "web cannot reach db" no "$(reaches "$ca" "$b")"
arp=$(net_in nft list table bridge berth | grep 'arp operation request.*counter' | grep -o 'counter packets [0-9]*' | awk '{ print $3 }')
[ "${arp:-0}" -ge 1 ] && pass "$name: the ARP request for db counted ($arp)" ||
	fail "$name: the ARP request for db counted: expected at least 1, got '$arp'"

# The IPv4 packet itself, once web knows db's MAC.
mac=$(ip -n "$cb" -j link show eth0 | jq -r '.[0].address')
ip -n "$ca" neigh replace "$b" lladdr "$mac" dev eth0 nud permanent
expect "web still cannot reach db" no "$(reaches "$ca" "$b")"
ip4=$(net_in nft list table bridge berth | grep 'ip daddr != .*counter' | grep -o 'counter packets [0-9]*' | awk '{ print $3 }')
[ "${ip4:-0}" -ge 1 ] && pass "$name: the echo to db counted ($ip4)" ||
	fail "$name: the echo to db counted: expected at least 1, got '$ip4'"

manifest true
net_run --manifest "$tmp/m.yaml"
expect "netsetup with icc true" 0 "$rc"
net_in nft list table bridge berth >/dev/null 2>&1 && fail "$name: icc true: expected no table bridge berth" ||
	pass "$name: icc true: no bridge table"
exit $failed
