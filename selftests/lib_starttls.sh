# Helpers for the STARTTLS policing selftests (sourced after lib.sh and
# lib_tls.sh, whose tg-cli / gateway / tg-srv topology they reuse). Here
# the gateway forwards: clients in tg-cli talk to servers in tg-srv
# through the guest's own namespace, where tlsgw's netfilter hooks run.
#
# On lib_tls.sh's topology, forwarding on, no nginx and no tlsgwd:
#
#   tg-cli 192.0.2.2, 2001:db8:1::2
#     client (stls_client.py) and the test's own clients, to SRV4 or
#     [SRV6] PORT directly (routed by the gateway)
#       |  veth
#   gateway (init netns) 192.0.2.1 | 198.51.100.1: forwards both families;
#     tlsgw.ko's hooks follow each flow to a policed port (tlsgwctl
#     starttls policy add); tlsgwctl -j monitor >$T/events
#       |  veth
#   tg-srv 198.51.100.2, 2001:db8:2::2
#     stls_server (stls_server.py fake | relay), greet_and_close,
#     smtp_server (aiosmtpd on SRV4:25), and the test's own servers
#
# stls_setup        fresh module, topology, forwarding, a certificate
#                   ($T/www.pem, $T/www.key) and "tlsgwctl -j monitor"
#                   writing to $T/events
# client ARGS       selftests/stls_client.py in tg-cli (see its usage)
# nevents F [B]     how many events with finding F (and blocked B:
#                   true/false; of protocol $EV_PROTO if set) the
#                   monitor printed so far
# wait_event F [B]  waits until there is one more such event than
#                   $seen (set by mark F [B])
# stls_server ARGS  selftests/stls_server.py (fake servers, a rewriting
#                   middlebox) in tg-srv, in the background
# ev_snap, then ev_one_upgrade: exactly one upgrade reported since the
#                   snapshot (of $EV_PROTO if set), and no injection
# greet_and_close PORT  a server in tg-srv that greets and closes
# smtp_server       aiosmtpd (STARTTLS with $T/www.pem) on tg-srv:25,
#                   logging to $T/smtp.log; skips the test without it
STLS_CLIENT="$(cd "$(dirname "$0")/.." && pwd)/stls_client.py"
STLS_SERVER="$(cd "$(dirname "$0")/.." && pwd)/stls_server.py"

stls_setup() {
	T=$(mktemp -d /tmp/tlsgw-test.XXXXXX)
	chmod 755 "$T"
	trap tls_cleanup EXIT
	unload_tlsgw
	load_tlsgw
	veth_pair tg-cli tg-cli0 "$GW4" 192.0.2.2 "$GW6" 2001:db8:1::2
	veth_pair tg-srv tg-srv0 198.51.100.1 "$SRV4" 2001:db8:2::1 "$SRV6"
	sysctl -qw net.ipv4.ip_forward=1
	sysctl -qw net.ipv6.conf.all.forwarding=1
	make_cert www www.test
	tlsgwctl -j monitor >"$T/events" 2>"$T/monitor.err" &
	pids="$pids $!"
	sleep 0.5
}

stls_server() {
	in_srv /usr/bin/python3 "$STLS_SERVER" "$@" >>"$T/stls_server.log" 2>&1 &
	pids="$pids $!"
}

client() {
	in_cli /usr/bin/python3 "$STLS_CLIENT" "$@" 2>&1
}

# Runs the client and checks its result line.
client_result() {	# WANT ARGS...
	want=$1
	shift
	out=$(client "$@")
	echo "$out" | sed 's/^/    /'
	echo "$out" | tail -n 1 | grep -qx "result: $want"
}

nevents() {	# FINDING [BLOCKED]
	# grep, not a JSON parser: it runs in every poll of wait_event, and
	# starting python takes a second in an emulated guest. tlsgwctl
	# prints the keys in this order (tools/tests/test_monitor.c checks it).
	grep -F "{\"event\":\"starttls\",\"finding\":\"$1\"," "$T/events" |
		grep -F "\"proto\":\"${EV_PROTO:-}" |
		grep -cF "\"blocked\":${2:-}"
}

mark() {
	seen=$(nevents "$@")
}

# Events arrive asynchronously, and clients are slow in an emulated
# guest: give them 20 seconds.
wait_event() {	# FINDING [BLOCKED]
	i=0
	while [ "$(nevents "$@")" -le "$seen" ]; do
		i=$((i + 1))
		[ $i -lt 200 ] || { echo "no new '$*' event"; return 1; }
		sleep 0.1
	done
}

# No new event of that kind since mark.
no_new_event() {
	sleep 0.5
	[ "$(nevents "$@")" -eq "$seen" ]
}

# A counter of a policy, from tlsgwctl -j starttls policy show.
pctr() {	# POLICY COUNTER
	tlsgwctl -j starttls policy show "$1" | /usr/bin/python3 -c '
import json, sys
print(json.load(sys.stdin)["counters"].get(sys.argv[1], 0))' "$2"
}

ev_snap() {
	ev_from=$(wc -l <"$T/events")
}

# Waits (20 s) for a tls-started event after the snapshot, then checks
# the counts since: one requested, accepted and tls-started, no injection.
ev_one_upgrade() {
	/usr/bin/python3 - "$T/events" "$ev_from" "${EV_PROTO:-}" <<'PY'
import collections, json, sys, time
def counts():
    n = collections.Counter()
    with open(sys.argv[1]) as f:
        for line in list(f)[int(sys.argv[2]):]:
            try:
                e = json.loads(line)
            except ValueError:
                continue
            if e.get("event") == "starttls" and \
                    sys.argv[3] in ("", e.get("proto")):
                n[e.get("finding")] += 1
    return n
for i in range(200):
    if counts()["tls-started"]:
        break
    time.sleep(0.1)
time.sleep(0.5)
n = counts()
print("    since the snapshot:", dict(n))
sys.exit(not (n["requested"] == n["accepted"] == n["tls-started"] == 1 and
              n["command-injection"] == n["response-injection"] == 0))
PY
}

# A server in tg-srv on PORT that greets each connection and closes it.
greet_and_close() {	# PORT
	in_srv /usr/bin/python3 -c '
import socket, sys
s = socket.create_server(("0.0.0.0", int(sys.argv[1])), backlog=1024)
while True:
    c, _ = s.accept()
    c.sendall(b"220 hi\r\n")
    c.close()
' "$1" &
	pids="$pids $!"
	wait_port tg-srv "$SRV4" "$1"
}

# aiosmtpd on tg-srv:25 (STARTTLS offered, not required), its debug log
# in $T/smtp.log.
smtp_server() {
	/usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null ||
		skip "aiosmtpd (python3-aiosmtpd) is not installed"
	in_srv /usr/bin/python3 -m aiosmtpd -n -d -l "$SRV4:25" \
		--tlscert "$T/www.pem" --tlskey "$T/www.key" --no-requiretls \
		>"$T/smtp.log" 2>&1 &
	pids="$pids $!"
	wait_port tg-srv "$SRV4" 25
}
