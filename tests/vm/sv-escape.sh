#!/bin/bash
# SPDX-License-Identifier: MIT
# The volume escape of issue 13 on a booted host: a symbolic link planted
# where a bind source lies (/var/lib/berth/data/sub -> /run/berth) makes the
# container's next start fail with a clear reason, and nothing of the host
# is mounted into it or made on the link's far side.
. "$(dirname "$0")/lib.sh"
vm_require
vm_build_container_image "$TOP/tests/vm/manifests/sv-escape.yaml" "$vm_dir"
vm_start "$vm_dir"
vm_wait_console sv-escape-boot
vm_wait_for '^web \| berth-test: web up|berth-test: web up' 60 >/dev/null &&
	pass sv-escape-runs-first || fail sv-escape-runs-first "web up with its bind" "nothing"

vm_mark
vm_run 'berthctl stop web' 30 >/dev/null
vm_wait_for 'container web: stopped' 30 >/dev/null
vm_run 'rm -rf /var/lib/berth/data/sub; ln -s /run/berth /var/lib/berth/data/sub' 30 >/dev/null
vm_mark
vm_run 'berthctl start web' 30 >/dev/null
vm_wait_for 'container web: .*volume \./sub/dir: a symlink in the path \(refused\)' 30 >/dev/null &&
	pass sv-escape-refused || fail sv-escape-refused "web's start refused naming the symlink" \
	"'$(vm_console | grep 'container web' | tail -n 1)'"
got=$(vm_run 'ls -d /run/berth/dir 2>&1; berthctl status | grep "^web "' 30)
case $got in
*"No such file"*) pass sv-escape-nothing-made ;;
*) fail sv-escape-nothing-made "no /run/berth/dir made through the link" "'$got'" ;;
esac
case $got in
*"web "*running*) fail sv-escape-not-running "web not running" "'$got'" ;;
*) pass sv-escape-not-running ;;
esac
vm_kill
