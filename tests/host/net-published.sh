#!/bin/bash
# SPDX-License-Identifier: MIT
# A published port: with netsetup's firewall loaded, the supervisor adds the
# container's DNAT element when it starts, so a connection from a peer to
# the host's address and port 18080 gets the container's answer on 8080
# (and so does one from the host itself, through the output hook, after
# netsetup has replaced the table for a changed manifest: the element is
# carried over); when the container stops, its element is gone.
. "$TOP/tests/host/lib/net.sh"
. "$TOP/tests/host/sv-common"
net_init published
sv_init net-published
trap 'sv_cleanup; net_cleanup' EXIT
# The container answers two connections, then exits (restart: no).
cat >"$WORK/m.yaml" <<'YAML'
version: 1
network:
  interfaces:
    - {name: eth0, addresses: [192.0.2.10/24]}
containers:
  web:
    image: dir:busybox
    command: ["/bin/sh", "-c", "echo listening; for i in 1 2; do nc -l -p 8080 -e echo hello-from-web; done"]
    ports: ["18080:8080"]
YAML
net_run --manifest "$WORK/m.yaml"
[ "$rc" = 0 ] || fail "expected netsetup to load the firewall, got status $rc: $out"

# The supervisor in the host namespace.
net_sv_start "$WORK/m.yaml" || fail "the supervisor did not start"
sv_wait_for '^web: listening' 8 || fail "expected web to start within 8 s, got no output"

# Elements as "proto . port : address . port" lines.
elements() {
	ip netns exec "$ns" nft -j list map inet berth published |
		jq -r '.nftables[].map.elem[]? | "\(.[0].concat[0]) . \(.[0].concat[1]) : \(.[1].concat[0]) . \(.[1].concat[1])"'
}
got=$(elements)
grep -qE '^tcp \. 18080 : 172\.31\.0\.[0-9]+ \. 8080$' <<<"$got" ||
	fail "expected element tcp . 18080 : 172.31.0.x . 8080 while web runs, got: ${got:-nothing}"

answer=
for _ in $(seq 25); do
	answer=$(ip netns exec "$peer" timeout 5 busybox nc -w 2 192.0.2.10 18080 </dev/null 2>&1)
	[ "$answer" = hello-from-web ] && break
	sleep 0.2
done
[ "$answer" = hello-from-web ] ||
	fail "expected hello-from-web from the peer's connection to 192.0.2.10:18080, got: ${answer:-nothing}"

sed 's/addresses: \[192.0.2.10\/24\]}/&\n  firewall: {allow: [{proto: tcp, port: 22}]}/' "$WORK/m.yaml" >"$WORK/m2.yaml"
net_run --manifest "$WORK/m2.yaml"
grep -q 'firewall: loaded table' <<<"$out" || fail "expected netsetup to replace the table for a new allow rule, got: $out"
got=$(elements)
grep -qE '^tcp \. 18080 : ' <<<"$got" || fail "expected the element to survive the table's replacement, got: ${got:-nothing}"
answer=$(ip netns exec "$ns" timeout 5 busybox nc -w 2 192.0.2.10 18080 </dev/null 2>&1)
[ "$answer" = hello-from-web ] ||
	fail "expected hello-from-web from the host's own connection to 192.0.2.10:18080, got: ${answer:-nothing}"

sv_wait_for '^supervisor: container web: exited' 5 || fail "expected web to exit after two connections"
got=$(elements)
[ -z "$got" ] || fail "expected no element after web stopped, got: $got"
answer=$(ip netns exec "$peer" timeout 5 busybox nc -w 1 192.0.2.10 18080 </dev/null 2>&1)
[ -z "$(grep hello <<<"$answer")" ] || fail "expected no answer on 18080 after web stopped, got: $answer"
sv_stop 5 || fail "expected the supervisor to exit on SIGTERM within 5 s"
pass
