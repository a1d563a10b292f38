#!/bin/bash
# SPDX-License-Identifier: MIT
# Mutual TLS: a receiver that requires a client certificate from its CA
# (rsyslog's x509/certvalid) refuses a berth target whose certificate is
# from another CA (it gets nothing, and host.log says why), and takes every
# line from a target whose certificate it knows.
. "$(dirname "$0")/sv-common"
. "$(dirname "$0")/log-common"
. "$(dirname "$0")/tls-common"
sv_init log-forward-tls-mutual
tls_certs
N=1000
# The unknown client first: tls-send reads the files at every connect.
cp "$C/otherclient.pem" "$C/me.pem"
cp -p "$C/otherclient.key" "$C/me.key"
tls_start "url: \"tls://127.0.0.1:6514\", ca: $C/ca.pem, cert: $C/me.pem, key: $C/me.key" $N
H="$WORK/log/host.log"
F="$WORK/tls.log"
tls_rsyslog_start server x509/certvalid
url='log forward tls://127.0.0.1:6514'
sv_wait_for "$url: the receiver (refused the handshake|closed the connection at the handshake).*; retrying" 15 ||
	fail "expected host.log to say the receiver refused the client, got: $(grep tls:// "$H" | tail -n 2)"
sleep 2
[ ! -s "$F" ] || fail "expected the receiver to take nothing from an unknown client, got $(wc -l <"$F") lines"
cp "$C/client.pem" "$C/me.pem"
cp -p "$C/client.key" "$C/me.key"
log_wait_app "$F" counter $N 20 || fail "expected the $N lines once the client certificate is known, got $(log_app "$F" counter | wc -l); host.log: $(grep tls:// "$H" | tail -n 2)"
got=$(log_app "$F" counter | awk '{print $NF}' | sort -nu)
[ "$got" = "$(seq 1 $N)" ] || fail "expected lines 1..$N, got $(echo "$got" | wc -l) distinct"
grep "$url" "$H" | sed 's/^/# /'
pass
