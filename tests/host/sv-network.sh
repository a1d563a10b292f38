#!/bin/bash
# SPDX-License-Identifier: MIT
# network_mode bridge: the container has eth0 with its address on berth0 and
# reaches the bridge address, and the host's resolv.conf, and its veth pair
# goes when it stops; none: only lo, up; host: the host's links.
. "$(dirname "$0")/sv-common"
sv_init network
cat >"$WORK/m.yaml" <<'YAML'
version: 1
containers:
  web:
    image: dir:busybox
    # ping needs a raw socket: NET_RAW is not in the default set.
    cap_add: [NET_RAW]
    command: ["/bin/sh", "-c", "ip -o -4 addr show dev eth0; ping -c 1 -W 2 172.31.0.1 >/dev/null && echo ping-ok; cat /etc/resolv.conf"]
  lonely:
    image: dir:busybox
    network_mode: none
    command: ["/bin/sh", "-c", "echo links: $(ls /sys/class/net); ip -o link show lo"]
  hosty:
    image: dir:busybox
    network_mode: host
    command: ["/bin/sh", "-c", "echo links: $(ls /sys/class/net)"]
YAML
sv_start "$WORK/m.yaml"
sv_wait_for '^supervisor: container web: exited' 8 || fail "expected web to exit within 8 s, got no exit line"
sv_wait_for '^supervisor: container lonely: exited' 5 || fail "expected lonely to exit within 5 s, got no exit line"
addr=$(grep -oE '^web: [0-9]+: eth0 +inet 172\.31\.0\.[0-9]+/24' "$OUT" | awk '{print $5}')
[ -n "$addr" ] || fail "expected web's eth0 to have an address in 172.31.0.0/24, got: $(grep '^web:' "$OUT" | head -n 1)"
grep -q '^web: ping-ok$' "$OUT" || fail "expected web to ping the bridge 172.31.0.1, got no reply"
grep -q '^web: nameserver 192.0.2.53$' "$OUT" ||
	fail "expected web's /etc/resolv.conf to be the host's, got: $(grep '^web: name' "$OUT" | head -n 1)"
links=$(grep '^lonely: links:' "$OUT" | cut -d' ' -f3-)
[ "$links" = lo ] || fail "expected lonely to have only lo, got: ${links:-nothing}"
grep -qE '^lonely: 1: lo: <LOOPBACK,UP' "$OUT" || fail "expected lonely's lo to be up, got: $(grep '^lonely: 1:' "$OUT")"
grep -q 'lonely: nameserver' "$OUT" && fail "expected no resolv.conf for network_mode none"
sv_wait_for '^supervisor: container hosty: exited' 5 || fail "expected hosty to exit within 5 s, got no exit line"
links=$(grep '^hosty: links:' "$OUT" | cut -d' ' -f3-)
case " $links " in *" berth0 "*) ;; *) fail "expected hosty to see the host's berth0, got: ${links:-nothing}" ;; esac
veths=$(nsenter -t "$SV_PID" -n ip -o link show type veth)
[ -z "$veths" ] || fail "expected no veth pair left after web stopped, got: $veths"
sv_stop 5 || fail "expected the supervisor to exit on SIGTERM within 5 s"
pass
