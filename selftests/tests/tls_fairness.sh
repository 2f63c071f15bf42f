# Fairness and kill under load (issue 11, item 12).
#
# 1. One upload whose client sends ciphertext encrypted beforehand to a
#    backend that discards: the relay is limited only by its own kTLS
#    decryption. 'session kill' in the middle must stop it at once: the
#    backend gets no more than the sockets held. (An old relay looked for
#    the kill only when a socket stopped it, and went on for 20 MB.)
# 2. 300 bulk downloads (40 under make check-debug) whose clients read
#    the ciphertext raw, as fast as the gateway encrypts, and beside them
#    one interactive session asking for a small page 10 times on one
#    connection. Every download must move; the interactive session must
#    get every answer (each within 600 s, however slow the guest); a kill
#    of one busy download must reset its client and no other.
#
# Topology: lib_tls.sh's (tls_setup).
#   tg-cli 192.0.2.2: tls_upload_client.py, tls_bulk_client.py (N raw
#                     readers), the interactive client
#     | veth
#   gateway 192.0.2.1: tlsgwd (:443 web, :444 upload), the kTLS sessions
#     | veth
#   tg-srv 198.51.100.2: nginx :8080 (64 MiB /big, 1 KiB /small),
#                        discard_server.py :8082
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib_tls.sh"

tls_setup
# nginx says at level info why it closes a connection. Its 60 s send
# timeout would end downloads that wait their turn in a slow guest: this
# test asks for progress, not speed (so does the sessions' idle-timeout).
sed -i 's|^error_log \(.*\);|error_log \1 info;|; s|^http {|http {\n\tsend_timeout 3600s;|' \
	"$T/nginx.conf"
in_srv nginx -c "$T/nginx.conf" -s reload
head -c 67108864 /dev/zero >"$T/www/big"
head -c 1024 /dev/urandom >"$T/www/small"
n=$(scale 300 40)
ip netns exec tg-srv python3 "$(dirname "$0")/../discard_server.py" "$SRV4" 8082 \
	"$T/discard" &
pids="$pids $!"
wait_port tg-srv "$SRV4" 8082
cat >"$T/extra.conf" <<CONF
[service upload]
listen = $GW4:444
backend = $SRV4:8082
certificate = $T/www.pem $T/www.key
idle-timeout = 0
CONF
start_tlsgwd "idle-timeout = 0"
dir=$(dirname "$0")/..

# A field of the current bulk client's status: ready, the bytes of PORT,
# whether PORT closed, the least bytes of an open connection, all bytes.
bulk() {	# ready | bytes PORT | closed PORT | least | total
	python3 - "$T/$status" "$@" <<'PY'
import json, sys
try:
    st = json.load(open(sys.argv[1]))
except (OSError, ValueError):
    st = {"ready": 0, "conns": {}}
what = sys.argv[2]
c = st["conns"]
if what == "ready":
    print(st["ready"])
elif what == "bytes":
    print(c.get(sys.argv[3], [0])[0])
elif what == "closed":
    print(int(c.get(sys.argv[3], [0, False])[1]))
elif what == "gap":
    print(max((v[2] for v in c.values()), default=0))
elif what == "least":
    print(min((v[0] for v in c.values() if not v[1]), default=0))
else:
    print(sum(v[0] for v in c.values()))
PY
}

# Until CMD succeeds; gives up early if the process $alive (if set) died.
wait_for() {	# SECONDS CMD...
	end=$(($(date +%s) + $1))
	shift
	until "$@"; do
		[ "$(date +%s)" -lt $end ] || return 1
		[ -z "${alive:-}" ] || kill -0 "$alive" 2>/dev/null || return 1
		sleep 0.2
	done
}
all_ready() { [ "$(bulk ready)" -eq "$n" ]; }
all_moved() { [ "$(bulk least)" -ge 524288 ]; }

start_bulk() {	# N STATUS: N bulk downloads in tg-cli
	status=$2
	# Not through in_cli: $! must be python itself, to kill it.
	ip netns exec tg-cli python3 "$dir/tls_bulk_client.py" "$GW4" \
		"$T/www.pem" "$1" /big "$T/$status" >"$T/$status.log" 2>&1 &
	bulk=$!
	alive=$bulk
	pids="$pids $bulk"
}
session_of() {	# PORT: prints the session's id
	tlsgwctl -j session list | python3 -c '
import json, sys
for s in json.load(sys.stdin):
    if s["client_peer"] and s["client_peer"].rsplit(":", 1)[1] == sys.argv[1]:
        print(s["id"])' "$1"
}

# 1. One upload alone, killed while it runs. The client sends ciphertext
# it encrypted beforehand, and the backend discards, so the relay always
# has data to read and room to write: only decrypting limits it. An old
# relay checked for the kill only when a socket made it stop, so it went
# on to the end of the upload.
upload_ports() {	# the client's local port
	[ -s "$T/upload" ] && cut -d' ' -f1 "$T/upload"
}
upload_moved() {	# BYTES: the backend got at least BYTES
	[ -s "$T/discard" ] && [ "$(tail -n 1 "$T/discard" | cut -d' ' -f1)" -ge "$1" ]
}
upload_closed() { tail -n 1 "$T/discard" | grep -q closed; }
size=$(scale 67108864 33554432)
ip netns exec tg-cli python3 "$dir/tls_upload_client.py" "$GW4" 444 \
	"$T/www.pem" "$size" "$T/upload" >"$T/upload.log" 2>&1 &
