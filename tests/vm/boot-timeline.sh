#!/bin/bash
# SPDX-License-Identifier: MIT
# Init prints its boot timeline on the console: the guest uptime when stage 1
# starts, the root is mounted, stage 2 starts and the supervisor is started.
# Asserts only that the lines are there and in order; prints the figures,
# with the stage-1-start to supervisor-start span against the 150 ms target
# (guest time, under TCG).
. "$(dirname "$0")/lib.sh"
vm_require
vm_build_image "$TOP/tests/vm/manifests/debug.yaml" "$vm_dir"
supervisor=0
[ -x "$vm_dir/rootfs/usr/lib/berth/supervisor" ] && supervisor=1

vm_start "$vm_dir"
if ! vm_wait_for '^berth-init: (supervisor started|supervisor not installed)' 120 >/dev/null; then
	got=$(vm_console | grep -E '^berth-init: ' | tail -n 1)
	fail boot-timeline-lines "the supervisor line within 120 s" "${got:-no line from berth-init}"
	exit 1
fi
vm_kill

# ms SECONDS: 1.234s as whole milliseconds.
ms() {
	awk -v t="${1%s}" 'BEGIN { printf "%d", t * 1000 + 0.5 }'
}

steps=('stage 1 start' 'root mounted' 'stage 2 start')
[ $supervisor = 1 ] && steps+=('supervisor started')
prev=-1 order=ok figures=
for step in "${steps[@]}"; do
	t=$(vm_uptime "$step")
	if [ -z "$t" ]; then
		fail "boot-timeline-${step// /-}" "'berth-init: $step at N.NNNs'" "no such line"
		order=
		continue
	fi
	pass "boot-timeline-${step// /-}"
	[ "$(ms "$t")" -ge "$prev" ] || order="$step at $t before the step ahead of it"
	prev=$(ms "$t")
	figures="$figures, $step $t"
done
if [ "$order" = ok ]; then
	pass boot-timeline-order
elif [ -n "$order" ]; then
	fail boot-timeline-order "the timeline in increasing uptime" "$order"
fi
# The console order must be the same as the uptimes'.
seen=$(vm_console | sed -n 's/^berth-init: \(stage 1 start\|root mounted\|stage 2 start\|supervisor started\) at .*/\1/p' |
	awk '!n[$0]++' | paste -sd ',')
want=$(IFS=,; echo "${steps[*]}")
if [ "$seen" = "$want" ]; then
	pass boot-timeline-console-order
else
	fail boot-timeline-console-order "console lines in the order '$want'" "'$seen'"
fi

if [ $supervisor = 1 ]; then
	span=$(($(ms "$(vm_uptime 'supervisor started')") - $(ms "$(vm_uptime 'stage 1 start')")))
	verdict="within"
	[ "$span" -le 150 ] || verdict="over"
	echo "# figures: guest uptime${figures#,};" \
		"stage 1 start to supervisor started $span ms ($verdict the 150 ms target)"
else
	echo "# figures: guest uptime${figures#,}; the supervisor is not in the image" \
		"(init says: $(vm_console | grep -m 1 -o 'supervisor not installed'))"
fi
