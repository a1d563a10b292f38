#!/bin/bash
# SPDX-License-Identifier: MIT
# The host itself listens nowhere: with a static address (no DHCP client)
# and a container serving in its own namespace, the guest's root network
# namespace has no TCP socket in LISTEN state and no bound UDP socket
# (/proc/net/tcp, tcp6, udp, udp6).
. "$(dirname "$0")/lib.sh"
vm_require

vm_build_container_image "$TOP/tests/vm/manifests/net-no-listen.yaml" "$vm_dir"

vm_start "$vm_dir"
if ! vm_wait_for 'web: web: serving' 120 >/dev/null; then
	got=$(vm_console | grep -E 'supervisor: .*web|^berth-init: ' | tail -n 1)
	fail net-no-listen-container-up "'web: web: serving' within 120 s" "'${got:-nothing}'"
	exit 1
fi
# httpd binds right after the line; give it a moment.
sleep 2
# One line per socket: "FILE STATE LOCAL"; headers have no colon in field 1.
out=$(vm_run 'for f in tcp tcp6 udp udp6; do
[ -r /proc/net/$f ] || { echo "missing $f"; continue; }
while read -r sl local remote st rest; do
case $sl in *:) echo "sock $f $st $local" ;; esac
done </proc/net/$f
done
echo checked')
if ! grep -q '^checked$' <<<"$out"; then
	fail net-no-listen "the socket tables read" "'$(tail -n 3 <<<"$out" | paste -sd ';')'"
	vm_kill
	exit 1
fi
listen=$(grep -E '^sock tcp6? 0A ' <<<"$out")
bound=$(grep -E '^sock udp6? ' <<<"$out")
missing=$(grep -E '^missing (tcp|udp)$' <<<"$out")
if [ -n "$missing" ]; then
	fail net-no-listen "/proc/net/tcp and udp" "'$missing'"
elif [ -z "$listen$bound" ]; then
	pass net-no-listen
else
	fail net-no-listen "no listening TCP and no bound UDP socket in the host" \
		"'$(printf '%s\n%s' "$listen" "$bound" | grep . | paste -sd ';')'"
fi
vm_kill
