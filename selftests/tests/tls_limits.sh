# Killing a session by id, and the namespace's session limit (module
# parameter max_sessions): refused offloads are counted and the client is
# closed, live sessions are not disturbed.
#
# Topology: lib_tls.sh's (tls_setup).
#   tg-cli 192.0.2.2: curl (gw_curl): one slow download, then others
#     | veth
#   gateway 192.0.2.1: tlsgwd service web :443 -> SRV4:8080, tlsgw.ko,
#                      tlsgwctl session kill
#     | veth
#   tg-srv 198.51.100.2: nginx :8080
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib_tls.sh"

tls_setup
head -c 8388608 /dev/urandom >"$T/www/8m"
echo "ok" >"$T/www/index.html"
start_tlsgwd
limit=/sys/module/tlsgw/parameters/max_sessions
old_limit=$(cat "$limit")

# 20 KB/s: 7 minutes for the 8 MiB, so the session outlives the checks
# below however slow the guest is; session kill ends it.
gw_curl --limit-rate 20K -o /dev/null https://www.test/8m 2>/dev/null &
slow=$!
i=0
while [ "$(ctr sessions_active)" -lt 1 ] && [ $i -lt 100 ]; do
	sleep 0.3
	i=$((i + 1))
done
check "one live session" [ "$(ctr sessions_active)" -eq 1 ]

# Global limit: with max_sessions = 1 a second client is refused.
echo 1 >"$limit"
rejected=$(ctr limit_rejected)
gw_curl -o /dev/null https://www.test/index.html 2>"$T/err"
check "past max_sessions a client is refused" [ $? -ne 0 ]
check "the refusal is counted" [ "$(ctr limit_rejected)" -eq $((rejected + 1)) ]
check "tlsgwd logs the kernel's reason" grep -q "session limit" "$T/tlsgwd.log"
check "the live session is untouched" [ "$(ctr sessions_active)" -eq 1 ]
echo "$old_limit" >"$limit"

# Kill by id: the client's transfer is cut short.
id=$(tlsgwctl -j session list | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
killed=$(ctr closed_killed)
check "session kill $id" tlsgwctl session kill "$id"
wait "$slow"
check "the client saw its transfer cut short" [ $? -ne 0 ]
check "the session is gone" wait_no_sessions
check "counted as killed" [ "$(ctr closed_killed)" -eq $((killed + 1)) ]
out=$(tlsgwctl session kill "$id" 2>&1)
check "killing it again says there is no such session" sh -c \
	'echo "$1" | grep -q "no such session"' - "$out"
check "new clients are served again" gw_curl -o /dev/null https://www.test/index.html
finish
