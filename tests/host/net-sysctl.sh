#!/bin/bash
# SPDX-License-Identifier: MIT
# The hardened sysctls of the network namespace are set, on existing
# interfaces too; manifest additions win; a sysctl the kernel lacks fails.
. "$TOP/tests/host/lib/net.sh"
net_init sysctl
cat >"$tmp/m.yaml" <<'YAML'
version: 1
host: {sysctls: {net.ipv4.tcp_rfc1337: "0", net.ipv4.ip_default_ttl: "77"}}
network: {interfaces: [{name: eth0}]}
YAML
net_in sysctl -qw net.ipv4.conf.eth0.accept_redirects=1 net.ipv4.conf.eth0.send_redirects=1
net_run --manifest "$tmp/m.yaml"
expect "exit status" 0 "$rc"
get() { net_in cat "/proc/sys/$1"; }
expect "rp_filter all" 1 "$(get net/ipv4/conf/all/rp_filter)"
expect "accept_redirects on eth0" 0 "$(get net/ipv4/conf/eth0/accept_redirects)"
expect "send_redirects on eth0" 0 "$(get net/ipv4/conf/eth0/send_redirects)"
expect "IPv6 accept_ra on eth0" 0 "$(get net/ipv6/conf/eth0/accept_ra)"
expect "accept_source_route default" 0 "$(get net/ipv4/conf/default/accept_source_route)"
expect "log_martians" 1 "$(get net/ipv4/conf/all/log_martians)"
expect "tcp_syncookies" 1 "$(get net/ipv4/tcp_syncookies)"
expect "ip_forward without containers" 0 "$(get net/ipv4/ip_forward)"
expect "manifest overrides the baseline" 0 "$(get net/ipv4/tcp_rfc1337)"
expect "manifest addition" 77 "$(get net/ipv4/ip_default_ttl)"
expect "reports a change" 1 "$(grep -c '^netsetup: sysctl net.ipv4.conf.eth0.accept_redirects = 0$' <<<"$out")"
cat >"$tmp/bad.yaml" <<'YAML'
version: 1
host: {sysctls: {net.ipv4.no_such_knob: "1"}}
network: {interfaces: []}
YAML
net_run --manifest "$tmp/bad.yaml"
expect "missing sysctl fails" 1 "$rc"
expect "missing sysctl is named" 1 "$(grep -c 'sysctl net.ipv4.no_such_knob: not supported by this kernel' <<<"$out")"
exit $failed
