#!/bin/bash
# SPDX-License-Identifier: MIT
# Init reaps what it inherits: processes whose parent exited become init's
# children, and when they end they must not stay zombies. Two kinds: orphans
# still running when their parent exits, and children that had already
# exited (zombies) when their parent, which never waited, exits.
. "$(dirname "$0")/lib.sh"
vm_require
vm_build_image "$TOP/tests/vm/manifests/debug.yaml" "$vm_dir"

vm_start "$vm_dir"
vm_wait_console reap-orphans-boot 120

# (No tabs in what is typed: the debug shell would complete on them.)
#
# Orphans: five sleeps whose parent exits at once. Zombie: a child that
# exits at once under a parent (sh exec'd into sleep) that never waits;
# seen as Z while that parent lives, it passes to init when it exits.
vm_mark
out=$(vm_run "rm -f /tmp/orphans /tmp/zombie
sh -c 'for i in 1 2 3 4 5; do sleep 2 & echo \$! >>/tmp/orphans; done; exit 0'
for p in \$(cat /tmp/orphans); do echo \"orphan \$p \$(cut -d' ' -f4 /proc/\$p/stat)\"; done
sh -c 'sleep 0.1 & echo \$! >/tmp/zombie; exec sleep 1.5' &
sleep 0.8
z=\$(cat /tmp/zombie)
echo \"zombie \$z \$(cut -d' ' -f3 /proc/\$z/stat)\"
wait" 30)
orphans=$(sed -n 's/^orphan \([0-9]*\) .*/\1/p' <<<"$out" | paste -sd ' ')
ppids=$(sed -n 's/^orphan [0-9]* \([0-9]*\)$/\1/p' <<<"$out" | sort -u | paste -sd ' ')
read -r _ zombie zstate <<<"$(grep -E '^zombie ' <<<"$out")"
# Without these the test would prove nothing.
if [ "$(wc -w <<<"$orphans")" = 5 ] && [ "$ppids" = 1 ]; then
	pass reap-orphans-reparented
else
	fail reap-orphans-reparented "5 running orphans with parent PID 1" \
		"orphans '$orphans' with parents '$ppids'"
fi
if [ -n "$zombie" ] && [ "$zstate" = Z ]; then
	pass reap-orphans-zombie-made
else
	fail reap-orphans-zombie-made "a zombie under a parent that never waits" \
		"PID '${zombie:-none}' in state '${zstate:-gone}'"
fi

# After the sleeps have ended: their PIDs are gone, and no process is a
# zombie in two looks a second apart (one look could catch a process in the
# instant between its exit and init's wait).
vm_mark
out=$(vm_run "sleep 2
for p in $orphans $zombie; do [ -e /proc/\$p ] && echo \"left \$p \$(cut -d' ' -f3 /proc/\$p/stat)\"; done
zombies() { sed -n 's/^\([0-9]*\) (\(.*\)) Z .*/\1 \2/p' /proc/[0-9]*/stat 2>/dev/null | sort; }
zombies >/tmp/z1; sleep 1; zombies >/tmp/z2
grep -xFf /tmp/z1 /tmp/z2 | sed 's/^/zombie /'
true" 30)
left=$(sed -n 's/^left //p' <<<"$out" | paste -sd ',')
if [ -z "$left" ] && grep -q . <<<"$orphans"; then
	pass reap-orphans-gone
else
	fail reap-orphans-gone "no process left of PIDs '$orphans $zombie'" "'$left' (PID state)"
fi
zs=$(sed -n 's/^zombie //p' <<<"$out" | paste -sd ',')
if [ -z "$zs" ]; then
	pass reap-orphans-no-zombie
else
	fail reap-orphans-no-zombie "no process in state Z" "'$zs' (PID comm)"
fi
vm_kill
