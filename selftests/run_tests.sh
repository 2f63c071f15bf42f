#!/bin/sh
# Run selftests inside the test guest and print kselftest-style TAP.
# usage: run_tests.sh [NAME...]   (default: every tests/*.sh, in order)
#
# Each test is a script that exits 0 (pass), 4 (skip, after printing
# "SKIP: reason") or anything else (fail); its output is shown as TAP
# comments. A test also fails when the kernel logs an error while it runs.
# The plan has one test more than we run: the host adds the check of the
# whole run's kernel log as the last one.
here=$(cd "$(dirname "$0")" && pwd)
patterns=$here/vm/kernel-log-patterns
per_test_timeout=${TLSGW_TEST_TIMEOUT:-900}

if [ $# -eq 0 ]; then
	set -- $(cd "$here/tests" && ls *.sh | sed 's/\.sh$//')
fi
for t; do
	[ -f "$here/tests/$t.sh" ] || { echo "Bail out! no test named $t"; exit 1; }
done

# Boot-time leak suspects are not ours: forget them before the tests.
kmemleak=/sys/kernel/debug/kmemleak
if [ -w "$kmemleak" ]; then
	echo scan >"$kmemleak"
	echo clear >"$kmemleak"
fi

echo "TAP version 13"
echo "1..$(($# + 1))"
n=0
for t; do
	n=$((n + 1))
	before=$(dmesg | wc -l)
	echo "# $t: start"
	t0=$(date +%s)
	timeout -k 10 "$per_test_timeout" sh "$here/tests/$t.sh" >/tmp/test.out 2>&1 </dev/null
	rc=$?
	sed 's/^/# /' /tmp/test.out
	echo "# $t: took $(($(date +%s) - t0)) s (guest clock)"
	klog=$(dmesg | tail -n +$((before + 1)) | grep -E -f "$patterns")
	if [ -n "$klog" ]; then
		echo "# kernel log during $t:"
		echo "$klog" | sed 's/^/#   /'
		rc=1
	fi
	case $rc in
	0) echo "ok $n $t" ;;
	4) echo "ok $n $t # SKIP $(sed -n 's/^SKIP: //p' /tmp/test.out | head -n 1)" ;;
	124|137) echo "not ok $n $t # timed out after ${per_test_timeout}s" ;;
	*) echo "not ok $n $t" ;;
	esac
done

# Leave nothing loaded: a module that cannot be unloaded is a bug the host
# must see, so say it in the kernel log.
if grep -q '^tlsgw ' /proc/modules && ! rmmod tlsgw; then
	echo "tlsgw-selftests: BUG: tlsgw does not unload after the tests" >/dev/kmsg
fi

# On a kmemleak kernel, look for leaks now that everything is unloaded:
# two scans a few seconds apart (an object must look unreferenced in both
# to be reported). Reports go to the kernel log, where the host finds them.
if [ -w "$kmemleak" ]; then
	sleep 5
	echo scan >"$kmemleak"
	sleep 5
	echo scan >"$kmemleak"
	leaks=$(cat "$kmemleak")
	if [ -n "$leaks" ]; then
		echo "# kmemleak after the tests:"
		echo "$leaks" | sed 's/^/#   /'
		echo "$leaks" | while IFS= read -r line; do
			echo "tlsgw-selftests: kmemleak: $line" >/dev/kmsg
		done
	else
		echo "# kmemleak: no leaks after the tests"
	fi
fi
