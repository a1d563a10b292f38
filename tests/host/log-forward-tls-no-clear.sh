#!/bin/bash
# SPDX-License-Identifier: MIT
# No fallback to plain text: a plain TCP listener (no TLS) at a tls://
# target's address gets TLS handshakes only, never a syslog message, and
# host.log says the handshake failed.
. "$(dirname "$0")/sv-common"
. "$(dirname "$0")/log-common"
. "$(dirname "$0")/tls-common"
sv_init log-forward-tls-no-clear
command -v python3 >/dev/null || skip "needs python3"
make --no-print-directory -s -C "$TOP" BUILD="$BUILD" "$BUILD/tls-send" >"$WORK/build-tls" 2>&1 ||
	fail "build: $(tail -n 3 "$WORK/build-tls" | tr '\n' ' ')"
tls_certs
N=100
tls_start "url: \"tls://127.0.0.1:6514\", ca: $C/ca.pem" $N
# Takes connections for 6 s, keeps every byte, answers nothing.
nsenter --net="/proc/$SV_PID/ns/net" python3 -c '
import socket, sys, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 6514)); s.listen(8); s.settimeout(0.2)
out = open(sys.argv[1], "wb"); conns = []; end = time.time() + 6
while time.time() < end:
    try:
        c, _ = s.accept(); c.setblocking(False); conns.append(c)
    except socket.timeout:
        pass
    for c in conns:
        try:
            out.write(c.recv(65536))
        except BlockingIOError:
            pass
    out.flush()
' "$WORK/wire" &
PY=$!
wait "$PY"
[ -s "$WORK/wire" ] || fail "expected the sender to connect and send a handshake, got nothing"
[ "$(head -c 1 "$WORK/wire" | od -An -tx1 | tr -d ' ')" = 16 ] ||
	fail "expected a TLS handshake record (0x16) first, got: $(head -c 16 "$WORK/wire" | od -An -c)"
! grep -aq 'line [0-9]' "$WORK/wire" || fail "expected no syslog message in clear, got: $(grep -ao 'line [0-9]*' "$WORK/wire" | head -n 1)"
grep -q 'log forward tls://127.0.0.1:6514: handshake: .*; retrying' "$WORK/log/host.log" ||
	fail "expected host.log to say the handshake failed, got: $(grep tls:// "$WORK/log/host.log" | tail -n 2)"
grep 'log forward tls://' "$WORK/log/host.log" | sed 's/^/# /'
pass
