#!/bin/bash
# SPDX-License-Identifier: MIT
# Replays every input the fuzzer ever crashed on, and every malformed manifest
# of the corpus, through the ASan/UBSan build of the parser: none may crash.
set -u
cd "$TOP" || exit 1
if ! make --no-print-directory -s "$BUILD/fuzz/manifest" BUILD="$BUILD" >/tmp/fuzz-build.$$ 2>&1; then
	echo "fail: fuzz-harness-builds: $(tail -n 5 /tmp/fuzz-build.$$)"
	rm -f /tmp/fuzz-build.$$
	exit 1
fi
rm -f /tmp/fuzz-build.$$
for f in tests/fuzz/regress/* tests/manifests/bad/*.yaml; do
	[ -f "$f" ] || continue
	if out=$("$BUILD/fuzz/manifest" "$f" 2>&1); then
		echo "pass: replay $f"
	else
		echo "fail: replay $f: the parser crashed:"
		echo "$out" | grep -E 'ERROR|SUMMARY|runtime error' | head -n 5
	fi
done
