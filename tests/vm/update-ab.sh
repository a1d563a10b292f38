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

# A bundle of the same payloads signed by a key this host does not trust,
# as a third disk (/dev/vdc).
"$BUILD/mkbundle" keygen "$vm_dir/other-key" >/dev/null 2>&1 || test -f "$vm_dir/other-key/update.key"
"$BUILD/mkbundle" create "$vm_dir/other-key/update.key" "$vm_dir/v2" "$vm_dir/other.bundle" >/dev/null
truncate -s %512 "$vm_dir/other.bundle"
# The same payloads as a bundle for another product, as a fourth disk (/dev/vdd).
mkdir -p "$vm_dir/v2-product"
for f in uki-a.efi uki-b.efi root.img root.env cmdline-a; do
	ln -sf "$vm_dir/v2/$f" "$vm_dir/v2-product/$f"
done
sed 's/^product=.*/product=other-product/' "$vm_dir/v2/image.env" >"$vm_dir/v2-product/image.env"
"$BUILD/mkbundle" create "$BUILD/keys/update.key" "$vm_dir/v2-product" "$vm_dir/product.bundle" >/dev/null
truncate -s %512 "$vm_dir/product.bundle"
vm_start "$vm_dir" --uefi -- -drive "if=virtio,format=raw,readonly=on,file=$vm_dir/v2.bundle" \
	-drive "if=virtio,format=raw,readonly=on,file=$vm_dir/other.bundle" \
	-drive "if=virtio,format=raw,readonly=on,file=$vm_dir/product.bundle"
upd_wait_console "first boot"
got=$(upd_booted)
[ "$got" = "a 0.1.0" ] && pass update-ab-starts-on-a || fail update-ab-starts-on-a "a 0.1.0" "$got"

# Bad bundles are refused in the guest too, and slot b (vda3) and the ESP
# (vda1) keep every byte: one flipped byte in the header, in the signature,
# in the root payload, and another key. The "before" reading waits until the
# guest is settled (web healthy, its writes synced).
vm_wait_for 'container web: healthy' 120 >/dev/null
size=$(stat -c %s "$vm_dir/v2.bundle")
sums='sha256sum /dev/vda1 /dev/vda3 | cut -c1-64 | tr "\n" " "; echo'
before=$(vm_run "sync; $sums" 120 | grep -aE '^[0-9a-f]{64} ' | tail -n 1)
for at in 20 470 $((size - 600000)); do
	# A byte other than the one there.
	c=X
	[ "$(od -An -tx1 -j "$at" -N1 "$vm_dir/v2.bundle" | tr -d ' ')" = 58 ] && c=Y
	got=$(upd_rc "{ head -c $at /dev/vdb; printf $c; head -c $size /dev/vdb | tail -c +$((at + 2)); } >/tmp/bad && ! berthctl update apply /tmp/bad")
	[ "$got" = 0 ] && pass "update-ab-refuses-flip-at-$at" || fail "update-ab-refuses-flip-at-$at" "a refusal" "status $got"
done
got=$(upd_rc '! berthctl update apply /dev/vdc')
[ "$got" = 0 ] && pass update-ab-refuses-other-key || fail update-ab-refuses-other-key "a refusal" "status $got"
got=$(vm_run 'berthctl update apply /dev/vdd 2>&1; echo "rc=$?"' 120)
case $got in
*'the bundle is for product "other-product", this host is "berth"'*rc=1*) pass update-ab-refuses-other-product ;;
*) fail update-ab-refuses-other-product "a refusal naming both products" "'$(tail -n 2 <<<"$got" | tr '\n' ' ')'" ;;
esac
after=$(vm_run "rm -f /tmp/bad; $sums" 120 | grep -aE '^[0-9a-f]{64} ' | tail -n 1)
[ -n "$before" ] && [ "$before" = "$after" ] && pass update-ab-refused-wrote-nothing ||
	fail update-ab-refused-wrote-nothing "the same hashes of vda1 and vda3" "'$before' then '$after'"

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
