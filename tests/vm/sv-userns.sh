#!/bin/bash
# SPDX-License-Identifier: MIT
# On a booted image (Linux 6.1), a default container runs in its own user
# namespace: its uid_map is "0 BASE 65536" with BASE >= 524288 and its
# process is host uid BASE; through its bind (not idmapped), a file the host
# owns there, by root or by an id outside its range, cannot be written
# (EACCES: both are nobody to it), and what it writes there is owned by
# BASE on the disk; what it writes to a named volume (idmapped) is owned by
# 0 on the disk. userns: host
# keeps the host's users. (The control socket's peer check against the
# container's root: tests/host/sv-userns-control.sh.)
. "$(dirname "$0")/lib.sh"
vm_require

vm_build_container_image "$TOP/tests/vm/manifests/sv-userns.yaml" "$vm_dir"
vm_start "$vm_dir"
if ! vm_wait_for '^berth-init: supervisor started' 120 >/dev/null; then
	got=$(vm_console | grep -E '^berth-init: ' | tail -n 1)
	fail sv-userns-supervisor-started "the supervisor within 120 s" "${got:-no line from berth-init}"
	exit 1
fi
if ! vm_wait_for 'hostusers: userns: map' 60 >/dev/null || ! vm_wait_for 'boxed: userns: map' 30 >/dev/null; then
	got=$(vm_console | grep -E 'supervisor: container|userns: ' | tail -n 3 | paste -sd '|')
	fail sv-userns-ran "both containers' uid_map within 60 s" "'${got:-nothing}'"
	exit 1
fi
said() { vm_console | sed -n "s/.*$1: userns: $2 //p" | head -n 1; }

map=$(said boxed map)
read -r inside base count <<<"$map"
if [ "$inside" = 0 ] && [ "$count" = 65536 ] && [ "${base:-0}" -ge 524288 ]; then
	pass sv-userns-map
else
	fail sv-userns-map "'0 BASE 65536' with BASE >= 524288" "'$map'"
fi
got=$(said hostusers map | tr -s ' ' | sed 's/^ //')
[ "$got" = "0 0 4294967295" ] && pass sv-userns-host-opt-out ||
	fail sv-userns-host-opt-out "'0 0 4294967295' for userns: host" "'$got'"

# The host's view (the debug console): the container's process, the files.
huid=$(vm_run "pid=\$(head -n 1 /sys/fs/cgroup/berth/boxed/cgroup.procs); sed -n 's/^Uid:[[:space:]]*\([0-9]*\).*/\1/p' /proc/\$pid/status" 30 | tail -n 1)
[ -n "$base" ] && [ "$huid" = "$base" ] && pass sv-userns-host-uid ||
	fail sv-userns-host-uid "the container's process as host uid $base" "'$huid'"
vm_run "d=/var/lib/berth/data/share; echo x >\$d/foreign; chown 70000:70000 \$d/foreign; chmod 644 \$d/foreign; echo x >\$d/own; chmod 644 \$d/own; touch \$d/ready" 30 >/dev/null
if ! vm_wait_for 'boxed: userns: done' 30 >/dev/null; then
	fail sv-userns-writes "'boxed: userns: done' within 30 s" "'$(vm_console | grep 'boxed: userns' | tail -n 1)'"
	vm_kill
	exit 1
fi
got=$(said boxed "write foreign")
case "$got" in refused:*denied*) pass sv-userns-foreign-file ;;
*) fail sv-userns-foreign-file "writing a file of host uid 70000 (0644) refused with permission denied" "'$got'" ;;
esac
got=$(said boxed "write own")
case "$got" in refused:*denied*) pass sv-userns-host-root-file ;;
*) fail sv-userns-host-root-file "writing a file of host root (0644) through the bind refused" "'$got'" ;;
esac
got=$(said boxed owners)
[ "$got" = "65534:65534 65534:65534" ] && pass sv-userns-owners ||
	fail sv-userns-owners "'65534:65534 65534:65534' (host 70000 and host root are nobody)" "'$got'"
got=$(vm_run "stat -c %u /var/lib/berth/data/share/mine /var/lib/berth/data/share" 30 | tail -n 2 | paste -sd ' ')
[ "$got" = "$base $base" ] && pass sv-userns-bind-owner ||
	fail sv-userns-bind-owner "the container's file and the bind directory made for it owned by $base on the disk" "'$got'"
got=$(vm_run "stat -c %u:%g /var/lib/berth/volumes/keep/file" 30 | tail -n 1)
[ "$got" = 0:0 ] && pass sv-userns-volume-owner ||
	fail sv-userns-volume-owner "the named volume's file owned by 0:0 on the disk (idmapped)" "'$got'"
got=$(vm_run "cat /var/lib/berth/state/userns-ranges" 30 | grep -c '^[0-9]* boxed$')
[ "$got" = 1 ] && pass sv-userns-range-kept ||
	fail sv-userns-range-kept "boxed recorded in /var/lib/berth/state/userns-ranges" "$got lines"
vm_kill
