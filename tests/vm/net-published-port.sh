#!/bin/bash
# SPDX-License-Identifier: MIT
# A published port answers from the build host: QEMU forwards a free port
# of 127.0.0.1 to the guest's 18080, which the firewall DNATs to the
# container's httpd on 8080. The same container's httpd on 8081, not
# published, gives nothing through a forward to the guest's 8081.
. "$(dirname "$0")/lib.sh"
vm_require

vm_build_container_image "$TOP/tests/vm/manifests/net-published.yaml" "$vm_dir"

# free_port: a TCP port of 127.0.0.1 nobody listens on right now.
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
# fetch PORT: the page at http://127.0.0.1:PORT/, or nothing within 5 s.
fetch() {
	python3 - "$1" <<'PY' 2>/dev/null
import sys, urllib.request
try:
    print(urllib.request.urlopen("http://127.0.0.1:%s/" % sys.argv[1], timeout=5).read().decode().strip())
except Exception:
    pass
PY
}
pub=$(free_port)
unpub=$(free_port)
while [ "$unpub" = "$pub" ]; do unpub=$(free_port); done
vm_start "$vm_dir" --net "hostfwd=tcp:127.0.0.1:$pub-:18080,hostfwd=tcp:127.0.0.1:$unpub-:8081"
if ! vm_wait_for 'web: web: serving' 120 >/dev/null; then
	got=$(vm_console | grep -E 'supervisor: .*web|^berth-init: ' | tail -n 1)
	fail net-published-container-up "'web: web: serving' within 120 s" "'${got:-nothing}'"
	exit 1
fi

t0=$SECONDS
page=
while [ $((SECONDS - t0)) -lt 30 ]; do
	page=$(fetch "$pub")
	[ "$page" = published-page ] && break
	sleep 1
done
if [ "$page" = published-page ]; then
	pass net-published-port-answers
	echo "# figures: published port answered $((SECONDS - t0)) s after the container was up"
else
	fail net-published-port-answers "'published-page' from 127.0.0.1:$pub within 30 s" "'${page:-nothing}'"
fi

page=$(fetch "$unpub")
if [ -z "$page" ]; then
	pass net-unpublished-port-silent
else
	fail net-unpublished-port-silent "nothing from 127.0.0.1:$unpub (guest port 8081)" "'$page'"
fi

# The element is the supervisor's: the host namespace has no listener.
out=$(vm_run 'cat /proc/net/tcp')
if grep -qE '^ *[0-9]+: [0-9A-F]+:(1F90|46A0) [0-9A-F]+:[0-9A-F]+ 0A ' <<<"$out"; then
	fail net-published-no-host-listener "no LISTEN on 8080 or 18080 in the host" "$(grep ' 0A ' <<<"$out" | head -n 1)"
else
	pass net-published-no-host-listener
fi
vm_kill
