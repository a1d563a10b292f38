#!/bin/bash
# SPDX-License-Identifier: MIT
# Network setup times, as part of boot and of a container's start latency.
#
# On the build host, in network namespaces made here (native kernel):
#   - netsetup applying examples/demo.yaml to a fresh namespace (sysctls,
#     the nftables table, links, addresses, route, berth0, files), against
#     the same state made with iproute2 and nft (peer);
#   - one container's network (veth pair on berth0, isolation, addresses,
#     routes) with `netsetup bridge-attach`, against the same with ip;
#   - the supervisor's own figure for the same plus the published port's
#     nftables element, in-process, from its "network set up in" log line.
# In a QEMU guest (TCG, so slower than hardware) booting the demo image:
#   - netsetup at boot, from init's "netsetup started/finished" lines, and
#     netsetup run again in the booted guest (nothing to change);
#   - the supervisor's per-container line for web (1 port) and writer.
# Medians over repeated runs; process times include fork and exec.
set -u
: "${BUILD:?run through bench/run}" "${TOP:?run through bench/run}"
RUNS=${RUNS:-15}
BOOTS=${BOOTS:-3}
tmp=$(mktemp -d)
nss=()
cleanup() {
	for n in "${nss[@]}"; do ip netns del "$n" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT

[ "$(id -u)" = 0 ] || { echo "skip: net: needs root"; exit 0; }
for t in ip nft jq unshare busybox; do
	command -v "$t" >/dev/null || { echo "skip: net: $t is not installed"; exit 0; }
done
make --no-print-directory -s -C "$TOP" BUILD="$BUILD" all >"$tmp/make.log" 2>&1 ||
	{ echo "skip: net: make all failed: $(tail -n 3 "$tmp/make.log")"; exit 0; }

# median: numbers on stdin, one a line -> the median, 2 decimals.
median() {
	sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) exit 1;
		m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.2f\n", m }'
}
# now_ns: monotonic enough for ms figures (the same clock for both sides).
now_ns() { date +%s%N; }

# fresh_ns NAME: a namespace with eth0 (a veth whose peer stays there too).
fresh_ns() {
	ip netns add "$1" && nss+=("$1") &&
		ip link add eth0 netns "$1" type veth peer name peer0 netns "$1"
}
# in_ns NAME CMD: CMD (a shell string) in namespace NAME with private UTS
# and mount namespaces and a private /run, so that netsetup's hostname and
# /run/berth files never touch the build host.
in_ns() {
	ip netns exec "$1" unshare -u -m --propagation private \
		sh -c 'mount -t tmpfs bench /run && eval "$0"' "$2"
}

# ---- netsetup applying the demo manifest ----
demo=$TOP/examples/demo.yaml
ns0=berth-bench-ref-$$
fresh_ns "$ns0" || { echo "skip: net: cannot create network namespaces"; exit 0; }
in_ns "$ns0" "'$BUILD/netsetup' --manifest '$demo' >'$tmp/ref.out' 2>&1; nft list ruleset >'$tmp/ruleset.nft'"
grep -q 'firewall: loaded' "$tmp/ref.out" || { echo "skip: net: netsetup failed on the demo: $(head -c 300 "$tmp/ref.out")"; exit 0; }
# The peer's input: the same sysctls (from netsetup's own report), the same
# ruleset (as nft prints it back) and the same links and addresses.
sed -n 's/^netsetup: sysctl \([^ ]*\) = \(.*\)/\1=\2/p' "$tmp/ref.out" >"$tmp/sysctls"
cat >"$tmp/ip.batch" <<'EOF'
link set lo up
link set eth0 up
address add 10.0.2.15/24 dev eth0
route add default via 10.0.2.2
link add berth0 type bridge
address add 172.31.0.1/24 dev berth0
link set berth0 up
EOF
peer_script="sysctl -q -w \$(cat '$tmp/sysctls' | tr '\n' ' ') && nft -f '$tmp/ruleset.nft' &&
	ip -batch '$tmp/ip.batch' && hostname berth-demo && mkdir -p /run/berth &&
	printf '127.0.0.1\tlocalhost\n' >/run/berth/hosts && echo berth-demo >/run/berth/hostname &&
	echo 'nameserver 10.0.2.3' >/run/berth/resolv.conf"
for i in $(seq "$RUNS"); do
	n=berth-bench-$$-$i
	fresh_ns "$n" || break
	in_ns "$n" "t0=\$(date +%s%N); '$BUILD/netsetup' --manifest '$demo' >/dev/null 2>&1; t1=\$(date +%s%N); echo \$(((t1 - t0) / 1000))" >>"$tmp/apply.us"
	ip netns del "$n"
	fresh_ns "$n" || break
	in_ns "$n" "t0=\$(date +%s%N); $peer_script; t1=\$(date +%s%N); echo \$(((t1 - t0) / 1000))" >>"$tmp/peer.us"
	ip netns del "$n"
