#!/bin/bash
# SPDX-License-Identifier: MIT
# A receiver that never answers (its SYNs are dropped on the way, here by
# an nftables rule in the test's own network namespace): the connect is
# abandoned after 10 s, told once, and retried; once the packets pass
# again, the spooled lines arrive.
. "$(dirname "$0")/sv-common"
. "$(dirname "$0")/log-common"
sv_init log-forward-connect-timeout
command -v nft >/dev/null || skip "needs nft"
N=200
cat >"$WORK/m.yaml" <<YAML
version: 1
logging:
  forward: [{url: "tcp://127.0.0.1:5514"}]
containers:
  quiet:
    image: dir:busybox
    command: ["/bin/sh", "-c", "sleep 1; i=1; while [ \$i -le $N ]; do echo line \$i; i=\$((i+1)); done"]
YAML
sv_start "$WORK/m.yaml"
ns() { nsenter --net="/proc/$SV_PID/ns/net" "$@"; }
log_rsyslog_start
sleep 0.5
ns nft -f - <<'NFT' || fail "could not add the nftables rule"
table inet blackhole {
	chain out {
		type filter hook output priority 0; policy accept;
		tcp dport 5514 drop
	}
}
NFT
# Break the connection that is up: rsyslog's end closes (its packets still
# pass), and the SYNs of the supervisor's next connect are dropped.
kill "$RS_PID"; wait "$RS_PID" 2>/dev/null; RS_PID=
log_rsyslog_start
syn_port() { ns ss -Htn state syn-sent 'dport = 5514' | awk '{print $3}' | sed 's/.*://' | head -n 1; }
for _ in $(seq 100); do p=$(syn_port); [ -n "$p" ] && break; sleep 0.1; done
[ -n "$p" ] || fail "expected a connect waiting for an answer (SYN-SENT), got none"
t0=$(date +%s.%N)
for _ in $(seq 300); do [ "$(syn_port)" = "$p" ] || break; sleep 0.1; done
waited=$(echo "$(date +%s.%N) - $t0" | bc)
[ "$(syn_port)" != "$p" ] || fail "expected the connect from port $p abandoned within 30 s, it still waits"
echo "$waited" | awk '{exit !($1 >= 7 && $1 <= 11)}' ||
	fail "expected the connect abandoned after about 10 s, it was after $waited s"
ns nft delete table inet blackhole || fail "could not delete the nftables rule"
log_wait_app "$WORK/tcp.log" quiet $N 30 || fail "expected $N lines once the packets pass, got $(log_app "$WORK/tcp.log" quiet | wc -l)"
got=$(log_app "$WORK/tcp.log" quiet | awk '!seen[$0]++' | awk '{print $NF}')
[ "$got" = "$(seq 1 $N)" ] || fail "expected lines 1..$N in order, first difference: $(diff <(seq 1 $N) <(echo "$got") | sed -n 2p)"
echo "# figures: a connect with no answer was abandoned after $waited s"
sv_stop 5 || fail "expected the supervisor to exit on SIGTERM within 5 s"
pass
