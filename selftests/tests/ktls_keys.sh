# The keys tlskeys extracts from OpenSSL drive the kernel's own kTLS, with
# no tlsgw.ko involved: selftests/ktls_keys handshakes with OpenSSL,
# installs kTLS TX and RX itself and echoes through it. Real clients
# (python3's ssl module, openssl s_client) send random data for TLS 1.2 and
# 1.3 with each cipher kTLS takes and must get the same bytes back. The
# server's TX sequence number must count the TLS 1.3 session tickets.
. "$(dirname "$0")/../lib.sh"

command -v python3 >/dev/null || skip "python3 is not installed"
command -v openssl >/dev/null || skip "openssl is not installed"
[ -x selftests/ktls_keys ] || skip "selftests/ktls_keys is not built (make)"
modprobe tls 2>/dev/null || skip "no kTLS in this kernel (modprobe tls)"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	-subj /CN=localhost -addext subjectAltName=DNS:localhost -days 1 \
	-keyout "$tmp/key.pem" -out "$tmp/cert.pem" 2>"$tmp/req.log" ||
	{ cat "$tmp/req.log"; echo "FAIL: cannot make a certificate"; exit 1; }

# TCG is slow: 1 MiB per case, exchanged in lockstep 16 KiB chunks so
# neither side ever blocks on a full socket buffer.
size=1048576
cat >"$tmp/client.py" <<'EOF'
import hashlib, os, socket, ssl, sys
port, version, size = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
v = ssl.TLSVersion.TLSv1_3 if version == "1.3" else ssl.TLSVersion.TLSv1_2
ctx.minimum_version = ctx.maximum_version = v
raw = socket.create_connection(("127.0.0.1", port), timeout=300)
s = ctx.wrap_socket(raw, server_hostname="localhost")
data = os.urandom(size)
back = bytearray()
chunk = 16384
for off in range(0, size, chunk):
    piece = data[off:off + chunk]
    s.sendall(piece)
    want = len(back) + len(piece)
    while len(back) < want:
        got = s.recv(want - len(back))
        if not got:
            sys.exit("server closed early after %d bytes" % len(back))
        back += got
same = hashlib.sha256(data).hexdigest() == hashlib.sha256(back).hexdigest()
print("client version=%s cipher=%s bytes=%d same=%s" %
      (s.version(), s.cipher()[0], len(back), same))
s.unwrap()   # close_notify both ways, through kTLS on the server
s.close()
sys.exit(0 if same else 1)
EOF

# start_server LOG ARGS...: runs ktls_keys in the background, sets $port.
start_server() {
	log=$1
	shift
	selftests/ktls_keys -c "$tmp/cert.pem" -k "$tmp/key.pem" -t 600 "$@" \
		>"$log" 2>&1 &
	server=$!
	port=
	for _ in $(seq 1 300); do
		port=$(sed -n 's/^port //p' "$log")
		[ -n "$port" ] && return 0
		kill -0 "$server" 2>/dev/null || break
		sleep 0.1
	done
	cat "$log"
	return 1
}

# case VERSION CIPHERS KTLS_CIPHER [extra ktls_keys args]
run_case() {
	ver=$1 ciphers=$2 want=$3
	shift 3
	name="TLS $ver $want${*:+ ($*)}"
	log=$tmp/server.$ver.$want.log
	if ! start_server "$log" -v "$ver" -C "$ciphers" "$@"; then
		check "$name: server starts" false
		return
	fi
	out=$(timeout 600 python3 "$tmp/client.py" "$port" "$ver" "$size" 2>&1)
	st=$?
	wait "$server"
	sst=$?
	echo "$out"
	cat "$log"
	check "$name: echo through kTLS returns the same $size bytes" \
		[ "$st" -eq 0 ]
	check "$name: client negotiated $ver" \
		sh -c 'echo "$1" | grep -q "version=TLSv$2 "' - "$out" "$ver"
	check "$name: server exited cleanly" [ "$sst" -eq 0 ]
	check "$name: kTLS session was $ver $want" \
		grep -q "^session version=$ver cipher=$want " "$log"
	if [ "$ver" = 1.3 ]; then
		check "$name: TX sequence counts the 2 session tickets" \
			grep -q "^session .* tx_seq=2 " "$log"
		rx=0
	else
		check "$name: TX sequence starts after Finished" \
			grep -q "^session .* tx_seq=1 " "$log"
		rx=1
	fi
	[ $# -gt 0 ] || check "$name: RX sequence is $rx" \
		grep -q "^session .* rx_seq=$rx " "$log"
	check "$name: close_notify came through TLS_GET_RECORD_TYPE" \
		grep -q "^done echoed=$size alerts=1 .* end=close_notify" "$log"
}

run_case 1.3 TLS_AES_128_GCM_SHA256 AES-128-GCM
run_case 1.3 TLS_AES_256_GCM_SHA384 AES-256-GCM
run_case 1.3 TLS_CHACHA20_POLY1305_SHA256 CHACHA20-POLY1305
run_case 1.2 ECDHE-ECDSA-AES128-GCM-SHA256 AES-128-GCM
run_case 1.2 ECDHE-ECDSA-AES256-GCM-SHA384 AES-256-GCM
run_case 1.2 ECDHE-ECDSA-CHACHA20-POLY1305 CHACHA20-POLY1305

# OpenSSL holds decrypted plaintext at extraction time (the server reads
# one byte with SSL_read first): it must come back first, and the RX
# sequence number must count the record it came in.
for ver in 1.3 1.2; do
	[ "$ver" = 1.3 ] && c=TLS_AES_128_GCM_SHA256 || c=ECDHE-ECDSA-AES128-GCM-SHA256
	run_case "$ver" "$c" AES-128-GCM -1
	[ "$ver" = 1.3 ] && rx=1 || rx=2
	check "TLS $ver with buffered plaintext: rx_seq=$rx, initial data kept" \
		grep -Eq "^session .* rx_seq=$rx initial=[1-9][0-9]*$" "$log"
done

# A second client implementation: openssl s_client. The server closes
# with close_notify after echoing everything back.
for ver in 1.3 1.2; do
	[ "$ver" = 1.3 ] && c=TLS_CHACHA20_POLY1305_SHA256 || c=ECDHE-ECDSA-AES256-GCM-SHA384
	log=$tmp/sclient.$ver.log
	head -c 65536 /dev/urandom >"$tmp/in.bin"
	if ! start_server "$log" -v "$ver" -C "$c" -b 65536; then
		check "s_client TLS $ver: server starts" false
		continue
	fi
	timeout 600 openssl s_client -connect "127.0.0.1:$port" -quiet \
		-ign_eof -tls${ver%.*}_${ver#*.} <"$tmp/in.bin" \
		>"$tmp/out.bin" 2>"$tmp/sclient.err"
	wait "$server"
	sst=$?
	cat "$log"
	check "s_client TLS $ver: 64 KiB echoed through kTLS intact" \
		cmp -s "$tmp/in.bin" "$tmp/out.bin"
	check "s_client TLS $ver: server exited cleanly" [ "$sst" -eq 0 ]
done
finish
