# What a STARTTLS policy does with connections it cannot follow, fail
# open (the default: they pass, counted) and fail closed (dropped or
# reset, counted), with aiosmtpd as the server:
# - a connection opened before the policy (or forgotten since);
# - a connection that finds the flow table full (of established flows);
# - a flow given up after 64 segments in a row beyond a hole (what a
#   gateway that misses the client's bytes sees), made by stls_rst.py;
# and, whatever the policy, that while SYNs that never get a SYN-ACK (a
# small SYN flood, to an address nobody answers) keep the table full, a
# new connection takes the place of the oldest of them. Before, every
# such case passed silently, and SYN-only flows kept the table full.
#
# Topology: lib_tls.sh's, forwarding (stls_setup, lib_starttls.sh).
#   tg-cli 192.0.2.2: cl.py, held connections and stls_rst.py, to
#                     SRV4:25; SYNs to 198.51.100.99:25 (nobody)
#     | veth
#   gateway: forwards; tlsgw.ko's hooks (policies open, shut); the SYNs
#            to 198.51.100.99 die in its neighbour lookup
#     | veth
#   tg-srv 198.51.100.2: aiosmtpd :25 (smtp_server)
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib_tls.sh"
. "$(dirname "$0")/../lib_starttls.sh"

stls_setup
smtp_server
param=/sys/module/tlsgw/parameters/starttls_max_flows
STLS_RST="$(cd "$(dirname "$0")/.." && pwd)/stls_rst.py"

# A client in tg-cli: connects to tg-srv:25 (TIMEOUT s), reads the
# greeting, prints "ready", waits for $T/go (if WAIT), says NOOP and
# prints "result: ok|reset|closed|timeout|refused".
cat >"$T/cl.py" <<'PY'
import os, socket, sys, time
host, timeout, wait = sys.argv[1], float(sys.argv[2]), sys.argv[3]
try:
    s = socket.create_connection((host, 25), timeout=timeout)
    s.settimeout(30)
    f = s.makefile("rb")
    f.readline()
    print("ready", flush=True)
    while wait == "wait" and not os.path.exists(sys.argv[4]):
        time.sleep(0.1)
    s.sendall(b"NOOP\r\n")
    res = "ok" if f.readline().startswith(b"250") else "closed"
except ConnectionResetError:
    res = "reset"
except socket.timeout:
    res = "timeout"
except ConnectionRefusedError:
    res = "refused"
print("result: " + res, flush=True)
PY

# Runs cl.py in the background, output in $T/NAME, until it is ready.
early() {	# NAME
	rm -f "$T/go"
	in_cli /usr/bin/python3 "$T/cl.py" "$SRV4" 10 wait "$T/go" \
		>"$T/$1" 2>&1 &
	early_pid=$!
	i=0
	until grep -q ready "$T/$1" || [ $i -ge 300 ]; do
		i=$((i + 1))
		sleep 0.1
	done
}
# Lets it go on; succeeds if it printed "result: WANT".
early_result() {	# NAME WANT
	touch "$T/go"
	wait $early_pid
	sed 's/^/    /' "$T/$1"
	grep -qx "result: $2" "$T/$1"
}
# A new connection, now; succeeds if it printed "result: WANT".
now_result() {	# WANT TIMEOUT
	out=$(in_cli /usr/bin/python3 "$T/cl.py" "$SRV4" "$2" now 2>&1)
	echo "$out" | sed 's/^/    /'
	echo "$out" | tail -n 1 | grep -qx "result: $1"
}
# N connections held open (established flows) until $T/hold goes.
hold() {	# N
	echo >"$T/hold"
	in_cli /usr/bin/python3 -c '
import os, socket, sys, time
held = [socket.create_connection((sys.argv[1], 25), timeout=20)
        for i in range(int(sys.argv[2]))]
print("held", len(held), flush=True)
while os.path.exists(sys.argv[3]):
    time.sleep(0.2)
' "$SRV4" "$1" "$T/hold" >"$T/held" 2>&1 &
	holder=$!
	i=0
	until grep -q held "$T/held" || [ $i -ge 300 ]; do
		i=$((i + 1))
		sleep 0.1
	done
	cat "$T/held"
}
unhold() {
	rm -f "$T/hold"
	wait $holder
}
policy() {	# NAME MODE FAIL
	tlsgwctl starttls policy add "$1" proto smtp ports 25 mode "$2" \
		fail "$3"
}

