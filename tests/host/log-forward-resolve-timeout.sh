#!/bin/bash
# SPDX-License-Identifier: MIT
# A name server that never answers does not stall the supervisor: the
# resolution runs in a child process, which is killed after 5 s and
# started again later, while the lines go on reaching the other target.
# The name server is 192.0.2.53, an address of the test's own network
# namespace whose DNS queries an nftables rule drops on input, without an
# answer (a resolv.conf bound over /etc/resolv.conf in the test's mount
# namespace names it).
. "$(dirname "$0")/sv-common"
. "$(dirname "$0")/log-common"
sv_init log-forward-resolve-timeout
cat >"$WORK/m.yaml" <<YAML
version: 1
logging:
  forward: [{url: "tcp://logs.example:5514"}, {url: "tcp://127.0.0.1:5514"}]
containers:
  ticker:
    image: dir:busybox
    command: ["/bin/sh", "-c", "trap 'exit 0' TERM; i=1; while [ \$i -le 400 ]; do echo tick \$i; i=\$((i+1)); usleep 50000; done"]
YAML
printf 'nameserver 192.0.2.53\noptions timeout:30 attempts:1\n' >"$WORK/dead-resolv.conf"
sv_start "$WORK/m.yaml"
command -v nft >/dev/null || skip "needs nft"
nsenter --net="/proc/$SV_PID/ns/net" ip addr add 192.0.2.53/32 dev lo ||
	fail "could not add 192.0.2.53 in the test's namespace"
nsenter --net="/proc/$SV_PID/ns/net" nft -f - <<'NFT' || fail "could not add the nftables rule"
table inet deaf {
	chain in {
		type filter hook input priority 0; policy accept;
		ip daddr 192.0.2.53 udp dport 53 drop
		ip daddr 192.0.2.53 tcp dport 53 drop
	}
}
NFT
nsenter --mount="/proc/$SV_PID/ns/mnt" mount --bind "$WORK/dead-resolv.conf" /etc/resolv.conf ||
	fail "could not bind the resolv.conf in the test's mount namespace"
log_rsyslog_start
# A resolver child: the supervisor's child that is not a container (their
# processes are children of the supervisor too, but run busybox).
resolver() { ps -o pid=,comm= --ppid "$SV_PID" | awk '$2 == "supervisor" {print $1}' | head -n 1; }
# One that started after the resolv.conf was bound: not the one there may
# be now, which may have read the build host's.
r_old=$(resolver)
for _ in $(seq 150); do r=$(resolver); [ -n "$r" ] && [ "$r" != "$r_old" ] && break; sleep 0.1; done
[ -n "$r" ] && [ "$r" != "$r_old" ] || fail "expected a new resolver child of the supervisor within 15 s, got none"
t0=$(date +%s.%N)
n0=$(log_app "$WORK/tcp.log" ticker | wc -l)
for _ in $(seq 100); do kill -0 "$r" 2>/dev/null || break; sleep 0.1; done
kill -0 "$r" 2>/dev/null && fail "expected the resolver $r killed within 10 s, it still runs"
lived=$(echo "$(date +%s.%N) - $t0" | bc)
n1=$(log_app "$WORK/tcp.log" ticker | wc -l)
echo "$lived" | awk '{exit !($1 >= 3 && $1 <= 6)}' || fail "expected the resolver ended after about 5 s, it lived $lived s"
[ $((n1 - n0)) -ge 20 ] || fail "expected the other target to get lines while the name was resolved, got $((n1 - n0))"
sv_wait_for '^supervisor: log forward tcp://logs.example:5514: ' 1 || fail "expected the failing target told, got nothing"
echo "# figures: a resolver that got no answer was killed after $lived s; the other target got $((n1 - n0)) lines meanwhile"
sv_stop 5 || fail "expected the supervisor to exit on SIGTERM within 5 s"
pass
