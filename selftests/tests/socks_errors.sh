# SOCKS5 bad input, with a raw client: each malformed greeting, login or
# request gets the reply code that fits (or a close), is counted, and the
# service keeps working. Truncated messages are cut at every byte boundary
# and end by the negotiation timeout.
#
# Topology: lib_tls.sh's (tls_setup), used as lib_socks.sh says.
#   tg-cli 192.0.2.2: socks_client.py raw and curl, to GW4:1080 (s),
#                     GW4:1081 (a, userpass), GW4:1082 (slow)
#     | veth
#   gateway 192.0.2.1: SOCKS5 services s, a, slow (tlsgw.ko; no tlsgwd)
#     | veth
#   tg-srv 198.51.100.2: nginx :8080
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib_tls.sh"
. "$(dirname "$0")/../lib_socks.sh"
SELFTESTS=$(cd "$(dirname "$0")/.." && pwd)

tls_setup
make_file small 4
tlsgwctl socks add s listen "$GW4:1080" open neg-timeout 2 || exit 1
tlsgwctl socks add a listen "$GW4:1081" auth userpass open neg-timeout 2 || exit 1
tlsgwctl socks add slow listen "$GW4:1082" open || exit 1
echo pw | tlsgwctl socks user add a alice || exit 1

# The request for 198.51.100.2:8080 (c6336402 1f90).
REQ=05010001c63364021f90

expect() {	# DESC PORT EXPECTED-OUTPUT HEX...
	desc=$1 port=$2 want=$3
	shift 3
	got=$(socks_py raw "$GW4" "$port" "$@")
	if [ "$got" = "$want" ]; then
		echo "ok: $desc"
	else
		echo "FAIL: $desc: got '$got', want '$want'"
		failures=$((failures + 1))
	fi
	checks=$((checks + 1))
}

perr0=$(socks_ctr s proto_errors)
expect "wrong version byte: closed without a reply" 1080 " closed" 040100
expect "NMETHODS = 0: 0xFF, closed" 1080 "05ff closed" 0500
expect "unknown CMD 0x07: reply 07" 1080 "050005070001000000000000 closed" \
	050100 05070001c63364021f90
expect "unknown ATYP 0x08: reply 08" 1080 "050005080001000000000000 closed" \
	050100 05010008c63364021f90
expect "domain length 0: general failure" 1080 "050005010001000000000000 closed" \
	050100 05010003001f90
expect "wrong request version: general failure" 1080 "050005010001000000000000 closed" \
	050100 04010001c63364021f90
check "each counted as a protocol error" \
	[ "$(socks_ctr s proto_errors)" -eq $((perr0 + 6)) ]

# Truncated at every byte boundary: the timeout closes them. All at once
# (each waits for the timeout), then checked one by one.
to0=$(socks_ctr s neg_timeouts)
msg=050100$REQ
n=0
i=2
while [ $i -lt ${#msg} ]; do
	socks_py raw "$GW4" 1080 "$(echo "$msg" | cut -c1-$i)" >"$T/trunc.$i" &
	n=$((n + 1))
	i=$((i + 2))
done
i=2
while [ $i -lt ${#msg} ]; do
	j=0
	while [ ! -s "$T/trunc.$i" ] && [ $j -lt 600 ]; do sleep 0.2; j=$((j + 1)); done
	want=" closed"
	[ $i -lt 6 ] || want="0500 closed"
	got=$(cat "$T/trunc.$i")
	check "truncated after $((i / 2)) bytes: closed by the timeout ($got)" \
		[ "$got" = "$want" ]
	i=$((i + 2))
done
check "neg_timeouts counted the $n truncated exchanges" \
	[ "$(socks_ctr s neg_timeouts)" -eq $((to0 + n)) ]
expect "domain past the packet: closed by the timeout" 1080 "0500 closed" \
	050100 05010003ff616263

# One byte per segment (0.2 s apart) still works.
set -- $(echo "$msg" | sed 's/../& /g')
got=$(socks_raw_wait 3 "$GW4" 1082 "$@" | cut -c1-8)
check "greeting and request one byte per segment: granted ($got)" \
	[ "$got" = 05000500 ]

# Data before the reply is kept and relayed once connected.
early0=$(socks_ctr s early_data)
get=$(printf 'GET /small HTTP/1.0\r\n\r\n' | od -An -tx1 | tr -d ' \n')
out=$(socks_py raw "$GW4" 1080 "050100${REQ}$get")
check "data sent with the request reaches the server" \
	sh -c 'echo "$1" | grep -q "$(printf "HTTP/1.1 200" | od -An -tx1 | tr -d " \n")"' - "$out"
check "early_data counted" [ "$(socks_ctr s early_data)" -eq $((early0 + 1)) ]

# RFC 1929.
hexa=$(printf '%0510d' 0 | sed 's/0/61/g')	# 255 x 'a'
expect "oversized (255-byte) username and password: refused" 1081 "05020101 closed" \
	050102 "01ff${hexa}ff${hexa}"
expect "username length 0: refused" 1081 "05020101 closed" 050102 0100037077
expect "password length 0: refused" 1081 "05020101 closed" 050102 0105616c69636500
expect "wrong auth version: refused" 1081 "05020101 closed" 050102 0205616c696365027077
expect "wrong password: refused" 1081 "05020101 closed" 050102 0105616c6963650178
got=$(socks_raw_wait 3 "$GW4" 1081 050102 0105616c696365027077 "$REQ" |
	cut -c1-16)
check "right password, then the request: granted ($got)" \
	[ "$got" = 0502010005000001 ]
expect "no acceptable method: 0xFF" 1081 "05ff closed" 050100
check "the service still serves after all that" \
	socks_curl "socks5://$GW4:1080" "http://$SRV4:8080/small" -o /dev/null
check "no connection is left open" [ "$(socks_ctr s active)" -le 1 ]
finish
