#!/bin/sh
# Summarise a run: each guest's TAP stream, whether it finished, and its
# kernel log, which must hold none of kernel-log-patterns.
# usage: report.sh MODE TIMEOUT GUESTDIR...
#
# With one guest its TAP has already been shown as it came: this adds the
# kernel log check as the plan's last test. With several, their TAP was
# shown as comments: this prints the merged TAP, renumbered, with one
# kernel log check per guest.
mode=$1
timeout=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
nguests=$#
merged=$(mktemp)
trap 'rm -f "$merged"' EXIT
pass=0
fail=0
skip=0
n=0
k=0

for g; do
	k=$((k + 1))
	tap=$g/tap.txt
	tr -d '\r' <"$g/tap.log" >"$tap"
	console=$g/console.log
	name="guest kernel log is clean"
	[ "$nguests" -eq 1 ] || name="$name (guest $k)"

	bad=$(grep -a -E -f "$here/kernel-log-patterns" "$console")
	if [ -n "$bad" ]; then
		echo "# $name: no, it has errors:"
		echo "$bad" | sed 's/^/#   /'
		echo "# (full console log: run with TLSGW_VM_KEEP=1 to keep $console)"
	fi

	if [ "$mode" != check ]; then
		st=$(sed -n 's/^# guest: exit status \([0-9]*\).*/\1/p' "$tap" | tail -n 1)
		[ -f "$g/timeout" ] && { echo "vm: guest killed after ${timeout}s"; exit 1; }
		[ -n "$bad" ] && exit 1
		exit "${st:-1}"
	fi

	plan=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$tap" | head -n 1)
	p=$(grep -a -c -E '^ok [0-9]+' "$tap")
	s=$(grep -a -c -E '^ok [0-9]+.*# SKIP' "$tap")
	f=$(grep -a -c -E '^not ok [0-9]+' "$tap")
	pass=$((pass + p - s))
	skip=$((skip + s))
	fail=$((fail + f))
	grep -a -E '^(not )?ok [0-9]+' "$tap" |
		sed -E 's/^(not )?ok [0-9]+/\1ok/' >>"$merged"

	if [ -z "$plan" ]; then
		echo "Bail out! guest $k printed no test plan" | tee -a "$merged"
		plan=1
		fail=$((fail + 1))
	elif ! grep -a -q '^# guest: done' "$tap"; then
		reason="crashed or powered off early"
		[ -f "$g/timeout" ] && reason="hung and was killed after ${timeout}s"
		echo "# guest $k $reason, having finished $((p + f)) of" \
			"$((plan - 1)) tests" | tee -a "$merged"
		fail=$((fail + plan - 1 - p - f))
		[ "$nguests" -gt 1 ] || echo "Bail out! the guest $reason"
	fi

	# The last test of each guest's plan is ours: its kernel log.
	if [ -n "$bad" ]; then
		echo "not ok - $name" >>"$merged"
		fail=$((fail + 1))
	else
		echo "ok - $name" >>"$merged"
		pass=$((pass + 1))
	fi
	[ "$nguests" -gt 1 ] || { tail -n 1 "$merged" | sed "s/^\(not \)\{0,1\}ok/& $plan/"; }
done

if [ "$nguests" -gt 1 ]; then
	echo "TAP version 13"
	echo "1..$(grep -c -E '^(not )?ok' "$merged")"
	awk '/^(not )?ok/ { n++; sub(/ok/, "ok " n) } { print }' "$merged"
fi

# Userspace unit tests run on the host before the guests; count them too.
for f in ${TLSGW_UNIT_TAP:-}; do
	up=$(grep -c -E '^ok [0-9]+' "$f")
	uf=$(grep -c -E '^not ok [0-9]+' "$f")
	echo "# unit tests ${f##*/}: $up passed, $uf failed"
	pass=$((pass + up))
	fail=$((fail + uf))
done

echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
