# A record the kernel refuses ends the session with a fatal alert first
# (RFC 8446 6.2; issue 11, item 14): a real OpenSSL client, after one
# good request, sends a record with a flipped tag byte, one longer than
# TLS allows, and one with a wrong version in its header, in TLS 1.2 and
# 1.3. Before, the gateway reset the connection without a word.
#
# Topology: lib_tls.sh's (tls_setup).
#   tg-cli 192.0.2.2: tls_bad_record.py, to GW4:443
#     | veth
#   gateway 192.0.2.1: tlsgwd service web :443 -> SRV4:8080, tlsgw.ko
#     | veth
#   tg-srv 198.51.100.2: nginx :8080
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib_tls.sh"

tls_setup
echo "ok" >"$T/www/index.html"
start_tlsgwd

bad_record() {	# VERSION CASE EXPECTED-ALERT
	got=$(in_cli /usr/bin/python3 "$(dirname "$0")/../tls_bad_record.py" \
		"$GW4" "$T/www.pem" "$1" "$2" 2>&1)
	echo "TLS $1, $2: $got"
	[ "$got" = "alert $3" ]
}

for v in 1.2 1.3; do
	check "TLS $v: a record that does not decrypt: bad_record_mac" \
		bad_record $v badmac sslv3_alert_bad_record_mac
	check "TLS $v: a record too long: record_overflow" \
		bad_record $v overflow tlsv1_alert_record_overflow
	check "TLS $v: a wrong header version: decode_error" \
		bad_record $v version tlsv1_alert_decode_error
done
check "the sessions end" wait_no_sessions
check "each counted as a TLS error" [ "$(ctr closed_tls_error)" -eq 6 ]
check "each with its alert counted" [ "$(ctr alerts_sent)" -eq 6 ]
check "the module unloads" unload_tlsgw
finish
