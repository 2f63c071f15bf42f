# A TLS 1.3 KeyUpdate from the client (openssl s_client's "k" command):
# 6.1 kTLS cannot follow the new key, so the session ends cleanly, with a
# close_notify to the client, a counter and an event; data sent before it
# arrived intact.
#
# Topology: lib_tls.sh's (tls_setup).
#   tg-cli 192.0.2.2: openssl s_client -tls1_3, to GW4:443
#     | veth
#   gateway 192.0.2.1: tlsgwd service web :443 -> SRV4:8080, tlsgw.ko,
#                      tlsgwctl -j monitor
#     | veth
#   tg-srv 198.51.100.2: nginx :8080
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib_tls.sh"

tls_setup
echo "before the key update" >"$T/www/index.html"
start_tlsgwd
tlsgwctl -j monitor count 2 >"$T/events" &
mon=$!
pids="$pids $mon"
sleep 1
ku=$(ctr closed_key_update)

{
	printf 'GET /index.html HTTP/1.1\r\nHost: www.test\r\n\r\n'
	sleep 5
	echo k
	sleep 10
} | in_cli timeout 120 openssl s_client -connect "$GW4:443" \
	-servername www.test -tls1_3 >"$T/out" 2>&1
cat "$T/out" | grep -E 'before the key|KEYUPDATE|closed|alert' | head
check "the response before the KeyUpdate arrived" grep -q "before the key update" "$T/out"
check "the session ended" wait_no_sessions
check "closed_key_update counted it" [ "$(ctr closed_key_update)" -eq $((ku + 1)) ]
check "s_client saw the connection close (not a hang)" grep -q -i "closed" "$T/out"
wait $mon
cat "$T/events"
check "the close event says key-update" grep -q '"reason":"key-update"' "$T/events"
# A session was once listed before its relay had a last_active, and its
# open event said idle_ms 4294855748 (issue 11, item 1). A sanity bound,
# not a timing check: the session is seconds old.
check "the open event's idle_ms is sane (under 10 minutes)" python3 -c '
import json, sys
for line in open(sys.argv[1]):
    ev = json.loads(line)
    if ev.get("event") == "session-open":
        sys.exit(not ev["session"]["idle_ms"] < 600000)
sys.exit("no session-open event")
' "$T/events"
finish
