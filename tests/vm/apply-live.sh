#!/bin/bash
# SPDX-License-Identifier: MIT
# berthctl apply on a booted image: a firewall change (netsetup again, one
# batch) and a recreated and a new container take effect without a
# reboot while keep runs on; --try without --confirm rolls back by itself
# (the firewall closes and opens again); --try with an essential container
# that fails its check rolls back at once; a power cut in the middle of an
# apply boots the manifest in force before it, whole.
# berth-test: minutes 5
. "$(dirname "$0")/lib.sh"
vm_require

vm_build_container_image "$TOP/tests/vm/manifests/apply.yaml" "$vm_dir"
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
fetch() { # the page at 127.0.0.1:PORT, or nothing within 5 s
	python3 - "$1" <<'PY' 2>/dev/null
import sys, urllib.request
try:
    print(urllib.request.urlopen("http://127.0.0.1:%s/" % sys.argv[1], timeout=5).read().decode().strip())
except Exception:
    pass
PY
}
# wait_page PORT WANT SECS: until the page is WANT (empty: nothing answers).
wait_page() {
	local end=$((SECONDS + $3)) got
	while :; do
		got=$(fetch "$1")
		[ "$got" = "$2" ] && return 0
		[ $SECONDS -lt "$end" ] || { echo "${got:-nothing}"; return 1; }
		sleep 1
	done
}
# put NAME: the manifest $vm_dir/NAME.yaml as /run/NAME.yaml in the guest.
put() {
	vm_run "cat >/run/$1.yaml <<'BERTH_EOF'
$(cat "$vm_dir/$1.yaml")
BERTH_EOF" 60 >/dev/null
}
keep_pid() { vm_run "berthctl status | awk '\$1 == \"keep\" {print \$3}'" 30 | tr -d '\r' | tail -n 1; }
in_force() { vm_run "berthctl status | sed -n 's/^manifest: \\([^,]*\\), sha256 \\([0-9a-f]*\\).*/\\1 \\2/p'" 30 | tail -n 1; }
short_sha() { sha256sum <"$1" | cut -c1-12; }

base=$TOP/tests/vm/manifests/apply.yaml
# b: web serves v2 (recreated), the firewall lets 2222 in, extra is new.
sed -e 's/web-v1/web-v2/; s/serving v1/serving v2/' \
	-e 's|        - {to: default, via: 10.0.2.2}|        - {to: default, via: 10.0.2.2}\n  firewall:\n    allow:\n      - {port: 2222}|' "$base" >"$vm_dir/b.yaml"
printf '  extra:\n    image: dir:build/images/busybox\n    command: ["sh", "-c", "echo extra: up; exec sleep 100000"]\n    network_mode: none\n' >>"$vm_dir/b.yaml"
# c: b with the firewall closed again (for a trial that is not confirmed).
grep -v -e '^  firewall:' -e '^    allow:' -e '{port: 2222}' "$vm_dir/b.yaml" >"$vm_dir/c.yaml"
# d: b and an essential container whose check fails.
cp "$vm_dir/b.yaml" "$vm_dir/d.yaml"
printf '  guard:\n    image: dir:build/images/busybox\n    command: ["sleep", "100000"]\n    network_mode: none\n    essential: true\n    healthcheck:\n      test: ["CMD", "false"]\n      interval: 1s\n      retries: 1\n' >>"$vm_dir/d.yaml"
# e: b with web at v3 (its httpd ignores SIGTERM: 10 s to stop it).
sed 's/web-v2/web-v3/; s/serving v2/serving v3/' "$vm_dir/b.yaml" >"$vm_dir/e.yaml"

