#!/bin/bash
# SPDX-License-Identifier: MIT
# The writable layer has a size (storage_opt: {size: ...}, default 256 MiB):
# a container filling it gets ENOSPC and no more, and berthctl status shows
# the size, "read-only" for a read_only container, and each container's
# memory: its own limit, or the containers' shared one.
. "$(dirname "$0")/sv-common"
. "$(dirname "$0")/sv-control-common"
ctl_init writable-size
# An own memory limit needs the memory controller, which a hybrid build
# host does not give the cgroup2 hierarchy.
mem=null own=-
if grep -qw memory "$(dirname "$CG")/cgroup.controllers" 2>/dev/null; then
	mem=67108864 own=64M
fi
cat >"$WORK/m.yaml" <<'YAML'
version: 1
containers:
  fill:
    image: dir:busybox
    network_mode: none
    storage_opt: {size: 4m}
    command:
      - /bin/sh
      - -c
      - |
        dd if=/dev/zero of=/fill bs=1M count=64; echo "dd-status $?"
        echo "filled $(($(stat -c %s /fill) >> 20))"
        echo "df $(df -k / | awk 'NR == 2 {print $2}')"
        exec sleep 1000
    stop_grace_period: 200ms
  plain:
    image: dir:busybox
    network_mode: none
    mem_limit: 64m
    command: ["/bin/sh", "-c", "df -k / | awk 'NR == 2 {print \"df\", $2}'; exec sleep 1000"]
    stop_grace_period: 200ms
  ro:
    image: dir:busybox
    network_mode: none
    read_only: true
    command: ["/bin/sleep", "1000"]
    stop_grace_period: 200ms
YAML
[ "$own" = - ] && sed -i '/mem_limit: 64m/d' "$WORK/m.yaml"
sv_start "$WORK/m.yaml"
sv_wait_for '^fill: df ' 10 ||
	fail "expected fill to report its writable layer within 10 s, got: $(grep -E '^fill:|container fill' "$OUT" | tr '\n' '|')"
grep -q '^fill: dd-status 1$' "$OUT" ||
	fail "expected dd into a 4m writable layer to fail, got: $(grep '^fill: dd' "$OUT")"
grep -q "^fill: dd: error writing '/fill': No space left on device$" "$OUT" ||
	fail "expected dd to fail with ENOSPC, got: $(grep '^fill:' "$OUT" | tr '\n' '|')"
filled=$(sed -n 's/^fill: filled //p' "$OUT")
[ -n "$filled" ] && [ "$filled" -le 4 ] ||
	fail "expected at most 4 MiB written to /fill, got ${filled:-nothing} MiB"
[ "$(sed -n 's/^fill: df //p' "$OUT")" = 4096 ] ||
	fail "expected df / in fill to say 4096 KiB, got $(sed -n 's/^fill: df //p' "$OUT")"
sv_wait_for '^plain: df ' 10 || fail "expected plain to report its writable layer within 10 s"
[ "$(sed -n 's/^plain: df //p' "$OUT")" = 262144 ] ||
	fail "expected the default writable layer of 262144 KiB, got $(sed -n 's/^plain: df //p' "$OUT")"
ctl_wait_state ro running 5 || fail "expected ro running within 5 s"

bctl status --json >"$WORK/status.json" || fail "expected status --json to exit 0, got $?"
got=$(jq -r '[.containers[] | "\(.name) \(.limits.writable) \(.limits.memory) \(.limits.memory_shared == null)"] | join(",")' \
	"$WORK/status.json")
want="fill 4194304 null $(jq -r '.supervisor.memory.containers == null' "$WORK/status.json"),plain 268435456 $mem $([ $mem = null ] && jq -r '.supervisor.memory.containers == null' "$WORK/status.json" || echo true),ro null null $(jq -r '.supervisor.memory.containers == null' "$WORK/status.json")"
[ "$got" = "$want" ] || fail "expected status --json limits \"$want\", got \"$got\""
jq -e '.supervisor.memory.ram > 0 and .supervisor.memory.reserve >= 16777216' "$WORK/status.json" >/dev/null ||
	fail "expected status --json to give the host's RAM and reserve, got $(jq -c .supervisor.memory "$WORK/status.json")"
table=$(bctl status) || fail "expected status to exit 0, got $?"
echo "$table" | grep -m 1 '^NAME ' | grep -qE ' MEMORY +WRITABLE +PORTS ' ||
	fail "expected MEMORY and WRITABLE columns, got: $(echo "$table" | grep -m 1 '^NAME ')"
echo "$table" | grep -qE '^fill .* (shared:[0-9.]+[KMGT]|unlimited) +4M ' ||
	fail "expected fill's memory shared and a 4M writable layer, got: $(echo "$table" | grep '^fill')"
if [ "$own" = - ]; then own='(shared:[0-9.]+[KMGT]|unlimited)'; fi
echo "$table" | grep -qE "^plain .* $own +256M " ||
	fail "expected plain's memory $own and a 256M writable layer, got: $(echo "$table" | grep '^plain')"
echo "$table" | grep -qE '^ro .* read-only ' ||
	fail "expected ro's writable layer shown read-only, got: $(echo "$table" | grep '^ro')"
sv_stop 5 || fail "expected the supervisor to exit on SIGTERM within 5 s"
pass
