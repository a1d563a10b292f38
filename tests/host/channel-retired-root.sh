#!/bin/bash
# SPDX-License-Identifier: MIT
# Key rotation: the channel's root moves from key A to key B and its
# release key from R1 to R2 (2.root.json signed by A and B). A host that
# trusts version 1 follows to version 2; release.json still signed by the
# retired R1 is refused until the publisher re-signs it with R2. Then
# someone who still holds the retired root key A publishes a 3.root.json
# signed by A alone (made on a copy of the channel from before the
# rotation): the host, which trusts version 2, refuses it and keeps 2.
. "$(dirname "$0")/channel-common" channel-retired-root
ch_bundle 0.2.0
ch_publish add "$T/0.2.0.bundle"
cp -a "$CH" "$T/fork"
"$PUB" keygen "$T/k2" >/dev/null
"$PUB" rotate-root "$CH" --root-key "$K/channel-root.key" --new-root-key "$T/k2/channel-root.key" \
	--new-release-key "$T/k2/channel-release.pub" >/dev/null || { fail "rotate-root"; exit 1; }
ch_nginx
ch_check
expect_in "root 2 accepted" '^berthctl: update check: release: release.json: below threshold: 0 of 1 release signatures valid; unknown key' "$T/out"
cmp -s "$CH/2.root.json" "$T/host/state/channel/root.json" && pass "root 2 stored" ||
	fail "root 2 not stored"
"$PUB" refresh "$CH" --release-key "$T/k2/channel-release.key" >/dev/null
ch_check
expect_in "release signed by the new key accepted" '^release: version 2$' "$T/out"
expect_in "root version 2 in use" '^root: version 2$' "$T/out"
# The holder of A: a root 2 and then a 3 whose root key is A, each signed by A.
"$PUB" rotate-root "$T/fork" --root-key "$K/channel-root.key" --new-root-key "$K/channel-root.key" >/dev/null &&
"$PUB" rotate-root "$T/fork" --root-key "$K/channel-root.key" --new-root-key "$K/channel-root.key" >/dev/null ||
	{ fail "fork rotate-root"; exit 1; }
cp "$T/fork/3.root.json" "$CH/3.root.json"
ch_check
[ "$RC" = 1 ] && pass "root 3 signed by the retired key refused" || fail "exit $RC: $(cat "$T/out")"
expect_in "says why" '3\.root\.json: root version 3: below threshold: 0 of 1 old root signatures valid; unknown key' "$T/out"
cmp -s "$CH/2.root.json" "$T/host/state/channel/root.json" && pass "root 2 still trusted" ||
	fail "the stored root changed"
ch_done
