#!/bin/bash
# SPDX-License-Identifier: MIT
# A second netsetup run with the same manifest prints nothing and changes
# nothing: addresses, routes, the container bridge, sysctls, files and the
# loaded ruleset.
. "$TOP/tests/host/lib/net.sh"
net_init idempotent
cat >"$tmp/m.yaml" <<'YAML'
version: 1
host: {hostname: edge-01, sysctls: {net.ipv4.tcp_rfc1337: "1"}}
network:
  interfaces:
    - name: eth0
      mtu: 1400
      addresses: [192.0.2.10/24, "2001:db8::10/64"]
      routes: [{to: default, via: 192.0.2.1}]
  dns: {nameservers: [192.0.2.53]}
  firewall: {allow: [{proto: tcp, port: 8080}]}
  bridge: {subnet: 203.0.113.0/24}
containers:
  hello: {image: "dir:/nonexistent", command: [sleep, "1"]}
YAML
net_run --manifest "$tmp/m.yaml"
expect "first run exit status" 0 "$rc"
[ "$rc" = 0 ] || echo "$out"
expect "first run sets up the bridge" 1 "$(grep -c '^netsetup: berth0: set up with 203.0.113.1/24$' <<<"$out")"
# Link-local addresses, carrier flags and their routes come and go by
# themselves as the link settles; what netsetup manages must not change.
snapshot() {
	net_in ip -j addr show | jq -c '[.[] | {ifname, mtu, up: (.flags | index("UP") != null),
		addr: [.addr_info[] | select(.scope != "link") | "\(.local)/\(.prefixlen)"]}]'
	net_in ip -j route show table main | jq -c '[.[] | del(.flags)]'
	net_in ip -6 -j route show table main | jq -c '[.[] | select(.dst | startswith("fe80") | not) | del(.flags)]'
	net_in nft -j list ruleset
	net_in sh -c 'cat /proc/sys/net/ipv4/conf/*/rp_filter /run/berth/*; hostname'
}
before=$(snapshot)
net_run --manifest "$tmp/m.yaml"
expect "second run exit status" 0 "$rc"
expect "second run output" "" "$out"
after=$(snapshot)
if [ "$before" = "$after" ]; then
	pass "$name: second run changed nothing"
else
	fail "$name: second run changed nothing: expected no difference, got: $(diff <(echo "$before") <(echo "$after") | head -n 5 | tr '\n' ' ')"
fi
exit $failed
