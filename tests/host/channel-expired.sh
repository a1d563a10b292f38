#!/bin/bash
# SPDX-License-Identifier: MIT
# Freeze: a release.json that expires 3 s after it is signed is accepted
# at once; once it has expired the host refuses it, naming the date: the
# server answers 304, the stored copy is verified again and found expired,
# the document is fetched in full once more, and it is refused.
. "$(dirname "$0")/channel-common" channel-expired
ch_bundle 0.2.0
ch_publish add "$T/0.2.0.bundle" --expires 3s
ch_nginx
ch_check
[ "$RC" = 0 ] && pass "accepted before it expires" || fail "refused at once: $(cat "$T/out")"
sleep 3.5
ch_check
[ "$RC" = 1 ] && pass "refused after it expired" || fail "exit $RC: $(cat "$T/out")"
expect_in "the stored copy is found expired after a 304" \
	'release.json \(stored, not modified\): expired: release.json expired on 20[0-9-]+T[0-9:]+Z; fetching release.json in full' "$T/out"
expect_in "then the full document is refused, with the date" \
	'^berthctl: update check: release: release.json: expired: release.json expired on 20[0-9-]+T[0-9:]+Z$' "$T/out"
expect_in "nginx saw the 304 and then the full fetch" 'GET /release.json HTTP/1.1 304' "$T/access.log"
ch_done
