#!/bin/bash
# SPDX-License-Identifier: MIT
# The default seccomp profile is an allow list (docs/supervisor.md, Seccomp):
# ordinary programs run under it (busybox's shell, httpd and wget; Debian's
# dynamically linked bash and a threaded sort, whose glibc falls back from
# clone3 to clone), a call it does not list (process_madvise), one no kernel
# has (1000) and clone3 get ENOSYS, and what it refuses on purpose (add_key,
# keyctl, an AF_VSOCK socket) gets EPERM. The same probe run with
# seccomp=unconfined shows that the kernel itself would have answered
# process_madvise and add_key otherwise: the filter made the difference.
. "$(dirname "$0")/sv-common"
sv_init seccomp-allowlist
command -v musl-gcc >/dev/null || skip "needs musl-gcc (musl-tools) for the probe"
"$TOP/tests/images/mkprobe" "$IMAGES/probe" >"$WORK/mkprobe.log" 2>&1 ||
	fail "expected the probe image, got: $(tail -n 1 "$WORK/mkprobe.log")"

# A busybox root plus Debian's bash and sort with the libraries ldd names.
glibc="$IMAGES/seccomp-glibc.$$"
trap 'rm -rf "$glibc"; sv_cleanup' EXIT
cp -a "$IMAGES/busybox" "$glibc" || fail "expected a copy of the busybox image"
mkdir -p "$glibc/opt/glibc"
for bin in /bin/bash /usr/bin/sort; do
	[ -x "$bin" ] || skip "needs $bin"
	cp -L "$bin" "$glibc/opt/glibc/" || fail "expected to copy $bin"
	for lib in $(ldd "$bin" | grep -oE '/[^ ]+'); do
		mkdir -p "$glibc$(dirname "$lib")"
		cp -L "$lib" "$glibc$lib" || fail "expected to copy $lib"
	done
done

cat >"$WORK/m.yaml" <<YAML
version: 1
containers:
  probe:
    image: dir:probe
    command: ["sh", "-c", "/bin/probe & wait"]
    network_mode: none
    stop_grace_period: 200ms
  unconfined:
    image: dir:probe
    command: ["sh", "-c", "/bin/probe & wait"]
    network_mode: none
    security_opt: ["seccomp=unconfined"]
    stop_grace_period: 200ms
  bb:
    image: dir:busybox
    network_mode: none
    command:
      - /bin/sh
      - -c
      - |
        mkdir -p /tmp/www && echo served >/tmp/www/index.html &&
        httpd -p 127.0.0.1:8080 -h /tmp/www &&
        echo "got \$(wget -qO- http://127.0.0.1:8080/index.html)"
  glibc:
    image: dir:$(basename "$glibc")
    network_mode: none
    command:
      - /opt/glibc/bash
      - -c
      - |
        seq 1 200000 >/tmp/n && echo "sorted \$(/opt/glibc/sort --parallel=2 -S 64M -rn /tmp/n | head -n 1)"
YAML
sv_start "$WORK/m.yaml"
sv_wait_for '^probe: probe: done$' 10 || fail "expected the probe to finish within 10 s"
sv_wait_for '^unconfined: probe: done$' 10 || fail "expected the unconfined probe to finish within 10 s"
sv_wait_for '^bb: got ' 10 || fail "expected busybox wget to reach httpd within 10 s"
grep -q '^bb: got served$' "$OUT" || fail "expected 'bb: got served', got '$(grep '^bb: got' "$OUT")'"
sv_wait_for '^glibc: sorted ' 20 || fail "expected bash and sort (glibc) to run within 20 s"
grep -q '^glibc: sorted 200000$' "$OUT" ||
	fail "expected 'glibc: sorted 200000', got '$(grep '^glibc: sorted' "$OUT")'"

# expect CONTAINER CALL RESULT: the probe's line for CALL.
expect() {
	local got
	got=$(sed -n "s/^$1: probe: \($2 \(denied\|ALLOWED\).*\)/\1/p" "$OUT" | head -n 1)
	[ "$got" = "$2 $3" ] || fail "expected $1's '$2 $3', got '${got:-no line}'"
}
expect probe process_madvise "denied (ENOSYS)"
expect probe syscall-1000 "denied (ENOSYS)"
expect probe clone3 "denied (ENOSYS)"
expect probe add_key "denied (EPERM)"
expect probe keyctl "denied (EPERM)"
expect probe socket-vsock "denied (EPERM)"
# Without the filter the kernel sees the invalid arguments.
for call in process_madvise add_key clone3; do
	got=$(sed -n "s/^unconfined: probe: \($call .*\)/\1/p" "$OUT" | head -n 1)
	case "$got" in
	"$call denied (ENOSYS)" | "$call denied (EPERM)" | "")
		fail "expected the kernel's own errno for $call without seccomp, got '${got:-no line}'" ;;
	esac
done
grep -q '^unconfined: probe: Seccomp=0$' "$OUT" || fail "expected Seccomp=0 with seccomp=unconfined"
sv_stop 5 || fail "expected the supervisor to exit on SIGTERM within 5 s"
pass
