#!/bin/bash
# SPDX-License-Identifier: MIT
# With dhcp: true netsetup starts dhcpcd, kept by a process of its own; the
# hook applies the lease from busybox udhcpd in the peer namespace: address
# with the lease's lifetime, default route, MTU, resolv.conf, while dhcpcd
# itself configures nothing. A second run starts no second client; SIGTERM
# to the keeper stops the client too, and the address stays; EXPIRE drops it.
. "$TOP/tests/host/lib/net.sh"
[ -x /usr/sbin/dhcpcd ] || skip "dhcp: dhcpcd is not installed (dhcpcd-base)"
net_init dhcp
# dhcpcd keeps its leases in /var/lib/dhcpcd: the build host's stays as is.
net_in mount -t tmpfs -o mode=0750 dhcpcd /var/lib/dhcpcd ||
	{ echo "fail: dhcp: could not mount a tmpfs on /var/lib/dhcpcd"; exit 1; }
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
# One default route, netsetup's: dhcpcd's own would carry a metric.
expect "default route via the router, netsetup's only" "192.0.2.1 dhcp null" \
	"$(net_in ip -j -4 route show default | jq -r '.[] | "\(.gateway) \(.protocol) \(.metric)"' | paste -sd '|')"
expect "resolv.conf from the lease" "nameserver 192.0.2.53|nameserver 192.0.2.54|search example.test" \
	"$(grep -v '^#' "$tmp/run/berth/resolv.conf" | paste -sd '|')"
first=$(keeper_pid)
net_run --manifest "$tmp/m.yaml"
expect "second run starts no second client" "0 " "$rc $out"
expect "keeper unchanged" "$first" "$(keeper_pid)"
client=$(pgrep -P "$first")
# dhcpcd retitles itself "dhcpcd: eth0 [ip4]".
expect "the keeper runs dhcpcd on eth0" "/usr/sbin/dhcpcd dhcpcd: eth0 [ip4]" \
	"$(readlink /proc/"$client"/exe) $(tr '\0' ' ' </proc/"$client"/cmdline | sed 's/ *$//')"
# A zombie waiting for the build host's init to reap it counts as gone.
alive() { [ -n "$1" ] && grep -qv '^[0-9]* (.*) Z' "/proc/$1/stat" 2>/dev/null; }
# dhcpcd killed: the keeper starts another, and the helpers of the killed
# one (privilege separation, one of them root) do not stay behind.
group=$(pgrep -g "$client" | paste -sd ' ')
kill -KILL "$client"
for _ in $(seq 50); do
	new=$(pgrep -P "$first")
	[ -n "$new" ] && [ "$new" != "$client" ] && break
	sleep 0.1
done
left=
for p in $group; do alive "$p" && left="$left $p"; done
expect "a killed dhcpcd is restarted" "restarted" "$([ -n "$new" ] && [ "$new" != "$client" ] && echo restarted || echo "${new:-none}")"
expect "a killed dhcpcd leaves no helpers" "" "$left"
client=$new
for _ in $(seq 100); do
	[ "$(net_in ip -j -4 route show default | jq -r '.[]?.gateway')" = 192.0.2.1 ] && break
	sleep 0.1
done
expect "the restarted dhcpcd keeps the lease" "192.0.2.100 192.0.2.1" \
	"$(net_in ip -j -4 addr show dev eth0 | jq -r '.[0].addr_info[]?.local') $(net_in ip -j -4 route show default | jq -r '.[]?.gateway')"
kill "$first"
for _ in $(seq 50); do
	alive "$first" || alive "$client" || break
	sleep 0.1
done
expect "keeper and client stop on SIGTERM" "gone" \
	"$(alive "$first" || alive "$client" || echo gone)"
# A stopped client leaves the lease to its lifetime, as with --persistent.
expect "the address outlives the client" 192.0.2.100 \
	"$(net_in ip -j -4 addr show dev eth0 | jq -r '.[0].addr_info[]?.local')"
# EXPIRE, as dhcpcd runs the hook when the lease is lost, removes the lease.
net_in env interface=eth0 reason=EXPIRE "$BUILD/netsetup" dhcp-event >/dev/null
expect "EXPIRE removes the address" "" "$(net_in ip -j -4 addr show dev eth0 | jq -r '.[0].addr_info[]?.local')"
expect "EXPIRE removes the default route" "" "$(net_in ip -j -4 route show default | jq -r '.[]?.gateway')"
exit $failed
