#!/bin/bash
# SPDX-License-Identifier: MIT
# netsetup sets the hostname and writes /run/berth/{hostname,hosts,resolv.conf}.
. "$TOP/tests/host/lib/net.sh"
net_init files
cat >"$tmp/m.yaml" <<'YAML'
version: 1
host: {hostname: edge-01}
network:
  interfaces: []
  dns: {nameservers: [192.0.2.53, "2001:db8::53"], search: [example.org]}
YAML
net_run --manifest "$tmp/m.yaml"
expect "exit status" 0 "$rc"
expect "hostname" edge-01 "$(net_in hostname)"
expect "reports the hostname" 1 "$(grep -c '^netsetup: hostname: set to edge-01$' <<<"$out")"
expect "/run/berth/hostname" edge-01 "$(cat "$tmp/run/berth/hostname")"
expect "hosts maps the hostname" 1 "$(grep -cx '127.0.1.1	edge-01' "$tmp/run/berth/hosts")"
expect "resolv.conf nameservers" "192.0.2.53 2001:db8::53" "$(awk '/^nameserver/ {printf "%s%s", s, $2; s=" "}' "$tmp/run/berth/resolv.conf")"
expect "resolv.conf search" "search example.org" "$(grep '^search' "$tmp/run/berth/resolv.conf")"
expect "no temporary file left" "" "$(ls "$tmp/run/berth" | grep tmp)"
exit $failed
