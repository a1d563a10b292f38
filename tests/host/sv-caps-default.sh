#!/bin/bash
# SPDX-License-Identifier: MIT
# A default container runs with the default capability set (effective and
# bounding), no_new_privs and a seccomp filter.
. "$(dirname "$0")/sv-common"
sv_init caps-default
cat >"$WORK/m.yaml" <<'YAML'
version: 1
containers:
  probe:
    image: dir:busybox
    command: ["/bin/grep", "-E", "^(CapEff|CapBnd|CapInh|CapAmb|NoNewPrivs|Seccomp):", "/proc/self/status"]
YAML
sv_start "$WORK/m.yaml"
sv_wait_for '^supervisor: container probe: exited' 5 || fail "expected probe to exit within 5 s, got no exit line"
# CHOWN DAC_OVERRIDE FOWNER FSETID KILL SETGID SETUID SETPCAP NET_BIND_SERVICE SYS_CHROOT
mask=0
for bit in 0 1 3 4 5 6 7 8 10 18; do mask=$((mask | (1 << bit))); done
set_hex=$(printf '%016x' "$mask")
check() {
	local got
	got=$(grep "^probe: $1:" "$OUT" | awk '{print $3}')
	[ "$got" = "$2" ] || fail "expected $1 $2, got ${got:-nothing}"
}
check CapEff "$set_hex"
check CapBnd "$set_hex"
check CapInh 0000000000000000
check CapAmb 0000000000000000
check NoNewPrivs 1
check Seccomp 2
sv_stop 5 || fail "expected the supervisor to exit on SIGTERM within 5 s"
pass
