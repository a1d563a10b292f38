#!/bin/bash
# SPDX-License-Identifier: MIT
# `berthctl plan` prints, byte for byte, what applying a manifest would
# change (tests/host/plan/*.out), exits 0 for no change, 2 for changes and
# 1 for an error or a refused change, gives valid JSON with --json, never
# shows an environment value, and reports a bad manifest as validate does.
set -u
cd "$TOP" || exit 1
ctl="$BUILD/berthctl"
d=tests/host/plan
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# run NAME WANT_RC ARGS...: plan with ARGS into $tmp/NAME.{out,err}; checks the exit status.
run() {
	local name=$1 want=$2 rc
	shift 2
	"$ctl" plan "$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
	rc=$?
	if [ $rc -ne "$want" ]; then
		echo "fail: $name: exit status $rc, expected $want; stderr: $(head -c 300 "$tmp/$name.err")"
		return 1
	fi
	echo "pass: $name: exit status $rc"
}

# same NAME GOT WANT: the file GOT is byte for byte WANT.
same() {
	if diff -u "$3" "$2" >"$tmp/diff"; then
		echo "pass: $1"
	else
		echo "fail: $1: differs from $3 (- expected, + got):"
		cat "$tmp/diff"
	fi
}

run changes 2 --current $d/old.yaml $d/new.yaml &&
	same changes-output "$tmp/changes.out" $d/new.out
same changes-no-stderr "$tmp/changes.err" /dev/null
# The fixture must keep covering the kinds of change the plan knows: one
# line per change, in every section.
kinds=$(grep -cE '^  (\+ |- )?[a-z0-9].*(: | \((removed|new|recreate)\))|^    ' $d/new.out)
if [ "$kinds" -ge 15 ]; then
	echo "pass: changes-kinds: $kinds changes in $d/new.out"
else
	echo "fail: changes-kinds: $kinds changes in $d/new.out, expected at least 15"
fi
if grep -qE 'hunter2|correct-horse' "$tmp/changes.out"; then
	echo "fail: changes-secrets: an environment value is in the plan"
else
	echo "pass: changes-secrets: no environment value in the plan"
fi

run no-change 0 --current $d/old.yaml $d/old.yaml
printf 'keep running: db, app, proxy, cache, old-worker\nplan: no changes\n' >"$tmp/want"
same no-change-output "$tmp/no-change.out" "$tmp/want"

run refused 1 --current $d/old.yaml $d/refuse.yaml
same refused-output "$tmp/refused.out" $d/refuse.out
same refused-errors "$tmp/refused.err" $d/refuse.err
run refused-reboot 1 --reboot --current $d/old.yaml $d/refuse.yaml
same refused-reboot-output "$tmp/refused-reboot.out" $d/refuse-reboot.out
same refused-reboot-errors "$tmp/refused-reboot.err" $d/refuse-reboot.err

run json 2 --json --current $d/old.yaml $d/new.yaml
if python3 - "$tmp/json.out" <<'EOF' 2>"$tmp/py"; then
import json, sys
p = json.load(open(sys.argv[1]))
assert p["changed"] is True and p["refused"] == [], "changed, nothing refused"
assert p["stop"] == ["old-worker", "app", "db"], "stop order %s" % p["stop"]
assert p["start"] == ["db", "app", "worker"], "start order %s" % p["start"]
acts = {c["name"]: c["action"] for c in p["containers"]}
assert acts == {"db": "recreate", "app": "recreate", "proxy": "change", "cache": "keep",
                "worker": "start", "old-worker": "stop"}, "actions %s" % acts
env = [c for c in p["containers"][0]["changes"] if c["field"] == "containers.*.environment"]
assert env and all(c["secret"] and c["old"] is None and c["new"] is None for c in env), env
assert [c["label"] for c in p["firewall"]] == ["allow", "allow"], p["firewall"]
EOF
	echo "pass: json-content: valid JSON with the plan's orders and actions"
else
	echo "fail: json-content: $(tail -n 3 "$tmp/py")"
fi
if grep -qE 'hunter2|correct-horse' "$tmp/json.out"; then
	echo "fail: json-secrets: an environment value is in the JSON"
else
	echo "pass: json-secrets: no environment value in the JSON"
fi

# A manifest that does not validate: validate's errors, exit 1, no plan.
bad=tests/manifests/bad/unknown-key-container.yaml
"$ctl" validate $bad 2>"$tmp/validate.err" >/dev/null
run bad-manifest 1 --current $d/old.yaml $bad
same bad-manifest-errors "$tmp/bad-manifest.err" "$tmp/validate.err"
if grep -qE "^berthctl: $bad:[0-9]+:[0-9]+: " "$tmp/bad-manifest.err"; then
	echo "pass: bad-manifest-position: the error names file:line:col"
else
	echo "fail: bad-manifest-position: $(head -c 300 "$tmp/bad-manifest.err")"
fi
same bad-manifest-no-plan "$tmp/bad-manifest.out" /dev/null

run bad-current 1 --current $bad $d/new.yaml
if grep -q "the manifest in force, $bad, does not validate" "$tmp/bad-current.err"; then
	echo "pass: bad-current-says-so"
else
	echo "fail: bad-current-says-so: $(head -c 300 "$tmp/bad-current.err")"
fi

run usage 1 --bogus $d/new.yaml
run usage-two-files 1 $d/old.yaml $d/new.yaml

# Without --current: the manifest in force; on a build host there is none.
if [ -e /var/lib/berth/host.yaml ] || [ -e /usr/share/berth/host.yaml ]; then
	echo "skip: in-force-missing: this machine has a manifest in force"
else
	run in-force-missing 1 $d/new.yaml
	if grep -q "/usr/share/berth/host.yaml" "$tmp/in-force-missing.err"; then
		echo "pass: in-force-missing-named"
	else
		echo "fail: in-force-missing-named: $(head -c 300 "$tmp/in-force-missing.err")"
	fi
fi
