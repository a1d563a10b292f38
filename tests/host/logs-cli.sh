#!/bin/bash
# SPDX-License-Identifier: MIT
# berthctl logs over generated log files (the format of supervisor/logfile.c):
# rotated files first and in numeric order, --tail across files and without
# reading the history, --since by the records' timestamps, -f through
# appends, rotations and a truncation, and its errors.
set -u
: "${BUILD:?run through tests/run}" "${TOP:?run through tests/run}"
T=logs-cli
pass() { echo "pass: $T"; exit 0; }
skip() { echo "skip: $T: $1"; exit 0; }
fail() { echo "fail: $T: $1"; exit 1; }
WORK=$(mktemp -d /tmp/logs-cli.XXXXXX)
FPID=
cleanup() {
	[ -n "$FPID" ] && kill "$FPID" 2>/dev/null
	rm -rf "$WORK"
}
trap cleanup EXIT
B="$BUILD/berthctl"
make --no-print-directory -s -C "$TOP" BUILD="$BUILD" "$B" >"$WORK/build" 2>&1 ||
	fail "build berthctl: $(tail -n 3 "$WORK/build" | tr '\n' ' ')"
L="$WORK/log"
mkdir -p "$L"
cat >"$WORK/m.yaml" <<'YAML'
version: 1
containers:
  web: {image: "dir:busybox"}
  db: {image: "dir:busybox"}
YAML
logs() { "$B" logs --dir "$L" --manifest "$WORK/m.yaml" "$@"; }
# In the background berthctl itself, not a subshell, so that $! is its pid.
logs_bg() { # OUT ERR ARGS...
	"$B" logs --dir "$L" --manifest "$WORK/m.yaml" "${@:3}" >"$1" 2>"$2" &
	FPID=$!
}

# 1100 records, 10 s apart, the newest 5 s ago: web.log.10 (oldest) down to
# web.log.1 and web.log hold 100 each, so 10 sorts after 9 only numerically.
# Every 7th line is stderr, every 50th a continued piece ("stdout+").
N=1100
now=$(date +%s)
awk -v n=$N -v now="$now" -v dir="$L" 'BEGIN {
	for (i = 1; i <= n; i++) {
		t = now - (n - i) * 10 - 5
		s = i % 7 == 0 ? "stderr" : i % 50 == 0 ? "stdout+" : "stdout"
		k = int((n - i) / 100)
		f = k ? dir "/web.log." k : dir "/web.log"
		printf "%s.%06dZ %s line %d\n", strftime("%Y-%m-%dT%H:%M:%S", t, 1), i % 1000000, s, i >f
	}
}'
files=$(cd "$L" && ls | sort -V | tr '\n' ' ')
[ "$files" = "web.log web.log.1 web.log.2 web.log.3 web.log.4 web.log.5 web.log.6 web.log.7 web.log.8 web.log.9 web.log.10 " ] ||
	fail "expected web.log and web.log.1..10 generated, got $files"
nums() { awk '{print $NF}'; }
expect() { # WHAT WANT GOT
	[ "$2" = "$3" ] || fail "expected $1, got $(echo "$3" | wc -l) lines, first difference: $(diff <(echo "$2") <(echo "$3") | sed -n 2p)"
}

got=$(logs web) || fail "expected logs web to succeed, got status $?"
expect "every record 1..$N oldest first" "$(seq 1 $N)" "$(echo "$got" | nums)"
[ "$(echo "$got" | sed -n 50p)" = "$(sed -n 50p "$L/web.log.10")" ] ||
	fail "expected records printed as stored, got \"$(echo "$got" | sed -n 50p)\" for \"$(sed -n 50p "$L/web.log.10")\""
