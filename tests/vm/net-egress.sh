#!/bin/bash
# SPDX-License-Identifier: MIT
# A container reaches a listener on the build host: QEMU's guestfwd sends
# the guest's connections to 10.0.2.100:7777 to a one-shot listener on
# 127.0.0.1. From the container's network namespace (busybox nsenter in the
# debug shell) a token goes out through berth0, the forward chain and the
# masquerade on eth0; the listener must receive it. The guest's end of a
# guestfwd connection stays open, so nc is stopped after 3 s.
. "$(dirname "$0")/lib.sh"
vm_require

command -v jq >/dev/null || { skip "$vm_test" "jq is not installed"; exit 0; }
vm_build_container_image "$TOP/tests/vm/manifests/net-egress.yaml" "$vm_dir"

token=berth-egress-$$-$RANDOM$RANDOM
got=$vm_dir/received
rm -f "$got" "$vm_dir/port"
# The listener: 127.0.0.1 only, one connection (QEMU's, made when it
# starts), at most 180 s; what it receives goes to $got as it comes.
python3 - "$vm_dir/port" "$got" "$token" <<'PY' &
import socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(1)
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write("%d\n" % s.getsockname()[1])
import os
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
end = time.time() + 180
s.settimeout(180)
try:
    c, _ = s.accept()
except OSError:
    sys.exit(0)
data = b""
with open(sys.argv[2], "wb") as out:
    while time.time() < end and sys.argv[3].encode() not in data:
        c.settimeout(max(0.1, end - time.time()))
        try:
            chunk = c.recv(4096)
        except OSError:
            break
        if not chunk:
            break
        data += chunk
        out.write(chunk)
        out.flush()
PY
listener=$!
trap 'kill "$listener" 2>/dev/null; vm_kill' EXIT
for _ in $(seq 50); do [ -f "$vm_dir/port" ] && break; sleep 0.1; done
port=$(cat "$vm_dir/port" 2>/dev/null)
if [ -z "$port" ]; then
	fail net-egress-listener "a listener on 127.0.0.1" "none"
	exit 1
fi

vm_start "$vm_dir" --net "guestfwd=tcp:10.0.2.100:7777-tcp:127.0.0.1:$port"
if ! vm_wait_for 'box: box: idle' 120 >/dev/null; then
	got_line=$(vm_console | grep -E 'supervisor: |^berth-init: ' | tail -n 1)
	fail net-egress-container-up "'box: box: idle' within 120 s" "'${got_line:-nothing}'"
	exit 1
fi
json=$(vm_run 'berthctl status --json')
pid=$(jq -r '.containers[] | select(.name == "box") | .pid' <<<"$json" 2>/dev/null)
if ! [[ $pid =~ ^[0-9]+$ ]]; then
	fail net-egress-container-pid "box's pid in berthctl status --json" "'$pid'"
	exit 1
fi

t0=$SECONDS
while [ $((SECONDS - t0)) -lt 30 ]; do
	out=$(vm_run "busybox timeout 10 busybox nsenter -t $pid -n sh -c 'echo $token | busybox timeout 3 busybox nc 10.0.2.100 7777'" 30 2>&1)
	for _ in $(seq 20); do
		grep -qF "$token" "$got" 2>/dev/null && break 2
		sleep 0.1
	done
done
if grep -qF "$token" "$got" 2>/dev/null; then
	pass net-egress-reaches-build-host
	echo "# figures: token reached the build host $((SECONDS - t0)) s after the container was up"
else
	fail net-egress-reaches-build-host "'$token' at 127.0.0.1:$port from box via 10.0.2.100:7777" \
		"'$(head -c 200 "$got" 2>/dev/null)' (nc said: '$(tail -n 2 <<<"$out" | tr '\n' ' ')')"
fi
vm_kill
