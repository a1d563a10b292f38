#!/bin/bash
# SPDX-License-Identifier: MIT
# A client key others may read (mode 0644) is refused at use, with a line
# in host.log that names the target, the file and its mode, and never its
# contents; made 0600, it is used and the spooled lines arrive.
. "$(dirname "$0")/sv-common"
. "$(dirname "$0")/log-common"
. "$(dirname "$0")/tls-common"
sv_init log-forward-tls-key-mode
tls_certs
N=100
chmod 0644 "$C/client.key"
tls_start "url: \"tls://127.0.0.1:6514\", ca: $C/ca.pem, cert: $C/client.pem, key: $C/client.key" $N
H="$WORK/log/host.log"
F="$WORK/tls.log"
tls_rsyslog_start server x509/certvalid
want="log forward tls://127.0.0.1:6514: key $C/client.key: mode 0644, others may read it; it must be 0600; retrying"
sv_wait_for "$want" 10 || fail "expected host.log to say: $want; got: $(grep tls:// "$H" | tail -n 2)"
grep -qF "$want" "$H" || fail "expected the line in host.log too"
sleep 1
[ ! -s "$F" ] || fail "expected nothing sent with a key others may read, got $(wc -l <"$F") lines"
# Not a byte of the key in what the supervisor says.
keyline=$(sed -n 2p "$C/client.key")
! grep -qF "$keyline" "$H" "$OUT" || fail "expected no key material in host.log or the console"
chmod 0600 "$C/client.key"
log_wait_app "$F" counter $N 20 || fail "expected the $N lines once the key is 0600, got $(log_app "$F" counter | wc -l); host.log: $(grep tls:// "$H" | tail -n 2)"
pass
