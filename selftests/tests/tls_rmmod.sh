# rmmod with live sessions: every session is closed, clients see their
# connections end (no hang), and nothing leaks (the runner checks the
# kernel log).
#
# Topology: lib_tls.sh's (tls_setup).
#   tg-cli 192.0.2.2: 5 curl (gw_curl), to GW4:443
#     | veth
#   gateway 192.0.2.1: tlsgwd service web :443 -> SRV4:8090, tlsgw.ko
#                      (removed with its 5 sessions live)
#     | veth
#   tg-srv 198.51.100.2: endless.py :8090 (nginx :8080 unused)
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib_tls.sh"

tls_setup
# A backend whose response never ends (a 1 GiB body, trickled): no client
# can finish before the rmmod, however slow the guest. (A rate-limited
# download of a file could, and did, on a loaded debug guest.)
cat >"$T/endless.py" <<'PY'
import socket, sys, threading, time
def serve(c):
    try:
        c.recv(4096)
        c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1073741824\r\n\r\n")
        while True:
            c.sendall(bytes(16384))
            time.sleep(0.1)
    except OSError:
        pass
s = socket.create_server((sys.argv[1], 8090), backlog=16)
while True:
    threading.Thread(target=serve, args=(s.accept()[0],), daemon=True).start()
PY
in_srv /usr/bin/python3 "$T/endless.py" "$SRV4" &
pids="$pids $!"
wait_port tg-srv "$SRV4" 8090
BACKEND="$SRV4:8090" start_tlsgwd
cp=""
i=0
while [ $i -lt 5 ]; do
	gw_curl -o /dev/null https://www.test/endless 2>/dev/null &
	cp="$cp $!"
	i=$((i + 1))
done
i=0
while [ "$(ctr sessions_active)" -lt 5 ] && [ $i -lt 100 ]; do
	sleep 0.3
	i=$((i + 1))
done
check "five live sessions" [ "$(ctr sessions_active)" -eq 5 ]
check "rmmod tlsgw with live sessions" rmmod tlsgw
ended=0
codes=""
for p in $cp; do
	wait "$p"
	rc=$?
	codes="$codes $rc"
	[ $rc -ne 0 ] && ended=$((ended + 1))
done
echo "curl exit codes:$codes"
check "all five clients saw their transfer cut short" [ "$ended" -eq 5 ]
check "the module can be loaded again" modprobe tlsgw
check "and unloaded" rmmod tlsgw
finish
