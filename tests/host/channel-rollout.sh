#!/bin/bash
# SPDX-License-Identifier: MIT
# A release rolled out to 34%: of three machine ids whose buckets are 33,
# 34 and 12 (SHA-256 of "berth-rollout:" and the id, first 8 bytes mod
# 100, computed here independently with python3), exactly those below 34
# are offered 0.2.0; the other waits.
. "$(dirname "$0")/channel-common" channel-rollout
ch_bundle 0.2.0
ch_publish add "$T/0.2.0.bundle" --percent 34
ch_nginx
buckets=
for id in m71 m138 host-5; do
	want=$(python3 -c 'import hashlib, sys
d = hashlib.sha256(b"berth-rollout:" + sys.argv[1].encode()).digest()
print(int.from_bytes(d[:8], "big") % 100)' "$id")
	ch_check --machine-id "$id"
	got=$(sed -n 's/^bucket: \([0-9]*\) .*/\1/p' "$T/out")
	[ "$got" = "$want" ] && pass "$id: bucket $got" || fail "$id: bucket '$got', expected $want"
	buckets="$buckets $id=$got"
	if [ "$want" -lt 34 ]; then
		expect_in "$id: offered 0.2.0" "^found 0\.2\.0, bucket $want < 34%$" "$T/out"
	else
		expect_in "$id: waits" "^found 0\.2\.0, waiting: bucket $want >= 34% now$" "$T/out"
	fi
done
echo "# figures: buckets at a 34% rollout:$buckets"
ch_done