expect "--tail 5: records 1096..1100" "$(seq 1096 $N)" "$(logs --tail 5 web | nums)"
expect "--tail 150 across two files: 951..1100" "$(seq 951 $N)" "$(logs --tail 150 web | nums)"
expect "--tail 100: exactly web.log" "$(seq 1001 $N)" "$(logs --tail 100 web | nums)"
expect "--tail 101: one from web.log.1" "$(seq 1000 $N)" "$(logs --tail 101 web | nums)"
expect "--tail 5000: everything" "$(seq 1 $N)" "$(logs --tail 5000 web | nums)"
[ -z "$(logs --tail 0 web)" ] || fail "expected --tail 0 to print nothing, got some"
# 30 minutes back: records whose time is at most 1800 s ago, 1100-179..1100
# (each sits 5 s off a 10 s step, so a few seconds of test time don't matter).
expect "--since 30m: 921..1100" "$(seq 921 $N)" "$(logs --since 30m web | nums)"
expect "--since 1h30m: 561..1100" "$(seq 561 $N)" "$(logs --since 1h30m web | nums)"
expect "--since 30m --tail 10" "$(seq 1091 $N)" "$(logs --since 30m --tail 10 web | nums)"
expect "--since 1s: nothing" "" "$(logs --since 1s web)"
expect "--since 48h: everything" "$(seq 1 $N)" "$(logs --since 48h web | nums)"

# A last line without newline is printed with one.
printf '%s stdout no newline' "$(date -u +%Y-%m-%dT%H:%M:%S.000000Z)" >>"$L/web.log"
logs --tail 1 web | od -c | grep -q 'e  \\n' || fail "expected the unfinished last line with a newline, got $(logs --tail 1 web | od -c | tail -n 2)"
[ "$(logs web | tail -n 2 | head -n 1 | nums)" = $N ] || fail "expected line $N before the unfinished one"

# --host reads host.log the same way.
echo "$(date -u +%Y-%m-%dT%H:%M:%S.000000Z) kernel berth-drop IN=eth0" >"$L/host.log"
[ "$("$B" logs --dir "$L" --host)" = "$(cat "$L/host.log")" ] || fail "expected --host to print host.log, got $("$B" logs --dir "$L" --host 2>&1)"

# --tail reads backwards: on a 50 MB history it reads a few blocks, and no
# command holds the history in memory.
awk -v dir="$L" 'BEGIN { for (i = 1; i <= 500000; i++) printf "2026-11-22T20:00:00.000000Z stdout %070d\n", i >dir "/db.log" }'
if command -v strace >/dev/null; then
	strace -f -e trace=read,pread64 -o "$WORK/strace" "$B" logs --dir "$L" --manifest "$WORK/m.yaml" --tail 10 db >/dev/null ||
		fail "expected --tail 10 db to succeed under strace"
	bytes=$(grep -E 'pread64\(|read\(' "$WORK/strace" | grep -v 'ELF' | sed -nE 's/.*= ([0-9]+)$/\1/p' | awk '{s += $1} END {print s + 0}')
	[ "$bytes" -lt 1048576 ] || fail "expected --tail 10 to read under 1 MiB of a 50 MB file, read $bytes bytes"
fi
rss=$( { /usr/bin/time -f '%M' "$B" logs --dir "$L" --manifest "$WORK/m.yaml" db >/dev/null; } 2>&1 | tail -n 1)
[ "$rss" -lt 20000 ] || fail "expected printing a 50 MB log in under 20 MB of memory, took $rss KiB"

# Errors.
check() { # WANT-STATUS WANT-MESSAGE-RE ARGS...
	local want=$1 re=$2 got msg
	shift 2
	msg=$("$@" 2>&1)
	got=$?
	[ "$got" = "$want" ] || fail "expected $* to exit $want, got $got: $msg"
	echo "$msg" | grep -qE -- "$re" || fail "expected $* to say /$re/, got: $msg"
}
check 1 "^berthctl: logs: no container named \"wbe\" in $WORK/m.yaml \\(did you mean \"web\"\\?\\)$" logs wbe
check 1 'no container named "zzzzz" in [^ ]*m.yaml$' logs zzzzz
rm "$L/db.log"
check 1 "^berthctl: logs db: no log yet \\(no $L/db.log\\)$" logs db
check 1 "^berthctl: $WORK/none.yaml: cannot read: No such file or directory$" "$B" logs --dir "$L" --manifest "$WORK/none.yaml" web
check 1 "^berthctl: logs: cannot check the container name against $WORK/none.yaml$" "$B" logs --dir "$L" --manifest "$WORK/none.yaml" web
check 111 "^berthctl: logs web: $WORK/none: No such file or directory$" "$B" logs --dir "$WORK/none" --manifest "$WORK/m.yaml" web
check 2 'logs: --since "5": missing unit' logs --since 5 web
check 2 'logs: --tail "-3": must not be negative' logs --tail -3 web
check 2 'logs: --host takes no container name' logs --host web
check 2 'logs: expected a container name or --host' logs
check 2 'logs: unknown option "--bogus"' logs --bogus web
rm "$L/host.log"
check 1 "no log yet \\(no $L/host.log\\)" "$B" logs --dir "$L" --host

