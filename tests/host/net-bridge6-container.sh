#!/bin/bash
# SPDX-License-Identifier: MIT
# The supervisor gives a container on a bridge with subnet6 its IPv6
# address (subnet6 plus the host part of its IPv4 one), usable from the
# container's first instruction: it connects at once to a listener on the
# bridge's IPv6 address, which the firewall lets in.
. "$TOP/tests/host/lib/net.sh"
. "$TOP/tests/host/sv-common"
net_init bridge6-container
sv_init net-bridge6-container
trap 'kill "${listener:-}" 2>/dev/null; sv_cleanup; net_cleanup' EXIT
cat >"$WORK/m.yaml" <<'YAML'
version: 1
network:
  interfaces:
    - {name: eth0, addresses: [192.0.2.10/24]}
  firewall: {allow: [{proto: tcp, port: 9999}]}
  bridge: {subnet6: "fd00:b::/64"}
containers:
  web:
    image: dir:busybox
    command: ["/bin/sh", "-c", "ip -4 -o addr show dev eth0; grep eth0 /proc/net/if_inet6 | grep -v ^fe80; echo hello6 | nc -w 3 fd00:b::1 9999 && echo sent6"]
    restart: "no"
YAML
net_run --manifest "$WORK/m.yaml"
[ "$rc" = 0 ] || fail "expected netsetup to set up the bridge, got status $rc: $out"
# Its stdin stays open: busybox nc may stop at EOF on stdin before it has
# read what the peer sent (1 run in 40 heard nothing with </dev/null).
sleep 20 2>/dev/null | ip netns exec "$ns" timeout 20 busybox nc -l -p 9999 >"$WORK/heard" 2>&1 &
listener=$!

net_sv_start "$WORK/m.yaml" || fail "the supervisor did not start"
sv_wait_for '^supervisor: container web: exited' 10 || fail "expected web to run and exit within 10 s"

# /proc/net/if_inet6: address (32 hex digits), ifindex, prefix length,
# scope, flags (0x40: tentative), name. The default subnet is
# 172.31.0.0/24, so the IPv6 host part is the IPv4 address's last byte.
line=$(grep -E '^web: [0-9a-f]{32} ' "$OUT" | head -n 1)
[ -n "$line" ] || fail "expected web to print its IPv6 address, got nothing"
set -- ${line#web: }
v4=$(grep -E '^web: .* inet 172\.31\.0\.[0-9]+/24' "$OUT" | grep -oE '172\.31\.0\.[0-9]+' | head -n 1)
want=$(printf 'fd00000b0000000000000000000000%02x' "${v4##*.}")
[ -n "$v4" ] || want="fd00000b00000000000000000000XXXX (no IPv4 address in the log)"
[ "$1" = "$want" ] || fail "expected address $want (from IPv4 $v4), got $1"
[ "$((0x$3))" = 64 ] || fail "expected prefix length 64, got $((0x$3))"
[ $((0x$5 & 0x40)) = 0 ] || fail "expected the address not to be tentative, got flags $5"
grep -q '^web: sent6$' "$OUT" || fail "expected web to connect to [fd00:b::1]:9999 at once, it did not"
wait "$listener"
listener=
[ "$(cat "$WORK/heard")" = hello6 ] || fail "expected the listener to hear hello6, got: $(cat "$WORK/heard")"
sv_stop 5 || fail "expected the supervisor to exit on SIGTERM within 5 s"
pass
