#!/bin/bash
# SPDX-License-Identifier: MIT
# A slow console never holds a container back: the supervisor's stdout is a
# pipe read at about 2 KB/s for 5 s (a serial console is 11.5 KB/s at
# 115200 baud), then at full speed.
# A container printing 20 000 lines is done, all of them in its log file,
# in seconds; the console skips what it cannot take and says how many
# once it has caught up; no line on it is cut or mixed with another.
. "$(dirname "$0")/sv-common"
sv_init slow-console
cat >"$WORK/m.yaml" <<'YAML'
version: 1
containers:
  chatty:
    image: dir:busybox
    command: ["/bin/sh", "-c", "i=0; while [ $i -lt 20000 ]; do echo line $i; i=$((i + 1)); done; echo chatty done; sleep 1000"]
    network_mode: none
YAML
mkfifo "$WORK/console"
# The slow reader: 200 bytes every 0.1 s, into console.log.
python3 -c '
import os, sys, time
src = os.open(sys.argv[1], os.O_RDONLY)
dst = open(sys.argv[2], "wb", buffering=0)
slow_until = time.time() + 5
while True:
    b = os.read(src, 200 if time.time() < slow_until else 65536)
    if not b:
        break
    dst.write(b)
    if time.time() < slow_until:
        time.sleep(0.1)
' "$WORK/console" "$WORK/console.log" &
READER=$!
OUT=$WORK/console
sv_start "$WORK/m.yaml"
OUT=$WORK/console.log
start=$SECONDS
for i in $(seq 300); do
	grep -q ' chatty done$' "$WORK/log/chatty.log" 2>/dev/null && break
	sleep 0.1
done
took=$((SECONDS - start))
n=$(grep -c ' line [0-9]*$' "$WORK/log/chatty.log" 2>/dev/null)
[ "$n" = 20000 ] || fail "expected 20000 lines in the log file within 30 s, got $n"
echo "# figures: 20000 lines logged in ${took} s with the console taking 2 KB/s"
[ "$took" -le 4 ] || fail "expected the container not to wait for the console (done in $took s)"
# The supervisor's next own line (here: stopping) brings the note.
kill -TERM "$SV_PID"
for i in $(seq 100); do
	grep -q 'supervisor: console: [0-9]* container lines skipped' "$WORK/console.log" && break
	sleep 0.2
done
grep -q 'supervisor: console: [0-9]* container lines skipped' "$WORK/console.log" ||
	fail "expected the console to say how many lines it skipped, got: $(tail -c 300 "$WORK/console.log")"
kill "$SV_PID" 2>/dev/null
kill "$READER" 2>/dev/null
# The console took parts of lines at times (a non-blocking pipe takes what
# fits): every line on it is still whole, and the container's in order.
bad=$(grep -vE '^(chatty: line [0-9]+|chatty: chatty done|supervisor: .*)$' "$WORK/console.log" | head -n 3)
[ -z "$bad" ] || fail "expected only whole lines on the console, got: $bad"
grep -oE '^chatty: line [0-9]+$' "$WORK/console.log" | cut -d' ' -f3 | sort -c -n 2>/dev/null ||
	fail "expected the container's lines on the console in order"
# Nothing is lost without a count: the lines the console shows and the
# lines it says it skipped are all 20001 the container printed.
shown=$(grep -cE '^chatty: ' "$WORK/console.log")
skipped=$(grep -oE 'supervisor: console: [0-9]+ container lines skipped' "$WORK/console.log" |
	awk '{ n += $3 } END { print n + 0 }')
[ $((shown + skipped)) = 20001 ] ||
	fail "expected the console's lines ($shown) and its skipped count ($skipped) to add up to 20001"
pass
