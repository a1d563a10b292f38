#!/bin/bash
# SPDX-License-Identifier: MIT
# Through the loaded firewall, a TCP connection from the peer namespace to an
# allowed port is answered; one to another listening port is dropped.
. "$TOP/tests/host/lib/net.sh"
net_init firewall-traffic
cat >"$tmp/m.yaml" <<'YAML'
version: 1
network:
  interfaces:
    - {name: eth0, addresses: [192.0.2.10/24]}
  firewall: {allow: [{proto: tcp, port: 8080}]}
YAML
net_run --manifest "$tmp/m.yaml"
expect "exit status" 0 "$rc"
for port in 8080 8081; do
	net_in timeout 10 busybox nc -l -p $port -e echo hello-$port &
done
sleep 0.3
got=$(ip netns exec "$peer" timeout 5 busybox nc -w 2 192.0.2.10 8080 </dev/null 2>&1)
expect "allowed port answers" hello-8080 "$got"
got=$(ip netns exec "$peer" timeout 5 busybox nc -w 2 192.0.2.10 8081 </dev/null 2>&1)
expect "other port gives nothing" "" "$(grep hello <<<"$got")"
# Dropped, not refused: a refusal would mean the packet reached the socket layer.
expect "other port is not refused" 0 "$(grep -ci refused <<<"$got")"
ping=$(ip netns exec "$peer" busybox ping -c 1 -W 2 192.0.2.10 >/dev/null 2>&1 && echo answered)
expect "echo request answered" answered "$ping"
exit $failed
