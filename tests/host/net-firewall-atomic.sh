#!/bin/bash
# SPDX-License-Identifier: MIT
# A ruleset the kernel rejects halfway leaves the previous one in force.
# netsetup loads a firewall without the bridge; then another table fills
# the IPv4 prerouting hook up to the kernel's limit of hooks per hook point
# (MAX_HOOK_COUNT, 1024). A manifest with a bridge container validates, but
# its batch needs NAT hooks: the kernel accepts the table's delete and
# re-add and the first chains, then refuses "add chain postrouting" with
# E2BIG and so aborts the whole transaction. netsetup must say so, and
# `nft -j list ruleset` must be byte for byte what it was before.
. "$TOP/tests/host/lib/net.sh"
net_init firewall-atomic
cat >"$tmp/good.yaml" <<'YAML'
version: 1
network:
  interfaces:
    - {name: eth0, addresses: [192.0.2.10/24]}
  firewall: {allow: [{proto: tcp, port: 8080}]}
YAML
cat >"$tmp/next.yaml" <<'YAML'
version: 1
network:
  interfaces:
    - {name: eth0, addresses: [192.0.2.10/24]}
  firewall: {allow: [{proto: tcp, port: 8443}]}
  bridge: {subnet: 203.0.113.0/24}
containers:
  web: {image: "dir:/nonexistent", command: [sleep, "1"]}
YAML
net_run --manifest "$tmp/good.yaml"
expect "good ruleset loaded" 0 "$rc"
[ "$rc" = 0 ] || echo "$out"

# Fill the hook: 900 chains in one transaction (far from the limit in a
# fresh namespace), then one at a time until the kernel says E2BIG.
{
	echo "table ip filler {"
	for i in $(seq 900); do echo "chain c$i { type filter hook prerouting priority $i; }"; done
	echo "}"
} >"$tmp/fill.nft"
net_in nft -f "$tmp/fill.nft" || fail "$name: could not add the filler chains"
full=no
for i in $(seq 901 4096); do
	if ! err=$(net_in nft add chain ip filler "c$i" "{ type filter hook prerouting priority $i; }" 2>&1); then
		grep -q 'Argument list too long' <<<"$err" && full=yes
		break
	fi
done
[ "$full" = yes ] || skip "$name: this kernel has no limit of hooks per hook point (stopped at chain $i: $err)"

before=$(net_in nft -j list ruleset)
net_run --manifest "$tmp/next.yaml"
after=$(net_in nft -j list ruleset)
expect "exit status" 1 "$rc"
expect "reports the kernel's error on the chain it refused" 1 \
	"$(grep -c '^netsetup: firewall: add chain postrouting: Argument list too long' <<<"$out")"
expect "does not claim a load" 0 "$(grep -c 'firewall: loaded' <<<"$out")"
if [ "$before" = "$after" ]; then
	pass "$name: ruleset byte-identical after the rejected batch"
else
	fail "$name: ruleset byte-identical after the rejected batch: diff: $(diff <(echo "$before") <(echo "$after") | head -20)"
fi
expect "previous allow rule still there" 1 \
	"$(net_in nft -j list chain inet berth input | jq '[.nftables[] | select(.rule) | select(any(.rule.expr[]; .match.right==8080))] | length')"

# Once the hook has room again the same manifest loads: the refusal was
# the kernel's, not the manifest's.
net_in nft delete table ip filler
net_run --manifest "$tmp/next.yaml"
expect "loads once the hook has room" 1 "$(grep -c '^netsetup: firewall: loaded table inet berth$' <<<"$out")"
exit $failed