pids="$pids $!"
upload_ready() { [ -s "$T/upload" ]; }
check "the upload's ciphertext is ready" wait_for 600 upload_ready
uport=$(upload_ports)
id=$(session_of "$uport")
touch "$T/upload.go"
check "the upload moved 1 MiB" wait_for 600 upload_moved 1048576
at_kill=$(tail -n 1 "$T/discard" | cut -d' ' -f1)
check "session kill $id (the upload, at $at_kill bytes)" tlsgwctl session kill "$id"
check "the backend's connection was closed" wait_for 60 upload_closed
after=$(($(tail -n 1 "$T/discard" | cut -d' ' -f1) - at_kill))
echo "the backend got $after bytes of $size after the kill (it had $at_kill)"
check "the kill came before the end of the upload" [ "$at_kill" -lt "$size" ]
# What the sockets may hold: the gateway's send buffer to the backend, the
# backend's receive buffer, and one relay run.
held=$(($(cut -f3 /proc/sys/net/ipv4/tcp_wmem) + $(cut -f3 /proc/sys/net/ipv4/tcp_rmem) + 262144))
check "at most $held bytes after the kill (what the sockets held)" [ "$after" -le "$held" ]
check "and the session ended" wait_no_sessions
[ "$at_kill" -ge 1048576 ] || {
	cat "$T/upload" "$T/upload.log" "$T/discard"
	tail -n 5 "$T/tlsgwd.log"
}

# 2. N bulk downloads, the interactive session, and a kill among them.
start_bulk "$n" bulk.json
check "$n bulk downloads started" wait_for 900 all_ready
[ "$(bulk ready)" -eq "$n" ] || tail -n 5 "$T/bulk.json.log"
check "$n sessions are live" [ "$(ctr sessions_active)" -ge "$n" ]
check "every bulk download got 512 KiB" wait_for 600 all_moved
echo "least bytes of a bulk download: $(bulk least)"

# The interactive session, on one connection, while the bulk goes on.
cat >"$T/interactive.py" <<'PY'
import socket, ssl, sys, time
ctx = ssl.create_default_context(cafile=sys.argv[2])
raw = socket.create_connection((sys.argv[1], 443), timeout=600)
s = ctx.wrap_socket(raw, server_hostname="www.test")
worst = 0
for i in range(10):
    t = time.monotonic()
    s.sendall(b"GET /small HTTP/1.1\r\nHost: www.test\r\n\r\n")
    data = b""
    while not (b"\r\n\r\n" in data and len(data.partition(b"\r\n\r\n")[2]) >= 1024):
        b = s.recv(65536)
        if not b:
            sys.exit("closed after %d answers" % i)
        data += b
    worst = max(worst, time.monotonic() - t)
print("10 answers, the slowest in %.1f s" % worst)
PY
before=$(bulk total)
out=$(in_cli python3 "$T/interactive.py" "$GW4" "$T/www.pem" 2>&1)
echo "interactive: $out"
check "the interactive session got all 10 answers" \
	sh -c 'echo "$1" | grep -q "^10 answers"' - "$out"
check "and the bulk downloads went on meanwhile" [ "$(bulk total)" -gt "$before" ]

# Kill one busy bulk download: its client must be reset soon after, with
# at most what its sockets held.
port_closed() { [ "$(bulk closed "$port")" -eq 1 ]; }
port=$(python3 -c '
import json, sys
c = sorted(json.load(open(sys.argv[1]))["conns"])
print(c[len(c) // 2])' "$T/bulk.json")
id=$(session_of "$port")
at_kill=$(bulk bytes "$port")
others=$(bulk total)
check "session kill $id" tlsgwctl session kill "$id"
check "its client (port $port) was closed" wait_for 60 port_closed
after=$(($(bulk bytes "$port") - at_kill))
echo "bytes after the kill: $after"
check "it got at most $held bytes after the kill" [ "$after" -le "$held" ]
listed() {
	tlsgwctl -j session list | python3 -c '
import json, sys
sys.exit(0 if any(s["id"] == int(sys.argv[1]) for s in json.load(sys.stdin)) else 1)' "$1"
}
check "session $id is gone" fails listed "$id"
sleep 2
check "the other downloads go on" [ "$(bulk total)" -gt "$others" ]
closed=$(python3 -c '
import json, sys
c = json.load(open(sys.argv[1]))["conns"]
print(" ".join("%s:%d" % (p, v[0]) for p, v in c.items() if v[1]))' "$T/bulk.json")
echo "closed bulk clients (port:bytes): $closed"
echo "the longest wait of a bulk client for data: $(bulk gap) s"
[ "$closed" = "$port:$((at_kill + after))" ] || grep -v "client closed\|reopen" "$T/nginx/error.log" | tail -n 5
check "no other bulk client was closed" [ "$closed" = "$port:$((at_kill + after))" ]

kill "$bulk"
check "all ended" wait_no_sessions
tlsgwctl info | grep -i closed
finish
