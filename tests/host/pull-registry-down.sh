#!/bin/bash
# SPDX-License-Identifier: MIT
# With no registry listening, a pull retries with backoff the given number
# of times, then fails with a plain reason; with --retries 0 it fails at
# once; a 404 for an unknown tag is not retried and names the reference.
. "$(dirname "$0")/pull-common"
pull_init pull-registry-down
PORT=$(free_port)
REG=127.0.0.1:$PORT
auth_file alice right-horse
start=$(date +%s%N)
bctl pull $(pull_opts) --retries 3 --retry-delay 100 "$REG/team/web:1.4" &&
	fail "expected the pull to fail with the registry down"
ms=$((($(date +%s%N) - start) / 1000000))
[ "$(grep -c 'retrying in' "$WORK/err")" = 3 ] || fail "expected 3 retries noted, got: $(cat "$WORK/err")"
grep -q "registry $REG: Couldn't connect to server (gave up after 3 retries)" "$WORK/err" ||
	fail "expected a plain reason, got: $(tail -n 1 "$WORK/err")"
[ "$ms" -ge 700 ] || fail "expected backoff of 100+200+400 ms, took $ms ms"
echo "# figures: 3 retries with the registry down took $ms ms"
# Up now: an unknown tag is a 404, once.
reg_start
reg_push 1.4
bctl pull $(pull_opts) "$REG/team/web:9.9" && fail "expected an unknown tag to fail"
grep -q "$REG/team/web:9.9: not found in the registry (404" "$WORK/err" ||
	fail "expected a 404 naming the reference, got: $(cat "$WORK/err")"
! grep -q 'retrying' "$WORK/err" || fail "expected a 404 not retried"
# The registry goes down, then comes back within the retries.
reg_stop
(sleep 0.5 && exec docker-registry serve "$WORK/config.yml" >>"$WORK/registry.log" 2>&1) &
REG_PID=$!
bctl pull $(pull_opts) --retries 6 --retry-delay 200 "$REG/team/web:1.4" ||
	fail "expected the pull to succeed once the registry is back"
grep -q 'retrying in' "$WORK/err" || fail "expected retries while the registry was down"
pass
