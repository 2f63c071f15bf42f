# STARTTLS policies deleted while SYNs arrive (issue 11, item 2): a new
# flow took a reference on a policy found under RCU with refcount_inc(),
# from zero when a concurrent delete had dropped the last one. A policy is
# added and deleted in a loop while clients connect as fast as they can;
# another policy stays, so the hooks stay registered throughout. The
# runner fails the test on any refcount warning or KASAN report. (The
# window is narrow: this loop did not lose it on the unfixed module.)
#
# Topology: lib_tls.sh's, forwarding (stls_setup, lib_starttls.sh).
#   tg-cli 192.0.2.2: two connecting loops, to SRV4:25
#     | veth
#   gateway: forwards; tlsgw.ko's hooks (keep :587; churn :25 added and
#            deleted in a loop)
#     | veth
#   tg-srv 198.51.100.2: greet_and_close :25
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib_tls.sh"
. "$(dirname "$0")/../lib_starttls.sh"

stls_setup
rounds=$(scale 100 40)

greet_and_close 25

check "a policy that stays" tlsgwctl starttls policy add keep proto smtp ports 587 mode monitor
# Two clients connect until the loop below is done.
for c in 1 2; do
	in_cli /usr/bin/python3 -c '
import os, socket, sys
n = 0
while not os.path.exists(sys.argv[2]):
    try:
        socket.create_connection((sys.argv[1], 25), timeout=10).close()
        n += 1
    except OSError:
        pass
print(n)
' "$SRV4" "$T/stop" >"$T/conns.$c" &
	pids="$pids $!"
	eval "client$c=\$!"
done
ok=0
i=0
while [ $i -lt "$rounds" ]; do
	i=$((i + 1))
	tlsgwctl starttls policy add churn proto smtp ports 25 mode monitor &&
		tlsgwctl starttls policy del churn && ok=$((ok + 1))
done
touch "$T/stop"
wait "$client1" "$client2"
echo "add/del rounds: $ok of $rounds; connections: $(cat "$T/conns.1") + $(cat "$T/conns.2")"
check "every add and delete succeeded" [ "$ok" -eq "$rounds" ]
check "the clients connected throughout" [ "$(cat "$T/conns.1")" -gt 0 ]
check "tracked flows were counted" [ "$(ctr starttls_flows_tracked)" -gt 0 ]
check "the remaining policy is listed" sh -c 'tlsgwctl starttls policy list | grep -q keep'
check "the deleted one is gone" fails sh -c 'tlsgwctl starttls policy show churn 2>/dev/null'
check "deleting the last policy empties the flow table" tlsgwctl starttls policy del keep
check "no flow is listed" [ "$(tlsgwctl starttls flows | wc -l)" -le 1 ]
check "the module unloads" unload_tlsgw
finish