# 1. Opened before the policy.
early before-open
check "fail open: policy added while a connection is open" \
	policy open block-cleartext-auth open
check "that connection goes on" early_result before-open ok
check "nothing counted as untracked" [ "$(pctr open starttls_untracked)" -eq 0 ]
tlsgwctl starttls policy del open
early before-shut
check "fail closed: policy added while a connection is open" \
	policy shut block-cleartext-auth closed
check "that connection is reset" early_result before-shut reset
check "counted as untracked" [ "$(pctr shut starttls_untracked)" -ge 1 ]
check "a new connection works" now_result ok 20
tlsgwctl starttls policy del shut

# 2. A full table of established flows.
echo 3 >$param
policy open block-cleartext-auth open
hold 3
check "fail open, table full: a new connection passes" now_result ok 20
check "counted as dropped" [ "$(pctr open starttls_flows_dropped)" -ge 1 ]
unhold
tlsgwctl starttls policy del open
policy shut block-cleartext-auth closed
hold 3
check "fail closed, table full: a new connection's SYN is dropped" \
	now_result timeout 4
check "counted as dropped" [ "$(pctr shut starttls_flows_dropped)" -ge 1 ]
unhold
tlsgwctl starttls policy del shut

# 3. A table kept full of SYNs without SYN-ACK: a new one every 0.2 s to
# 198.51.100.99, which does not exist, so the gateway's neighbour lookup
# drops them after the hook saw them. (Under pressure such flows are
# forgotten after 5 s: fresh ones keep the table full all the same.)
policy open block-cleartext-auth open
echo >"$T/syns"
in_cli /usr/bin/python3 -c '
import collections, os, socket, sys, time
held = collections.deque(maxlen=50)
while os.path.exists(sys.argv[1]):
    s = socket.socket()
    s.setblocking(False)
    s.connect_ex(("198.51.100.99", 25))
    held.append(s)
    time.sleep(0.2)
' "$T/syns" >"$T/syns.out" 2>&1 &
syner=$!
i=0
until [ "$(ctr starttls_flows_active)" -ge 3 ] || [ $i -ge 300 ]; do
	i=$((i + 1))
	sleep 0.1
done
check "SYN-only flows fill the table" [ "$(ctr starttls_flows_active)" -eq 3 ]
early evict
tlsgwctl -j starttls flows >"$T/flows"
sed 's/^/    /' "$T/flows"
check "a new connection evicts one and is followed" /usr/bin/python3 -c '
import json, sys
flows = json.load(open(sys.argv[1]))
sys.exit(not any(f["server"] == sys.argv[2] + ":25" and
                 f["state"] == "established" for f in flows))' "$T/flows" "$SRV4"
check "the evicted SYNs counted as dropped" [ "$(pctr open starttls_flows_dropped)" -ge 1 ]
check "the SYNs that follow do not evict it" sh -c \
	"tlsgwctl starttls flows | grep -q -- '-> $SRV4:25 state established'"
check "the connection works" early_result evict ok

rm -f "$T/syns"
wait $syner
tlsgwctl starttls policy del open
echo 16384 >$param

# 4. Given up on: 100 one-byte segments 100000 bytes beyond the client's
# next byte (the first 16 are copied and let through, the next 64
# dropped, the 81st gives up), then AUTH.
lost() {	# WANT SPORT
	out=$(in_cli /usr/bin/python3 "$STLS_RST" "$SRV4" 25 "$2" 100000 100 2>&1)
	echo "$out" | sed 's/^/    /'
	echo "$out" | tail -n 1 | grep -qx "result: $1"
}
auths() {
	grep -c 'AUTH PLAIN' "$T/smtp.log"
}
policy open block-cleartext-auth open
a=$(auths)
check "fail open: a flow given up on passes, AUTH and all" lost ok 40011
check "counted as lost" [ "$(pctr open starttls_flows_lost)" -eq 1 ]
check "the server saw the AUTH" [ "$(auths)" -gt "$a" ]
tlsgwctl starttls policy del open
policy shut block-cleartext-auth closed
a=$(auths)
check "fail closed: a flow given up on is reset" lost reset 40012
check "counted as lost" [ "$(pctr shut starttls_flows_lost)" -eq 1 ]
check "and as blocked" [ "$(pctr shut starttls_blocked)" -eq 1 ]
check "the server never saw that AUTH" [ "$(auths)" -eq "$a" ]
tlsgwctl starttls policy del shut

check "fail closed needs a mode that resets" fails \
	policy mon monitor closed
finish
