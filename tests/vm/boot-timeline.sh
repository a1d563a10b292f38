#!/bin/bash
# SPDX-License-Identifier: MIT
# The boot timeline of the demo host (examples/demo.yaml, booted from its
# kernel): init prints the guest uptime when stage 1 starts, the root is
# mounted, stage 2 starts and the supervisor is started; netsetup finishes
# beside the supervisor, which then starts the containers on the network
# and says it is ready. Asserts the lines are there and in order, in guest
# uptime and in the host's wall clock (tests/tools/console-reader stamps
# the console as it arrives, so an early guest clock that reads 0 cannot
# hide time). Prints the figures: wall-clock from QEMU's start, uptime, and
# the spans against the targets of docs/init.md (Boot time).
. "$(dirname "$0")/lib.sh"
vm_require
vm_build_container_image "$TOP/examples/demo.yaml" "$vm_dir"

vm_start "$vm_dir"
if ! vm_wait_for '^berth-init: supervisor ready at ' 120 >/dev/null ||
	! vm_wait_for '^supervisor: container (web|writer): started' 30 >/dev/null; then
	got=$(vm_console | grep -E '^(berth-init|supervisor): ' | tail -n 1)
	fail boot-timeline-lines "supervisor ready and a container started within 150 s" "${got:-no line from berth-init}"
	exit 1
fi
vm_kill

# ms SECONDS: 1.234s (or 1.234) as whole milliseconds.
ms() {
	awk -v t="${1%s}" 'BEGIN { printf "%d", t * 1000 + 0.5 }'
}

# Init's lines, in the order they must come (uptime and wall clock), then
# netsetup's end and the first container's start (wall clock only: they
# come beside the supervisor's start, in either order).
steps=('stage 1 start' 'root mounted' 'stage 2 start' 'supervisor started')
prev=-1 wprev=-1 order=ok figures= walls=
for step in "${steps[@]}"; do
	t=$(vm_uptime "$step")
	w=$(vm_wall "^berth-init: $step at ")
	if [ -z "$t" ] || [ -z "$w" ]; then
		fail "boot-timeline-${step// /-}" "'berth-init: $step at N.NNNs'" "no such line"
		order=
		continue
	fi
	pass "boot-timeline-${step// /-}"
	[ "$(ms "$t")" -ge "$prev" ] || order="$step at uptime $t before the step ahead of it"
	[ "$(ms "$w")" -ge "$wprev" ] || order="$step at wall $w s before the step ahead of it"
	prev=$(ms "$t") wprev=$(ms "$w")
	figures="$figures, $step $t"
	walls="$walls, $step $w s"
done
if [ "$order" = ok ]; then
	pass boot-timeline-order
elif [ -n "$order" ]; then
	fail boot-timeline-order "the timeline in increasing uptime and wall clock" "$order"
fi

s1=$(vm_uptime 'stage 1 start') sup=$(vm_uptime 'supervisor started')
net=$(vm_uptime 'netsetup finished') rdy=$(vm_uptime 'supervisor ready')
w1=$(vm_wall '^berth-init: stage 1 start at ')
wnet=$(vm_wall '^berth-init: netsetup finished at ')
wexec=$(vm_wall '^supervisor: container [a-z]+: started')
if [ -n "$net" ] && [ -n "$wnet" ] && [ -n "$wexec" ] && [ -n "$rdy" ]; then
	pass boot-timeline-netsetup-and-first-start
else
	fail boot-timeline-netsetup-and-first-start \
		"netsetup finished, a container started, supervisor ready" \
		"'${net:-no netsetup line}' '${wexec:-no container line}' '${rdy:-no ready line}'"
	exit 1
fi
if [ -n "$s1" ] && [ -n "$sup" ] && [ -n "$w1" ]; then
	span=$(($(ms "$sup") - $(ms "$s1")))
	exec1=$(($(ms "$wexec") - $(ms "$w1")))
	echo "# figures: wall clock from QEMU's start${walls#,}, netsetup finished $wnet s," \
		"first container started $wexec s; guest uptime${figures#,}, netsetup finished $net," \
		"supervisor ready $rdy; stage 1 start to supervisor started $span ms (target 150)," \
		"to the first container started $exec1 ms wall (target 300), to netsetup's end" \
		"$(($(ms "$net") - $(ms "$s1"))) ms; before stage 1 (QEMU, kernel):" \
		"$(ms "$w1") ms wall, $(ms "$s1") ms of it on the guest's clock"
fi
