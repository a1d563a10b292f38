#!/bin/bash
# SPDX-License-Identifier: MIT
# berthctl apply, measured in a QEMU (TCG) guest booted from a debug test
# image with 50 running containers (docs/berthctl.md, apply): the time
# from `berthctl apply` to its return, which is when the one container
# whose command changed runs again, beside that container's own start
# latency as the supervisor prints it ("start took X ms"); and whether any
# other container was touched (all 49 adopted, same pids). Five rounds,
# medians. Prints figure:/peer: lines (bench/run); asserts nothing.
set -u
: "${BUILD:?run through bench/run}" "${TOP:?run through bench/run}"
. "$TOP/tests/vm/lib.sh"
vm_require

dir=$BUILD/bench/apply
mkdir -p "$dir"
N=50 ROUNDS=5

# manifest ARG: N sleeping containers; c025 sleeps ARG.
manifest() {
	printf 'version: 1\nhost:\n  hostname: bench\n  debug_console: true\ncontainers:\n'
	local i
	for i in $(seq -f %03g $N); do
		printf '  c%s:\n    image: dir:build/images/busybox\n' "$i"
		printf '    command: ["/bin/sleep", "%s"]\n' "$([ "$i" = 025 ] && echo "$1" || echo 1000000)"
		printf '    network_mode: none\n    stop_grace_period: 0s\n'
	done
}
median() {
	sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) { print "none"; exit }
		if (NR % 2) printf "%.1f\n", v[(NR + 1) / 2]; else printf "%.1f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
pids() { vm_run "berthctl status | awk '\$1 ~ /^c/ && \$1 != \"c025\" {print \$1, \$3}'" 60 | tr -d '\r'; }

manifest 1000000 >"$dir/m.yaml"
vm_build_container_image "$dir/m.yaml" "$dir/img"
vm_start "$dir/img"
vm_wait_console apply-bench 300 || { echo "skip: apply: the guest did not boot"; exit 0; }
vm_wait_for "all $N containers running" 300 >/dev/null
before=$(pids)
: >"$dir/apply-ms" && : >"$dir/start-ms"
for r in $(seq $ROUNDS); do
	manifest $((2000000 + r)) >"$dir/r.yaml"
	vm_run "cat >/run/r.yaml <<'BERTH_EOF'
$(cat "$dir/r.yaml")
BERTH_EOF" 120 >/dev/null
	vm_mark
	# /proc/uptime: centiseconds, on both sides of the call.
	out=$(vm_run 'read a _ </proc/uptime; berthctl apply /run/r.yaml >/dev/null; rc=$?; read b _ </proc/uptime; echo "took $a $b $rc"' 180)
	set -- $(grep '^took ' <<<"$out")
	[ "${4:-1}" = 0 ] || { echo "round $r: apply failed: $out"; continue; }
	awk -v a="$2" -v b="$3" 'BEGIN { printf "%.0f\n", (b - a) * 1000 }' >>"$dir/apply-ms"
	vm_console | sed -n 's/.*container c025: started, pid [0-9]* (start took \([0-9.]*\) ms).*/\1/p' | tail -n 1 >>"$dir/start-ms"
done
after=$(pids)
adopted=$(vm_console | grep -c 'adopted from the earlier supervisor run')
vm_kill
echo "figure: apply-to-running: $(median <"$dir/apply-ms") ms (berthctl apply to the changed container running, $N containers, median of $ROUNDS)"
echo "peer: container-start: $(median <"$dir/start-ms") ms (the same container's own start latency, the supervisor's \"start took\")"
echo "figure: others-touched: $([ "$before" = "$after" ] && echo 0 || echo "$(diff <(echo "$before") <(echo "$after") | grep -c '^>')") containers (of $((N - 1)), pids before and after; $adopted adoptions in the last round)"
