#!/bin/bash
# SPDX-License-Identifier: MIT
# With dhcp: true netsetup starts udhcpc, kept by a process of its own; the
# hook applies the lease from busybox udhcpd in the peer namespace: address
# with the lease's lifetime, default route, MTU, resolv.conf. A second run
# starts no second client; SIGTERM to the keeper stops the client too.
. "$TOP/tests/host/lib/net.sh"
net_init dhcp
keeper_pid() { cat "$tmp/run/berth/dhcp-eth0.pid" 2>/dev/null; }
dhcp_cleanup() {
	[ -n "$(keeper_pid)" ] && kill "$(keeper_pid)" 2>/dev/null
	[ -n "${server:-}" ] && kill "$server" 2>/dev/null
	net_cleanup
}
trap dhcp_cleanup EXIT
cat >"$tmp/udhcpd.conf" <<EOF
start 192.0.2.100
end 192.0.2.100
interface peer0
lease_file $tmp/udhcpd.leases
pidfile $tmp/udhcpd.pid
option subnet 255.255.255.0
option router 192.0.2.1
option dns 192.0.2.53 192.0.2.54
option domain example.test
option mtu 1450
option lease 600
EOF
touch "$tmp/udhcpd.leases"
ip netns exec "$peer" busybox udhcpd -f "$tmp/udhcpd.conf" >"$tmp/udhcpd.log" 2>&1 &
server=$!
cat >"$tmp/m.yaml" <<'YAML'
version: 1
network:
  interfaces: [{name: eth0, dhcp: true}]
YAML
net_run --manifest "$tmp/m.yaml"
expect "exit status" 0 "$rc"
[ "$rc" = 0 ] || echo "$out"
expect "reports the client" 1 "$(grep -c '^netsetup: eth0: started DHCP client' <<<"$out")"
# The lease arrives in well under a second; 10 s is the bound.
for _ in $(seq 100); do
	grep -q nameserver "$tmp/run/berth/resolv.conf" 2>/dev/null && break
	sleep 0.1
done
a=$(net_in ip -j -4 addr show dev eth0)
expect "leased address" 192.0.2.100/24 "$(jq -r '.[0].addr_info[0] | "\(.local)/\(.prefixlen)"' <<<"$a")"
lft=$(jq -r '.[0].addr_info[0].valid_life_time' <<<"$a")
if [ "$lft" -gt 500 ] 2>/dev/null && [ "$lft" -le 600 ]; then
	pass "$name: address has the lease's lifetime"
else
	fail "$name: address has the lease's lifetime: expected 500..600 s, got $lft"
fi
expect "mtu from the lease" 1450 "$(jq '.[0].mtu' <<<"$a")"
expect "default route via the router" "192.0.2.1 dhcp" \
	"$(net_in ip -j -4 route show default | jq -r '.[0] | "\(.gateway) \(.protocol)"')"
expect "resolv.conf from the lease" "nameserver 192.0.2.53|nameserver 192.0.2.54|search example.test" \
	"$(grep -v '^#' "$tmp/run/berth/resolv.conf" | paste -sd '|')"
first=$(keeper_pid)
net_run --manifest "$tmp/m.yaml"
expect "second run starts no second client" "0 " "$rc $out"
expect "keeper unchanged" "$first" "$(keeper_pid)"
client=$(pgrep -P "$first")
expect "the keeper runs udhcpc" "udhcpc -f -i eth0" "$(tr '\0' ' ' </proc/"$client"/cmdline | cut -d' ' -f1-4)"
# A zombie waiting for the build host's init to reap it counts as gone.
alive() { [ -n "$1" ] && grep -qv '^[0-9]* (.*) Z' "/proc/$1/stat" 2>/dev/null; }
kill "$first"
for _ in $(seq 50); do
	alive "$first" || alive "$client" || break
	sleep 0.1
done
expect "keeper and client stop on SIGTERM" "gone" \
	"$(alive "$first" || alive "$client" || echo gone)"
# deconfig, as udhcpc sends it when the lease is lost, removes the lease.
net_in env interface=eth0 "$BUILD/netsetup" dhcp-event deconfig >/dev/null
expect "deconfig removes the address" "" "$(net_in ip -j -4 addr show dev eth0 | jq -r '.[0].addr_info[]?.local')"
expect "deconfig removes the default route" "" "$(net_in ip -j -4 route show default | jq -r '.[]?.gateway')"
exit $failed
