#!/bin/bash
# SPDX-License-Identifier: MIT
# The supervisor refuses, at load, an imported image that was not baked (no
# config beside where its rootfs should be), a malformed config (naming the
# file and line), and a container left with nothing to run; it exits 1
# and starts nothing.
. "$(dirname "$0")/sv-common"
. "$(dirname "$0")/img-common"
sv_init config-errors
img_init
cat >"$WORK/m.yaml" <<'YAML'
version: 1
containers:
  web:
    image: oci:oci:test
    network_mode: none
YAML
img_stage "$WORK/m.yaml" "$WORK/root" ||
	fail "expected the image to bake, got: $(tail -n 1 "$WORK/stage.out")"
config=$(img_rootfs web)
config=${config%/rootfs}/config

# run IMAGES: the supervisor in the foreground, as it exits at once.
run() {
	timeout 10 unshare --net --mount --pid --fork --mount-proc \
		"$SUPERVISOR" --manifest "$WORK/m.yaml" --images "$1" --cgroup-root "$CG" \
		--run-dir "$WORK/run" --volumes "$WORK/volumes" --data-dir "$WORK/data" \
		--log-dir "$WORK/log" --control "$WORK/control.sock" >"$OUT" 2>&1
	status=$?
	[ "$status" = 1 ] || fail "expected exit status 1, got $status"
	grep -q 'started\|^web:' "$OUT" && fail "expected no container started"
}

mkdir -p "$WORK/empty"
run "$WORK/empty"
grep -q "^supervisor: container web: image oci:oci:test: reading $WORK/empty/oci/oci@test/config: No such file or directory (was the image baked" "$OUT" ||
	fail "expected the missing config to be named, got: $(head -n 1 "$OUT")"

# A key the reader does not know, on line 3.
sed -i '3i label maintainer=x' "$config"
run "$WORK/root/usr/share/berth/images"
grep -qx "supervisor: $config:3: container web: unknown key (expected digest, entrypoint, cmd, env, workdir or user)" "$OUT" ||
	fail "expected the bad line of the config to be named, got: $(head -n 1 "$OUT")"

# An image without Entrypoint and Cmd, and no command in the manifest.
grep -v '^label \|^entrypoint \|^cmd ' "$config" >"$WORK/c" && cp "$WORK/c" "$config"
run "$WORK/root/usr/share/berth/images"
grep -q "^supervisor: $WORK/m.yaml:[0-9]*:[0-9]*: container web: nothing to run" "$OUT" ||
	fail "expected a container with nothing to run to be refused, got: $(head -n 1 "$OUT")"
pass
