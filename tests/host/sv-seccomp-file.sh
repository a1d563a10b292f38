#!/bin/bash
# SPDX-License-Identifier: MIT
# The containers' seccomp program, precompiled when the image is built
# (supervisor --seccomp-export, docs/supervisor.md): the export is the same
# bytes twice; a supervisor given it (--seccomp FILE) filters as one that
# compiles the profile (a call it does not list: ENOSYS, add_key: EPERM)
# and says nothing about it; given a file made from other rules (another
# fingerprint) or a cut program, it says why and compiles the profile,
# and the containers are filtered all the same.
. "$(dirname "$0")/sv-common"
sv_init seccomp-file
command -v musl-gcc >/dev/null || skip "needs musl-gcc (musl-tools) for the probe"
"$TOP/tests/images/mkprobe" "$IMAGES/probe" >"$WORK/mkprobe.log" 2>&1 ||
	fail "expected the probe image, got: $(tail -n 1 "$WORK/mkprobe.log")"
"$SUPERVISOR" --seccomp-export "$WORK/a.bpf" || fail "expected --seccomp-export to succeed"
"$SUPERVISOR" --seccomp-export "$WORK/b.bpf" || fail "expected a second export to succeed"
cmp -s "$WORK/a.bpf" "$WORK/b.bpf" || fail "expected two exports to be the same bytes"
[ "$(head -c 8 "$WORK/a.bpf")" = berthsc1 ] || fail "expected the file to start with berthsc1"
[ $((($(stat -c %s "$WORK/a.bpf") - 16) % 8)) = 0 ] || fail "expected whole BPF instructions after the header"
! "$SUPERVISOR" --seccomp-export "$WORK/no/such/dir/x.bpf" 2>"$WORK/err" ||
	fail "expected an export into a missing directory to fail"
grep -q 'x.bpf.tmp: No such file or directory' "$WORK/err" || fail "expected the error to name the file, got: $(cat "$WORK/err")"

cat >"$WORK/m.yaml" <<'YAML'
version: 1
containers:
  probe:
    image: dir:probe
    command: ["sh", "-c", "/bin/probe & wait"]
    network_mode: none
    stop_grace_period: 200ms
YAML
# run FILE: the probe under a supervisor given FILE; its verdicts checked.
run() {
	: >"$OUT"
	SV_ARGS="--seccomp $1"
	sv_start "$WORK/m.yaml"
	sv_wait_for '^probe: probe: done$' 10 || fail "expected the probe to finish within 10 s ($1)"
	for want in "process_madvise denied (ENOSYS)" "add_key denied (EPERM)" "clone3 denied (ENOSYS)"; do
		grep -qF "probe: probe: $want" "$OUT" || fail "expected '$want' with $1, got: $(grep "probe: probe: ${want%% *}" "$OUT")"
	done
	sv_stop 5 || fail "expected the supervisor to exit on SIGTERM within 5 s"
}
run "$WORK/a.bpf"
! grep -q 'seccomp:' "$OUT" || fail "expected no word about seccomp with a good file, got: $(grep 'seccomp:' "$OUT")"

# Another fingerprint: one byte of it changed.
cp "$WORK/a.bpf" "$WORK/other.bpf"
printf '\x00' | dd of="$WORK/other.bpf" bs=1 seek=8 conv=notrunc 2>/dev/null
[ "$(od -An -tx1 -j8 -N1 "$WORK/a.bpf")" != " 00" ] || printf '\x01' | dd of="$WORK/other.bpf" bs=1 seek=8 conv=notrunc 2>/dev/null
run "$WORK/other.bpf"
grep -q "seccomp: $WORK/other.bpf: made from other rules or another libseccomp; compiling the default profile instead" "$OUT" ||
	fail "expected the supervisor to refuse the other fingerprint, got: $(grep 'seccomp' "$OUT" | head -n 2)"

# A cut program: half an instruction missing.
head -c $(($(stat -c %s "$WORK/a.bpf") - 4)) "$WORK/a.bpf" >"$WORK/cut.bpf"
run "$WORK/cut.bpf"
grep -q "seccomp: $WORK/cut.bpf: a program of [0-9]* bytes; compiling the default profile instead" "$OUT" ||
	fail "expected the supervisor to refuse the cut program, got: $(grep 'seccomp' "$OUT" | head -n 2)"
pass
