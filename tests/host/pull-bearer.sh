#!/bin/bash
# SPDX-License-Identifier: MIT
# Against a registry that wants Bearer tokens (tests/host/pull-token-registry):
# the 401's challenge sends the pull to the token service with the basic
# credentials, the token opens the manifest and blobs, and a blob redirected
# to storage on another host name is fetched without any Authorization
# header. A wrong password at the token service is a clear 401.
. "$(dirname "$0")/pull-common"
pull_init pull-bearer
PORT=$(free_port)
REG=127.0.0.1:$PORT
"$TOP/tests/host/pull-token-registry" "$WORK/oci" "$PORT" "$WORK/certs/server.crt" \
	"$WORK/certs/server.key" >"$WORK/registry.log" 2>&1 &
REG_PID=$!
for i in $(seq 50); do
	grep -q ready "$WORK/registry.log" && break
	sleep 0.1
done
grep -q ready "$WORK/registry.log" || fail "the token registry did not start"
auth_file alice right-horse
bctl pull $(pull_opts) "$REG/team/web:test" || fail "expected the pull with a token to succeed"
grep -q '^GET /token?service=test&scope=repository%3Ateam%2Fweb%3Apull auth=Basic$' "$WORK/registry.log" ||
	fail "expected the token fetched with basic credentials and the challenge's scope"
grep -q '^GET /v2/team/web/blobs/sha256:[0-9a-f]* auth=Bearer$' "$WORK/registry.log" ||
	fail "expected blobs asked for with the token"
n=$(grep -c '^GET /storage/' "$WORK/registry.log")
[ "$n" -ge 2 ] || fail "expected the blobs fetched from the redirect, got $n"
! grep -q '^GET /storage/.* auth=[^n]' "$WORK/registry.log" ||
	fail "expected no Authorization sent to the storage host: $(grep '^GET /storage/' "$WORK/registry.log")"
[ -n "$(ls "$STORE/unpacked")" ] || fail "expected the image unpacked"
rm -rf "$STORE"
auth_file alice wrong-horse
bctl pull $(pull_opts) "$REG/team/web:test" && fail "expected a wrong password refused"
grep -q "registry $REG: authentication failed (401) for user alice" "$WORK/err" ||
	fail "expected \"authentication failed (401) for user alice\", got: $(cat "$WORK/err")"
pass
