#!/bin/sh
# Summarise a guest run: the guest's TAP stream, whether it finished, and
# the guest's kernel log, which must hold none of kernel-log-patterns.
# usage: report.sh MODE RUNDIR TIMEOUT
mode=$1
out=$2
timeout=$3
here=$(cd "$(dirname "$0")" && pwd)
tap=$out/tap.txt
tr -d '\r' <"$out/tap.log" >"$tap"
console=$out/console.log

bad=$(grep -a -E -f "$here/kernel-log-patterns" "$console")
if [ -n "$bad" ]; then
	echo "# guest kernel log has errors:"
	echo "$bad" | sed 's/^/#   /'
	echo "# (full console log: run with TLSGW_VM_KEEP=1 to keep $console)"
fi

if [ "$mode" != check ]; then
	st=$(sed -n 's/^# guest: exit status \([0-9]*\).*/\1/p' "$tap" | tail -n 1)
	[ -f "$out/timeout" ] && { echo "vm: guest killed after ${timeout}s"; exit 1; }
	[ -n "$bad" ] && exit 1
	exit "${st:-1}"
fi

plan=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$tap" | head -n 1)
pass=$(grep -a -c -E '^ok [0-9]+' "$tap")
skip=$(grep -a -c -E '^ok [0-9]+.*# SKIP' "$tap")
fail=$(grep -a -c -E '^not ok [0-9]+' "$tap")
pass=$((pass - skip))

if [ -z "$plan" ]; then
	echo "Bail out! the guest printed no test plan"
	plan=1
	fail=$((fail + 1))
elif ! grep -a -q '^# guest: done' "$tap"; then
	seen=$((pass + skip + fail))
	reason="crashed or powered off early"
	[ -f "$out/timeout" ] && reason="hung and was killed after ${timeout}s"
	echo "Bail out! the guest $reason, having finished $seen of $((plan - 1)) tests"
	fail=$((fail + plan - 1 - seen))
fi

# The last test of the plan is ours: the kernel log of the whole run.
if [ -n "$bad" ]; then
	echo "not ok $plan - guest kernel log is clean"
	fail=$((fail + 1))
else
	echo "ok $plan - guest kernel log is clean"
	pass=$((pass + 1))
fi

# Userspace unit tests run on the host before the guest; count them too.
for f in ${TLSGW_UNIT_TAP:-}; do
	up=$(grep -c -E '^ok [0-9]+' "$f")
	uf=$(grep -c -E '^not ok [0-9]+' "$f")
	echo "# unit tests ${f##*/}: $up passed, $uf failed"
	pass=$((pass + up))
	fail=$((fail + uf))
done

echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
