#!/bin/bash
# SPDX-License-Identifier: MIT
# An interface matched by MAC gets the manifest's address whatever its
# name; of two links with that MAC, the lower-numbered one (the NIC, not a
# VLAN or a copy on top of it). A MAC that matches nothing is an error that
# names the manifest line and the MAC, and the rest is still applied.
. "$TOP/tests/host/lib/net.sh"
net_init match-mac
mac=02:00:5e:10:00:07
ip link add lan7 address "$mac" netns "$ns" type veth peer name peer7 netns "$peer" &&
	ip link add lan8 address "$mac" netns "$ns" type veth peer name peer8 netns "$peer" &&
	ip -n "$peer" addr add 198.51.100.1/24 dev peer7 &&
	ip -n "$peer" link set peer7 up || {
	echo "fail: $name: could not create the veth pairs"
	exit 1
}
cat >"$tmp/m.yaml" <<YAML
version: 1
network:
  interfaces:
    - match: {mac: "${mac^^}"}
      addresses: [198.51.100.10/24]
    - {name: eth0, addresses: [192.0.2.10/24]}
YAML
net_run --manifest "$tmp/m.yaml"
expect "exit status" 0 "$rc"
[ "$rc" = 0 ] || echo "$out"
expect "reports the address on the matched link" 1 "$(grep -c '^netsetup: lan7: added 198.51.100.10/24$' <<<"$out")"
expect "address on the link with that MAC" 198.51.100.10/24 \
	"$(net_in ip -j -4 addr show dev lan7 | jq -r '.[0].addr_info[0] | "\(.local)/\(.prefixlen)"')"
expect "not on the higher-numbered copy" 0 "$(net_in ip -j -4 addr show dev lan8 | jq '.[0].addr_info | length')"
expect "matched link up" true "$(net_in ip -j link show lan7 | jq '.[0].flags | index("UP") != null')"
expect "peer reachable through it" yes \
	"$(net_in busybox ping -c 1 -W 2 198.51.100.1 >/dev/null 2>&1 && echo yes || echo no)"

cat >"$tmp/bad.yaml" <<'YAML'
version: 1
network:
  interfaces:
    - {name: eth0, addresses: [192.0.2.11/24]}
    - match: {mac: "02:00:5e:10:00:99"}
      addresses: [198.51.100.11/24]
YAML
net_run --manifest "$tmp/bad.yaml"
expect "unmatched MAC: exit status" 1 "$rc"
expect "unmatched MAC: message names file, line, MAC" 1 "$(grep -cF \
	"netsetup: $tmp/bad.yaml:5:7: match mac 02:00:5e:10:00:99: no interface has this MAC address; its addresses and routes are not applied" <<<"$out")"
expect "unmatched MAC: the other interface still configured" 1 \
	"$(net_in ip -j -4 addr show dev eth0 | jq '[.[0].addr_info[] | select(.local=="192.0.2.11")] | length')"
expect "unmatched MAC: its address nowhere" 0 \
	"$(net_in ip -j -4 addr show | jq '[.[].addr_info[] | select(.local=="198.51.100.11")] | length')"
exit $failed
