# Helpers for tlsgw selftests (sourced). Tests run as root in the guest.
#
# check DESC CMD...   run CMD; report "ok"/"FAIL" for DESC; remember failures
# finish              exit 0 if every check passed, 1 otherwise
# skip REASON         exit as skipped
failures=0
checks=0
check_clock=$(date +%s)

# A slow step is named, so that the suite's time can be budgeted.
check() {
	desc=$1
	shift
	checks=$((checks + 1))
	if "$@"; then
		echo "ok: $desc"
	else
		echo "FAIL: $desc"
		failures=$((failures + 1))
	fi
	check_now=$(date +%s)
	[ $((check_now - check_clock)) -lt 10 ] ||
		echo "  ($((check_now - check_clock)) s since the previous check)"
	check_clock=$check_now
}

finish() {
	[ "$checks" -gt 0 ] || { echo "FAIL: the test checked nothing"; exit 1; }
	echo "$checks checks, $failures failed"
	[ "$failures" -eq 0 ] || exit 1
	exit 0
}

skip() {
	echo "SKIP: $*"
	exit 4
}

module_loaded() {
	grep -q "^$1 " /proc/modules
}

load_tlsgw() {
	module_loaded tlsgw || modprobe tlsgw
}

unload_tlsgw() {
	! module_loaded tlsgw || rmmod tlsgw
}

# Output of a command with its exit status appended as the last line.
run_status() {
	"$@" 2>&1
	echo "status=$?"
}

# Succeeds when CMD fails (check's commands are not run by a shell).
fails() {
	! "$@"
}

# Test sizes: make check-debug sets TGW_QUICK (smaller transfers, fewer
# clients: the debug kernel is there for memory and locking errors, and
# is several times slower). scale FULL QUICK prints the one that applies.
scale() {
	if [ -n "${TGW_QUICK:-}" ]; then echo "$2"; else echo "$1"; fi
}
