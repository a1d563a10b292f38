#!/bin/bash
# SPDX-License-Identifier: MIT
# lib/net/bridge.c through "netsetup bridge-attach": two containers (namespaces
# made with ip netns) get eth0 on berth0 with a default route via the
# bridge and reach it; with icc: false they cannot reach each other, with
# icc: true they can; a container attached again gets the same address.
. "$TOP/tests/host/lib/net.sh"
net_init bridge
ca=$ns-a cb=$ns-b
net_containers "$ca" "$cb"
manifest() {
	cat >"$tmp/m.yaml" <<YAML
version: 1
network:
  interfaces: []
  bridge: {subnet: 203.0.113.0/24, icc: $1}
YAML
}
# attach NAME NETNS [USED...]: prints netsetup's output, sets rc.
attach() {
	local c=$1 n=$2
	shift 2
	out=$(ip netns exec "$ns" "$BUILD/netsetup" --manifest "$tmp/m.yaml" bridge-attach "$c" "/run/netns/$n" "$@" 2>&1)
	rc=$?
	[ "$rc" = 0 ] || echo "$out"
}
addr_of() { ip -n "$1" -j -4 addr show dev eth0 | jq -r '.[0].addr_info[0].local'; }
reaches() { ip netns exec "$1" busybox ping -c 1 -W 1 "$2" >/dev/null 2>&1 && echo yes || echo no; }

manifest false
attach web "$ca"
expect "attach web" 0 "$rc"
attach db "$cb"
expect "attach db" 0 "$rc"
a=$(addr_of "$ca") b=$(addr_of "$cb")
case "$a" in 203.0.113.*) pass "$name: address from the subnet" ;;
*) fail "$name: address from the subnet: expected 203.0.113.x, got $a" ;; esac
[ "$a" != "$b" ] && pass "$name: distinct addresses" || fail "$name: distinct addresses: expected two, got $a twice"
expect "bridge address" 203.0.113.1/24 \
	"$(ip -n "$ns" -j -4 addr show dev berth0 | jq -r '.[0].addr_info[0] | "\(.local)/\(.prefixlen)"')"
expect "default route via the bridge" 203.0.113.1 "$(ip -n "$ca" -j route show default | jq -r '.[0].gateway')"
host_if=$(ip -n "$ns" -j link show master berth0 | jq -r '.[0].ifname')
expect "host end isolated" true \
	"$(ip -n "$ns" -d -j link show "$host_if" | jq '.[0].linkinfo.info_slave_data.isolated')"
expect "container reaches the bridge" yes "$(reaches "$ca" 203.0.113.1)"
expect "icc false: web cannot reach db" no "$(reaches "$ca" "$b")"

manifest true
attach web "$ca"
expect "attach again" 0 "$rc"
attach db "$cb"
expect "same name, same address" "$a $b" "$(addr_of "$ca") $(addr_of "$cb")"
expect "host end not isolated" false \
	"$(ip -n "$ns" -d -j link show "$host_if" | jq '.[0].linkinfo.info_slave_data.isolated')"
expect "icc true: web reaches db" yes "$(reaches "$ca" "$b")"

# An address in use elsewhere is skipped.
ip netns exec "$ns" "$BUILD/netsetup" bridge-detach web >/dev/null
attach web "$ca" "$a"
expect "attach with its address in use" 0 "$rc"
[ "$(addr_of "$ca")" != "$a" ] && pass "$name: used address skipped" ||
	fail "$name: used address skipped: expected another address than $a, got it"
ip netns exec "$ns" "$BUILD/netsetup" bridge-detach web >/dev/null
expect "detach removes the veth pair" "1 0" \
	"$(ip -n "$ns" -j link show master berth0 | jq length) $(ip -n "$ca" -j link show | jq '[.[] | select(.ifname=="eth0")] | length')"
exit $failed
