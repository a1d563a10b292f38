#!/bin/bash
# SPDX-License-Identifier: MIT
# A container cannot starve the host: in a 1024 MiB guest that keeps 256 MiB
# for the host (host.memory_reserve), a container filling its 32m writable
# layer gets ENOSPC, and one allocating 800 MiB without a limit of its own
# is OOM-killed inside the containers' common memory.max, restarted once
# and then given up on (on-failure:1), while a heartbeat goes on and the
# supervisor keeps its PID and answers. init and the supervisor sit in
# /sys/fs/cgroup/host with memory.min, the containers under
# /sys/fs/cgroup/berth.
. "$(dirname "$0")/lib.sh"
vm_require

vm_build_container_image "$TOP/tests/vm/manifests/sv-starve.yaml" "$vm_dir"

vm_start "$vm_dir"
if ! vm_wait_for '^berth-init: supervisor started' 120 >/dev/null; then
	got=$(vm_console | grep -E '^berth-init: ' | tail -n 1)
	fail sv-starve-supervisor-started "the supervisor within 120 s" "${got:-no line from berth-init}"
	exit 1
fi
vm_wait_for 'beat: beat: 1$' 60 >/dev/null
# The supervisor's PID, from its own status: the first "pid" is its.
sv_pid() {
	vm_run 'berthctl status --json | grep -o "\"pid\": [0-9]*" | head -n 1' 30 | sed -n 's/^"pid": //p'
}
pid1=$(sv_pid)

# The writable layer: ENOSPC at 32m, nothing past it.
if vm_wait_for "fill: dd: error writing '/fill': No space left on device\$" 90 >/dev/null &&
	filled=$(vm_wait_for 'fill: filled [0-9]+$' 30) && [ "${filled##* }" -le 32 ]; then
	pass sv-starve-enospc
else
	fail sv-starve-enospc "dd in fill to stop with ENOSPC at 32 MiB" \
		"'$(vm_console | grep -E 'fill: ' | tail -n 3 | paste -sd '|')'"
fi

# The hog: no limit of its own, killed by the kernel inside the
# containers' limit, then restarted by its policy.
if got=$(vm_wait_for 'supervisor: container hog: [^;]*; ' 120); then
	got=${got#*supervisor: }
	if [[ $got == "container hog: killed by SIGKILL; restart 1 in "* ]]; then
		pass sv-starve-oom-reported
	else
		fail sv-starve-oom-reported "'container hog: killed by SIGKILL; restart 1 in ...'" "'$got'"
	fi
else
	fail sv-starve-oom-reported "an exit of hog within 120 s" \
		"'$(vm_console | grep -E 'hog: ' | tail -n 2 | paste -sd '|')'"
fi

# Restarted once (on-failure:1), killed again, then given up on.
if vm_wait_for 'supervisor: container hog: killed by SIGKILL; restart policy on-failure: not restarting' 120 >/dev/null &&
	[ "$(vm_console | grep -c 'hog: hog: start$')" = 2 ]; then
	pass sv-starve-oom-policy
else
	fail sv-starve-oom-policy "hog started twice, killed twice, then not restarted, within 120 s" \
		"'$(vm_console | grep -E 'hog: ' | tail -n 3 | paste -sd '|')'"
fi

# The cgroups: the containers' memory.max is RAM less the reserve, the
# OOM was theirs (no global one), a container without a limit has none of
# its own and is killed whole; init and the supervisor have the reserve
# as memory.min.
out=$(vm_run 'b=/sys/fs/cgroup/berth
echo "ram $(($(sed -n "s/^MemTotal: *\([0-9]*\) kB/\1/p" /proc/meminfo) * 1024))"
echo "berth $(cat $b/memory.max) $(sed -n "s/^oom //p" $b/memory.events) $(sed -n "s/^oom_kill //p" $b/memory.events)"
echo "beat $(cat $b/beat/memory.max) $(cat $b/beat/memory.oom.group)"
echo "host $(cat /sys/fs/cgroup/host/memory.min)"
p=$(berthctl status --json | grep -o "\"pid\": [0-9]*" | head -n 1 | grep -o "[0-9]*$")
echo "cgroups $(cat /proc/1/cgroup) $(cat /proc/$p/cgroup)"
echo "global $(dmesg | grep "Out of memory" | grep -vc "Memory cgroup out of memory")"' 30)
ram=$(sed -n 's/^ram //p' <<<"$out")
read -r bmax boom bkill <<<"$(sed -n 's/^berth //p' <<<"$out")"
want_max=$((${ram:-0} - 268435456))
if [ "$bmax" = "$want_max" ] && [ "${boom:-0}" -ge 1 ] && [ "${bkill:-0}" -ge 1 ] &&
	[ "$(sed -n 's/^beat //p' <<<"$out")" = "max 1" ] &&
	[ "$(sed -n 's/^host //p' <<<"$out")" = 268435456 ] &&
	[ "$(sed -n 's/^cgroups //p' <<<"$out")" = "0::/host 0::/host" ] &&
	[ "$(sed -n 's/^global //p' <<<"$out")" = 0 ]; then
	pass sv-starve-cgroups
else
	fail sv-starve-cgroups "berth memory.max $want_max with oom and oom_kill >= 1, beat 'max 1', host memory.min 268435456, init and supervisor in /host, no global OOM" \
		"'$(paste -sd '|' <<<"$out")'"
fi
echo "# figures: containers' memory.max $bmax, oom events $boom, oom kills $bkill"

# The others: the heartbeat goes on (3 or more beats in 5 s, never
# restarted), the supervisor keeps its PID and answers, and status says
# that hog shares the containers' memory and fill has a 32M layer.
b1=$(vm_console | grep -c 'beat: beat: [0-9]*$')
sleep 5
b2=$(vm_console | grep -c 'beat: beat: [0-9]*$')
pid2=$(sv_pid)
table=$(vm_run 'berthctl status' 30)
if [ $((b2 - b1)) -ge 3 ] && [ -n "$pid1" ] && [ "$pid1" = "$pid2" ] &&
	grep -qE '^beat +running .* 0 +- +shared:[0-9.]+[MG] +256M ' <<<"$table" &&
	grep -qE '^hog .* shared:[0-9.]+[MG] +256M ' <<<"$table" &&
	grep -qE '^fill +running .* shared:[0-9.]+[MG] +32M ' <<<"$table"; then
	pass sv-starve-others-run
else
	fail sv-starve-others-run "3 or more beats in 5 s, the supervisor's pid unchanged, status with beat running (0 restarts), hog shared and fill 32M" \
		"$((b2 - b1)) beats, pid '$pid1' -> '$pid2', status '$(paste -sd '|' <<<"$table")'"
fi
vm_kill
