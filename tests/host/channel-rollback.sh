#!/bin/bash
# SPDX-License-Identifier: MIT
# Rollback: a host that has seen release version 2 refuses the channel's
# older signed release.json (version 1, replayed by a server or a mirror),
# and keeps what it had seen.
. "$(dirname "$0")/channel-common" channel-rollback
ch_bundle 0.2.0
ch_publish add "$T/0.2.0.bundle"
cp "$CH/release.json" "$T/release-1.json"
ch_publish refresh
ch_nginx
ch_check
expect_in "release 2 accepted" '^release: version 2$' "$T/out"
cp "$T/release-1.json" "$CH/release.json"
touch -d '1 hour ago' "$CH/release.json" # another ETag than version 2's
ch_check
[ "$RC" = 1 ] && pass "release 1 refused" || fail "exit $RC: $(cat "$T/out")"
expect_in "names the versions" 'version rollback: seen release 2, got 1' "$T/out"
expect_in "state still says 2" '^2 ' "$T/host/state/channel/release.seen"
ch_done
