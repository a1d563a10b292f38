#!/bin/bash
# SPDX-License-Identifier: MIT
# A receiver whose certificate is from another CA, then one whose
# certificate names another host, then one whose certificate expired: each
# is refused, host.log names the
# target and GnuTLS's reason, the receiver gets nothing (no fallback to
# plain text), and the spool keeps the lines: once the receiver shows the
# right certificate they all arrive.
. "$(dirname "$0")/sv-common"
. "$(dirname "$0")/log-common"
. "$(dirname "$0")/tls-common"
sv_init log-forward-tls-refused
tls_certs
N=200
tls_start "url: \"tls://127.0.0.1:6514\", ca: $C/ca.pem" $N
H="$WORK/log/host.log"
F="$WORK/tls.log"
tls_rsyslog_start otherserver anon
url='log forward tls://127.0.0.1:6514'
sv_wait_for "$url: the receiver's certificate is refused: .*issuer is unknown" 15 ||
	fail "expected host.log to refuse the certificate of another CA, got: $(grep tls:// "$H" | tail -n 2)"
tls_rsyslog_kill
tls_rsyslog_start wrongname anon
sv_wait_for "$url: the receiver's certificate is refused: .*does not match" 15 ||
	fail "expected host.log to refuse the certificate for another name, got: $(grep tls:// "$H" | tail -n 2)"
tls_rsyslog_kill
tls_rsyslog_start expired anon
sv_wait_for "$url: the receiver's certificate is refused: .*expired" 15 ||
	fail "expected host.log to refuse the expired certificate, got: $(grep tls:// "$H" | tail -n 2)"
tls_rsyslog_kill
[ ! -s "$F" ] || fail "expected the refused receivers to get nothing, got $(wc -l <"$F") lines: $(head -c 200 "$F")"
grep -q "$url: .*refused.*; retrying" "$H" || fail "expected the refusal in host.log itself"
tls_rsyslog_start server anon
log_wait_app "$F" counter $N 20 || fail "expected the $N spooled lines once the certificate is right, got $(log_app "$F" counter | wc -l)"
got=$(log_app "$F" counter | awk '{print $NF}')
[ "$got" = "$(seq 1 $N)" ] || fail "expected lines 1..$N once and in order, got $(echo "$got" | wc -l)"
grep "$url: .*refused" "$H" | sed 's/^/# /'
pass
