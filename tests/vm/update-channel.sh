#!/bin/bash
# SPDX-License-Identifier: MIT
# berth-test: minutes 4
# A fleet keeps itself current, for real: a host running 0.1.0 with
# update.channel finds 0.2.0 in a channel made by build/publish and served
# by Debian's nginx on the build host's loopback, reached through a QEMU
# guestfwd; it
# downloads and installs it on its own, reboots into it (no window: any
# time), and the supervisor confirms the new boot. A manifest published
# for the host (by hostname) then changes its container without a reboot.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/update-common"
upd_require
command -v nginx >/dev/null || { skip "$vm_test" "nginx is missing (nginx-light)"; exit 0; }
[ -x "$BUILD/publish" ] && [ -x "$BUILD/update-check" ] ||
	{ skip "$vm_test" "build/publish or build/update-check missing (make all)"; exit 0; }
ch=$vm_dir/channel
rm -rf "$ch" && mkdir -p "$vm_dir"
"$BUILD/publish" keygen "$BUILD/keys" >/dev/null 2>&1
"$BUILD/publish" init "$ch" --root-key "$BUILD/keys/channel-root.key" \
	--release-key "$BUILD/keys/channel-release.pub" >/dev/null ||
	{ fail "$vm_test-channel" "a channel" "publish init failed"; exit 1; }
export BERTH_CHANNEL_ROOT=$ch/1.root.json
# Plain http: in this QEMU, a TLS connection through a guestfwd answers
# its first request and then stalls (tests/host/channel-*.sh and
# sv-autoupdate.sh run the client over TLS; the metadata is signed either
# way).
m=$TOP/tests/vm/manifests/update-channel.yaml
upd_image 0.1.0 "$m" "$vm_dir"
upd_image 0.2.0 "$m" "$vm_dir/v2"
upd_bundle "$vm_dir/v2" "$vm_dir/v2.bundle"
"$BUILD/publish" add "$ch" "$vm_dir/v2.bundle" --release-key "$BUILD/keys/channel-release.key" \
	>"$vm_dir/publish.log" 2>&1 ||
	{ fail "$vm_test-publish" "0.2.0 published" "$(tail -n 1 "$vm_dir/publish.log")"; exit 1; }

port=$((20000 + $$ % 20000))
"$TOP/tests/tools/nginx-static" "$vm_dir/ngx" "$port" "$ch" 2>"$vm_dir/nginx.err" ||
	{ fail "$vm_test-nginx" "nginx running" "$(tail -n 2 "$vm_dir/nginx.err")"; exit 1; }
# lib.sh's EXIT trap stops QEMU: keep it, and stop nginx too.
trap 'kill "$(cat "$vm_dir/ngx/nginx.pid" 2>/dev/null)" 2>/dev/null; vm_kill' EXIT

vm_start "$vm_dir" --uefi --net "guestfwd=tcp:10.0.2.100:80-tcp:127.0.0.1:$port"
upd_wait_console "first boot"
if vm_wait_for 'supervisor: update: found 0\.2\.0 \(bucket [0-9]+, rollout at 100%\), downloaded' 240 >/dev/null; then
	pass "$vm_test-found"
else
	fail "$vm_test-found" "0.2.0 found and downloaded" \
		"$(vm_console | grep -a 'update' | tail -n 3 | tr '\n' '|')"
	exit 1
fi
vm_wait_for 'supervisor: update: 0\.2\.0 installed into the other slot' 300 >/dev/null &&
	pass "$vm_test-installed" || { fail "$vm_test-installed" "0.2.0 installed" \
		"$(vm_console | grep -a 'update' | tail -n 3 | tr '\n' '|')"; exit 1; }
vm_wait_for 'supervisor: update: rebooting into 0\.2\.0' 30 >/dev/null &&
	pass "$vm_test-reboots" || fail "$vm_test-reboots" "a reboot into 0.2.0" "none"
# What 0.2.0 finds at its first check: a manifest for this host.
sed 's/berth-test: web up/berth-test: web from the channel/' "$m" >"$vm_dir/host.yaml"
"$BUILD/publish" manifest "$ch" "$vm_dir/host.yaml" --hostname berth-test \
	--release-key "$BUILD/keys/channel-release.key" >>"$vm_dir/publish.log" 2>&1 ||
	fail "$vm_test-publish-manifest" "the host's manifest published" "$(tail -n 1 "$vm_dir/publish.log")"
vm_mark
upd_wait_console "boot of 0.2.0"
got=$(upd_booted)
[ "$got" = "b 0.2.0" ] && pass "$vm_test-boots-b" || fail "$vm_test-boots-b" "b 0.2.0" "$got"
got=$(upd_wait_status '"\(.booted.state) \(.booted.entry)"' "confirmed berth-0.2.0-b.conf" 120)
[ "$got" = "confirmed berth-0.2.0-b.conf" ] && pass "$vm_test-confirmed" ||
	fail "$vm_test-confirmed" "confirmed berth-0.2.0-b.conf" "$got"
if vm_wait_for 'supervisor: update: applying the channel.s manifest for this host' 120 >/dev/null &&
	vm_wait_for "web: berth-test: web from the channel" 60 >/dev/null; then
	pass "$vm_test-channel-manifest"
else
	fail "$vm_test-channel-manifest" "web running the channel's command" \
		"$(vm_console | grep -aE 'update:|apply:' | tail -n 3 | tr '\n' '|')"
fi
[ "$(vm_console | grep -ac 'update: rebooting')" = 0 ] && pass "$vm_test-manifest-no-reboot" ||
	fail "$vm_test-manifest-no-reboot" "no reboot for a manifest" "a reboot"
got=$(vm_run 'berthctl update status' 30 | grep -a '^channel:' | tail -n 1)
case $got in
"channel:     http://10.0.2.100/ ("*) pass "$vm_test-status" ;;
*) fail "$vm_test-status" "the channel in update status" "'$got'" ;;
esac
grep -q 'GET /bundles/[0-9a-f]*\.bundle HTTP/1.1" 200' "$vm_dir/ngx/access.log" &&
	pass "$vm_test-fetched-from-channel" ||
	fail "$vm_test-fetched-from-channel" "the bundle fetched from nginx" "$(tail -n 3 "$vm_dir/ngx/access.log")"
