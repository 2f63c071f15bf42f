# TLS termination through tlsgwd and tlsgw.ko to nginx: TLS 1.2 and 1.3
# with each of the three ciphers, curl and openssl s_client, IPv4 and
# IPv6, SNI choosing the certificate, and the live session as tlsgwctl
# shows it during a transfer.
#
# Topology: lib_tls.sh's (tls_setup).
#   tg-cli 192.0.2.2, 2001:db8:1::2: curl and openssl s_client, to
#                     GW4:443 and [GW6]:443
#     | veth
#   gateway 192.0.2.1, 2001:db8:1::1: tlsgwd service web :443 (www.test
#                      and other.test certificates) -> SRV4:8080, tlsgw.ko
#     | veth
#   tg-srv 198.51.100.2: nginx :8080
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib_tls.sh"

tls_setup
make_cert other other.test
echo "hello through tlsgw" >"$T/www/index.html"
head -c 16777216 /dev/urandom >"$T/www/16m"
start_tlsgwd "certificate = $T/other.pem $T/other.key"

# curl ARGS...: fetch index.html, compare, and prove a kernel session
# carried it (one more session opened and closed cleanly).
fetch_ok() {
	before=$(ctr sessions_opened)
	gw_curl -v -o "$T/out" "$@" https://www.test/index.html 2>"$T/curl.err"
	rc=$?
	grep -m1 "SSL connection using" "$T/curl.err"
	[ $rc -eq 0 ] && cmp -s "$T/out" "$T/www/index.html" &&
		[ "$(ctr sessions_opened)" -eq $((before + 1)) ]
}

check "curl TLS 1.3 AES-128-GCM" fetch_ok --tlsv1.3 --tls13-ciphers TLS_AES_128_GCM_SHA256
check "curl TLS 1.3 AES-256-GCM" fetch_ok --tlsv1.3 --tls13-ciphers TLS_AES_256_GCM_SHA384
check "curl TLS 1.3 CHACHA20-POLY1305" fetch_ok --tlsv1.3 --tls13-ciphers TLS_CHACHA20_POLY1305_SHA256
check "curl TLS 1.2 AES-128-GCM" fetch_ok --tlsv1.2 --tls-max 1.2 --ciphers ECDHE-ECDSA-AES128-GCM-SHA256
check "curl TLS 1.2 AES-256-GCM" fetch_ok --tlsv1.2 --tls-max 1.2 --ciphers ECDHE-ECDSA-AES256-GCM-SHA384
check "curl TLS 1.2 CHACHA20-POLY1305" fetch_ok --tlsv1.2 --tls-max 1.2 --ciphers ECDHE-ECDSA-CHACHA20-POLY1305
fetch6() {
	in_cli curl -sS --max-time 120 --cacert "$T/www.pem" \
		--resolve "www.test:443:[$GW6]" -o "$T/out6" \
		https://www.test/index.html && cmp -s "$T/out6" "$T/www/index.html"
}
check "curl over IPv6" fetch6

# s_client: a raw HTTP request, with each TLS version.
sclient() {
	printf 'GET /index.html HTTP/1.0\r\nHost: www.test\r\n\r\n' |
		in_cli timeout 120 openssl s_client -quiet -connect "$GW4:443" \
			-servername www.test "$@" 2>"$T/sclient.err"
}
out=$(sclient -tls1_3)
check "openssl s_client TLS 1.3 gets the page" sh -c 'echo "$1" | grep -q "hello through tlsgw"' - "$out"
out=$(sclient -tls1_2 -cipher ECDHE-ECDSA-CHACHA20-POLY1305)
check "openssl s_client TLS 1.2 ChaCha20 gets the page" sh -c 'echo "$1" | grep -q "hello through tlsgw"' - "$out"

# SNI: other.test gets its own certificate, www.test and no SNI the first.
subject() {
	in_cli timeout 120 openssl s_client -connect "$GW4:443" "$@" </dev/null 2>/dev/null |
		openssl x509 -noout -subject 2>/dev/null
}
check "SNI other.test gets the other.test certificate" sh -c \
	'echo "$1" | grep -q "CN = other.test"' - "$(subject -servername other.test)"
check "SNI www.test gets the www.test certificate" sh -c \
	'echo "$1" | grep -q "CN = www.test"' - "$(subject -servername www.test)"
check "no SNI gets the first (default) certificate" sh -c \
	'echo "$1" | grep -q "CN = www.test"' - "$(subject -noservername)"
fetch_other() {
	in_cli curl -sS --max-time 120 --cacert "$T/other.pem" \
		--resolve "other.test:443:$GW4" -o /dev/null \
		https://other.test/index.html
}
check "curl verifies other.test against its own certificate" fetch_other

# A transfer slow enough to watch: the session list shows it, and its
# byte counter grows while tlsgwd does nothing.
gw_curl --limit-rate 400K -o "$T/16m.out" https://www.test/16m &
cpid=$!
# Until the handshake is done and the session offloaded (a slow guest
# takes seconds; a debug kernel on a loaded host, minutes), then for the
# first bytes.
i=0
while [ "$(ctr sessions_active)" -lt 1 ] && [ $i -lt 2000 ]; do
	sleep 0.3
	i=$((i + 1))
done
sleep 1
list=$(tlsgwctl -j session list)
tlsgwctl session list
# Socket buffers take megabytes at once, and a slow reader drains them
# slowly: give the counter up to 30 s to move.
bytes_out() {
	echo "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["bytes_out"])'
}
end=$(($(date +%s) + 30))
while :; do
	sleep 1
	list2=$(tlsgwctl -j session list)
	[ "$(bytes_out "$list2")" -gt "$(bytes_out "$list")" ] && break
	[ "$(date +%s)" -lt $end ] || break
done
check "session list shows the live session" python3 -c '
import json, sys
s = json.loads(sys.argv[1])
assert len(s) == 1, s
s = s[0]
assert s["service"] == "web" and s["version"] == "1.3", s
assert s["client_peer"].startswith("192.0.2.2:"), s
assert s["client_local"] == "192.0.2.1:443", s
assert s["backend_peer"] == "198.51.100.2:8080", s
assert s["bytes_out"] > 0 and s["bytes_in"] > 0, s
' "$list"
check "its byte counter grows" python3 -c '
import json, sys
a, b = json.loads(sys.argv[1])[0], json.loads(sys.argv[2])[0]
assert b["bytes_out"] > a["bytes_out"], (a, b)
assert b["records_out"] >= b["bytes_out"] // 16384, b
' "$list" "$list2"
id=$(echo "$list" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
check "session show ID works" sh -c "tlsgwctl session show $id | grep -q '$GW4:443'"
# A reload (SIGHUP) leaves live sessions alone.
kill -HUP "$tlsgwd_pid"
wait $cpid
check "the slow download arrived intact across a tlsgwd reload" cmp -s "$T/16m.out" "$T/www/16m"
check "tlsgwd logged the reload" grep -q -i "reload" "$T/tlsgwd.log"
check "and still serves after it" fetch_ok
check "all sessions ended" wait_no_sessions
check "all of them cleanly" [ "$(ctr closed_reset)" -eq 0 ]
finish
