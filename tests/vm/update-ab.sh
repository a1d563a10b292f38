#!/bin/bash
# SPDX-License-Identifier: MIT
# berth-test: minutes 3
# Update A -> B for real: a host running 0.1.0 from slot a applies a signed
# bundle of 0.2.0 (from a pipe), reboots into it through systemd-boot's boot
# counting, runs the new manifest's container, and the supervisor confirms
# the boot (the entry loses its counter). update status says so throughout.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/update-common"
upd_require
upd_image 0.1.0 "$TOP/tests/vm/manifests/update-v1.yaml" "$vm_dir"
upd_image 0.2.0 "$TOP/tests/vm/manifests/update-v2.yaml" "$vm_dir/v2"
upd_bundle "$vm_dir/v2" "$vm_dir/v2.bundle"

upd_boot "$vm_dir" "$vm_dir/v2.bundle"
got=$(upd_booted)
[ "$got" = "a 0.1.0" ] && pass update-ab-starts-on-a || fail update-ab-starts-on-a "a 0.1.0" "$got"

t0=$(date +%s.%N)
out=$(vm_run 'berthctl update apply - </dev/vdb 2>&1; echo "rc=$?"' 300)
t1=$(date +%s.%N)
case $out in
*"rc=0"*) pass update-ab-apply ;;
*) fail update-ab-apply "rc=0" "$(tail -n 3 <<<"$out" | tr '\n' ' ')"; exit 1 ;;
esac
grep -q '100% written' <<<"$out" && pass update-ab-progress ||
	fail update-ab-progress "a 100% progress line" "$(head -n 3 <<<"$out" | tr '\n' ' ')"
echo "# figures: apply of a $(stat -c %s "$vm_dir/v2.bundle")-byte bundle from a pipe:" \
	"$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s wall"
got=$(upd_status '"\(.other.slot) \(.other.version) \(.other.state) \(.other.tries_left) \(.last_update.result)"')
[ "$got" = "b 0.2.0 trial 2 pending" ] && pass update-ab-status-pending ||
	fail update-ab-status-pending "b 0.2.0 trial 2 pending" "$got"

vm_mark
vm_run 'berthctl reboot' >/dev/null
upd_wait_console "boot of 0.2.0"
got=$(upd_booted)
[ "$got" = "b 0.2.0" ] && pass update-ab-boots-b || fail update-ab-boots-b "b 0.2.0" "$got"
vm_wait_for '^web \| berth-test: v2 web up|berth-test: v2 web up' 120 >/dev/null &&
	pass update-ab-new-containers || fail update-ab-new-containers "the v2 container's line" "none"

# Confirmed once web has been healthy for confirm_after (3 s).
got=$(upd_wait_status '"\(.booted.state) \(.booted.entry)"' "confirmed berth-0.2.0-b.conf" 120)
[ "$got" = "confirmed berth-0.2.0-b.conf" ] && pass update-ab-confirmed ||
	fail update-ab-confirmed "confirmed berth-0.2.0-b.conf" "$got"
got=$(upd_status '"\(.last_update.result) \(.rolled_back) \(.other.slot) \(.other.version) \(.other.state)"')
[ "$got" = "confirmed false a 0.1.0 confirmed" ] && pass update-ab-status-after ||
	fail update-ab-status-after "confirmed false a 0.1.0 confirmed" "$got"

# Confirmed means it stays the default: the next boot is 0.2.0 again.
vm_mark
vm_run 'berthctl reboot' >/dev/null
upd_wait_console "second boot of 0.2.0"
got=$(upd_booted)
[ "$got" = "b 0.2.0" ] && pass update-ab-stays || fail update-ab-stays "b 0.2.0" "$got"
vm_kill
