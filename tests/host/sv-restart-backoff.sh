#!/bin/bash
# SPDX-License-Identifier: MIT
# A failing container with restart: always is restarted after 1 s, then
# 2 s, then 4 s: the waits between starts double.
. "$(dirname "$0")/sv-common"
sv_init restart-backoff
cat >"$WORK/m.yaml" <<'YAML'
version: 1
containers:
  flaky:
    image: dir:busybox
    command: ["/bin/sh", "-c", "read up idle </proc/uptime; echo start $up; exit 3"]
    restart: always
YAML
sv_start "$WORK/m.yaml"
for i in $(seq 120); do
	[ "$(grep -c '^flaky: start' "$OUT")" -ge 4 ] && break
	sleep 0.1
done
starts=$(grep '^flaky: start' "$OUT" | awk '{print $3}' | head -n 4 | tr '\n' ' ')
[ "$(echo $starts | wc -w)" = 4 ] || fail "expected 4 starts within 12 s, got: $starts"
# Gaps between starts: about 1, 2 and 4 s (plus the run time).
gaps=$(echo $starts | awk '{printf "%.2f %.2f %.2f", $2-$1, $3-$2, $4-$3}')
echo "$gaps" | awk '{exit !($1 >= 0.9 && $1 < 1.8 && $2 >= 1.9 && $2 < 2.8 && $3 >= 3.9 && $3 < 4.8)}' ||
	fail "expected gaps of about 1 s, 2 s, 4 s between starts, got $gaps"
sv_stop 5 || fail "expected the supervisor to exit on SIGTERM within 5 s"
pass
