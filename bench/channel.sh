#!/bin/bash
# SPDX-License-Identifier: MIT
# The update channel's costs (docs/update.md, Channel), on loopback over
# TLS with Debian's nginx (tests/host/channel-common): the bytes a check
# puts on the wire when nothing changed (one conditional GET answered 304;
# target under 1 KiB) beside a first check, and the download of a 64 MiB
# bundle by the channel client (resumable, size-capped, SHA-256 checked)
# beside curl writing the same file. Best of 3.
. "$TOP/tests/host/channel-common" bench-channel
echo "VERSION_ID=0.1.0" >"$T/host/os-release"
ch_bundle 0.2.0 $((64 * 1048576))
ch_publish add "$T/0.2.0.bundle"
ch_nginx
wire() { sed -n 's/^wire: \([0-9]*\) bytes.*/\1/p' "$T/out"; }
ch_check
first=$(wire)
ch_check
second=$(wire)
echo "figure: channel check, first: $first bytes"
echo "figure: channel check, nothing changed (304): $second bytes (target < 1024)"
best() { sort -n | head -n 1; }
url=$(sed -n 's/.*"path": *"\(bundles\/[^"]*\)".*/\1/p' "$CH/release.json" | head -n 1)
for _ in 1 2 3; do
	rm -rf "$T/dl" && mkdir -p "$T/dl"
	s=$(date +%s%N)
	ch_check --download "$T/dl"
	echo $((($(date +%s%N) - s) / 1000000))
done | best >"$T/client.ms"
for _ in 1 2 3; do
	s=$(date +%s%N)
	curl -s --cacert "$T/tls/ca.pem" -o "$T/curl.out" "$URL/$url"
	echo $((($(date +%s%N) - s) / 1000000))
done | best >"$T/curl.ms"
mib=$(($(stat -c %s "$T/0.2.0.bundle") / 1048576))
echo "figure: channel download of a $mib MiB bundle: $(cat "$T/client.ms") ms (check, download, SHA-256)"
echo "peer: curl of the same bundle: $(cat "$T/curl.ms") ms (download only)"
