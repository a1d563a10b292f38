#!/bin/bash
# SPDX-License-Identifier: MIT
# berth-test: minutes 12
# Power cuts: QEMU killed with SIGKILL at random moments, alternately while
# an update is being applied and while the new version boots for the first
# time. After every cut the host must boot a consistent slot (the version
# its entry names, verity ok, its container healthy) and the next apply must
# work. UPDATE_CUTS (default 12, about 40 s each: make test stays within
# its 30 minutes) sets how many; UPDATE_CUT_SEED replays a
# run. The figures line says how many cuts were made and survived.
# A kill keeps every write the guest issued, flushed or not, so this cannot
# show a missing fsync; tests/vm/power-cut-replay.sh can (docs/update.md).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/update-common"
upd_require
cuts=${UPDATE_CUTS:-12}
seed=${UPDATE_CUT_SEED:-$(( $(date +%s) % 100000 ))}
RANDOM=$seed
upd_image 0.1.0 "$TOP/tests/vm/manifests/update-v1.yaml" "$vm_dir"
upd_image 0.2.0 "$TOP/tests/vm/manifests/update-v2.yaml" "$vm_dir/v2"
upd_bundle "$vm_dir/v2" "$vm_dir/v2.bundle"

# type CMD: types a command into the debug shell without waiting for it.
type_cmd() {
	printf '%s\n' "$1" >"$vm_sock/console.in"
}

# boot_checked N: boots, waits for a healthy container, checks that the
# booted slot and version are those of the entry status names, and waits
# for a trial boot to be confirmed (so that an apply is allowed again).
boot_checked() {
	local got want
	vm_start "$vm_dir" --uefi -- -drive "if=virtio,format=raw,readonly=on,file=$vm_dir/v2.bundle"
	if ! vm_wait_for '^berth-init: debug console on ' 300 >/dev/null ||
		! vm_wait_for 'container web: healthy' 120 >/dev/null; then
		fail "update-power-cut-$1" "a boot to a healthy container after the cut" \
			"$(vm_console | grep -aE '^berth-init: ' | tail -n 2 | tr '\n' ' ')"
		return 1
	fi
	got=$(upd_booted)
	want=$(upd_status '"\(.booted.slot) \(.booted.version)"')
	if [ "$got" != "$want" ]; then
		fail "update-power-cut-$1" "the booted slot and version of the entry ($want)" "$got"
		return 1
	fi
	vm_console | grep -aq "root mounted at .*(slot ${got%% *}, berth-root-${got%% *}, verity ok)" ||
		{ fail "update-power-cut-$1" "a verified root of slot ${got%% *}" "none"; return 1; }
	got=$(upd_wait_status .booted.state confirmed 120)
	[ "$got" = confirmed ] ||
		{ fail "update-power-cut-$1" "the boot confirmed" "$got"; return 1; }
}

made=0 survived=0 during_apply=0 during_boot=0
boot_checked start || exit 1
for i in $(seq 1 "$cuts"); do
	if [ $((i % 2)) = 1 ]; then
		# During apply: the 8 MiB bundle takes ~3 s here.
		ms=$((RANDOM % 4000))
		type_cmd 'berthctl update apply /dev/vdb'
		during_apply=$((during_apply + 1))
	else
		# During the first boot of the new version: apply, reboot, cut.
		out=$(upd_rc 'berthctl update apply /dev/vdb')
		[ "$out" = 0 ] || { fail "update-power-cut-$i" "an apply before the boot cut" "status $out"; exit 1; }
		ms=$((RANDOM % 30000))
		type_cmd 'berthctl reboot'
		during_boot=$((during_boot + 1))
	fi
	sleep "$(awk -v m="$ms" 'BEGIN { printf "%.3f", m / 1000 }')"
	vm_kill
	made=$((made + 1))
	echo "cut $i after $ms ms ($([ $((i % 2)) = 1 ] && echo apply || echo boot))"
	boot_checked "$i" || break
	survived=$((survived + 1))
done
echo "# figures: $made power cuts ($during_apply during apply, $during_boot during the" \
	"first boot of the new version), $survived survived; seed $seed"
[ "$survived" = "$cuts" ] && pass update-power-cut-survived ||
	fail update-power-cut-survived "$cuts cuts survived" "$survived (seed $seed)"

# And a fresh apply after all that goes through and boots.
out=$(upd_rc 'berthctl update apply /dev/vdb')
[ "$out" = 0 ] && pass update-power-cut-apply-after || fail update-power-cut-apply-after "status 0" "$out"
want=$(upd_status '"\(.other.slot) \(.other.version)"')
vm_mark
vm_run 'berthctl reboot' >/dev/null
upd_wait_console "boot after the last apply"
got=$(upd_booted)
[ "$got" = "$want" ] && pass update-power-cut-boots-new || fail update-power-cut-boots-new "$want" "$got"
vm_kill
