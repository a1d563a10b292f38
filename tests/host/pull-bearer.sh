#!/bin/bash
# SPDX-License-Identifier: MIT
# Against a registry that wants Bearer tokens (tests/host/pull-token-registry):
# the 401's challenge sends the pull to the token service with the basic
# credentials, the token opens the manifest and blobs, and a blob redirected
# to storage on another host name is fetched without any Authorization
# header. A wrong password at the token service is a clear 401. A tag that
# names an index gets its linux/amd64 image; a blob longer than its
# descriptor says is cut off and refused.
. "$(dirname "$0")/pull-common"
pull_init pull-bearer

# token_registry MODE: (re)starts the stand-in on $PORT.
token_registry() {
	[ -z "$REG_PID" ] || reg_stop
	"$TOP/tests/host/pull-token-registry" "$WORK/oci" "$PORT" "$WORK/certs/server.crt" \
		"$WORK/certs/server.key" "$1" >"$WORK/registry.log" 2>&1 &
	REG_PID=$!
	for i in $(seq 50); do
		grep -q ready "$WORK/registry.log" && return 0
		sleep 0.1
	done
	fail "the token registry ($1) did not start"
}
PORT=$(free_port)
REG=127.0.0.1:$PORT
auth_file alice right-horse
token_registry plain
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
auth_file alice right-horse
token_registry index
bctl pull $(pull_opts) --json "$REG/team/web:test" || fail "expected the pull through an index to succeed"
idx=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["digest"])' "$WORK/out")
img=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["manifests"][0]["digest"])' "$WORK/oci/index.json")
[ "$idx" != "$img" ] || fail "expected the reference to record the index's digest"
[ -d "$STORE/unpacked/${img#sha256:}/rootfs/bin" ] || fail "expected the amd64 image unpacked"
! grep -q "manifests/sha256:0000" "$WORK/registry.log" || fail "expected the arm64 entry left alone"
[ -f "$STORE/blobs/sha256/${idx#sha256:}" ] || fail "expected the index kept in blobs/"
rm -rf "$STORE"
token_registry oversize
bctl pull $(pull_opts) "$REG/team/web:test" && fail "expected an oversized blob refused"
grep -q "the registry sent more than the [0-9]* bytes its descriptor says" "$WORK/err" ||
	fail "expected the size cap named, got: $(cat "$WORK/err")"
[ "$(store_count tmp)" = 0 ] && [ "$(store_count blobs/sha256)" = 0 ] ||
	fail "expected nothing kept of the oversized blob"
pass
