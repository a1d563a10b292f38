#!/bin/bash
# SPDX-License-Identifier: MIT
# A pull asks the trust policy first (image-pull/signatures.c, lib/trust):
# images pushed to a real registry and signed by skopeo (--sign-by, into a
# lookaside that a web server serves, as containers-registries.d(5) lays
# it out) are pulled when the policy's key signed them; an unsigned one
# and one signed by another key are refused, naming the image, its digest
# and the reason, and nothing of them is fetched into the store; a missing
# policy stops the pull with a clear error.
. "$(dirname "$0")/pull-common"
pull_init pull-signed
command -v gpg >/dev/null || skip "needs gpg (make deps)"
reg_start
"$TOP/image/image-keygen" "$WORK/team" >/dev/null 2>&1 &&
	"$TOP/image/image-keygen" "$WORK/stranger" >/dev/null 2>&1 || fail "image-keygen failed"
mkdir -p "$WORK/regd" "$WORK/sigstore"
printf 'docker:\n  %s:\n    lookaside-staging: file://%s\n' "$REG" "$WORK/sigstore" \
	>"$WORK/regd/default.yaml"

# push TAG [KEYDIR]: the test image as team/web:TAG, signed by KEYDIR's key.
push() {
	local sign=()
	[ -z "${2:-}" ] || sign=(--sign-by image-signer)
	GNUPGHOME=${2:+$WORK/$2/gnupg} skopeo --policy "$TOP/tests/host/accept-policy.json" \
		--registries.d "$WORK/regd" copy -q "${sign[@]}" --dest-cert-dir "$WORK/skopeo-certs" \
		--dest-creds alice:right-horse "oci:$WORK/oci:test" "docker://$REG/team/web:$1" \
		>"$WORK/push.out" 2>&1 || fail "skopeo copy to $REG/team/web:$1: $(tail -n 2 "$WORK/push.out")"
	[ -z "${2:-}" ] || GNUPGHOME=$WORK/$2/gnupg gpgconf --kill gpg-agent 2>/dev/null
}
mkdir -p "$WORK/skopeo-certs" && cp "$CA" "$WORK/skopeo-certs/ca.crt"
auth_file alice right-horse
push 1.4 team
ls "$WORK/sigstore/team/" | grep -q '^web@sha256=' || fail "skopeo wrote no signature: $(find "$WORK/sigstore")"

# The lookaside, served over HTTP on loopback.
SIGPORT=$(free_port)
(cd "$WORK/sigstore" && exec python3 -m http.server --bind 127.0.0.1 "$SIGPORT") \
	>"$WORK/http.log" 2>&1 &
SIG_PID=$!
trap 'kill "$SIG_PID" 2>/dev/null; pull_cleanup' EXIT
for _ in $(seq 50); do
	curl -s -o /dev/null "http://127.0.0.1:$SIGPORT/" && break
	sleep 0.1
done
printf '{"default":[{"type":"reject"}],"transports":{"docker":{"%s/team":[{"type":"signedBy","keyType":"GPGKeys","keyPath":"%s"}]}}}\n' \
	"$REG" "$WORK/team/image.gpg" >"$WORK/policy.json"
opts=(--auth "$WORK/auth.json" --ca "$CA" --retries 1 --retry-delay 100
	--policy "$WORK/policy.json" --lookaside "http://127.0.0.1:$SIGPORT")

bctl pull "${opts[@]}" "$REG/team/web:1.4" ||
	fail "expected the signed image pulled, got: $(cat "$WORK/err")"
grep -q "trust: signed by [0-9A-F]* as $REG/team/web:1.4" "$WORK/err" ||
	fail "expected the pull to say who signed it, got: $(cat "$WORK/err")"
bctl rm "$REG/team/web:1.4" && bctl prune || fail "rm and prune"

# Another digest (a different image) with no signature, and one signed
# only by a stranger.
umoci --log error config --image "$WORK/oci:test" --tag other --config.env X=1 ||
	fail "umoci config"
GNUPGHOME= skopeo --policy "$TOP/tests/host/accept-policy.json" copy -q \
	--dest-cert-dir "$WORK/skopeo-certs" --dest-creds alice:right-horse \
	"oci:$WORK/oci:other" "docker://$REG/team/web:1.5" >"$WORK/push.out" 2>&1 ||
	fail "skopeo copy of 1.5: $(tail -n 2 "$WORK/push.out")"
digest=$(reg_digest 1.5)
bctl pull "${opts[@]}" "$REG/team/web:1.5" && fail "expected the unsigned image refused"
grep -q "image $REG/team/web:1.5 ($digest): refused by the trust policy (docker scope \"$REG/team\": no signature)" \
	"$WORK/err" || fail "expected the refusal to name image, digest and reason, got: $(cat "$WORK/err")"
expect_empty "after a refused pull" blobs/sha256 unpacked refs

umoci --log error config --image "$WORK/oci:test" --tag stranger --config.env X=2 ||
	fail "umoci config"
GNUPGHOME=$WORK/stranger/gnupg skopeo --policy "$TOP/tests/host/accept-policy.json" \
	--registries.d "$WORK/regd" copy -q --sign-by image-signer --dest-cert-dir "$WORK/skopeo-certs" \
	--dest-creds alice:right-horse "oci:$WORK/oci:stranger" "docker://$REG/team/web:1.7" \
	>"$WORK/push.out" 2>&1 || fail "skopeo copy of 1.7: $(tail -n 2 "$WORK/push.out")"
GNUPGHOME=$WORK/stranger/gnupg gpgconf --kill gpg-agent 2>/dev/null
bctl pull "${opts[@]}" "$REG/team/web:1.7" && fail "expected the stranger's image refused"
grep -q "refused by the trust policy (docker scope \"$REG/team\": signed by key [0-9A-F]*, which the policy does not trust)" \
	"$WORK/err" || fail "expected the unknown key named, got: $(cat "$WORK/err")"
expect_empty "after a refused pull" blobs/sha256 unpacked refs

bctl pull "${opts[@]/$WORK\/policy.json/$WORK/missing.json}" "$REG/team/web:1.4" &&
	fail "expected a pull without a policy file to stop"
grep -q "trust policy $WORK/missing.json: No such file or directory (give one with --policy)" \
	"$WORK/err" || fail "expected a clear error for a missing policy, got: $(cat "$WORK/err")"
pass
