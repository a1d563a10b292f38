#!/bin/bash
# SPDX-License-Identifier: MIT
# The containers of the manifest run on the booted host from the images
# baked into its root: the supervisor forwards a container's output to the
# console as "NAME: line", the container's process lives in its cgroup, and
# a container with restart: always that exits is started again.
. "$(dirname "$0")/lib.sh"
vm_require

vm_build_container_image "$TOP/tests/vm/manifests/containers.yaml" "$vm_dir"

vm_start "$vm_dir"
if ! vm_wait_for '^berth-init: supervisor started' 120 >/dev/null; then
	got=$(vm_console | grep -E '^berth-init: ' | tail -n 1)
	fail container-supervisor-started "the supervisor within 120 s" \
		"${got:-no line from berth-init}"
	exit 1
fi

# The debug shell's prompt has no newline, so a forwarded line may follow
# it: the name prefix is matched, not the start of the line.
if vm_wait_for 'stays: berth-test: stays up$' 60 >/dev/null; then
	pass container-output-on-console
else
	got=$(vm_console | grep -E 'supervisor: .*stays|stays: ' | tail -n 1)
	fail container-output-on-console "'stays: berth-test: stays up' within 60 s" \
		"'${got:-nothing about stays}'"
fi

# Its process is in its cgroup, and is the container's command.
out=$(vm_run 'for p in $(cat /sys/fs/cgroup/berth/stays/cgroup.procs); do
echo "proc $p $(tr "\0" " " </proc/$p/cmdline)"
done')
if grep -qE '^proc [0-9]+ sleep 100000 ?$' <<<"$out"; then
	pass container-process-in-cgroup
else
	fail container-process-in-cgroup "'sleep 100000' in /sys/fs/cgroup/berth/stays" \
		"'$(grep '^proc ' <<<"$out" | paste -sd ';')'"
fi

# The first restart comes 1 s after the exit, the next 2 s later.
end=$((SECONDS + 60))
while n=$(vm_console | grep -c 'again: berth-test: ran again$'); [ "$n" -lt 2 ]; do
	[ $SECONDS -lt $end ] && vm_running || break
	sleep 0.5
done
if [ "$n" -ge 2 ]; then
	pass container-restart-always
else
	got=$(vm_console | grep -E 'supervisor: container again' | tail -n 1)
	fail container-restart-always "'again: berth-test: ran again' twice within 60 s" \
		"$n times, last word '${got:-none from the supervisor}'"
fi
vm_kill
