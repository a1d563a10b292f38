#!/bin/bash
# SPDX-License-Identifier: MIT
# The supervisor killed with SIGKILL, on the real init: init restarts it
# and hands it back the containers' pipes and memfds from its fd store; the
# new run adopts both containers, whose processes never stop, and starts
# nothing (live restore).
. "$(dirname "$0")/lib.sh"
vm_require

vm_build_container_image "$TOP/tests/vm/manifests/sv-supervisor-killed.yaml" "$vm_dir"

vm_start "$vm_dir"
if ! vm_wait_for '^berth-init: supervisor started' 120 >/dev/null; then
	got=$(vm_console | grep -E '^berth-init: ' | tail -n 1)
	fail sv-killed-supervisor-started "the supervisor within 120 s" "${got:-no line from berth-init}"
	exit 1
fi

# Every sleep of the containers (their arguments are 100001 to 100003):
# "sleep PID ARG CGROUP", sorted; and the cgroups with their process counts.
snapshot='for p in /proc/[0-9]*; do
c=$(cat $p/cmdline 2>/dev/null | tr "\0" " ")
case "$c" in "sleep 10000"*) set -- $c; echo "sleep ${p#/proc/} $2 $(sed -n "s/^0:://p" $p/cgroup)" ;; esac
done | sort -k3
for d in /sys/fs/cgroup/berth/*/; do [ -f $d/cgroup.procs ] && echo "cgroup $(basename $d) $(wc -l <$d/cgroup.procs)"; done
true'

# Waits until the containers' three sleeps run; prints the snapshot.
settled() {
	local end=$((SECONDS + 60)) out
	while :; do
		out=$(vm_run "$snapshot" 30)
		[ "$(grep -c '^sleep ' <<<"$out")" -ge 3 ] && break
		[ $SECONDS -lt $end ] && vm_running || break
		sleep 1
	done
	grep -E '^(sleep|cgroup) ' <<<"$out"
}
# The processes expected, one of each: what a snapshot says without PIDs.
want='sleep 100001 /berth/one
sleep 100002 /berth/two
sleep 100003 /berth/two
cgroup one 1
cgroup two 3'
shape() { sed 's/^sleep [0-9]* /sleep /' <<<"$1"; }

before=$(settled)
if [ "$(shape "$before")" = "$want" ]; then
	pass sv-killed-first-run
else
	fail sv-killed-first-run "'$(paste -sd ';' <<<"$want")'" "'$(shape "$before" | paste -sd ';')'"
	exit 1
fi

vm_mark
out=$(vm_run 'for p in /proc/[0-9]*; do [ "$(cat $p/comm 2>/dev/null)" = supervisor ] && echo "supervisor ${p#/proc/}"; done
true' 30)
old=$(sed -n 's/^supervisor //p' <<<"$out")
if [ "$(wc -w <<<"$old")" != 1 ]; then
	fail sv-killed-supervisor-found "one supervisor process" "'$old'"
	exit 1
fi
vm_run "kill -9 $old" 30 >/dev/null
# The debug shell's prompt may come first on a console line: no ^ here.
if got=$(vm_wait_for 'berth-init: supervisor (exited|started|failed)' 30) &&
	[[ $got == *"berth-init: supervisor exited (killed by signal 9"*"; restarting in "* ]] &&
	vm_wait_for 'berth-init: supervisor started' 30 >/dev/null; then
	pass sv-killed-init-restarts
else
	fail sv-killed-init-restarts "'berth-init: supervisor exited (killed by signal 9...); restarting', then 'supervisor started'" \
		"'$(vm_console | grep -E 'berth-init: ' | paste -sd '|')'"
	exit 1
fi
# The new supervisor adopts what the old one left (live restore): both
# containers, with the very processes of the first run, and starts nothing.
adopted=0
for c in one two; do
	vm_wait_for "supervisor: container $c: adopted from the earlier supervisor run, pid [0-9]+" 60 >/dev/null &&
		adopted=$((adopted + 1))
done
killed=$(vm_console | grep -cE 'killed [0-9]+ processes an earlier run')
if [ "$adopted" = 2 ] && [ "$killed" = 0 ]; then
	pass sv-killed-adopted
else
	fail sv-killed-adopted "one and two adopted, nothing killed" \
		"$adopted adopted; $(vm_console | grep -E 'adopted|killed [0-9]+ processes' | paste -sd '|')"
fi
sleep 2
after=$(settled)
# vm_console: what came since vm_mark, before the kill.
starts=$(vm_console | grep -cE 'supervisor: container (one|two): started')
if [ "$after" = "$before" ] && [ "$starts" = 0 ]; then
	pass sv-killed-same-processes
else
	fail sv-killed-same-processes "'$(paste -sd ';' <<<"$before")' and no start since the kill" \
		"'$(paste -sd ';' <<<"$after")' and $starts starts"
fi
echo "# figures: sleeps before: $(sed -n 's/^sleep \([0-9]*\) \([0-9]*\).*/\2=\1/p' <<<"$before" | paste -sd ' '), after: $(sed -n 's/^sleep \([0-9]*\) \([0-9]*\).*/\2=\1/p' <<<"$after" | paste -sd ' ')"
vm_kill
