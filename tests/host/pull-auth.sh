#!/bin/bash
# SPDX-License-Identifier: MIT
# A wrong password is "authentication failed (401) for user U", never the
# password, and leaves nothing in the store; no credentials at all say so;
# a credentials file others may read is refused before any request.
. "$(dirname "$0")/pull-common"
pull_init pull-auth
reg_start
reg_push 1.4
auth_file alice wrong-horse
bctl pull $(pull_opts) "$REG/team/web:1.4" && fail "expected the pull with a wrong password to fail"
grep -q "registry $REG: authentication failed (401) for user alice" "$WORK/err" ||
	fail "expected \"authentication failed (401) for user alice\", got: $(cat "$WORK/err")"
! grep -q wrong-horse "$WORK/err" "$WORK/out" || fail "the password appears in the output"
expect_empty "after the failed pull" refs blobs/sha256 unpacked tmp
bctl pull --ca "$CA" --retries 0 --policy "$WORK/accept.json" "$REG/team/web:1.4" && fail "expected a pull without credentials to fail"
grep -q "authentication required (401) and no credentials" "$WORK/err" ||
	fail "expected \"no credentials\", got: $(cat "$WORK/err")"
auth_file alice right-horse
chmod 0644 "$WORK/auth.json"
n=$(grep -c 'GET /v2/' "$WORK/registry.log")
bctl pull $(pull_opts) "$REG/team/web:1.4" && fail "expected a credentials file of mode 0644 refused"
grep -q "must be a regular file of mode 0600 (it is 0644)" "$WORK/err" ||
	fail "expected the 0600 rule named, got: $(cat "$WORK/err")"
[ "$(grep -c 'GET /v2/' "$WORK/registry.log")" = "$n" ] ||
	fail "expected no request with a refused credentials file"
pass
