# Segments the STARTTLS hooks must see whole or in order, on a
# block-cleartext-auth policy with aiosmtpd behind the gateway:
# - TCP Fast Open: EHLO in the client's SYN (the client without a
#   cookie, the server without TCP_FASTOPEN, by sysctl), then a cleartext
#   AUTH, which must be reset. Before, the SYN's data was never counted,
#   so every later client segment looked out of order and was dropped:
#   the dialogue hung.
# - IP fragments: AUTH PLAIN in a TCP segment sent in two IPv4 fragments
#   (stls_rst.py frag), which must be reset too. Before, fragments passed
#   unparsed and the server got the credentials.
# - Out of order: AUTH PLAIN beyond a hole, then NOOP filling the hole
#   (stls_rst.py ooo). The AUTH segment must reach the server's
#   out-of-order queue (so that a loss costs a fast retransmission, not
#   a timeout), and the NOOP that would release it must be reset. Before,
#   the hook dropped every segment beyond a hole. And a segment filling
#   the hole with other bytes than those let through for the same
#   sequence numbers (stls_rst.py differ) is reset: the gateway cannot
#   know which version the server keeps.
#
# Topology: lib_tls.sh's, forwarding (stls_setup, lib_starttls.sh).
#   tg-cli 192.0.2.2 (tcp_fastopen 0x5): a TFO client and stls_rst.py
#                     (frag, ooo, differ), to SRV4:25
#     | veth
#   gateway: forwards; tlsgw.ko's hooks (policy mail :25)
#     | veth
#   tg-srv 198.51.100.2 (tcp_fastopen 0x602): aiosmtpd :25 (smtp_server)
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib_tls.sh"
. "$(dirname "$0")/../lib_starttls.sh"

stls_setup
# Before the server listens: TFO on every listener (0x400), no cookie
# needed (0x200); the client sends data in its SYN without one (0x4).
in_srv sysctl -qw net.ipv4.tcp_fastopen=0x602
in_cli sysctl -qw net.ipv4.tcp_fastopen=0x5
smtp_server
STLS_RST="$(cd "$(dirname "$0")/.." && pwd)/stls_rst.py"
check "policy add" tlsgwctl starttls policy add mail proto smtp ports 25 \
	mode block-cleartext-auth
auths() {
	grep -c 'AUTH PLAIN' "$T/smtp.log"
}

# Prints "tfo: N" (the client's TCPFastOpenActive count since it began:
# connections whose SYN data the server took), then "result: ...".
tfo_auth() {
	in_cli /usr/bin/python3 -c '
import base64, socket, sys

def tfo_active():
    with open("/proc/net/netstat") as f:
        rows = [ln.split() for ln in f if ln.startswith("TcpExt:")]
    return int(dict(zip(rows[0], rows[1]))["TCPFastOpenActive"])

before = tfo_active()
s = socket.socket()
s.settimeout(30)
s.sendto(b"EHLO tfo.test\r\n", socket.MSG_FASTOPEN, (sys.argv[1], 25))
f = s.makefile("rb")
try:
    print("S: " + f.readline().decode().rstrip())
    while True:
        ln = f.readline()
        print("S: " + ln.decode().rstrip())
        if ln[3:4] != b"-":
            break
    print("tfo: %d" % (tfo_active() - before), flush=True)
    s.sendall(b"AUTH PLAIN " + base64.b64encode(b"\0alice\0secret") + b"\r\n")
    ln = f.readline()
    print("S: " + ln.decode(errors="replace").rstrip())
    res = "ok" if ln else "closed"
except ConnectionResetError:
    res = "reset"
except socket.timeout:
    res = "timeout"
print("result: " + res)
' "$SRV4" 2>&1
}

a=$(auths)
mark cleartext-auth true
tfo_auth >"$T/tfo.out"
sed 's/^/    /' "$T/tfo.out"
check "TFO: the SYN carried EHLO, and the server took it" \
	grep -qx 'tfo: 1' "$T/tfo.out"
check "TFO: the cleartext AUTH that follows is reset" \
	grep -qx 'result: reset' "$T/tfo.out"
check "TFO: blocked and reported" wait_event cleartext-auth true
check "TFO: the server never saw the AUTH" [ "$(auths)" -eq "$a" ]

mark cleartext-auth true
in_cli /usr/bin/python3 "$STLS_RST" "$SRV4" 25 40021 0 frag >"$T/frag.out" 2>&1
sed 's/^/    /' "$T/frag.out"
check "fragments: AUTH in two IP fragments is reset" \
	grep -qx 'result: reset' "$T/frag.out"
check "fragments: blocked and reported" wait_event cleartext-auth true
check "fragments: the server never saw the AUTH" [ "$(auths)" -eq "$a" ]

# The server's count of segments it queued out of order.
ofo() {
	in_srv /usr/bin/python3 -c '
with open("/proc/net/netstat") as f:
    rows = [ln.split() for ln in f if ln.startswith("TcpExt:")]
print(dict(zip(rows[0], rows[1]))["TCPOFOQueue"])'
}
mark cleartext-auth true
q=$(ofo)
in_cli /usr/bin/python3 "$STLS_RST" "$SRV4" 25 40022 0 ooo >"$T/ooo.out" 2>&1
sed 's/^/    /' "$T/ooo.out"
check "out of order: the AUTH beyond the hole reached the server's queue" \
	[ "$(ofo)" -gt "$q" ]
check "out of order: the NOOP filling the hole is reset" \
	grep -qx 'result: reset' "$T/ooo.out"
check "out of order: blocked and reported" wait_event cleartext-auth true
check "out of order: the server never read the AUTH" [ "$(auths)" -eq "$a" ]
b=$(pctr mail starttls_blocked)
in_cli /usr/bin/python3 "$STLS_RST" "$SRV4" 25 40023 0 differ >"$T/differ.out" 2>&1
sed 's/^/    /' "$T/differ.out"
check "two versions of the same bytes: reset" \
	grep -qx 'result: reset' "$T/differ.out"
check "counted as blocked" [ "$(pctr mail starttls_blocked)" -gt "$b" ]
check "the server never read the QUIT" sh -c "! grep -q QUIT '$T/smtp.log'"
finish