# -f: the last 2 records, then appends, a rotation (max_files 3: the oldest
# falls off), two rotations between looks, a truncation (max_files 1), a
# file removed and made anew, three rotations between looks, and a rotated
# file removed before it was read.
rm -f "$L"/web.log*
rec() { echo "$(date -u +%Y-%m-%dT%H:%M:%S.000000Z) stdout line $1"; }
for i in 1 2 3; do rec $i >>"$L/web.log"; done
rotate() {
	mv -f "$L/web.log.1" "$L/web.log.2" 2>/dev/null
	mv "$L/web.log" "$L/web.log.1"
}
logs_bg "$WORK/f.out" "$WORK/f.err" -f --tail 2 web
waitfor() { # LINE-NUMBER
	local i
	for i in $(seq 50); do
		[ "$(tail -n 1 "$WORK/f.out" | nums)" = "$1" ] && return 0
		sleep 0.1
	done
	fail "expected -f to print line $1 within 5 s, got: $(tail -n 3 "$WORK/f.out" | tr '\n' '|') $(cat "$WORK/f.err")"
}
waitfor 3
rec 4 >>"$L/web.log"
waitfor 4
rec 5 >>"$L/web.log"
rotate
rec 6 >"$L/web.log"
waitfor 6
rec 7 >>"$L/web.log"
rotate
rec 8 >"$L/web.log"
rotate
rec 9 >"$L/web.log"
waitfor 9
for i in 10 11 12; do rec $i >>"$L/web.log"; done
waitfor 12
: >"$L/web.log"
rec 13 >>"$L/web.log"
waitfor 13
rm "$L/web.log"
rec 14 >"$L/web.log"
waitfor 14
# Three rotations while the follower is stopped: the file it reads falls
# off the end (max_files 3); what remains is printed, and it says so.
kill -STOP "$FPID"
rec 15 >>"$L/web.log"
rotate
rec 16 >"$L/web.log"
rotate
rec 17 >"$L/web.log"
rotate
rec 18 >"$L/web.log"
kill -CONT "$FPID"
waitfor 18
grep -q "^berthctl: logs: $L/web.log: a rotated file went away before it was read: lines may have been missed$" "$WORK/f.err" ||
	fail "expected -f to say lines may have been missed, got: $(cat "$WORK/f.err")"
# A rotated file removed by hand before it was read: a gap for good.
kill -STOP "$FPID"
rec 19 >>"$L/web.log"
rotate
rec 20 >"$L/web.log"
rotate
rec 21 >"$L/web.log"
rm "$L/web.log.1"
kill -CONT "$FPID"
waitfor 21
kill "$FPID"
wait "$FPID" 2>/dev/null
FPID=
expect "-f to print 2..19 and 21 once each, in order" "$(seq 2 19; echo 21)" "$(nums <"$WORK/f.out")"
[ "$(grep -c 'went away before it was read' "$WORK/f.err")" = 2 ] ||
	fail "expected -f to tell of the removed file too, got: $(cat "$WORK/f.err")"
# -f on a container without a log yet waits for it.
logs_bg "$WORK/g.out" "$WORK/g.err" -f db
sleep 0.3
grep -q "no log yet (no $L/db.log); waiting for it" "$WORK/g.err" || fail "expected -f to say it waits for db.log, got: $(cat "$WORK/g.err")"
rec 1 >"$L/db.log"
for i in $(seq 50); do
	[ -s "$WORK/g.out" ] && break
	sleep 0.1
done
[ "$(nums <"$WORK/g.out")" = 1 ] || fail "expected -f to print db.log once it appeared, got: $(cat "$WORK/g.out")"
pass
