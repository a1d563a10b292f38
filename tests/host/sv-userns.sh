#!/bin/bash
# SPDX-License-Identifier: MIT
# A container runs in its own user namespace by default: its uid_map is
# "0 BASE 65536" with BASE at 0x80000 or above, its processes are host uid
# BASE, what its root writes to a named volume is owned by 0 on the disk
# (idmapped), and it gets the same BASE after a restart of itself and of
# the supervisor. `userns: host` keeps the host's users (0 0 4294967295).
. "$(dirname "$0")/sv-common"
sv_init userns
cat >"$WORK/m.yaml" <<'YAML'
version: 1
containers:
  boxed:
    image: dir:busybox
    network_mode: none
    restart: on-failure:1
    stop_grace_period: 1s
    volumes: ["state:/var/state"]
    command:
      - /bin/sh
      - -c
      - |
        echo map: $(cat /proc/self/uid_map)
        echo gmap: $(cat /proc/self/gid_map)
        echo id: $(id -u):$(id -g)
        echo written >/var/state/by-root
        echo owner: $(stat -c %u:%g /var/state/by-root)
        [ -f /var/state/run1 ] && exec sleep 30
        touch /var/state/run1
        exit 1
  hostusers:
    image: dir:busybox
    network_mode: none
    userns: host
    command: ["/bin/sh", "-c", "echo map: $(cat /proc/self/uid_map)"]
YAML
# One line of the container's output, the prefix and label taken away.
said() { grep "^$1: $2: " "$OUT" | sed -n "${3:-1}p" | sed "s/^$1: $2: //"; }

sv_start "$WORK/m.yaml"
sv_wait_for '^supervisor: container boxed: .*(running|started)' 8 || true
sv_wait_for '^boxed: map: .*' 8 && sv_wait_for '^hostusers: map: ' 8 ||
	fail "expected both containers to say their uid_map within 8 s"
sv_wait_for '^boxed: owner: .*' 8 && sleep 1
map=$(said boxed map)
set -- $map
[ "$1" = 0 ] && [ "${3:-}" = 65536 ] && [ "${2:-0}" -ge $((0x80000)) ] ||
	fail "expected the default container's uid_map to be '0 BASE 65536' with BASE >= 524288, got: ${map:-nothing}"
base=$2
[ "$(said boxed gmap)" = "0 $base 65536" ] || fail "expected gid_map '0 $base 65536', got: $(said boxed gmap)"
[ "$(said boxed id)" = 0:0 ] || fail "expected the container to run as its root 0:0, got: $(said boxed id)"
[ "$(said hostusers map)" = "0 0 4294967295" ] ||
	fail "expected userns: host to keep the host's users (0 0 4294967295), got: $(said hostusers map)"
# Seen from the host: the container's processes are uid BASE.
for i in $(seq 80); do
	[ "$(grep -c '^boxed: owner: ' "$OUT")" -ge 2 ] && break
	sleep 0.1
done
sleep 0.3
pid=$(head -n 1 "$CG/boxed/cgroup.procs" 2>/dev/null)
[ -n "$pid" ] || fail "expected the second run of boxed to be running (sleep 30) in $CG/boxed"
huid=$(awk '/^Uid:/ {print $2}' "/proc/$pid/status")
[ "$huid" = "$base" ] || fail "expected the container's process to be host uid $base, got: ${huid:-none}"
# On the disk, the volume holds what container root wrote as owner 0 (idmapped).
[ "$(stat -c %u:%g "$WORK/volumes/state/by-root")" = 0:0 ] ||
	fail "expected volumes/state/by-root owned by 0:0 on the disk, got: $(stat -c %u:%g "$WORK/volumes/state/by-root")"
[ "$(said boxed owner)" = 0:0 ] || fail "expected the container to see its file as 0:0, got: $(said boxed owner)"
# The second run (restart: on-failure) has the same range.
[ "$(said boxed map 2)" = "$map" ] || fail "expected the restarted container to keep '$map', got: $(said boxed map 2)"
grep -q "^0 boxed$" "$WORK/state/userns-ranges" ||
	fail "expected state/userns-ranges to record boxed at index 0, got: $(cat "$WORK/state/userns-ranges" 2>&1)"
grep -q "hostusers" "$WORK/state/userns-ranges" && fail "expected no range for the userns: host container"
sv_stop 5 || fail "expected the supervisor to exit on SIGTERM within 5 s"

# A new supervisor, and a new container listed first: boxed keeps its range,
# the newcomer gets the lowest free one.
sed -i 's/^containers:$/containers:\n  first:\n    image: dir:busybox\n    network_mode: none\n    command: ["\/bin\/sh", "-c", "echo map: $(cat \/proc\/self\/uid_map)"]/' "$WORK/m.yaml"
mv "$OUT" "$OUT.1"
sv_start "$WORK/m.yaml"
sv_wait_for '^boxed: map: ' 8 && sv_wait_for '^first: map: ' 8 ||
	fail "expected boxed and first to say their uid_map after the supervisor's restart"
[ "$(said boxed map)" = "$map" ] ||
	fail "expected boxed to keep '$map' across a supervisor restart, got: $(said boxed map)"
[ "$(said first map)" = "0 $((0x80000 + 65536)) 65536" ] ||
	fail "expected the new container to get the next range ('0 $((0x80000 + 65536)) 65536'), got: $(said first map)"
sv_stop 5 || fail "expected the supervisor to exit on SIGTERM within 5 s"
pass
