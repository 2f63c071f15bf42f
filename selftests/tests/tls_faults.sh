# Faults on either side: backend refusing, backend resetting, client
# resetting, backend stalling (backpressure), a handshake that never
# completes, garbage instead of a ClientHello, a certificate that does not
# match its key. Each is handled, logged and counted: no hang, no leak,
# no oops (the runner checks the kernel log).
#
# Topology: lib_tls.sh's (tls_setup).
#   tg-cli 192.0.2.2: curl to GW4:443, :8443, :9443, :10443;
#                     client_rst.py and raw sockets to GW4:443
#     | veth
#   gateway 192.0.2.1: tlsgwd (handshake-timeout 3), backends on SRV4:
#                      web :443 -> :8080, rst :8443 -> :8081,
#                      stall :9443 -> :8082, refused :10443 -> :9
#                      (nothing listens); tlsgw.ko
#     | veth
#   tg-srv 198.51.100.2: nginx :8080, rst.py :8081, stall.py :8082
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib_tls.sh"

tls_setup
head -c 33554432 /dev/urandom >"$T/www/32m"
echo "ok" >"$T/www/index.html"

# A backend that resets: accepts, reads the request, sends a little, RST.
cat >"$T/rst.py" <<'PY'
import socket, struct, sys
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], int(sys.argv[2])))
s.listen(8)
while True:
    c, _ = s.accept()
    c.recv(4096)
    c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\npartial")
    c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    c.close()
PY
# A backend that accepts and never reads.
cat >"$T/stall.py" <<'PY'
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], int(sys.argv[2])))
s.listen(8)
conns = []
while True:
    c, _ = s.accept()
    conns.append(c)
PY
# A TLS client that resets its connection in the middle of a download.
cat >"$T/client_rst.py" <<'PY'
import socket, ssl, struct, sys
ctx = ssl.create_default_context(cafile=sys.argv[2])
s = ctx.wrap_socket(socket.create_connection((sys.argv[1], 443), timeout=120),
                    server_hostname="www.test")
s.sendall(b"GET /32m HTTP/1.1\r\nHost: www.test\r\n\r\n")
got = 0
while got < 1 << 20:
    got += len(s.recv(65536))
# No close_notify, and linger 0: the close sends a RST.
s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
s.close()
print("reset after", got)
PY
in_srv python3 "$T/rst.py" "$SRV4" 8081 &
pids="$pids $!"
in_srv python3 "$T/stall.py" "$SRV4" 8082 &
pids="$pids $!"
wait_port tg-srv "$SRV4" 8081
wait_port tg-srv "$SRV4" 8082

# Services: nginx, the resetting backend, the stalling one (with a short
# idle timeout), and one whose backend refuses.
cat >"$T/extra.conf" <<CONF
[service rst]
listen = $GW4:8443
backend = $SRV4:8081
certificate = $T/www.pem $T/www.key
[service stall]
listen = $GW4:9443
backend = $SRV4:8082
certificate = $T/www.pem $T/www.key
idle-timeout = 30
[service refused]
listen = $GW4:10443
backend = $SRV4:9
certificate = $T/www.pem $T/www.key
CONF
HS_TIMEOUT=3 start_tlsgwd
wait_listen 10443

url() { echo "https://www.test:$1/index.html"; }
curl_port() {	# PORT CURL-ARGS...
	port=$1
	shift
	in_cli curl -sS --max-time 120 --cacert "$T/www.pem" \
		--resolve "www.test:$port:$GW4" "$@"
}

# Backend refuses: the client is closed, nothing is offloaded.
opened=$(ctr sessions_opened)
curl_port 10443 -o /dev/null "$(url 10443)" 2>"$T/err"
check "backend refusing: the client gets an error" [ $? -ne 0 ]
check "and tlsgwd logs why" grep -q "service=refused.*backend" "$T/tlsgwd.log"
check "and no session was opened" [ "$(ctr sessions_opened)" -eq "$opened" ]

