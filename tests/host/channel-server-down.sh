#!/bin/bash
# SPDX-License-Identifier: MIT
# Transient failures: with nothing listening, the check tries 3 more times
# with backoff (0.25, 0.5, 1 s), then says it could not connect; a server
# that answers 503 for release.json is retried the same way. Nothing is
# stored either time.
. "$(dirname "$0")/channel-common" channel-server-down
ch_bundle 0.2.0
ch_publish add "$T/0.2.0.bundle"
ch_tls
start=$(date +%s.%N)
ch_check --retries 3
took=$(echo "$(date +%s.%N) - $start" | bc)
[ "$RC" = 1 ] && pass "exit 1" || fail "exit $RC: $(cat "$T/out")"
expect_in "three retries announced" 'trying again \(3 of 3\)' "$T/out"
expect_in "a clear error" "^berthctl: update check: root: $URL/2.root.json: Couldn't connect to server \(4 tries\)" "$T/out"
[ -z "$(ls "$T/host/state/channel")" ] && pass "nothing stored" || fail "stored: $(ls "$T/host/state/channel")"
ch_nginx 'location = /release.json { return 503; }'
ch_check --retries 2
expect_in "503 retried, then named" "release.json: HTTP status 503 \(3 tries\)" "$T/out"
[ "$(grep -c 'GET /release.json HTTP/1.1 503' "$T/access.log")" = 3 ] && pass "3 requests for release.json" ||
	fail "$(grep -c 'GET /release.json' "$T/access.log") requests for release.json"
echo "# figures: server down: 4 tries in $took s"
ch_done
