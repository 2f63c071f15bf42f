# SOCKS5 connections are sessions: they are listed by tlsgwctl session
# list (text and JSON) with kind socks5 and their service, beside TLS
# sessions of kind tls; the kind and service filters pick them out;
# session kill ends a relayed SOCKS5 connection (the client sees it close)
# and the close event says so; rmmod with live SOCKS5 and TLS sessions is
# clean (the runner checks the kernel log).
#
#   tg-cli (clients) -- gateway: tlsgwd web :443 (TLS), SOCKS5 px :1080
#                       -- tg-srv: a backend on :8090 that never ends
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib_tls.sh"
. "$(dirname "$0")/../lib_socks.sh"

tls_setup
# A backend whose response never ends, trickled: the sessions stay live.
cat >"$T/endless.py" <<'PY'
import socket, sys, threading, time
def serve(c):
    try:
        c.recv(4096)
        c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1073741824\r\n\r\n")
        while True:
            c.sendall(bytes(16384))
            time.sleep(0.1)
    except OSError:
        pass
s = socket.create_server((sys.argv[1], 8090), backlog=16)
while True:
    threading.Thread(target=serve, args=(s.accept()[0],), daemon=True).start()
PY
in_srv /usr/bin/python3 "$T/endless.py" "$SRV4" &
pids="$pids $!"
wait_port tg-srv "$SRV4" 8090
BACKEND="$SRV4:8090" start_tlsgwd
check "socks add px" tlsgwctl socks add px listen "$GW4:1080" open

# Python over the JSON of "session list ARGS...": sessions is the list.
sessions() {	# EXPR ARGS...
	expr=$1
	shift
	tlsgwctl -j session list "$@" | python3 -c '
import json, sys
sessions = json.load(sys.stdin)
print(eval(sys.argv[1]))' "$expr"
}

# Waits (up to 60 s) until EXPR (over all sessions) is True.
wait_sessions() {	# EXPR
	end=$(($(date +%s) + 60))
	until [ "$(sessions "$1")" = True ]; do
		[ "$(date +%s)" -lt "$end" ] || return 1
		sleep 0.3
	done
}

relaying='[s for s in sessions if s["kind"] == "socks5" and s["backend_peer"]]'

tlsgwctl -j monitor kind socks5 count 2 >"$T/monitor.out" 2>&1 &
mon=$!
pids="$pids $mon"
sleep 1		# subscribed

socks_curl "socks5://$GW4:1080" -o /dev/null "http://$SRV4:8090/" 2>/dev/null &
sc=$!
check "the SOCKS5 relay is listed" wait_sessions "len($relaying) == 1"
tlsgwctl session list
sid=$(sessions "$relaying[0]['id']")
check "its kind is socks5, its service px" \
	[ "$(sessions "[(s['kind'], s['service']) for s in $relaying]")" = "[('socks5', 'px')]" ]
check "its backend is the server" \
	[ "$(sessions "$relaying[0]['backend_peer']")" = "$SRV4:8090" ]
check "it relays (bytes_out grows)" \
	wait_sessions "[s['bytes_out'] > 0 for s in $relaying] == [True]"
check "the text list shows it as socks5 px" \
	sh -c "tlsgwctl session list | grep -q '^$sid socks5 px '"
check "session show says kind socks5" \
	sh -c "tlsgwctl session show $sid | grep -qx 'kind socks5'"

gw_curl -o /dev/null https://www.test/endless 2>/dev/null &
tc=$!
check "the TLS session is listed, kind tls" \
	wait_sessions "[(s['kind'], s['service']) for s in sessions if s['kind'] == 'tls'] == [('tls', 'web')]"
check "kind tls lists only the TLS session" \
	[ "$(sessions "[s['kind'] for s in sessions]" kind tls)" = "['tls']" ]
check "kind socks5 lists only the SOCKS5 one" \
	[ "$(sessions "[s['id'] for s in sessions]" kind socks5)" = "[$sid]" ]
check "service px lists only the SOCKS5 one" \
	[ "$(sessions "[s['id'] for s in sessions]" service px)" = "[$sid]" ]
check "kind tls service px lists nothing" \
	[ "$(sessions "len(sessions)" kind tls service px)" = 0 ]
check "an unknown kind is a usage error" \
	[ "$(run_status tlsgwctl session list kind udp | tail -n 1)" = status=2 ]

# A client that connects and says nothing for a while is a session too,
# negotiating; it leaves by itself.
in_cli python3 -c '
import socket, sys, time
s = socket.create_connection((sys.argv[1], 1080))
time.sleep(8)' "$GW4" &
nc=$!
check "a negotiating SOCKS5 connection is listed, without a backend" \
	wait_sessions "len([s for s in sessions if s['kind'] == 'socks5' and not s['backend_peer']]) == 1"
wait "$nc"

check "session kill $sid" tlsgwctl session kill "$sid"
wait "$sc"
check "the SOCKS5 client saw its connection end" [ $? -ne 0 ]
check "it is gone from the list" wait_sessions "$relaying == []"
i=0
while kill -0 "$mon" 2>/dev/null && [ $i -lt 50 ]; do
	sleep 0.2
	i=$((i + 1))
done
cat "$T/monitor.out"
ev=$(python3 -c '
import json, sys
evs = [json.loads(l) for l in open(sys.argv[1])]
print([(e["event"], e.get("reason"), e["session"]["kind"], e["session"]["service"], e["session"]["id"]) for e in evs])' "$T/monitor.out")
check "monitor: the open and the close (killed) of $sid, kind socks5 ($ev)" \
	[ "$ev" = "[('session-open', None, 'socks5', 'px', $sid), ('session-close', 'killed', 'socks5', 'px', $sid)]" ]
check "the TLS session lives on, alone" \
	wait_sessions "[s['kind'] for s in sessions] == ['tls']"
tlsgwctl session list

# rmmod with a live SOCKS5 relay and a live TLS session.
socks_curl "socks5://$GW4:1080" -o /dev/null "http://$SRV4:8090/" 2>/dev/null &
sc=$!
check "a second SOCKS5 relay is listed" wait_sessions "len($relaying) == 1"
check "rmmod tlsgw with live SOCKS5 and TLS sessions" rmmod tlsgw
wait "$sc"
check "the SOCKS5 client saw its connection end" [ $? -ne 0 ]
wait "$tc"
check "the TLS client saw its connection end" [ $? -ne 0 ]
check "the module can be loaded again" modprobe tlsgw
check "and lists no session" [ "$(sessions "len(sessions)")" = 0 ]
check "and unloaded" rmmod tlsgw
finish
