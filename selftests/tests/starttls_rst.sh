# A RST ends a flow only when its sequence number is in the receiver's
# window (RFC 5961). A blind attacker's RST, far from the client's next
# sequence number, passes (the server drops it) but the flow stays
# tracked: the cleartext AUTH that follows is still reset on a
# block-cleartext-auth policy. The old code forgot the flow on any RST.
# A RST at the right place still closes the flow.
#
# Topology: lib_tls.sh's, forwarding (stls_setup, lib_starttls.sh).
#   tg-cli 192.0.2.2: stls_rst.py (spoofed RSTs from its eth0) and an
#                     aborting client, to SRV4:25
#     | veth
#   gateway: forwards; tlsgw.ko's hooks (policy mail :25)
#     | veth
#   tg-srv 198.51.100.2: aiosmtpd :25 (smtp_server)
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib_tls.sh"
. "$(dirname "$0")/../lib_starttls.sh"

stls_setup
smtp_server
check "policy add" tlsgwctl starttls policy add mail proto smtp ports 25 \
	mode block-cleartext-auth
STLS_RST="$(cd "$(dirname "$0")/.." && pwd)/stls_rst.py"

# Prints the state of the flow from PORT.
flow_state() {	# PORT
	tlsgwctl -j starttls flows | /usr/bin/python3 -c '
import json, sys
print(" ".join(f["state"] for f in json.load(sys.stdin)
               if f["client"].endswith(":" + sys.argv[1])))' "$1"
}

spoof() {	# WANT SPORT OFFSET
	out=$(in_cli /usr/bin/python3 "$STLS_RST" "$SRV4" 25 "$2" "$3" 2>&1)
	echo "$out" | sed 's/^/    /'
	echo "$out" | tail -n 1 | grep -qx "result: $1"
}

mark cleartext-auth true
check "RST 2^31 beyond the window, then AUTH: reset" spoof reset 40001 0x80000000
check "blocked and reported" wait_event cleartext-auth true
mark cleartext-auth true
check "RST 16 MiB before next_seq, then AUTH: reset" spoof reset 40002 -0x1000000
check "blocked and reported" wait_event cleartext-auth true
check "the server never saw an AUTH" sh -c "! grep -q 'AUTH PLAIN' '$T/smtp.log'"

# A RST in the window closes the flow (the client's own abort).
check "an aborted connection" in_cli /usr/bin/python3 -c '
import socket, struct, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.settimeout(30)
s.bind(("", 40003))
s.connect((sys.argv[1], 25))
assert s.makefile("rb").readline().startswith(b"220")
s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
s.close()
' "$SRV4"
sleep 0.5
# Read once: a closed flow is forgotten 5 s later.
state=$(flow_state 40003)
echo "    flow from port 40003: $state"
check "a RST in the window closes the flow" [ "$state" = closed ]
finish
