#!/bin/bash
# SPDX-License-Identifier: MIT
# 200 containers run at once under a supervisor started with the usual
# soft limit of 1024 open files (each container holds about 6 of the
# supervisor's descriptors), and the containers still get that limit, not
# the supervisor's raised one.
. "$(dirname "$0")/sv-common"
sv_init many-containers
n=200
{
	printf 'version: 1\ncontainers:\n'
	printf '  c000:\n    image: dir:busybox\n    network_mode: none\n'
	printf '    command: ["sh", "-c", "echo nofile $(ulimit -n) $(ulimit -Hn); exec sleep 100000"]\n'
	for i in $(seq -f %03g $((n - 1))); do
		printf '  c%s:\n    image: dir:busybox\n    network_mode: none\n' "$i"
		printf '    command: ["sleep", "100000"]\n'
	done
} >"$WORK/m.yaml"
ulimit -S -n 1024
hard=$(ulimit -H -n)
sv_start "$WORK/m.yaml"
sv_wait_for "all $n containers running" 120 ||
	fail "expected 'all $n containers running' within 120 s; $(grep -c 'started, pid' "$OUT") started, last: $(grep -v 'started, pid' "$OUT" | tail -n 1)"
# The real things, not only the supervisor's word: 200 container cgroups,
# each with a process in it.
live=0
for d in $(find "$CG" -type d -name 'c[0-9][0-9][0-9]'); do
	# cgroup files have no size: read one.
	[ -n "$(head -c 1 "$d/cgroup.procs")" ] && live=$((live + 1))
done
[ "$live" = "$n" ] || fail "expected $n container cgroups with a process each, got $live"
got=$(sed -n 's/^c000: //p' "$OUT")
[ "$got" = "nofile 1024 $hard" ] || fail "expected c000 to print 'nofile 1024 $hard', got '$got'"
echo "# figures: $(grep -o "all $n containers running, [0-9]* ms after the supervisor began" "$OUT")"
pass