pub=$(free_port) hp=$(free_port)
while [ "$hp" = "$pub" ]; do hp=$(free_port); done
net="hostfwd=tcp:127.0.0.1:$pub-:18080,hostfwd=tcp:127.0.0.1:$hp-:2222"
vm_start "$vm_dir" --net "$net"
vm_wait_console apply-boot 180 || exit 1
got=$(wait_page "$pub" web-v1 60) || { fail apply-first-boot "web-v1 on the published port" "$got"; vm_kill; exit 1; }
[ -z "$(fetch "$hp")" ] && pass apply-firewall-closed ||
	fail apply-firewall-closed "nothing from the host's 2222 (dropped)" "$(fetch "$hp")"
pid=$(keep_pid)

put b && out=$(vm_run "berthctl apply /run/b.yaml; echo rc=\$?" 180)
if grep -q '^rc=0' <<<"$out" && got=$(wait_page "$pub" web-v2 30) && got=$(wait_page "$hp" host-svc 30); then
	pass apply-live
else
	fail apply-live "rc=0, web-v2 and host-svc through the opened firewall" "$(tail -n 3 <<<"$out" | paste -sd'|'); $got"
fi
[ "$(keep_pid)" = "$pid" ] && [ -n "$pid" ] && pass apply-keep-runs ||
	fail apply-keep-runs "keep's pid $pid unchanged" "$(keep_pid)"
vm_run 'berthctl status' 30 | grep -qE '^extra +running' && pass apply-new-container ||
	fail apply-new-container "extra running" "$(vm_run 'berthctl status' 30 | grep extra)"
[ "$(in_force)" = "applied $(short_sha "$vm_dir/b.yaml")" ] && pass apply-status ||
	fail apply-status "applied $(short_sha "$vm_dir/b.yaml")" "$(in_force)"

# A trial that closes the firewall and is not confirmed: back by itself.
vm_mark
put c && vm_run "berthctl apply --try 20s /run/c.yaml" 180 >/dev/null
closed=$(fetch "$hp")
if [ -z "$closed" ] && vm_wait_for 'apply: rolling back the trial: no `berthctl apply --confirm` in time' 90 >/dev/null &&
	got=$(wait_page "$hp" host-svc 60); then
	pass apply-try-rollback
else
	fail apply-try-rollback "2222 closed during the trial, then open again after its rollback" "during: '${closed:-nothing}', after: '${got:-}'"
fi

# A trial whose essential container fails: rolled back at once.
vm_mark
put d && vm_run "berthctl apply --try 10m /run/d.yaml" 180 >/dev/null
if vm_wait_for 'apply: rolling back the trial: essential container guard is (unhealthy|in a crash loop)' 90 >/dev/null &&
	vm_wait_for 'apply: rollback rolled back to a new manifest' 60 >/dev/null; then
	pass apply-try-essential
else
	fail apply-try-essential "a rollback when guard turns unhealthy" "$(vm_console | grep 'apply:' | tail -n 2 | paste -sd'|')"
fi
for i in $(seq 30); do [ "$(in_force)" = "applied $(short_sha "$vm_dir/b.yaml")" ] && break; sleep 2; done

# A power cut while web stops for e: the next boot runs b, whole.
vm_mark
put e && vm_run "berthctl apply /run/e.yaml >/run/e.out 2>&1 &" 30 >/dev/null
if vm_wait_for 'supervisor: container web: stopping with' 60 >/dev/null; then
	vm_kill
	vm_start "$vm_dir" --net "$net"
	vm_wait_console apply-boot-after-cut 180 || exit 1
	if got=$(wait_page "$pub" web-v2 60) && [ "$(in_force)" = "applied $(short_sha "$vm_dir/b.yaml")" ] &&
		vm_run 'berthctl status' 30 | grep -qE '^extra +running'; then
		pass apply-power-cut
	else
		fail apply-power-cut "b in force, web-v2, extra running after the cut" "$(in_force); ${got:-}"
	fi
else
	fail apply-power-cut "web stopping for the apply of e" "$(vm_console | grep 'apply' | tail -n 2 | paste -sd'|')"
fi
vm_kill
