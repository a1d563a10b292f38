#!/bin/bash
# SPDX-License-Identifier: MIT
# The demo's containers run on the booted host: the read_only web server
# (its volume target not in the image) starts and its health check, run
# in its namespaces and cgroup, passes; the writer keeps running; the
# containers' cgroups have the memory and pids controllers, with the
# manifest's memory limit and the default pids limit.
. "$(dirname "$0")/lib.sh"
vm_require

vm_build_container_image "$TOP/tests/vm/manifests/demo.yaml" "$vm_dir"

vm_start "$vm_dir"
if ! vm_wait_for '^berth-init: supervisor started' 120 >/dev/null; then
	got=$(vm_console | grep -E '^berth-init: ' | tail -n 1)
	fail demo-supervisor-started "the supervisor within 120 s" "${got:-no line from berth-init}"
	exit 1
fi

# First check 2 s after the start, then every 2 s; 60 s leaves room for TCG.
if vm_wait_for 'supervisor: container web: (healthy|unhealthy)' 60 | grep -q ': healthy'; then
	pass demo-web-healthy
else
	got=$(vm_console | grep -E 'supervisor: (warning|container web)' | tail -n 3 | paste -sd '|')
	fail demo-web-healthy "'container web: healthy' within 60 s" "'${got:-nothing about web}'"
fi

warn=$(vm_console | grep -E 'supervisor: warning: .*cgroup' | paste -sd '|')
if [ -z "$warn" ]; then
	pass demo-cgroup-controllers
else
	fail demo-cgroup-controllers "no cgroup warning from the supervisor" "'$warn'"
fi

out=$(vm_run 'd=/sys/fs/cgroup/berth/web
echo "memory.max $(cat $d/memory.max)"; echo "pids.max $(cat $d/pids.max)"
echo "writer procs $(cat /sys/fs/cgroup/berth/writer/cgroup.procs | wc -l)"' 60)
mem=$(sed -n 's/^memory.max //p' <<<"$out")
pids=$(sed -n 's/^pids.max //p' <<<"$out")
if [ "$mem" = 33554432 ] && [ "$pids" = 4096 ]; then
	pass demo-cgroup-limits
else
	fail demo-cgroup-limits "web's memory.max 33554432 (32m) and pids.max 4096" \
		"memory.max '${mem:-none}', pids.max '${pids:-none}'"
fi

writer=$(sed -n 's/^writer procs //p' <<<"$out")
ended=$(vm_console | grep -E 'supervisor: container writer: .*(exited|killed|restart policy|failed)' | head -n 1)
if [ "${writer:-0}" -ge 1 ] && [ -z "$ended" ]; then
	pass demo-writer-runs
else
	fail demo-writer-runs "writer running in its cgroup, never exited" \
		"${writer:-no} processes, '${ended:-no exit line}'"
fi

# On a first boot /var is an empty file system: the supervisor must make
# /var/log/berth itself, and the writer's lines must be in its file.
log=$(vm_run 'cat /var/log/berth/writer.log' 30)
if grep -qE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z stdout ' <<<"$log"; then
	pass demo-log-file
else
	fail demo-log-file "timestamped stdout lines in /var/log/berth/writer.log" \
		"'$(head -n 3 <<<"$log")'"
fi
vm_kill
