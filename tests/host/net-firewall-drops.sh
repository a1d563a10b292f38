#!/bin/bash
# SPDX-License-Identifier: MIT
# The firewall counts what it drops: a refused connection from the peer
# raises the inbound counter (in nft and in berthctl stats), the drop log
# rule is there with its limit and level info, the inter-container drop has
# a counter and a log rule of its own, and logging.firewall: off removes the
# log rules but keeps the counters. The log lines themselves need the
# kernel log of the initial namespace (nf_log is off in others by default):
# tests/vm/stats.sh sees them.
# sv-common first: net.sh's pass and fail, which go on after a line, win.
. "$TOP/tests/host/sv-common"
. "$TOP/tests/host/lib/net.sh"
net_init firewall-drops
sv_init net-firewall-drops
trap 'sv_cleanup; net_cleanup' EXIT
make --no-print-directory -s -C "$TOP" BUILD="$BUILD" "$BUILD/berthctl" >/dev/null 2>&1 || {
	fail "$name: make $BUILD/berthctl failed"
	exit 1
}
cat >"$WORK/m.yaml" <<'YAML'
version: 1
network:
  interfaces:
    - {name: eth0, addresses: [192.0.2.10/24]}
containers:
  web:
    image: dir:busybox
    command: ["/bin/sh", "-c", "trap 'exit 0' TERM; echo up; sleep 1000 & wait"]
YAML
net_run --manifest "$WORK/m.yaml"
expect "exit status" 0 "$rc"

# rule COMMENT JQ: JQ over the rule of table inet berth with that comment.
rule() {
	net_in nft -j list table inet berth |
		jq -r --arg c "$1" ".nftables[] | select(.rule.comment? == \$c) | .rule | $2"
}
counted() { rule "$1" '[.expr[] | .counter? | select(.) | .packets] | first // "none"'; }
expect "inbound counter starts at 0" 0 "$(counted "berth drop inbound")"
expect "inter-container counter" 0 "$(counted "berth drop inter-container")"
expect "forward counter" 0 "$(counted "berth drop forward")"
logrule() {
	net_in nft -j list chain inet berth "$1" |
		jq -r --arg p "$2" '[.nftables[] | .rule? | select(.) | select(any(.expr[]; .log.prefix? == $p))] |
			map("\(any(.expr[]; has("limit"))) \(.expr[] | .log? | select(.) | .level)") | join(",")'
}
expect "inbound log rule, limited, level info" "true info" "$(logrule input "berth-drop: ")"
expect "inter-container log rule, limited, level info" "true info" "$(logrule forward "berth-drop icc: ")"

for _ in 1 2 3; do
	ip netns exec "$peer" timeout 3 busybox nc -w 1 192.0.2.10 8081 </dev/null >/dev/null 2>&1
done
n=$(counted "berth drop inbound")
[ "$n" -ge 3 ] 2>/dev/null && pass "$name: refused connections counted ($n packets)" ||
	fail "$name: refused connections counted: expected at least 3 packets, got $n"

net_sv_start "$WORK/m.yaml" || fail "$name: the supervisor did not start"
sv_wait_for '^web: up' 8 || fail "$name: expected web to start within 8 s, got: $(tail -n 3 "$OUT")"
got=$("$BUILD/berthctl" stats --json --socket "$WORK/control.sock" |
	jq -r '"\(.firewall.inbound.packets) \(.firewall.inter_container.packets) \(.firewall.forward.packets)"')
expect "stats --json shows the counters" "$n 0 0" "$got"
line=$("$BUILD/berthctl" stats --socket "$WORK/control.sock" | grep '^firewall drops:')
grep -qE "^firewall drops: inbound $n packets \([0-9.]+K?\), inter-container 0 packets \(0\), forward 0 packets \(0\)$" <<<"$line" &&
	pass "$name: stats table line" || fail "$name: stats table line: got '$line'"
sv_stop 5 || fail "$name: expected the supervisor to exit on SIGTERM within 5 s"

sed 's/^network:/logging: {firewall: off}\n&/' "$WORK/m.yaml" >"$WORK/off.yaml"
net_run --manifest "$WORK/off.yaml"
expect "off: exit status" 0 "$rc"
expect "off: no inbound log rule" "" "$(logrule input "berth-drop: ")"
expect "off: no inter-container log rule" "" "$(logrule forward "berth-drop icc: ")"
expect "off: inbound counter kept" 0 "$(counted "berth drop inbound")"
exit $failed