done
# The peer really made the same ruleset (else its time means nothing).
n=berth-bench-$$-check
fresh_ns "$n" && in_ns "$n" "$peer_script && nft list ruleset" >"$tmp/peer.nft" 2>&1
cmp -s "$tmp/peer.nft" "$tmp/ruleset.nft" || echo "note: the peer's ruleset differs from netsetup's: $(diff "$tmp/ruleset.nft" "$tmp/peer.nft" | head -5)"
a=$(awk '{ print $1 / 1000 }' "$tmp/apply.us" | median)
p=$(awk '{ print $1 / 1000 }' "$tmp/peer.us" | median)
echo "figure: netsetup-demo: $a ms (netsetup applying examples/demo.yaml to a fresh namespace, build host, median of $RUNS)"
echo "peer: netsetup-demo: $p ms (the same state by sysctl -w, nft -f, ip -batch, hostname and three files)"

# ---- one container's network, by hand ----
# berth0 in $ns0 exists (netsetup made it); containers are namespaces.
cat >"$tmp/attach.yaml" <<'YAML'
version: 1
network:
  interfaces: []
  bridge: {subnet: 172.31.0.0/24}
containers:
  web: {image: "dir:/nonexistent", command: [sleep, "1"]}
YAML
for i in $(seq "$RUNS"); do
	c=berth-bench-c-$$-$i
	ip netns add "$c" && nss+=("$c") || break
	t0=$(now_ns)
	ip netns exec "$ns0" "$BUILD/netsetup" --manifest "$tmp/attach.yaml" bridge-attach "c$i" "/run/netns/$c" >/dev/null 2>&1
	t1=$(now_ns)
	echo $(((t1 - t0) / 1000)) >>"$tmp/attach.us"
	ip netns exec "$ns0" "$BUILD/netsetup" bridge-detach "c$i" >/dev/null 2>&1
	# The same by hand: what lib/net/bridge.c does, one ip command a step.
	h=vbbench$i
	t0=$(now_ns)
	ip -n "$ns0" link add "$h" master berth0 type veth peer name eth0 netns "$c" &&
		ip -n "$ns0" link set "$h" type bridge_slave isolated on &&
		ip -n "$ns0" link set "$h" up &&
		ip -n "$c" link set lo up &&
		ip -n "$c" address add 172.31.0.$((100 + i))/24 dev eth0 &&
		ip -n "$c" link set eth0 up &&
		ip -n "$c" route add default via 172.31.0.1
	t1=$(now_ns)
	echo $(((t1 - t0) / 1000)) >>"$tmp/attach-peer.us"
	ip -n "$ns0" link del "$h"
	ip netns del "$c"
done
a=$(awk '{ print $1 / 1000 }' "$tmp/attach.us" | median)
p=$(awk '{ print $1 / 1000 }' "$tmp/attach-peer.us" | median)
echo "figure: container-net-attach: $a ms (netsetup bridge-attach: veth pair, isolation, addresses, routes; one process, build host, median of $RUNS)"
echo "peer: container-net-attach: $p ms (the same with 7 ip commands)"

# ---- the supervisor's own figure, in-process, with a published port ----
sv_bench() {
	local cg2 work=$tmp/sv n=berth-bench-sv-$$ pid i
	cg2=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
	[ -n "$cg2" ] && [ -x /bin/busybox ] || return 1
	"$TOP/tests/images/mkbusybox" "$BUILD/images/busybox" >/dev/null 2>&1 || return 1
	mkdir -p "$work/data"
	echo "nameserver 192.0.2.53" >"$work/resolv.conf"
	{
		echo "version: 1"
		echo "network: {interfaces: []}"
		echo "containers:"
		for i in $(seq 8); do
			echo "  c$i: {image: 'dir:busybox', command: [sleep, '600'], ports: ['$((18000 + i)):80']}"
		done
	} >"$work/m.yaml"
	fresh_ns "$n" || return 1
	in_ns "$n" "'$BUILD/netsetup' --manifest '$work/m.yaml' >/dev/null 2>&1" || return 1
	nsenter --net="/run/netns/$n" unshare --mount --pid --fork --mount-proc --kill-child \
		"$BUILD/supervisor" --manifest "$work/m.yaml" --images "$BUILD/images" \
		--cgroup-root "$cg2/berth-bench-$$" --run-dir "$work/run" --volumes "$work/volumes" \
		--data-dir "$work/data" --resolv-conf "$work/resolv.conf" \
		--control "$work/control.sock" --log-dir "$work/log" >"$work/out" 2>&1 &
	pid=$!
	for i in $(seq 100); do
		[ "$(grep -c 'network set up in' "$work/out")" -ge 8 ] && break
		sleep 0.1
	done
	kill -TERM "$(awk '{ print $1 }' "/proc/$pid/task/$pid/children" 2>/dev/null)" 2>/dev/null
	for i in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	rmdir "$cg2/berth-bench-$$"/* "$cg2/berth-bench-$$" 2>/dev/null
	sed -n 's/.*network set up in \([0-9.]*\) ms.*/\1/p' "$work/out" >"$tmp/sv.ms"
	[ -s "$tmp/sv.ms" ]
}
if sv_bench; then
	echo "figure: container-net-supervisor: $(median <"$tmp/sv.ms") ms (supervisor, in-process: veth pair, addresses, routes, 1 published-port element; build host, median of $(wc -l <"$tmp/sv.ms") containers)"
	# The peer of the nft element: one nft process per container.
	for i in $(seq "$RUNS"); do
		t0=$(now_ns)
		ip netns exec "$ns0" nft add element inet berth published "{ tcp . $((20000 + i)) : 172.31.0.9 . 80 }"
		t1=$(now_ns)
		echo $(((t1 - t0) / 1000)) >>"$tmp/elem.us"
	done
	echo "peer: container-net-supervisor: $(awk '{ print $1 / 1000 }' "$tmp/elem.us" | median | awk -v a="$p" '{ printf "%.2f", $1 + a }') ms (the 7 ip commands plus one nft add element)"
