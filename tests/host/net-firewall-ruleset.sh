#!/bin/bash
# SPDX-License-Identifier: MIT
# The loaded table inet berth has input policy drop, the manifest's allow
# rule, DHCP replies only with DHCP, and the rate-limited berth-drop log.
. "$TOP/tests/host/lib/net.sh"
net_init firewall-ruleset
cat >"$tmp/m.yaml" <<'YAML'
version: 1
network:
  interfaces:
    - {name: eth0, addresses: [192.0.2.10/24]}
  firewall:
    allow:
      - {proto: tcp, port: 8080}
      - {proto: udp, port: 5000-5010, from: 198.51.100.0/24}
YAML
net_run --manifest "$tmp/m.yaml"
expect "exit status" 0 "$rc"
expect "reports the firewall" 1 "$(grep -c '^netsetup: firewall: loaded table inet berth$' <<<"$out")"
j=$(net_in nft -j list ruleset)
expect "input policy" drop "$(jq -r '.nftables[] | select(.chain.name=="input" and .chain.table=="berth") | .chain.policy' <<<"$j")"
expect "forward policy" drop "$(jq -r '.nftables[] | select(.chain.name=="forward" and .chain.table=="berth") | .chain.policy' <<<"$j")"
rules() { jq -c ".nftables[] | select(.rule.chain==\"input\") | .rule.expr" <<<"$j"; }
expect "tcp 8080 accept" 1 "$(rules | jq -s '[.[] | select(any(.[]; .match.right==8080 and .match.left.payload.field=="dport") and any(.[]; has("accept")))] | length')"
expect "udp range from 198.51.100.0/24" 1 "$(rules | jq -s '[.[] | select(any(.[]; .match.right.range?==[5000,5010]) and any(.[]; .match.right.prefix?.addr=="198.51.100.0"))] | length')"
expect "drop log prefix" 1 "$(rules | jq -s '[.[] | select(any(.[]; .log.prefix=="berth-drop: ") and any(.[]; has("limit")))] | length')"
expect "no DHCP rule without dhcp" 0 "$(rules | jq -s '[.[] | select(any(.[]; .match.right==67))] | length')"
expect "no router advertisements without accept_ra" 0 "$(rules | jq -s '[.[] | select(any(.[]; .match.right=="nd-router-advert"))] | length')"
exit $failed
