#!/bin/bash
# SPDX-License-Identifier: MIT
# A host on 0.1.0 checks a channel offering 0.2.0 to everyone over TLS: it
# finds 0.2.0, downloads it, and the file is the published bundle byte for
# byte; the trusted release version is stored, and the manifest published
# for its machine id is named. Over a wrong CA it refuses.
. "$(dirname "$0")/channel-common" channel-found
ch_bundle 0.2.0 200000
ch_publish add "$T/0.2.0.bundle"
echo "version: 1" >"$T/host.yaml"
ch_publish manifest "$T/host.yaml" --machine-id "$(cat "$T/host/machine-id")"
ch_nginx
ch_check --download "$T/dl"
[ "$RC" = 0 ] && pass "check exits 0" || fail "check exited $RC: $(cat "$T/out")"
expect_in "found 0.2.0 at 100%" '^found 0\.2\.0, bucket [0-9]+ < 100%$' "$T/out"
expect_in "names this host's manifest" '^manifest: manifests/[0-9a-f]{64}\.yaml \(for machine id 0123456789abcdef0123456789abcdef; not fetched\)$' "$T/out"
expect_in "downloaded, sha256 ok" '^downloaded: .*berth-0\.2\.0\.bundle \(' "$T/out"
if cmp -s "$T/0.2.0.bundle" "$T/dl/berth-0.2.0.bundle"; then pass "download is the bundle"
else fail "download differs from the published bundle"; fi
expect_in "release version stored" '^2 [0-9a-f]{64}$' "$T/host/state/channel/release.seen"
ch_check --json
if jq -e '.decision == "found" and .version == "0.2.0" and .release_version == 2' "$T/out" >/dev/null
then pass "--json says found 0.2.0"; else fail "--json: $(cat "$T/out")"; fi
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=other \
	-keyout "$T/other.key" -out "$T/other.pem" 2>/dev/null
ch_check --ca "$T/other.pem"
[ "$RC" = 1 ] && grep -q "certificate" "$T/out" && pass "another CA refused: $(grep -m1 certificate "$T/out")" ||
	fail "another CA: exit $RC: $(cat "$T/out")"
ch_done