else
	echo "note: the supervisor figure was not measured: $(tail -n 3 "$tmp/sv/out" 2>/dev/null)"
fi

# ---- at boot, in a QEMU guest ----
vm_bench() {
	. "$TOP/tests/vm/lib.sh"
	vm_require >/dev/null || return 1
	vm_build_container_image "$demo" "$vm_dir" >/dev/null || return 1
	# berth.debug makes init print when it starts netsetup.
	grep -q 'berth.debug' "$vm_dir/cmdline-a" || sed -i 's/$/ berth.debug=1/' "$vm_dir/cmdline-a"
	for b in $(seq "$BOOTS"); do
		vm_start "$vm_dir"
		if ! vm_wait_for 'supervisor: container web: eth0 ' 180 >/dev/null; then
			echo "note: boot $b: no network line for web within 180 s"
			vm_kill
			continue
		fi
		vm_wait_for 'supervisor: container writer: eth0 ' 30 >/dev/null
		vm_console >"$tmp/console-$b"
		# netsetup again with the same manifest: it reads the state and
		# changes nothing, without console output (/proc/uptime: 10 ms).
		vm_run 'for i in 1 2 3; do a=$(cut -d" " -f1 /proc/uptime)
/usr/lib/berth/netsetup >/dev/null 2>&1; b=$(cut -d" " -f1 /proc/uptime); echo "rerun $a $b"; done' 60 |
			awk '$1 == "rerun" { print ($3 - $2) * 1000 }' >>"$tmp/rerun.ms"
		vm_kill
		s=$(sed -n 's/^berth-init: netsetup started at \([0-9.]*\)s.*/\1/p' "$tmp/console-$b" | head -n 1)
		f=$(sed -n 's/^berth-init: netsetup finished at \([0-9.]*\)s.*/\1/p' "$tmp/console-$b" | head -n 1)
		[ -n "$s" ] && [ -n "$f" ] && awk -v s="$s" -v f="$f" 'BEGIN { print (f - s) * 1000 }' >>"$tmp/boot.ms"
		for c in web writer; do
			sed -n "s/.*supervisor: container $c: eth0 .*network set up in \([0-9.]*\) ms.*/\1/p" "$tmp/console-$b" | head -n 1 >>"$tmp/vm-$c.ms"
		done
	done
	[ -s "$tmp/boot.ms" ]
}
# In a subshell: lib.sh sets its own EXIT trap, and exits when QEMU or the
# kernel is missing.
(vm_bench)
if [ -s "$tmp/boot.ms" ]; then
	echo "figure: netsetup-boot: $(median <"$tmp/boot.ms") ms (guest uptime from init starting netsetup to its end, examples/demo.yaml, QEMU TCG, median of $(wc -l <"$tmp/boot.ms") boots)"
	[ -s "$tmp/vm-web.ms" ] && echo "figure: container-net-boot-web: $(median <"$tmp/vm-web.ms") ms (supervisor at boot: web's veth, addresses, routes, 1 published-port element; QEMU TCG, median of $(wc -l <"$tmp/vm-web.ms") boots)"
	[ -s "$tmp/rerun.ms" ] && echo "figure: netsetup-rerun-boot: $(median <"$tmp/rerun.ms") ms (in the booted guest, netsetup again with the same manifest: reads everything, changes nothing, output to /dev/null; QEMU TCG, median of $(wc -l <"$tmp/rerun.ms") runs)"
	[ -s "$tmp/vm-writer.ms" ] && echo "figure: container-net-boot-writer: $(median <"$tmp/vm-writer.ms") ms (the same for writer, no port; QEMU TCG)"
else
	echo "skip: net-boot: no QEMU figures (qemu, kernel or the demo image missing; see the log)"
fi
exit 0
