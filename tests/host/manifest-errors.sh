#!/bin/bash
# SPDX-License-Identifier: MIT
# Every malformed manifest in tests/manifests/bad/ is rejected by
# `berthctl validate` with exit 1, nothing on stdout, and exactly the errors
# of its .err file on stderr.
set -u
cd "$TOP" || exit 1
ctl="$BUILD/berthctl"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

n=0
for yaml in tests/manifests/bad/*.yaml; do
	name=$(basename "$yaml" .yaml)
	want="${yaml%.yaml}.err"
	n=$((n + 1))
	if [ ! -f "$want" ]; then
		echo "fail: bad/$name: no $want with the expected errors"
		continue
	fi
	"$ctl" validate "$yaml" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ $rc -ne 1 ]; then
		echo "fail: bad/$name: exit status $rc, expected 1"
	elif [ -s "$tmp/out" ]; then
		echo "fail: bad/$name: printed on stdout: $(head -c 200 "$tmp/out")"
	elif ! diff -u "$want" "$tmp/err" >"$tmp/diff"; then
		echo "fail: bad/$name: errors differ from $want (- expected, + got):"
		cat "$tmp/diff"
	else
		echo "pass: bad/$name"
	fi
done
if [ $n -lt 45 ]; then
	echo "fail: corpus-size: $n malformed manifests, expected at least 45"
else
	echo "pass: corpus-size: $n malformed manifests"
fi
