# A client port reused while the gateway still lists the old flow
# (CGNAT, mobile clients: the old connection ended without a FIN or RST
# the gateway saw). Both ends of a first connection from port 40000 drop
# it silently (their RSTs are dropped by tc before they leave), so the
# flow stays ESTABLISHED in the table. A second connection from the same
# port, with a new ISN, must replace it: its dialogue must not stall and
# its cleartext AUTH must be caught. The old code ignored the SYN and
# judged the new connection's segments against the old sequence numbers
# (dropped as "beyond a hole", or passed unparsed).
#
# Topology: lib_tls.sh's, forwarding (stls_setup, lib_starttls.sh).
#   tg-cli 192.0.2.2: connections from port 40000 (python, then
#                     stls_client.py), to SRV4:25; tc drops its RSTs
#                     from port 40000 on eth0 for the first
#     | veth
#   gateway: forwards; tlsgw.ko's hooks (policy mail :25)
#     | veth
#   tg-srv 198.51.100.2: aiosmtpd :25 (smtp_server); tc drops its RSTs
#                        to port 40000 on eth0; ss -K ends the first
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib_tls.sh"
. "$(dirname "$0")/../lib_starttls.sh"

command -v tc >/dev/null || skip "tc (iproute2) is not installed"
stls_setup
in_cli tc qdisc add dev eth0 clsact 2>/dev/null ||
	skip "no clsact qdisc (CONFIG_NET_SCH_INGRESS) to drop the RSTs with"
in_cli tc qdisc del dev eth0 clsact
smtp_server
check "policy add" tlsgwctl starttls policy add mail proto smtp ports 25 \
	mode block-cleartext-auth

# RSTs of port 40000's connections never leave either end.
drop_rst() {	# NS DIRECTION-KEY
	ip netns exec "$1" tc qdisc add dev eth0 clsact &&
		ip netns exec "$1" tc filter add dev eth0 egress protocol ip \
			flower ip_proto tcp "$2" 40000 tcp_flags 0x4/0x4 action drop
}
check "client drops its RSTs" drop_rst tg-cli src_port
check "server drops its RSTs" drop_rst tg-srv dst_port

check "first connection from port 40000, then both ends abort" in_cli \
	/usr/bin/python3 -c '
import socket, struct, subprocess, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.settimeout(30)
s.bind(("", 40000))
s.connect((sys.argv[1], 25))
f = s.makefile("rb")
assert f.readline().startswith(b"220")
s.sendall(b"EHLO one.test\r\n")
while not f.readline().startswith(b"250 "):
    pass
# The server forgets the connection (ss -K: a RST, dropped by tc) ...
subprocess.run(["ip", "netns", "exec", "tg-srv", "ss", "-K", "-t",
                "dport", "=", ":40000"], check=True, stdout=subprocess.DEVNULL)
# ... and so does the client (SO_LINGER 0: a RST, dropped too).
s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
s.close()
print("both ends gone")
' "$SRV4"
in_cli tc qdisc del dev eth0 clsact
in_srv tc qdisc del dev eth0 clsact
tlsgwctl starttls flows | sed 's/^/    /'
old_id=$(tlsgwctl -j starttls flows | /usr/bin/python3 -c '
import json, sys
print(" ".join(str(f["id"]) for f in json.load(sys.stdin)
               if f["client"].endswith(":40000")))')
check "the old flow is still listed" [ -n "$old_id" ]
# ss -K needs CONFIG_INET_DIAG_DESTROY; without it nothing was killed.
[ -z "$(ip netns exec tg-srv ss -Htn 'dport = :40000')" ] ||
	skip "ss -K left the server's connection: this kernel lacks CONFIG_INET_DIAG_DESTROY"

mark cleartext-auth true
tracked=$(ctr starttls_flows_tracked)
check "second connection from port 40000: AUTH in cleartext is reset" \
	client_result reset "$SRV4" 25 smtp auth --sport=40000
check "blocked and reported" wait_event cleartext-auth true
check "the server never saw the AUTH" sh -c "! grep -q 'AUTH PLAIN' '$T/smtp.log'"
new_id=$(tlsgwctl -j starttls flows | /usr/bin/python3 -c '
import json, sys
print(" ".join(str(f["id"]) for f in json.load(sys.stdin)
               if f["client"].endswith(":40000")))')
echo "    flow ids for port 40000: before $old_id, now $new_id"
# The new flow may be forgotten already (5 s after its reset, and the
# guest may be slow): the counter says it was made.
check "the old flow is gone" [ "$new_id" != "$old_id" ]
check "a new flow followed the second connection" \
	[ "$(ctr starttls_flows_tracked)" -gt "$tracked" ]

# And once more, after a connection that ended normally.
check "third connection from port 40000: a plain dialogue works" \
	client_result ok "$SRV4" 25 smtp plain --sport=40000
finish
