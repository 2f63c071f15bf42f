# The STARTTLS flow table stays bounded: 10,000 short connections (3,000
# with TLSGW_QUICK) through the gateway with starttls_max_flows at 200
# never hold more than 200 flows, the rest are counted as dropped, the collector empties the table
# once they are closed, and the module unloads cleanly with live flows.
# Closed flows linger 5 s; connections held open make sure the table
# fills, however slowly the guest makes the short ones.
#
# Topology: lib_tls.sh's, forwarding (stls_setup, lib_starttls.sh).
#   tg-cli 192.0.2.2: short and held connections, to SRV4:25 and
#                     SRV4:587
#     | veth
#   gateway: forwards; tlsgw.ko's hooks (policies mail :25, sub :587);
#            a loop sampling the flow count
#     | veth
#   tg-srv 198.51.100.2: greet_and_close :25, a holding server :587
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib_tls.sh"
. "$(dirname "$0")/../lib_starttls.sh"

stls_setup
param=/sys/module/tlsgw/parameters/starttls_max_flows
old=$(cat $param)
max_flows=200
n=$(scale 10000 3000)
echo $max_flows >$param

# A server that accepts and closes, and one that keeps connections open.
greet_and_close 25

check "policy add" tlsgwctl starttls policy add mail proto smtp ports 25 mode monitor
# Samples the table size while the clients run.
(
	while :; do
		ctr starttls_flows_active >>"$T/active"
		sleep 0.5
	done
) &
sampler=$!
pids="$pids $sampler"
check "$n short connections" in_cli /usr/bin/python3 -c '
import socket, sys
ok = 0
n = int(sys.argv[2])
for i in range(n):
    try:
        c = socket.create_connection((sys.argv[1], 25), timeout=10)
        c.close()
        ok += 1
    except OSError:
        pass
print("connected", ok)
sys.exit(ok < n * 99 // 100)
' "$SRV4" "$n"
kill $sampler
max=$(sort -n "$T/active" | tail -n 1)
echo "most flows seen at once: $max; tracked $(ctr starttls_flows_tracked)," \
	"dropped $(ctr starttls_flows_dropped)"
check "never more than $max_flows flows" [ "$max" -le $max_flows ]
# Whether the short connections fill the table depends on how fast the
# guest makes them; connections held open fill it whatever the speed (the
# server has closed its side, the client keeps its own open: the flows
# stay). n counts them too.
echo > "$T/hold"
in_cli /usr/bin/python3 -c '
import os, socket, sys, time
held = []
for i in range(int(sys.argv[2])):
    try:
        held.append(socket.create_connection((sys.argv[1], 25), timeout=10))
    except OSError:
        pass
print("held", len(held), flush=True)
while os.path.exists(sys.argv[3]):
    time.sleep(0.2)
' "$SRV4" $((max_flows + 20)) "$T/hold" >"$T/held" &
holder=$!
i=0
until grep -q held "$T/held" || [ $i -ge 600 ]; do
	i=$((i + 1))
	sleep 0.2
done
echo "connections held open: $(cat "$T/held")"
check "the table did fill up" [ "$(ctr starttls_flows_dropped)" -gt 0 ]
rm -f "$T/hold"
wait $holder
n=$((n + max_flows + 20))
check "every SYN was tracked or counted" \
	[ $(($(ctr starttls_flows_tracked) + $(ctr starttls_flows_dropped))) -ge "$n" ]
check "tlsgwctl starttls flows lists at most $max_flows" \
	[ "$(tlsgwctl starttls flows | wc -l)" -le $max_flows ]
i=0
while [ "$(ctr starttls_flows_active)" -gt 0 ] && [ $i -lt 60 ]; do
	sleep 1
	i=$((i + 1))
done
check "closed flows are collected" [ "$(ctr starttls_flows_active)" -eq 0 ]

# Live flows at unload: 50 connections held open.
in_srv /usr/bin/python3 -c '
import socket, time
s = socket.create_server(("0.0.0.0", 587), backlog=128)
held = []
while True:
    c, _ = s.accept()
    c.sendall(b"220 hi\r\n")
    held.append(c)
' &
pids="$pids $!"
wait_port tg-srv "$SRV4" 587
check "policy add for 587" tlsgwctl starttls policy add sub proto smtp ports 587 mode block-injection
in_cli /usr/bin/python3 -c '
import socket, sys, time
held = [socket.create_connection((sys.argv[1], 587)) for i in range(50)]
time.sleep(120)
' "$SRV4" &
holder=$!
pids="$pids $holder"
i=0
while [ "$(ctr starttls_flows_active)" -lt 50 ] && [ $i -lt 60 ]; do
	sleep 1
	i=$((i + 1))
done
check "50 live flows tracked" [ "$(ctr starttls_flows_active)" -ge 50 ]
check "rmmod with live flows" rmmod tlsgw
check "the connections still work without the module" in_cli /usr/bin/python3 -c '
import socket, sys
c = socket.create_connection((sys.argv[1], 25), timeout=10)
assert c.recv(100).startswith(b"220")
' "$SRV4"
load_tlsgw
echo "$old" >$param
finish
