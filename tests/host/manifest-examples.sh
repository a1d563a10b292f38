#!/bin/bash
# SPDX-License-Identifier: MIT
# Every example manifest validates, and `berthctl show --json` prints JSON
# that jq reads, with the defaults filled in; usage errors exit 2.
set -u
cd "$TOP" || exit 1
ctl="$BUILD/berthctl"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# check NAME JQ-EXPRESSION FILE: passes when the expression is true.
check() {
	if jq -e "$2" "$3" >/dev/null 2>"$tmp/jqerr"; then
		echo "pass: $1"
	else
		echo "fail: $1: jq '$2' is not true of $3 $(head -c 200 "$tmp/jqerr")"
	fi
}

# A build-time image that is not where the build would look: valid, with a
# warning that names the container, the image and the reason.
printf 'version: 1\ncontainers:\n  web:\n    image: dir:no/such/dir\n' >"$tmp/missing.yaml"
out=$("$ctl" validate "$tmp/missing.yaml" 2>"$tmp/err")
rc=$?
want="berthctl: $tmp/missing.yaml:3:3: warning: container \"web\": image dir:no/such/dir: No such file or directory (a build from this directory would fail)"
if [ $rc = 0 ] && [ "$out" = "$tmp/missing.yaml: ok" ] && [ "$(cat "$tmp/err")" = "$want" ]; then
	echo "pass: validate warns of a missing image"
else
	echo "fail: validate warns of a missing image: expected exit 0, ok and '$want', got $rc, '$out', '$(cat "$tmp/err")'"
fi

for f in examples/*.yaml; do
	name=$(basename "$f" .yaml)
	# Warnings (an image not built yet) may follow; nothing else may.
	if out=$("$ctl" validate "$f" 2>"$tmp/err") && [ "$out" = "$f: ok" ] &&
		! grep -qv ': warning: ' "$tmp/err"; then
		echo "pass: validate $name"
	else
		echo "fail: validate $name: $out $(head -c 300 "$tmp/err")"
		continue
	fi
	if ! "$ctl" show --json "$f" >"$tmp/$name.json" 2>"$tmp/err"; then
		echo "fail: show $name: $(head -c 300 "$tmp/err")"
		continue
	fi
	check "show $name is JSON with every section" \
		'.version == 1 and (.host | type == "object") and (.network | type == "object") and
		 (.logging | type == "object") and (.update | type == "object") and
		 (.containers | type == "object")' "$tmp/$name.json"
	check "show $name: every container has its defaults filled in" \
		'[.containers[] | (.pids_limit | type == "number") and (.stop_signal | startswith("SIG"))
		  and (.stop_grace_period | type == "string") and (.security_opt.seccomp | type == "string")
		  and (.network_mode | type == "string") and (.restart | type == "string")
		  and (.capabilities | type == "array") and (.hostname | type == "string")] | all' \
		"$tmp/$name.json"
	check "show $name: the start order names every container once" \
		'(.start_order | sort) == (.containers | keys)' "$tmp/$name.json"
done

# The defaults of the smallest manifest, as docs/manifest.md lists them.
printf 'version: 1\ncontainers:\n  app: {image: "dir:x"}\n' >"$tmp/min.yaml"
"$ctl" show --json "$tmp/min.yaml" >"$tmp/min.json" 2>&1
check "defaults: host" '.host == {"hostname": "berth", "debug_console": false, "nosmt": false,
	"init_on_free": true, "timezone": "UTC", "sysctls": {}, "memory_reserve": null}' "$tmp/min.json"
check "defaults: eth0 on DHCP" '.network.interfaces == [{"name": "eth0", "match": null,
	"dhcp": true, "required": true, "accept_ra": false, "mtu": null, "addresses": [], "routes": []}]' "$tmp/min.json"
check "defaults: firewall and bridge" '.network.firewall == {"inbound": "drop", "allow": []} and
	.network.bridge == {"subnet": "172.31.0.0/24", "subnet6": null, "icc": false}' "$tmp/min.json"
check "defaults: logging and update" '.logging.local == {"max_size": 10485760, "max_files": 5}
	and .logging.kernel == true and .update == {"confirm_after": "1m", "tries": 3,
	"health_deadline": "5m", "confirm_target": "gateway", "product": "berth", "boards": [],
	"channel": null, "channel_ca": null, "check_every": "6h", "auto": true,
	"download_rate": null, "window": []}' "$tmp/min.json"
check "defaults: container" '.containers.app | .entrypoint == null and .command == null and
	.user == null and .working_dir == null and .hostname == "app" and .read_only == false and
	.capabilities == ["CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "SETGID",
	"SETUID", "SETPCAP", "NET_BIND_SERVICE", "SYS_CHROOT"] and
	.security_opt == {"no_new_privileges": true, "seccomp": "default"} and
	.network_mode == "bridge" and .restart == "no" and .healthcheck == null and
	.mem_limit == null and .cpus == null and .pids_limit == 4096 and
	.storage_opt == {"size": 268435456} and
	.stop_signal == "SIGTERM" and .stop_grace_period == "10s" and .essential == false' \
	"$tmp/min.json"

# Exit codes: 0 all valid, 1 some invalid, 2 usage.
"$ctl" validate examples/demo.yaml tests/manifests/bad/empty.yaml >/dev/null 2>&1
rc=$?
[ $rc -eq 1 ] && echo "pass: validate of a valid and an invalid file exits 1" ||
	echo "fail: validate of a valid and an invalid file exits 1: got $rc"
for args in "" "validate" "show demo.yaml" "frobnicate" "validate --strict x.yaml"; do
	# shellcheck disable=SC2086
	"$ctl" $args >/dev/null 2>&1
	rc=$?
	[ $rc -eq 2 ] && echo "pass: usage error exits 2: berthctl $args" ||
		echo "fail: usage error exits 2: berthctl $args: got $rc"
done
if "$ctl" --version | grep -qx "berthctl $(cat VERSION)"; then
	echo "pass: --version"
else
	echo "fail: --version prints $("$ctl" --version)"
fi
if "$ctl" --help | grep -q "validate FILE"; then
	echo "pass: --help"
else
	echo "fail: --help does not list validate"
fi
