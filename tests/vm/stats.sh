#!/bin/bash
# SPDX-License-Identifier: MIT
# berthctl stats on the real image: a container held to half a CPU by
# cpus: 0.5 shows between 20% and 60%, its memory is within its 32m limit,
# pids are counted, pings to srv show in its network counters; a connection
# the firewall refuses raises the inbound drop counter and leaves a
# berth-drop line in host.log, and so does one container trying another
# with icc: false (the inter-container counter, a berth-drop icc line);
# status --json carries the figures too.
. "$(dirname "$0")/lib.sh"
vm_require

command -v jq >/dev/null || { skip "$vm_test" "jq is not installed"; exit 0; }

drop_port=$((20000 + $$ % 10000))
vm_build_container_image "$TOP/tests/vm/manifests/stats.yaml" "$vm_dir"
vm_start "$vm_dir" --net "hostfwd=tcp:127.0.0.1:$drop_port-:9"
for line in 'busy: busy: spinning' 'srv: srv: serving' 'cli: cli: idle'; do
	if ! vm_wait_for "$line" 180 >/dev/null; then
		fail stats-containers-up "'$line' within 180 s" "'$(vm_console | grep 'supervisor: ' | tail -n 1)'"
		exit 1
	fi
done

# Refused inbound: three connections to port 9, which nothing allows.
for _ in 1 2 3; do
	timeout 3 bash -c "exec 3<>/dev/tcp/127.0.0.1/$drop_port" 2>/dev/null
done
json=$(vm_run 'berthctl status --json | tr -d "\n"; echo' 60 | grep '^{')
srv_ip=$(jq -r '.containers[] | select(.name == "srv") | .address' <<<"$json" 2>/dev/null)
srv_pid=$(jq -r '.containers[] | select(.name == "srv") | .pid' <<<"$json" 2>/dev/null)
cli_pid=$(jq -r '.containers[] | select(.name == "cli") | .pid' <<<"$json" 2>/dev/null)
if ! [[ $srv_ip =~ ^[0-9.]+$ && $cli_pid =~ ^[0-9]+$ && $srv_pid =~ ^[0-9]+$ ]]; then
	fail stats-status "srv's address and the pids in status --json" "'$(head -c 300 <<<"$json")'"
	exit 1
fi
if [ "$(jq -r '.containers[] | select(.name == "busy") | .stats.memory_limit' <<<"$json")" = 33554432 ]; then
	pass stats-in-status
else
	fail stats-in-status "busy's stats.memory_limit 33554432 in status --json" \
		"'$(jq -c '.containers[] | select(.name == "busy") | .stats' <<<"$json")'"
fi
vm_run "busybox ping -c 3 -W 2 $srv_ip" 30 >/dev/null
# cli to srv with icc: false: bridge port isolation refuses it; the table
# bridge berth counts and logs the attempt first (cli's ARP requests for
# srv's address; docs/network.md).
vm_run "busybox timeout 6 busybox nsenter -t $cli_pid -n busybox nc -w 3 $srv_ip 8080 </dev/null" 30 >/dev/null

t0=$(date +%s.%N)
s=$(vm_run 'berthctl stats --json | tr -d "\n"; echo' 60 | grep '^{')
t1=$(date +%s.%N)
row() { jq -r --arg n "$1" ".containers[] | select(.name == \$n) | $2" <<<"$s" 2>/dev/null; }
cpu=$(row busy .cpu_percent)
if awk -v c="$cpu" 'BEGIN { exit !(c > 20 && c <= 60) }'; then
	pass stats-cpu-percent
else
	fail stats-cpu-percent "busy at 20-60% of a CPU (cpus: 0.5)" "'$cpu'"
fi
mem=$(row busy .memory) lim=$(row busy .memory_limit)
if [ "$lim" = 33554432 ] && [[ $mem =~ ^[0-9]+$ ]] && [ "$mem" -gt 0 ] && [ "$mem" -le "$lim" ]; then
	pass stats-memory
else
	fail stats-memory "busy's memory in 1..33554432 and its limit 33554432" "memory '$mem', limit '$lim'"
fi
got="$(row busy .pids) $(row srv .pids) $(row cli .pids)"
if [ "$got" = "1 1 1" ]; then
	pass stats-pids
else
	fail stats-pids "1 pid each in busy, srv, cli" "'$got'"
fi
inp=$(row srv .net.in_packets)
if [ "$inp" -ge 3 ] 2>/dev/null; then
	pass stats-net
else
	fail stats-net "srv's in_packets at least 3 after three pings" "'$inp'"
fi
drops=$(jq -r '.firewall.inbound.packets' <<<"$s" 2>/dev/null)
if [ "$drops" -ge 3 ] 2>/dev/null; then
	pass stats-drops-inbound
else
	fail stats-drops-inbound "firewall.inbound.packets at least 3 after three refused connections" \
		"'$drops' ($(jq -c .firewall <<<"$s" 2>/dev/null))"
fi
log=$(vm_run 'grep -c "kernel berth-drop: .*DPT=9 " /var/log/berth/host.log' 30 | tail -n 1)
if [ "$log" -ge 1 ] 2>/dev/null; then
	pass stats-drop-logged
else
	fail stats-drop-logged "a berth-drop line for DPT=9 in host.log" "'$log'"
fi
table=$(vm_run 'berthctl stats' 60)
if grep -qE '^busy +running +[0-9.]+% +[0-9.]+[KM] +32M +1 ' <<<"$table" &&
	grep -qE '^firewall drops: inbound [0-9]+ packets' <<<"$table"; then
	pass stats-table
else
	fail stats-table "a row 'busy running N% SIZE 32M 1' and the drops line" "'$(tr '\n' '|' <<<"$table")'"
fi
echo "# figures: berthctl stats --json round trip under TCG: $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }') s (two samples 1 s apart)"
icc=$(jq -r '.firewall.inter_container.packets' <<<"$s" 2>/dev/null)
if [ "$icc" -ge 1 ] 2>/dev/null; then
	pass stats-drops-inter-container
else
	fail stats-drops-inter-container "firewall.inter_container.packets at least 1 after cli tried srv" \
		"'$icc' ($(jq -c .firewall <<<"$s" 2>/dev/null))"
fi
log=$(vm_run "grep -c 'kernel berth-drop icc: .*IPDST=$srv_ip' /var/log/berth/host.log" 30 | tail -n 1)
if [ "$log" -ge 1 ] 2>/dev/null; then
	pass stats-drop-icc-logged
else
	fail stats-drop-icc-logged "a berth-drop icc line for $srv_ip in host.log" \
		"'$log' ($(vm_run 'grep "berth-drop icc" /var/log/berth/host.log | tail -n 2' 30))"
fi
echo "# figures: inter-container attempt with icc: false: drop counter $icc packets"
vm_kill
