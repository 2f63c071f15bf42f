# rmmod with live sessions: every session is closed, clients see their
# connections end (no hang), and nothing leaks (the runner checks the
# kernel log).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib_tls.sh"

tls_setup
head -c 16777216 /dev/urandom >"$T/www/16m"
start_tlsgwd
cp=""
i=0
while [ $i -lt 5 ]; do
	gw_curl --limit-rate 500K -o /dev/null https://www.test/16m 2>/dev/null &
	cp="$cp $!"
	i=$((i + 1))
done
i=0
while [ "$(ctr sessions_active)" -lt 5 ] && [ $i -lt 100 ]; do
	sleep 0.3
	i=$((i + 1))
done
check "five live sessions" [ "$(ctr sessions_active)" -eq 5 ]
check "rmmod tlsgw with live sessions" rmmod tlsgw
ended=0
codes=""
for p in $cp; do
	wait "$p"
	rc=$?
	codes="$codes $rc"
	[ $rc -ne 0 ] && ended=$((ended + 1))
done
echo "curl exit codes:$codes"
check "all five clients saw their transfer cut short" [ "$ended" -eq 5 ]
check "the module can be loaded again" modprobe tlsgw
check "and unloaded" rmmod tlsgw
finish
