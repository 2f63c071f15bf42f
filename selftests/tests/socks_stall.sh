# One client cannot stall SOCKS5 for the others (issue 11, item 7):
# 300 CONNECTs (100 under make check-debug) to addresses whose SYNs are
# silently dropped stay pending (socks_connect_timeout raised to 600 s)
# while another client's CONNECT through the same service and another
# service's greeting complete; closing the 300 clients ends their
# negotiations (not the timeout); the per-source bound
# (socks_max_source_negotiations) refuses and counts the excess while
# another source is served; a DOMAINNAME request whose client leaves
# while tlsgwd sits on the lookup ends at once, and the other one pending
# completes when the daemon answers. Everything is asserted by order of
# events, not by time.
#
# Topology: lib_tls.sh's (tls_setup), used as lib_socks.sh says.
#   tg-cli 192.0.2.2 and 192.0.2.3 (added): socks_client.py hold from
#                     .2, curl from .3, raw clients; to GW4:1080 (s),
#                     :1081 (t), :1082 (u)
#     | veth
#   gateway 192.0.2.1: SOCKS5 services s, t, u (tlsgwctl); tlsgwd, the
#                      resolver (its service cfg :1090 unused); route
#                      203.0.113.0/24 via SRV4; hangs() connects from here
#     | veth
#   tg-srv 198.51.100.2: nginx :8080; ip_forward=1 and a blackhole
#                      route for 203.0.113.0/24 (DEAD 203.0.113.1: SYNs
#                      dropped, no answer)
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib_tls.sh"
. "$(dirname "$0")/../lib_socks.sh"
SELFTESTS=$(cd "$(dirname "$0")/.." && pwd)

P=/sys/module/tlsgw/parameters
DEAD=203.0.113.1
tls_setup
cp /etc/hosts "$T/hosts.orig"
cp /etc/nsswitch.conf "$T/nsswitch.orig"
stall_cleanup() {
	[ -z "${hold_pid:-}" ] || kill "$hold_pid" 2>/dev/null
	cat "$T/hosts.orig" >/etc/hosts
	cat "$T/nsswitch.orig" >/etc/nsswitch.conf
	ip route del 203.0.113.0/24 2>/dev/null
	sysctl -qw net.ipv4.tcp_syn_retries="$syn_retries"
	tls_cleanup
}
trap stall_cleanup EXIT
# The kernel's own SYN retries (127 s by default) must not end the
# pending connects before the test looks: about 17 minutes.
syn_retries=$(sysctl -n net.ipv4.tcp_syn_retries)
sysctl -qw net.ipv4.tcp_syn_retries=9

# A dead peer: tg-srv forwards 203.0.113.0/24 into a blackhole route,
# which drops the SYNs silently (no ICMP, no reset): connects hang.
ip route add 203.0.113.0/24 via "$SRV4"
in_srv sysctl -qw net.ipv4.ip_forward=1
ip -n tg-srv route add blackhole 203.0.113.0/24
hangs() {
	python3 -c '
import socket, sys
try:
    socket.create_connection((sys.argv[1], 80), timeout=3)
except socket.timeout:
    sys.exit(0)
except OSError as e:
    print("connect failed at once: %s" % e)
sys.exit(1)' "$DEAD"
}
check "a connect to $DEAD hangs (no answer within 3 s)" hangs

# A second client address, for "another client".
ip -n tg-cli addr add 192.0.2.3/24 dev eth0
make_file small 16
want=$(sha256sum <"$T/www/small")

echo 600 >"$P/socks_connect_timeout"
echo 1000 >"$P/socks_max_source_negotiations"
check "socks add s" tlsgwctl socks add s listen "$GW4:1080" open neg-timeout 600
check "socks add t" tlsgwctl socks add t listen "$GW4:1081" open

n=$(scale 300 100)
# syn_sent: outgoing connects to the dead peer now pending.
syn_sent() {
	ss -Htn state syn-sent "dst $DEAD" | wc -l
}
wait_syn_sent() {	# N
	end=$(($(date +%s) + 120))
	while [ "$(syn_sent)" -lt "$1" ]; do
		[ "$(date +%s)" -lt "$end" ] || return 1
		sleep 0.5
	done
}

# hold N DST: N held CONNECTs (greeting and request in one segment) from
# tg-cli's first address; they stay until "release" closes them.
hold() {	# PORT N DST
	rm -f "$T/ready" "$T/answered"
	mkfifo "$T/hold.in"
	ip netns exec tg-cli python3 "$SELFTESTS/socks_client.py" hold "$GW4" \
		"$1" "$2" "$3" 80 "$T/ready" <"$T/hold.in" >"$T/answered" &
	hold_pid=$!
	exec 9>"$T/hold.in"
	i=0
	until [ -f "$T/ready" ]; do
		i=$((i + 1))
		[ $i -lt 600 ] || return 1
		sleep 0.2
	done
}
release() {
	exec 9>&-
	wait "$hold_pid"
	hold_pid=
	rm -f "$T/hold.in"
}

