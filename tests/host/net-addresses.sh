#!/bin/bash
# SPDX-License-Identifier: MIT
# netsetup gives eth0 its MTU, IPv4 and IPv6 addresses and routes, and says so.
. "$TOP/tests/host/lib/net.sh"
net_init addresses
cat >"$tmp/m.yaml" <<'YAML'
version: 1
network:
  interfaces:
    - name: eth0
      mtu: 1400
      addresses: [192.0.2.10/24, "2001:db8::10/64"]
      routes:
        - {to: default, via: 192.0.2.1}
        - {to: 198.51.100.0/24, via: 192.0.2.254, metric: 50}
        - {to: default, via: "2001:db8::1"}
YAML
net_run --manifest "$tmp/m.yaml"
expect "exit status" 0 "$rc"
[ "$rc" = 0 ] || echo "$out"
expect "reports the IPv4 address" 1 "$(grep -c '^netsetup: eth0: added 192.0.2.10/24$' <<<"$out")"
expect "reports the IPv6 route" 1 "$(grep -c '^netsetup: eth0: added route default (IPv6) via 2001:db8::1$' <<<"$out")"
a=$(net_in ip -j addr show dev eth0)
expect "mtu" 1400 "$(jq '.[0].mtu' <<<"$a")"
expect "link up" true "$(jq '.[0].flags | index("UP") != null' <<<"$a")"
expect "IPv4 address" 192.0.2.10/24 "$(jq -r '.[0].addr_info[] | select(.family=="inet") | "\(.local)/\(.prefixlen)"' <<<"$a")"
expect "IPv6 address" 2001:db8::10/64 "$(jq -r '.[0].addr_info[] | select(.family=="inet6" and .scope=="global") | "\(.local)/\(.prefixlen)"' <<<"$a")"
r=$(net_in ip -j route show table main)
expect "IPv4 default route" 192.0.2.1 "$(jq -r '.[] | select(.dst=="default") | .gateway' <<<"$r")"
expect "static route with metric" "192.0.2.254 50" "$(jq -r '.[] | select(.dst=="198.51.100.0/24") | "\(.gateway) \(.metric)"' <<<"$r")"
r6=$(net_in ip -6 -j route show table main)
expect "IPv6 default route" 2001:db8::1 "$(jq -r '.[] | select(.dst=="default") | .gateway' <<<"$r6")"
expect "loopback up" true "$(net_in ip -j link show lo | jq '.[0].flags | index("UP") != null')"
exit $failed
