#!/bin/bash
# SPDX-License-Identifier: MIT
# A machine with UEFI firmware boots the disk image: OVMF starts systemd-boot
# from the ESP, systemd-boot picks slot a's entry, and init reaches stage 2
# from the verified root. Prints the boot timeline as figures.
. "$(dirname "$0")/lib.sh"
vm_require
vm_build_image "$TOP/tests/vm/manifests/debug.yaml" "$vm_dir"

vm_start "$vm_dir" --uefi
if ! vm_wait_for '^berth-init: stage 2 start' 240 >/dev/null; then
	got=$(vm_console | grep -E '^berth-init: ' | tail -n 1)
	fail boot-uefi-stage2 "'berth-init: stage 2 start' within 240 s" \
		"${got:-no line from berth-init}"
	exit 1
fi
wall=$(awk -v a="$vm_started" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
pass boot-uefi-stage2
echo "# figures: stage 1 start $(vm_uptime 'stage 1 start')," \
	"root mounted $(vm_uptime 'root mounted')," \
	"stage 2 start $(vm_uptime 'stage 2 start') (guest uptime);" \
	"$wall s wall from QEMU start to stage 2"

# Both slots hold the same version; the default entry must be slot a's.
vm_wait_for '^berth-init: debug console on ' 60 >/dev/null
cmdline=$(vm_run 'cat /proc/cmdline')
case " $cmdline " in
*" berth.slot=a "*) pass boot-uefi-default-slot-a ;;
*) fail boot-uefi-default-slot-a "berth.slot=a in /proc/cmdline" "'$cmdline'" ;;
esac
vm_kill
