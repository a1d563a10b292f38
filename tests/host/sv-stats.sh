#!/bin/bash
# SPDX-License-Identifier: MIT
# berthctl stats: a busy container shows CPU, one with a memory limit uses
# less than it, pids are counted, pings to a container show in its network
# counters, a network_mode none container has none; --json has the fields,
# NAME picks one container, --follow keeps sampling, and status --json
# carries the same figures. Where the build host's cgroup2 offers no memory
# and pids controllers (a hybrid hierarchy), those figures must be null and
# "-", not made up; tests/vm/stats.sh checks them for real.
. "$(dirname "$0")/sv-common"
. "$(dirname "$0")/sv-control-common"
ctl_init stats
controllers=$(cat "$(dirname "$CG")/cgroup.controllers" 2>/dev/null)
limited=false
case " $controllers " in *" memory "*" pids "* | *" pids "*" memory "*) limited=true ;; esac
cat >"$WORK/m.yaml" <<'YAML'
version: 1
containers:
  busy:
    image: dir:busybox
    command: ["/bin/sh", "-c", "trap 'exit 0' TERM; echo up; while :; do :; done"]
  idle:
    image: dir:busybox
    command: ["/bin/sh", "-c", "trap 'exit 0' TERM; echo up; sleep 1000 & wait"]
  lonely:
    image: dir:busybox
    network_mode: none
    command: ["/bin/sh", "-c", "trap 'exit 0' TERM; echo up; sleep 1000 & wait"]
YAML
$limited && sed -i 's/^    command: \["\/bin\/sh", "-c", "trap .exit 0. TERM; echo up; while/    mem_limit: 64M\n&/' "$WORK/m.yaml"
sv_start "$WORK/m.yaml"
for c in busy idle lonely; do
	sv_wait_for "^$c: up" 8 || fail "expected $c to print up within 8 s, got nothing"
done
addr=$(bctl status --json | jq -r '.containers[] | select(.name == "idle") | .address')
[[ $addr =~ ^172\.31\.0\.[0-9]+$ ]] || fail "expected idle's address in status --json, got '$addr'"
nsenter -t "$SV_PID" -n busybox ping -c 3 -i 0.2 -W 2 "$addr" >/dev/null ||
	fail "expected idle ($addr) to answer pings from the supervisor's namespace"

bctl stats --json >"$WORK/s.json" || fail "expected stats --json to exit 0, got $?"
jq -e . "$WORK/s.json" >/dev/null || fail "expected valid JSON, got: $(head -c 200 "$WORK/s.json")"
row() { jq -r --arg n "$1" ".containers[] | select(.name == \$n) | $2" "$WORK/s.json"; }
cpu=$(row busy .cpu_percent)
awk -v c="$cpu" 'BEGIN { exit !(c > 10) }' || fail "expected busy to use more than 10% CPU, got '$cpu'"
cpu_idle=$(row idle .cpu_percent)
awk -v c="$cpu_idle" 'BEGIN { exit !(c >= 0 && c < 5) }' || fail "expected idle under 5% CPU, got '$cpu_idle'"
mem=$(row busy .memory) lim=$(row busy .memory_limit)
if $limited; then
	[ "$lim" = 67108864 ] || fail "expected busy's limit 67108864 (64M), got '$lim'"
	[[ $mem =~ ^[0-9]+$ ]] && [ "$mem" -gt 0 ] && [ "$mem" -le "$lim" ] ||
		fail "expected busy's memory between 1 and its limit, got '$mem'"
	[ "$(row idle .pids)" = 2 ] || fail "expected idle to have 2 pids (sh, sleep), got '$(row idle .pids)'"
	[ "$(row busy .pids)" = 1 ] || fail "expected busy to have 1 pid, got '$(row busy .pids)'"
else
	[ "$mem $(row busy .pids)" = "null null" ] ||
		fail "expected null memory and pids without their controllers, got '$mem $(row busy .pids)'"
fi
inp=$(row idle .net.in_packets) outp=$(row idle .net.out_packets)
[[ $inp =~ ^[0-9]+$ && $outp =~ ^[0-9]+$ ]] && [ "$inp" -ge 3 ] && [ "$outp" -ge 3 ] ||
	fail "expected idle to have received and sent at least 3 packets (pings), got in '$inp' out '$outp'"
[ "$(row idle .net.in_bytes)" -ge 252 ] 2>/dev/null ||
	fail "expected idle's in_bytes to count 3 pings of 84 bytes, got '$(row idle .net.in_bytes)'"
[ "$(row lonely .net)" = null ] || fail "expected no net figures for network_mode none, got $(row lonely .net)"
for k in cpu_usec io_read io_write restarts state memory_shared; do
	[ "$(row busy "has(\"$k\")")" = true ] || fail "expected field $k in stats --json"
done
[ "$(jq -r '.host.cpus > 0 and .host.memory_total > 0' "$WORK/s.json")" = true ] ||
	fail "expected host cpus and memory_total, got $(jq -c .host "$WORK/s.json")"

table=$(bctl stats) || fail "expected stats to exit 0, got $?"
grep -qE '^NAME +STATE +CPU% +MEMORY +LIMIT +PIDS +BLOCK I/O +NET I/O +PACKETS +RESTARTS$' <<<"$table" ||
	fail "expected the table's header, got: $(tr '\n' '|' <<<"$table")"
want='^busy +running +[0-9.]+% +- +- +- '
$limited && want='^busy +running +[0-9.]+% +[0-9.]+[KM]? +64M +1 '
grep -qE "$want" <<<"$table" || fail "expected a row matching '$want', got: $(grep '^busy' <<<"$table")"
grep -qE '^lonely +running +[0-9.]+% .* - +- +0$' <<<"$table" ||
	fail "expected lonely's network columns '-', got: $(grep '^lonely' <<<"$table")"
grep -qE '^total ' <<<"$table" || fail "expected a total row, got: $(tr '\n' '|' <<<"$table")"
grep -qE '^host: cpu [0-9.]+% of [0-9]+ cpus, memory ' <<<"$table" ||
	fail "expected the host line, got: $(head -n 1 <<<"$table")"

n=$(bctl stats --json idle | jq '.containers | length')
[ "$n" = 1 ] || fail "expected stats idle to show one container, got $n"
err=$(bctl stats nosuch 2>&1)
[ $? = 1 ] && grep -q 'no container named "nosuch"' <<<"$err" ||
	fail "expected stats nosuch to fail naming it, got: $err"

lines=$(timeout 3.5 "$BERTHCTL" stats --json --follow busy --socket "$SOCK")
[ "$(jq -s 'length' <<<"$lines")" -ge 2 ] 2>/dev/null && [ "$(wc -l <<<"$lines")" -ge 2 ] ||
	fail "expected --follow --json to print a line per second, got: $(head -c 300 <<<"$lines")"

st=$(bctl status --json | jq -r '.containers[] | select(.name == "busy") | .stats | "\(.cpu_usec > 0) \(.memory_limit) \(.pids)"')
want="true null null"
$limited && want="true 67108864 1"
[ "$st" = "$want" ] || fail "expected busy's stats in status --json '$want', got '$st'"
sv_stop 5 || fail "expected the supervisor to exit on SIGTERM within 5 s"
pass
