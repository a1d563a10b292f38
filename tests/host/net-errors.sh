#!/bin/bash
# SPDX-License-Identifier: MIT
# Failures exit 1 with a message naming the interface, the operation and the
# kernel's reason; the rest of the manifest is still applied. Usage errors exit 2.
. "$TOP/tests/host/lib/net.sh"
net_init errors
cat >"$tmp/m.yaml" <<'YAML'
version: 1
network:
  interfaces:
    - {name: eth9, addresses: [198.18.0.20/24]}
    - name: eth0
      addresses: [192.0.2.10/24]
      routes: [{to: 198.51.100.0/24, via: 203.0.113.1}]
  firewall: {allow: [{proto: tcp, port: 22}]}
YAML
net_run --manifest "$tmp/m.yaml"
expect "exit status" 1 "$rc"
expect "missing interface named" 1 "$(grep -c '^netsetup: eth9: find link: No such device$' <<<"$out")"
expect "route error has the kernel's text" 1 "$(grep -c '^netsetup: eth0: add route 198.51.100.0/24 via 203.0.113.1: .* (kernel: .\+)$' <<<"$out")"
expect "address still added" 192.0.2.10 "$(net_in ip -j -4 addr show dev eth0 | jq -r '.[0].addr_info[0].local')"
expect "firewall still loaded" drop "$(net_in nft -j list chain inet berth input | jq -r '.nftables[] | select(.chain) | .chain.policy')"
net_run --bogus
expect "usage exit status" 2 "$rc"
net_run --manifest "$tmp/none.yaml"
expect "unreadable manifest exit status" 1 "$rc"
exit $failed
