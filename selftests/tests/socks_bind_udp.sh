# SOCKS5 BIND (two replies, then a relay with the peer that connected)
# and UDP ASSOCIATE (datagrams relayed with the SOCKS UDP header added and
# removed, FRAG != 0 dropped and counted, the association ending with its
# control connection), with a client on Python's socket module, over IPv4
# and IPv6.
#
# Topology: lib_tls.sh's (tls_setup), used as lib_socks.sh says.
#   tg-cli 192.0.2.2, 2001:db8:1::2: socks_client.py udp and bind, to
#                     GW4:1080 (s4) and [GW6]:1080 (s6)
#     | veth
#   gateway 192.0.2.1, 2001:db8:1::1: SOCKS5 services s4, s6 (tlsgw.ko);
#                      BIND listens on 198.51.100.1 / 2001:db8:2::1
#     | veth
#   tg-srv 198.51.100.2, 2001:db8:2::2: UDP echo :7777 (both families);
#                      the BIND peer, connecting to the gateway's BND
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib_tls.sh"
. "$(dirname "$0")/../lib_socks.sh"
SELFTESTS=$(cd "$(dirname "$0")/.." && pwd)

tls_setup
check "socks add s4" tlsgwctl socks add s4 listen "$GW4:1080" open
check "socks add s6" tlsgwctl socks add s6 listen "[$GW6]:1080" open

# UDP echo server in tg-srv, both families.
in_srv python3 -c '
import socket, threading
def echo(fam, addr):
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.bind((addr, 7777))
    while True:
        d, a = s.recvfrom(70000)
        s.sendto(d, a)
threading.Thread(target=echo, args=(socket.AF_INET6, "2001:db8:2::2")).start()
echo(socket.AF_INET, "198.51.100.2")' &
pids="$pids $!"
sleep 1

check "UDP ASSOCIATE over IPv4: datagrams echoed through the relay" \
	socks_py udp "$GW4" 1080 "$SRV4" 7777
check "udp_in counts 3 datagrams" [ "$(socks_ctr s4 udp_in)" -eq 3 ]
check "udp_out counts 3 datagrams" [ "$(socks_ctr s4 udp_out)" -eq 3 ]
check "the fragment was dropped and counted" \
	[ "$(socks_ctr s4 udp_frag_dropped)" -eq 1 ]
check "UDP ASSOCIATE over IPv6" socks_py udp "$GW6" 1080 "$SRV6" 7777
check "the association ended with its control connection" \
	wait_socks_ctr_zero s4 active


# BIND: the client asks, the peer in tg-srv connects to BND.
bind_test() {	# PROXY DST
	rm -f "$T/bnd"
	socks_py bind "$1" 1080 "$2" "$T/bnd" >"$T/bind.out" 2>&1 &
	bpid=$!
	i=0
	while [ ! -s "$T/bnd" ] && [ $i -lt 150 ]; do sleep 0.2; i=$((i + 1)); done
	[ -s "$T/bnd" ] || { cat "$T/bind.out"; return 1; }
	read -r addr port <"$T/bnd"
	in_srv python3 -c '
import socket, sys
s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=60)
s.sendall(b"hello from the peer\n")
line = s.makefile("rb").readline()
sys.exit(0 if line == b"hello from the client\n" else 1)' "$addr" "$port" || return 1
	wait $bpid
	r=$?
	cat "$T/bind.out"
	return $r
}
check "BIND over IPv4: two replies and a relayed exchange" bind_test "$GW4" "$SRV4"
check "BIND over IPv6" bind_test "$GW6" "$SRV6"
check "both BINDs counted as granted" [ "$(socks_ctr s4 requests_ok)" -ge 2 ]
finish
