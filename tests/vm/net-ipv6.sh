#!/bin/bash
# SPDX-License-Identifier: MIT
# IPv6 on the container bridge with berth's own kernel: netsetup loads the
# firewall with the IPv6 masquerade rule and gives berth0 fd00:b::1; the
# supervisor gives srv subnet6 plus its IPv4 host part; the host fetches
# srv's page over IPv6; srv's namespace reaches the bridge over IPv6; IPv6
# forwarding is on.
. "$(dirname "$0")/lib.sh"
vm_require
command -v jq >/dev/null || { skip "$vm_test" "jq is not installed"; exit 0; }

vm_build_container_image "$TOP/tests/vm/manifests/net-ipv6.yaml" "$vm_dir"
vm_start "$vm_dir"
if ! vm_wait_for 'srv: srv: serving' 120 >/dev/null; then
	got=$(vm_console | grep -E 'supervisor: |^berth-init: |^netsetup: ' | tail -n 1)
	fail net-ipv6-up "'srv: serving' within 120 s" "'${got:-nothing}'"
	exit 1
fi

# An error is "netsetup: WHAT: OPERATION: REASON"; a change has one ": " less.
errs=$(vm_console | grep -E '^netsetup: (firewall|berth0|sysctl[^:]*): .*: ' | paste -sd '|')
loaded=$(vm_console | grep -c '^netsetup: firewall: loaded table inet berth')
if [ -z "$errs" ] && [ "$loaded" = 1 ]; then
	pass net-ipv6-firewall-loaded
else
	fail net-ipv6-firewall-loaded "the table loaded, no error" "loaded $loaded times, errors '$errs'"
fi
if vm_console | grep -q '^netsetup: berth0: set up with 172.31.0.1/24 and fd00:b::1/64'; then
	pass net-ipv6-bridge-address
else
	fail net-ipv6-bridge-address "'berth0: set up with 172.31.0.1/24 and fd00:b::1/64'" \
		"'$(vm_console | grep '^netsetup: berth0' | head -n 1)'"
fi

line=$(vm_console | grep -m 1 -E '^supervisor: container srv: eth0 ')
v4=$(sed -n 's|.*eth0 172\.31\.0\.\([0-9]*\)/24 .*|\1|p' <<<"$line")
v6=$(sed -n 's|.* and \(fd00:b::[0-9a-f]*\)/64 on berth0.*|\1|p' <<<"$line")
if [ -n "$v4" ] && [ "$v6" = "$(printf 'fd00:b::%x' "$v4")" ]; then
	pass net-ipv6-container-address
else
	fail net-ipv6-container-address "srv's IPv6 address from its IPv4 host part" "'$line'"
	exit 1
fi

page=$(vm_run "busybox timeout 10 busybox wget -q -O - 'http://[$v6]:8080/'" 30)
if grep -q ipv6-page <<<"$page"; then
	pass net-ipv6-host-fetches-page
else
	fail net-ipv6-host-fetches-page "ipv6-page from http://[$v6]:8080/" "'$page'"
fi

pid=$(vm_run 'berthctl status --json' | jq -r '.containers[] | select(.name == "srv") | .pid' 2>/dev/null)
if vm_run "busybox timeout 10 busybox nsenter -t $pid -n busybox ping -6 -c 1 -W 3 fd00:b::1 && echo ping6-ok" 30 |
	grep -q ping6-ok; then
	pass net-ipv6-container-reaches-bridge
else
	fail net-ipv6-container-reaches-bridge "an echo reply from fd00:b::1 in srv (pid '$pid')" "none"
fi

fwd=$(vm_run 'cat /proc/sys/net/ipv6/conf/all/forwarding' | tr -d '\r' | grep -E '^[01]$')
if [ "$fwd" = 1 ]; then
	pass net-ipv6-forwarding
else
	fail net-ipv6-forwarding "net.ipv6.conf.all.forwarding 1" "'$fwd'"
fi
vm_kill
