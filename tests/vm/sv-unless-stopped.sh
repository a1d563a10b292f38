#!/bin/bash
# SPDX-License-Identifier: MIT
# restart: unless-stopped across a power cut on the real host: once
# `berthctl stop` has answered, the stop is on the data partition
# (/var/lib/berth/state/stopped). QEMU is killed right after the answer;
# in the next boot the unless-stopped container stays stopped while the
# always one (also stopped) runs again, as Compose does; `berthctl start`
# starts it and clears the record.
. "$(dirname "$0")/lib.sh"
vm_require

vm_build_container_image "$TOP/tests/vm/manifests/sv-unless-stopped.yaml" "$vm_dir"

vm_start "$vm_dir"
if ! vm_wait_for 'held: held: up$' 120 >/dev/null || ! vm_wait_for 'back: back: up$' 60 >/dev/null; then
	fail sv-unless-stopped-first-boot "held and back up within 180 s" \
		"'$(vm_console | grep -E 'berth-init: |held|back' | tail -n 3 | paste -sd '|')'"
	exit 1
fi
out=$(vm_run 'berthctl stop held && berthctl stop back' 30)
rc=$?
if [ $rc = 0 ] && [[ $out == *"held: stopping"* ]]; then
	pass sv-unless-stopped-stop
else
	fail sv-unless-stopped-stop "berthctl stop held and back to answer 'stopping'" "status $rc, '$out'"
	exit 1
fi
# The power cut, as soon as the answer is in.
vm_kill

vm_start "$vm_dir"
if ! vm_wait_for 'back: back: up$' 120 >/dev/null; then
	fail sv-unless-stopped-always-back "back (restart: always) up again after the power cut" \
		"'$(vm_console | grep -E 'berth-init: |held|back' | tail -n 3 | paste -sd '|')'"
	exit 1
fi
sleep 2
out=$(vm_run 'cat /var/lib/berth/state/stopped; berthctl status' 30)
if vm_console | grep -q 'supervisor: container held: stays stopped: stopped with berthctl stop' &&
	! vm_console | grep -q 'held: held: up$' && grep -qx held <<<"$out" &&
	grep -qE '^held +stopped' <<<"$out"; then
	pass sv-unless-stopped-held
else
	fail sv-unless-stopped-held "held stopped after the power cut, 'stays stopped' said, held in the state file" \
		"'$(vm_console | grep -E 'held' | paste -sd '|')', '$(paste -sd '|' <<<"$out")'"
fi

vm_mark
# The supervisor's own lines may come between a command's lines here.
out=$(vm_run 'berthctl start held; echo "records $(grep -cx held /var/lib/berth/state/stopped)"' 30)
if vm_wait_for 'held: held: up$' 60 >/dev/null && grep -qx 'records 0' <<<"$out"; then
	pass sv-unless-stopped-start
else
	fail sv-unless-stopped-start "held up after berthctl start, and no longer in the state file" \
		"'$(paste -sd '|' <<<"$out")'"
fi
vm_kill
