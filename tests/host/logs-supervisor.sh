#!/bin/bash
# SPDX-License-Identifier: MIT
# berthctl logs on what the real supervisor writes: a container's output,
# stdout and stderr, every line once and in order across the supervisor's
# own rotations (small max_size), both afterwards and followed (-f) while
# the container prints.
. "$(dirname "$0")/sv-common"
sv_init logs-supervisor
FPID=
logs_cleanup() {
	[ -n "$FPID" ] && kill "$FPID" 2>/dev/null
	sv_cleanup
}
trap logs_cleanup EXIT
B="$BUILD/berthctl"
make --no-print-directory -s -C "$TOP" BUILD="$BUILD" "$B" >"$WORK/build-ctl" 2>&1 ||
	fail "build berthctl: $(tail -n 3 "$WORK/build-ctl" | tr '\n' ' ')"
N=2000
# About 45 bytes a record: some 22 files of 4 KiB, all kept.
cat >"$WORK/m.yaml" <<YAML
version: 1
logging:
  local: {max_size: 4k, max_files: 40}
containers:
  web:
    image: dir:busybox
    network_mode: none
    command: ["/bin/sh", "-c", "sleep 1; echo starting >&2; i=1; while [ \$i -le $N ]; do echo line \$i; i=\$((i+1)); done"]
YAML
logs() { "$B" logs --dir "$WORK/log" --manifest "$WORK/m.yaml" "$@"; }
sv_start "$WORK/m.yaml"
for i in $(seq 50); do
	[ -e "$WORK/log/web.log" ] && break
	sleep 0.1
done
[ -e "$WORK/log/web.log" ] || fail "expected the supervisor to open $WORK/log/web.log within 5 s"
"$B" logs --dir "$WORK/log" --manifest "$WORK/m.yaml" -f web >"$WORK/f.out" 2>"$WORK/f.err" &
FPID=$! # berthctl's own, not a subshell's
sv_wait_for '^supervisor: container web: exited' 15 || fail "expected web to exit within 15 s, got no exit line"
for i in $(seq 50); do
	[ "$(tail -n 1 "$WORK/f.out" | awk '{print $NF}')" = $N ] && break
	sleep 0.1
done
kill "$FPID" 2>/dev/null
wait "$FPID" 2>/dev/null
FPID=
nfiles=$(ls "$WORK/log" | grep -c '^web\.log')
[ "$nfiles" -gt 10 ] || fail "expected the supervisor to rotate web.log over 10 times, got $nfiles files"
ts='[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z'
for what in after follow; do
	if [ $what = after ]; then
		out=$(logs web) || fail "expected logs web to succeed, got status $?"
	else
		out=$(cat "$WORK/f.out")
	fi
	first=$(echo "$out" | head -n 1)
	echo "$first" | grep -qE "^$ts stderr starting$" || fail "expected ($what) the stderr line first, got \"$first\""
	got=$(echo "$out" | tail -n +2 | grep -E "^$ts stdout line " | awk '{print $NF}')
	[ "$got" = "$(seq 1 $N)" ] || fail "expected ($what, $nfiles files) lines 1..$N once and in order, got $(echo "$got" | wc -l) lines, first difference: $(diff <(seq 1 $N) <(echo "$got") | sed -n 2p); $(cat "$WORK/f.err")"
	[ "$(echo "$out" | wc -l)" = $((N + 1)) ] || fail "expected ($what) $((N + 1)) records, got $(echo "$out" | wc -l)"
done
[ "$(logs --tail 3 web | awk '{print $NF}' | tr '\n' ' ')" = "1998 1999 2000 " ] ||
	fail "expected --tail 3 to print lines 1998..2000, got $(logs --tail 3 web)"
sv_stop 5 || fail "expected the supervisor to exit on SIGTERM within 5 s"
pass
