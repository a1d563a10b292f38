#!/bin/bash
# SPDX-License-Identifier: MIT
# berthctl stats with many containers: 200 sleeping busybox containers on
# the bridge under the supervisor on the build host (its own network, mount
# and pid namespaces, as tests/host/sv-*.sh run it). Figures: the wall time
# of `berthctl stats` (the table; includes its 1 s interval), of one
# `status --json` (one request, the figures read for every container), and
# the supervisor's CPU time per stats request (from /proc/PID/stat over 20
# requests). Prints figure: lines (bench/run); asserts nothing.
#   bench/stats.sh [N]     (default 200 containers)
set -u
: "${BUILD:?run through bench/run}" "${TOP:?run through bench/run}"
n=${1:-200}
# sv-common's fail and skip end the bench with a line bench/run shows.
. "$TOP/tests/host/sv-common"
. "$TOP/tests/host/sv-control-common"
pass() { :; }
ctl_init stats-bench

{
	printf 'version: 1\ncontainers:\n'
	for i in $(seq -f %03g "$n"); do
		printf '  c%s:\n    image: dir:busybox\n' "$i"
		printf '    command: ["/bin/sleep", "1000000"]\n'
	done
} >"$WORK/m.yaml"
sv_start "$WORK/m.yaml"
sv_wait_for "^supervisor: all $n containers running" 120 ||
	fail "expected all $n containers running within 120 s, got: $(grep -c 'started, pid' "$OUT") started"

# seconds CMD...: wall time of CMD, in seconds with milliseconds.
seconds() {
	local t0 t1
	t0=$(date +%s%N)
	"$@" >/dev/null || echo "warning: $* exited with status $?" >&2
	t1=$(date +%s%N)
	awk -v d=$((t1 - t0)) 'BEGIN { printf "%.3f\n", d / 1e9 }'
}
# cpu_ticks: the supervisor's utime + stime, in clock ticks.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$SV_PID/stat"; }

rows=$(bctl stats | grep -c '^c[0-9]')
echo "containers in the table: $rows"
echo "figure: stats-$n-table: $(seconds bctl stats) s (wall, berthctl stats, 1 s interval included)"
samples=$(for _ in 1 2 3 4 5; do seconds bctl status --json; done | sort -n | sed -n 3p)
echo "figure: stats-$n-status-json: $samples s (wall, median of 5 status --json, figures for every container)"
t0=$(cpu_ticks)
for _ in $(seq 10); do bctl stats --json >/dev/null; done
t1=$(cpu_ticks)
hz=$(getconf CLK_TCK)
echo "figure: stats-$n-supervisor-cpu: $(awk -v d=$((t1 - t0)) -v hz="$hz" 'BEGIN { printf "%.1f", d * 1000 / hz / 20 }') ms (supervisor CPU per stats request, 20 requests, ${hz} Hz ticks)"
sv_stop 30 || echo "warning: the supervisor did not stop within 30 s"
