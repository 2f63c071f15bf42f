# The end of a download to a slow client: the backend sends a body and
# closes while the client's send buffer on the gateway is full, so kTLS
# holds back part of a record. The client must get every byte and then a
# close_notify (issue 11, item 4: a FIN sent before the held-back record
# cut the stream, and the close_notify that failed with EAGAIN was lost).
#
# Topology: lib_tls.sh's (tls_setup).
#   tg-cli 192.0.2.2: client.py (SO_RCVBUF 8 KiB, slow reader), to GW4:443
#     | veth
#   gateway 192.0.2.1: tlsgwd service web :443 -> SRV4:8081, tlsgw.ko
#     | veth
#   tg-srv 198.51.100.2: backend.py :8081 (nginx :8080 unused)
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib_tls.sh"

tls_setup
size=$(scale 4194304 1048576)
head -c "$size" /dev/urandom >"$T/body"
sum=$(sha256sum <"$T/body" | cut -d' ' -f1)

# A backend that answers any request with the body and closes at once.
cat >"$T/backend.py" <<'PY'
import socket, sys, threading
body = open(sys.argv[3], "rb").read()
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], int(sys.argv[2])))
s.listen(16)
def serve(c):
    c.recv(4096)
    c.sendall(b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: %d\r\n\r\n"
              % len(body) + body)
    c.close()
while True:
    c, _ = s.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
PY
# A client with a small receive buffer that reads slowly; it wants every
# byte and a close_notify (suppress_ragged_eofs=False: a bare FIN raises).
cat >"$T/client.py" <<'PY'
import hashlib, socket, ssl, sys, time
ctx = ssl.create_default_context(cafile=sys.argv[2])
raw = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8192)
raw.settimeout(300)
raw.connect((sys.argv[1], 443))
s = ctx.wrap_socket(raw, server_hostname="www.test",
                    suppress_ragged_eofs=False)
s.sendall(b"GET / HTTP/1.1\r\nHost: www.test\r\n\r\n")
time.sleep(2)	# the backend has sent and closed; the gateway holds the rest
data = b""
try:
    while True:
        b = s.recv(4096)
        if not b:
            break
        data += b
        time.sleep(0.002)
    end = "close_notify"
except ssl.SSLError as e:
    end = "error: %s" % e
head, _, body = data.partition(b"\r\n\r\n")
print("got %d body bytes, sha256 %s, end: %s" %
      (len(body), hashlib.sha256(body).hexdigest(), end))
PY
in_srv python3 "$T/backend.py" "$SRV4" 8081 "$T/body" &
pids="$pids $!"
wait_port tg-srv "$SRV4" 8081
BACKEND=$SRV4:8081 start_tlsgwd

rounds=$(scale 3 2)
i=0
while [ $i -lt "$rounds" ]; do
	i=$((i + 1))
	out=$(in_cli python3 "$T/client.py" "$GW4" "$T/www.pem" 2>&1)
	echo "round $i: $out"
	check "round $i: the client got the whole body" sh -c \
		'echo "$1" | grep -q "got $2 body bytes, sha256 $3,"' - "$out" "$size" "$sum"
	check "round $i: and then a close_notify" sh -c \
		'echo "$1" | grep -q "end: close_notify"' - "$out"
done
check "every session ended" wait_no_sessions
check "each as done (close_notify and FIN both ways)" \
	[ "$(ctr closed_done)" -eq "$rounds" ]
finish
