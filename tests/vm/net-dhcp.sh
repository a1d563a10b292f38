#!/bin/bash
# SPDX-License-Identifier: MIT
# DHCP on the booted host: a manifest without a network section asks DHCP on
# eth0, and dhcpcd, run by netsetup's keeper with netsetup as its hook, gets
# QEMU's lease: the address, with the lease's lifetime. (QEMU's restricted
# user network leases no router and no DNS server: tests/host/net-dhcp.sh
# covers those.) dhcpcd separates its privileges on berth's kernel and root
# (a process as user dhcpcd) and keeps its lease on /var.
. "$(dirname "$0")/lib.sh"
vm_require
vm_build_image "$TOP/tests/vm/manifests/debug.yaml" "$vm_dir"

vm_start "$vm_dir"
vm_wait_console net-dhcp-boot 120

# QEMU's user network leases 10.0.2.15/24 for a day (86400 s). (No tabs in
# what is typed: the shell would complete on them. No ip applet: busybox ip.)
out=$(vm_run 'i=0
while [ ! -s /run/berth/dhcp-eth0.lease ] && [ $i -lt 60 ]; do sleep 0.5; i=$((i + 1)); done
echo "lease $(cat /run/berth/dhcp-eth0.lease)"
busybox ip -4 addr show dev eth0 | sed -n "s/^ *inet \([^ ]*\) .*/addr \1/p; s/^ *valid_lft \([0-9a-z]*\) .*/lft \1/p"
for s in /proc/[0-9]*/status; do
awk '"'"'/^Name:/ { n = $2 } /^Uid:/ { print "proc", n, $2 }'"'"' $s 2>/dev/null
done | sort -u
ls /var/lib/dhcpcd/eth0.lease' 60)
lease=$(sed -n 's/^lease //p' <<<"$out")
if [ "$lease" = "10.0.2.15/24 -" ]; then
	pass net-dhcp-lease
else
	fail net-dhcp-lease "the lease '10.0.2.15/24 -' (no router) in /run/berth/dhcp-eth0.lease" "'$lease'"
fi
addr=$(sed -n 's/^addr //p' <<<"$out" | paste -sd ' ')
lft=$(sed -n 's/^lft //p' <<<"$out" | head -n 1)
lft=${lft%sec}
if [ "$addr" = 10.0.2.15/24 ] && [ "$lft" -gt 80000 ] 2>/dev/null && [ "$lft" -le 86400 ]; then
	pass net-dhcp-address
else
	fail net-dhcp-address "10.0.2.15/24 on eth0 with a lifetime of 80000..86400 s" \
		"'$addr' with '$lft'"
fi
procs=$(grep '^proc dhcpcd ' <<<"$out" | paste -sd ',')
if grep -q '^proc dhcpcd 0$' <<<"$out" && grep -q '^proc dhcpcd 101$' <<<"$out"; then
	pass net-dhcp-privsep
else
	fail net-dhcp-privsep "dhcpcd processes as root and as user dhcpcd (101)" "'$procs'"
fi
if grep -qx /var/lib/dhcpcd/eth0.lease <<<"$out"; then
	pass net-dhcp-lease-on-var
else
	fail net-dhcp-lease-on-var "dhcpcd's lease in /var/lib/dhcpcd/eth0.lease" \
		"'$(tail -n 1 <<<"$out")'"
fi
vm_kill
