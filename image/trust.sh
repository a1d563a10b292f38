# SPDX-License-Identifier: MIT
# Sourced by image/stage-images: checks an imported image against the
# manifest's trust policy (docs/manifest.md, Trust) with skopeo, and bakes
# the policy and its keys into the root for the host.
#
# skopeo reads no signatures from an OCI layout or a docker save tarball, so
# a signature lies next to the image (docs/image.md, Signatures):
#   oci:PATH:TAG -> PATH:TAG.sig     oci:PATH -> PATH.sig
#   docker-archive:PATH -> PATH.sig
# and PATH...sig.2, .sig.3 ... for more than one. The image is copied, as
# it is, into a scratch dir: layout with its signatures beside it (a copy
# between transports: nothing is trusted yet), and from there into the OCI
# layout that is unpacked, by skopeo under a policy.json that gives that
# dir: exactly the requirements the manifest's policy has for the image.
# skopeo checks them all: signatures, keys, the signed manifest digest and
# reference, and every blob against the manifest.

# trust_sig_base KIND PATH TAG: where the image's signatures are, PATH in
# its normal form (./oci/ and oci are one image, with one signature).
trust_sig_base() {
	local path
	case $2 in
	/*) path=$(realpath -ms -- "$2") ;;
	*) path=$(realpath -ms --relative-to=. -- "$2") ;;
	esac
	case $1 in
	oci) echo "$path${3:+:$3}.sig" ;;
	*) echo "$path.sig" ;;
	esac
}

# trust_policy REQS DIR: a policy.json that applies REQS (a JSON list of
# requirements) to the dir: layout DIR and rejects everything else, with
# relative key paths made absolute; dies naming a key file that is missing.
trust_policy() {
	local reqs=$1 dir=$2 k
	while IFS= read -r k; do
		[ -z "$k" ] || [ -f "$k" ] ||
			die "trust: key file $k: no such file (relative to $PWD)"
	done < <(jq -r '.[] | (.keyPath // empty), (.keyPaths // [])[]' <<<"$reqs")
	jq -n --argjson reqs "$reqs" --arg dir "$dir" --arg pwd "$PWD" '
		def abs: if startswith("/") then . else "\($pwd)/\(.)" end;
		{default: [{type: "reject"}],
		 transports: {dir: {($dir): ($reqs | map(
			if .keyPath then .keyPath |= abs else . end |
			if .keyPaths then .keyPaths |= map(abs) else . end))}}}'
}

# trust_reason ERRFILE SIGBASE: why skopeo refused the image, in words.
trust_reason() {
	local err got
	err=$(grep -o 'msg=".*"' "$1" | tail -n 1 | sed 's/^msg="//; s/"$//')
	[ -n "$err" ] || err=$(tail -n 1 "$1")
	case $err in
	*"A signature was required, but no signature exists"*)
		echo "no signature (looked for $2)" ;;
	*"Signature for digest"*"does not match"*)
		got=${err#*Signature for digest }
		echo "the signature is for another image (it signs ${got%% *})" ;;
	*"Signature for identity"*"is not accepted"*)
		got=${err#*Signature for identity }
		echo "reference mismatch: signed as ${got% is not accepted*}, which the" \
			"policy's signedIdentity does not accept" ;;
	*"Invalid GPG signature"* | *"not accepted"* | *"No public key"* | *"key"*"not"*)
		echo "not signed by a key the policy trusts (unknown key)" ;;
	*"rejected by policy"* | *"Running image"*"is rejected"*)
		echo "the policy rejects it (type: reject); sign it and give its scope a" \
			"signedBy requirement (docs/manifest.md, Trust), or set" \
			"insecure_allow_unsigned: true on the container" ;;
	*"parsing signature"*)
		echo "a signature file is not a signature: ${err#*: }" ;;
	*) echo "$err" ;;
	esac
}

# trust_copy NAME REF SRC KIND PATH TAG DIGEST UNSIGNED REQS SCOPE LAYOUT:
# SRC into the OCI layout LAYOUT (tag "image"), checked against REQS (the
# requirements the policy has for it, from SCOPE; "null" for the policy's
# default) unless UNSIGNED is true; dies naming the reason it is refused.
trust_copy() {
	local name=$1 ref=$2 src=$3 kind=$4 path=$5 tag=$6 digest=$7 unsigned=$8
	local reqs=$9 scope=${10} layout=${11} dir=$scratch/dir-$1 base n=1 f where
	rm -rf "$dir" "$layout"
	printf '{"default":[{"type":"insecureAcceptAnything"}]}\n' >"$scratch/convert.json"
	if [ "$unsigned" = true ]; then
		say "warning: container $name: image $ref ($digest) is not checked against" \
			"the trust policy (insecure_allow_unsigned: true)"
		skopeo --policy "$scratch/convert.json" copy -q "$src" "oci:$layout:image" \
			2>"$scratch/err" ||
			die "container $name: image $ref: skopeo copy failed: $(tail -n 1 "$scratch/err")"
		return 0
	fi
	skopeo --policy "$scratch/convert.json" copy -q "$src" "dir:$dir" 2>"$scratch/err" ||
		die "container $name: image $ref: skopeo copy failed: $(tail -n 1 "$scratch/err")"
	base=$(trust_sig_base "$kind" "$path" "$tag")
	for f in "$base" "$base".[0-9]*; do
		[ -f "$f" ] || continue
		cp "$f" "$dir/signature-$n"
		n=$((n + 1))
	done
	trust_policy "$reqs" "$dir" >"$scratch/policy.json"
	[ "$scope" = null ] && where="the policy's default" || where="$kind scope $scope"
	skopeo --policy "$scratch/policy.json" copy -q --remove-signatures "dir:$dir" \
		"oci:$layout:image" 2>"$scratch/err" ||
		die "container $name: image $ref ($digest): refused by the trust policy" \
			"($where): $(trust_reason "$scratch/err" "$base")"
	rm -rf "$dir"
	if [ "$n" = 1 ]; then
		say "container $name: $ref accepted by the trust policy ($where:" \
			"$(jq -r 'map(.type) | join(", ")' <<<"$reqs"))"
	else
		say "container $name: $ref: signature checked ($where)"
	fi
}

# trust_bake JSON ROOT: the manifest's policy into
# ROOT/usr/share/berth/trust/policy.json (one line: berthctl trust reads
# it so), each key file beside it as keys/SHA256.gpg (the policy names
# those; an armored key is stored binary, which gpgv needs): what the host
# checks images it pulls against.
trust_bake() {
	local json=$1 dest=$2/usr/share/berth/trust k sum map='{}'
	mkdir -p "$dest/keys"
	while IFS= read -r k; do
		[ -n "$k" ] || continue
		[ -f "$k" ] || die "trust: key file $k: no such file (relative to $PWD)"
		sum=$(sha256sum <"$k" | cut -d' ' -f1)
		if grep -q -- '-----BEGIN PGP PUBLIC KEY BLOCK-----' "$k"; then
			gpg --batch --dearmor <"$k" >"$dest/keys/$sum.gpg" ||
				die "trust: key file $k: gpg --dearmor failed"
		else
			cp "$k" "$dest/keys/$sum.gpg"
		fi
		chmod 0644 "$dest/keys/$sum.gpg"
		map=$(jq -c --arg k "$k" --arg v "/usr/share/berth/trust/keys/$sum.gpg" \
			'. + {($k): $v}' <<<"$map")
	done < <(jq -r '.trust | .. | objects | (.keyPath // empty), (.keyPaths // [])[]' "$json" |
		sort -u)
	jq -c --argjson map "$map" '.trust | walk(if type == "object" then
		(if .keyPath then .keyPath |= $map[.] else . end |
		 if .keyPaths then .keyPaths |= map($map[.]) else . end) else . end)' \
		"$json" >"$dest/policy.json"
	rmdir "$dest/keys" 2>/dev/null || true
}