# Backend resets mid-response: the client connection is reset too.
resets=$(ctr closed_reset)
curl_port 8443 -o /dev/null "$(url 8443)" 2>"$T/err"
check "backend reset: the client gets an error" [ $? -ne 0 ]
check "backend reset: the session ends" wait_no_sessions
check "backend reset: counted as a reset" [ "$(ctr closed_reset)" -gt "$resets" ]

# Client resets mid-download.
resets=$(ctr closed_reset)
check "client reset mid-download" in_cli python3 "$T/client_rst.py" "$GW4" "$T/www.pem"
check "client reset: the session ends" wait_no_sessions
check "client reset: counted as a reset" [ "$(ctr closed_reset)" -gt "$resets" ]

# Backend stalls: the upload stops at the buffers (backpressure); the
# kernel holds no more than its bounded relay buffer. The client gives up,
# the data it sent cannot be delivered: the idle timeout ends the session.
idle=$(ctr closed_idle)
in_cli timeout 25 curl -sS --cacert "$T/www.pem" --resolve "www.test:9443:$GW4" \
	-T "$T/www/32m" https://www.test:9443/upload 2>/dev/null &
cpid=$!
sleep 8
a=$(tlsgwctl -j session list | python3 -c 'import json,sys; print(sum(s["bytes_in"] for s in json.load(sys.stdin)))')
sleep 4
b=$(tlsgwctl -j session list | python3 -c 'import json,sys; print(sum(s["bytes_in"] for s in json.load(sys.stdin)))')
echo "stalled backend: bytes relayed $a, then $b"
check "stalled backend: the relay stops (backpressure)" [ "$a" -eq "$b" ]
check "stalled backend: far less than the upload was relayed" [ "$b" -lt 16777216 ]
wait $cpid
check "stalled backend: the session ends when the client gives up" wait_no_sessions
check "stalled backend: by the idle timeout" [ "$(ctr closed_idle)" -eq $((idle + 1)) ]

# A handshake that never completes (slowloris): closed after the timeout.
start=$(date +%s)
in_cli python3 -c '
import socket, sys
s = socket.create_connection((sys.argv[1], 443), timeout=120)
s.sendall(b"\x16\x03\x01")
assert s.recv(100) == b"", "expected the gateway to close"
' "$GW4"
check "slowloris handshake is closed by the gateway" [ $? -eq 0 ]
echo "closed after $(( $(date +%s) - start ))s (timeout 3s)"
check "and logged as a timeout" grep -q -i "timeout" "$T/tlsgwd.log"

# Garbage instead of a ClientHello.
in_cli python3 -c '
import socket, sys
s = socket.create_connection((sys.argv[1], 443), timeout=120)
s.sendall(b"GET / HTTP/1.0\r\n\r\n")
try:
    while s.recv(100):
        pass
except ConnectionResetError:
    pass
' "$GW4"
check "garbage instead of a ClientHello is closed" [ $? -eq 0 ]
check "and logged as a handshake failure" grep -q "handshake" "$T/tlsgwd.log"

# The gateway still works after all that.
check "a normal request still works" gw_curl -o /dev/null https://www.test/index.html
check "and the daemon is still running" kill -0 "$tlsgwd_pid"

# A certificate that does not match its key: tlsgwd -t says where.
make_cert wrong wrong.test
cat >"$T/bad.conf" <<CONF
[service web]
listen = $GW4:11443
backend = $SRV4:8080
certificate = $T/www.pem $T/wrong.key
CONF
out=$(tlsgwd -t -c "$T/bad.conf" 2>&1)
st=$?
echo "$out"
check "tlsgwd -t rejects a certificate/key mismatch" [ $st -eq 1 ]
check "naming the file and line" sh -c 'echo "$1" | grep -q "bad.conf:4"' - "$out"
finish