check "$n CONNECTs to $DEAD sent" hold 1080 "$n" "$DEAD"
check "all $n outgoing connects are pending ($(syn_sent))" wait_syn_sent "$n"
got=$(CURL_TIMEOUT=120 socks_curl "socks5://$GW4:1080" --interface 192.0.2.3 \
	"http://$SRV4:8080/small" | sha256sum)
check "another client's CONNECT through the same service completes" \
	[ "$got" = "$want" ]
out=$(in_cli env SOCKS_RAW_BYTES=2 SOCKS_RAW_WAIT=120 \
	python3 "$SELFTESTS/socks_client.py" raw "$GW4" 1081 050100)
check "another service's greeting is answered ($out)" [ "$out" = "0500 open" ]
check "meanwhile the $n are still pending ($(syn_sent))" [ "$(syn_sent)" -ge "$n" ]
check "and none of them failed" [ "$(socks_ctr s connect_failed)" -eq 0 ]
release
check "none of the $n clients had an answer ($(cat "$T/answered"))" \
	[ "$(cat "$T/answered")" = 0 ]
# The connect timeout is 600 s: only the clients' leaving ends these.
check "the clients left: their negotiations ended" wait_socks_ctr_zero s active
check "and their outgoing connects are gone ($(syn_sent))" [ "$(syn_sent)" -eq 0 ]

# The per-source bound: 10 negotiations from 192.0.2.2, the rest refused.
echo 10 >"$P/socks_max_source_negotiations"
check "20 more CONNECTs to $DEAD sent" hold 1080 20 "$DEAD"
check "10 of them refused by the per-source bound" \
	wait_socks_ctr s source_limited 10
check "10 pending ($(socks_ctr s active))" [ "$(socks_ctr s active)" -eq 10 ]
got=$(socks_curl "socks5://$GW4:1080" --interface 192.0.2.3 \
	"http://$SRV4:8080/small" | sha256sum)
check "another source is still served" [ "$got" = "$want" ]
check "exactly 10 refused ($(socks_ctr s source_limited))" \
	[ "$(socks_ctr s source_limited)" -eq 10 ]
release
check "their negotiations ended" wait_socks_ctr_zero s active
echo 256 >"$P/socks_max_source_negotiations"

# DOMAINNAME: a lookup tlsgwd sits on (stopped) does not hold the work.
sed -i 's/^hosts:.*/hosts: files/' /etc/nsswitch.conf
echo "$SRV4 srv.test" >>/etc/hosts
cat >"$T/tlsgwd.conf" <<EOF
[global]
[socks cfg]
listen = $GW4:1090
open = yes
EOF
tlsgwd -f -c "$T/tlsgwd.conf" >"$T/tlsgwd.log" 2>&1 &
tlsgwd_pid=$!
pids="$pids $tlsgwd_pid"
registered() {
	end=$(($(date +%s) + 60))
	until [ "$(socks_name_code "$GW4" 1081 srv.test 8080)" = 00 ]; do
		[ "$(date +%s)" -lt "$end" ] || return 1
		sleep 0.5
	done
}
check "tlsgwd resolves srv.test" registered
check "socks add u" tlsgwctl socks add u listen "$GW4:1082" open
echo 60 >"$P/socks_resolve_timeout"
kill -STOP "$tlsgwd_pid"
# The first client: greeting, then the request; waits for the reply.
# (ip netns exec, not in_cli: $! must be the client itself.)
ip netns exec tg-cli env SOCKS_RAW_WAIT=120 SOCKS_RAW_BYTES=6 \
	python3 "$SELFTESTS/socks_client.py" raw "$GW4" 1082 050100 \
	"$(socks_name_req srv.test 8080)" >"$T/b.out" &
b_pid=$!
check "one DOMAINNAME request pending" wait_socks_ctr u active 1
# The second: greeting and request in one segment, then it just waits.
ip netns exec tg-cli python3 -c '
import socket, sys, time
s = socket.create_connection((sys.argv[1], 1082))
s.sendall(bytes.fromhex(sys.argv[2]))
time.sleep(3600)' "$GW4" "050100$(socks_name_req srv.test 8080)" \
	>/dev/null 2>&1 &
a_pid=$!
check "two DOMAINNAME requests pending" wait_socks_ctr u active 2
check "the second client leaves" kill "$a_pid"
wait_one() {
	end=$(($(date +%s) + 60))
	while [ "$(socks_ctr u active)" -ne 1 ]; do
		[ "$(date +%s)" -lt "$end" ] || return 1
		sleep 0.2
	done
}
check "its lookup ended with it: one request pending" wait_one
check "the first one is still waiting for its answer" kill -0 "$b_pid"
kill -CONT "$tlsgwd_pid"
wait "$b_pid"
check "the first one completes once tlsgwd answers ($(cat "$T/b.out"))" \
	sh -c 'grep -q "^050005000001" "$1"' - "$T/b.out"
echo 5 >"$P/socks_resolve_timeout"
echo 10 >"$P/socks_connect_timeout"
finish
