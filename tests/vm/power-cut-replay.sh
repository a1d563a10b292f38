#!/bin/bash
# SPDX-License-Identifier: MIT
# berth-test: minutes 4
# Power cuts replayed from a write log. Killing QEMU (update-power-cut.sh)
# cannot show a missing fsync: QEMU keeps every write the guest issued.
# Here one recording boot logs every write and flush the guest issues
# (QEMU's blklogwrites driver) through the first boot of a fresh 0.1.0
# image, an apply of a 0.2.0 bundle and the trial boot of 0.2.0 up to its
# confirmation; then, for a cut right after a
# chosen flush, a crash image keeps every write before that flush and a
# random subset (some torn at sector granularity) of the writes between it
# and the next flush (tests/tools/logwrites.c). Each crash image must boot
# the UEFI way to a whole version, the one its entry names, with a
# verified root and /var mounted: during the first boot 0.1.0; during the
# apply and the trial boot 0.1.0 or 0.2.0; once the apply returned 0.2.0.
#
# POWERCUT_POINTS="F A T" sets how many flushes of the first boot, the
# apply and the trial boot are cut (default "2 3 1": 8 boots, about 3
# minutes here, within make test's 30; "3 5 2" and more for a longer
# run); POWERCUT_ALL=1 cuts
# after every one (make test-power-cuts); POWERCUT_SEED (default 1) picks
# the flushes and the writes kept.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/update-common"
. "$(dirname "$0")/power-cut-common"
upd_require
pc_require
seed=${POWERCUT_SEED:-1}
read -r n_first n_apply n_trial <<<"${POWERCUT_POINTS:-2 3 1}"
[ "${POWERCUT_ALL:-0}" = 1 ] && n_first=0 n_apply=0 n_trial=0
log=$vm_dir/writes.log
upd_image 0.1.0 "$TOP/tests/vm/manifests/update-v1.yaml" "$vm_dir"
upd_image 0.2.0 "$TOP/tests/vm/manifests/update-v2.yaml" "$vm_dir/v2"
upd_bundle "$vm_dir/v2" "$vm_dir/v2.bundle"
cp --sparse=always "$vm_dir/disk.img" "$vm_dir/base.img"
parts=$(pc_parts "$vm_dir/base.img")

# The recording: the first boot up to a healthy container, the apply, the
# trial boot up to its confirmation.
# A sync in the guest closes each window with a flush (pc_entries).
vm_start "$vm_dir" --uefi --logwrites "$log" -- -drive "if=virtio,format=raw,readonly=on,file=$vm_dir/v2.bundle"
upd_wait_console "recorded first boot"
vm_wait_for 'container web: healthy' 120 >/dev/null ||
	{ fail "$vm_test-record" "0.1.0's web healthy" "nothing within 120 s"; exit 1; }
vm_run sync >/dev/null
booted=$(pc_entries "$log")
out=$(upd_rc 'berthctl update apply /dev/vdb')
# Read at once: every flush logged by now came before the apply returned.
applied=$(pc_entries "$log")
[ "$out" = 0 ] || { fail "$vm_test-record" "an apply with status 0" "status $out"; exit 1; }
vm_run sync >/dev/null
end=$(pc_entries "$log")
vm_mark
vm_run 'berthctl reboot' >/dev/null
upd_wait_console "recorded trial boot"
got=$(upd_wait_status .booted.state confirmed 120)
[ "$got" = confirmed ] || { fail "$vm_test-record" "the trial boot confirmed" "$got"; exit 1; }
vm_run sync >/dev/null
confirmed=$(pc_entries "$log")
vm_kill
echo "recorded: $(ls -s --block-size=K "$log" | cut -d ' ' -f 1), entries: first boot 0-$((booted - 1))," \
	"apply $booted-$((end - 1)) (returned after $((applied - 1))), trial boot $end-$((confirmed - 1))"

# The cut must land inside the apply: its window writes the slot and the ESP.
for p in berth-root-b berth-esp; do
	w=$(pc_written "$log" "$parts" "$booted" "$applied" $p)
	[ "$w" -gt 0 ] && pass "$vm_test-window-$p" ||
		fail "$vm_test-window-$p" "writes to $p between entries $booted and $applied" "none"
done

first=$(pc_tagged "$log" "$parts" 0 "$booted")
apply=$(pc_tagged "$log" "$parts" "$booted" "$((applied - 1))")
trial=$(pc_tagged "$log" "$parts" "$end" "$((confirmed - 1))")
tried=0 whole=0 old=0 new=0
# cut PHASE ENTRY WANT: one crash point, counted.
cut() {
	tried=$((tried + 1))
	pc_booted=
	pc_cut "$vm_test-$1-$2" "$log" "$2" "$seed" "$vm_dir/base.img" "$3" || return 0
	whole=$((whole + 1))
	case $pc_booted in "a 0.1.0") old=$((old + 1)) ;; *) new=$((new + 1)) ;; esac
}
for e in $(pc_sample "$n_first" "$seed" <<<"$first"); do
	cut first-boot "$e" 'a 0\.1\.0'
done
for e in $(pc_sample "$n_apply" "$seed" <<<"$apply"); do
	cut apply "$e" 'a 0\.1\.0|b 0\.2\.0'
done
cut applied "$((applied - 1))" 'b 0\.2\.0'
for e in $(pc_sample "$n_trial" "$seed" <<<"$trial"); do
	cut trial "$e" 'a 0\.1\.0|b 0\.2\.0'
done
cut confirmed "$((confirmed - 1))" 'b 0\.2\.0'
echo "# figures: $tried power cuts replayed (of $(wc -l <<<"$first") flushes in the first boot," \
	"$(wc -l <<<"$apply") in the apply, $(wc -l <<<"$trial") in the trial boot; 2 after the" \
	"apply returned and the boot was confirmed), $whole came up whole ($old on 0.1.0," \
	"$new on 0.2.0); seed $seed"
