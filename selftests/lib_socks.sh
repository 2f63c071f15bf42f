# Helpers for the SOCKS5 selftests (sourced after lib.sh and lib_tls.sh).
#
# The gateway (the guest's own namespace, forwarding off) runs the kernel's
# SOCKS5 services; clients in tg-cli reach servers in tg-srv only through
# them.
#
# On lib_tls.sh's topology (tls_setup; no tlsgwd unless the test starts it):
#
#   tg-cli 192.0.2.2, 2001:db8:1::2
#     socks_curl (curl --proxy socks5[h]://...), socks_py (socks_client.py)
#       |  veth; to a SOCKS5 service on GW4 or [GW6], port per test
#   gateway (init netns) 192.0.2.1 | 198.51.100.1, 2001:db8:2::1
#     tlsgw.ko's SOCKS5 services (tlsgwctl socks add, or tlsgwd [socks]);
#     tlsgwd as resolver of DOMAINNAME requests, where a test starts it
#       |  veth; the proxy connects from 198.51.100.1 / 2001:db8:2::1
#   tg-srv 198.51.100.2, 2001:db8:2::2
#     nginx :8080 (files from make_file), and the test's own servers

# A counter of SOCKS5 service NAME (0 if absent).
socks_ctr() {	# NAME COUNTER
	tlsgwctl -j socks show "$1" | python3 -c '
import json, sys
print(json.load(sys.stdin)["counters"].get(sys.argv[1], 0))' "$2"
}

# Waits (up to 60 s) until counter COUNTER of NAME is at least N.
wait_socks_ctr() {	# NAME COUNTER N
	end=$(($(date +%s) + 60))
	while [ "$(socks_ctr "$1" "$2")" -lt "$3" ]; do
		[ "$(date +%s)" -lt "$end" ] || return 1
		sleep 0.2
	done
}

# Files served by nginx on tg-srv:8080.
make_file() {	# NAME SIZE-IN-KIB
	head -c "$(($2 * 1024))" /dev/urandom >"$T/www/$1"
}

# curl through SOCKS: socks_curl PROXY-URL URL [curl options]
socks_curl() {
	proxy=$1
	shift
	in_cli curl -fsS --max-time "${CURL_TIMEOUT:-300}" --proxy "$proxy" "$@"
}

# A raw SOCKS5 exchange from tg-cli with selftests/socks_client.py.
socks_py() {
	in_cli python3 "$SELFTESTS/socks_client.py" "$@"
}

# socks_py raw, waiting WAIT seconds (not 30) for the proxy to close.
socks_raw_wait() {	# WAIT PROXY PORT HEX...
	w=$1
	shift
	in_cli env SOCKS_RAW_WAIT="$w" python3 "$SELFTESTS/socks_client.py" raw "$@"
}

# The hex of a CONNECT request for NAME:PORT as a DOMAINNAME (ATYP 0x03).
socks_name_req() {	# NAME PORT
	printf '05010003%02x%s%04x' "${#1}" \
		"$(printf %s "$1" | od -An -tx1 | tr -d ' \n')" "$2"
}

# The reply code (two hex digits) of a raw no-auth CONNECT for NAME:PORT
# through PROXY:PPORT, or "none" if the proxy answered no request.
socks_name_code() {	# PROXY PPORT NAME PORT
	# A granted request leaves the connection open: stop at the code.
	out=$(in_cli env SOCKS_RAW_BYTES=4 python3 "$SELFTESTS/socks_client.py" \
		raw "$1" "$2" 050100 "$(socks_name_req "$3" "$4")")
	case $out in
	050005??*) echo "$out" | cut -c7-8 ;;
	*) echo "none ($out)" ;;
	esac
}

# The addresses getaddrinfo() gives for NAME, in order, space-separated,
# without duplicates (what tlsgwd's resolver sends the kernel).
gai_order() {	# NAME
	python3 -c '
import socket, sys
out = []
for ai in socket.getaddrinfo(sys.argv[1], None, 0, socket.SOCK_STREAM):
    if ai[4][0] not in out:
        out.append(ai[4][0])
print(" ".join(out))' "$1" 2>/dev/null
}

# Waits (up to 60 s) until counter COUNTER of NAME is 0.
wait_socks_ctr_zero() {	# NAME COUNTER
	end=$(($(date +%s) + 60))
	while [ "$(socks_ctr "$1" "$2")" -ne 0 ]; do
		[ "$(date +%s)" -lt "$end" ] || return 1
		sleep 0.2
	done
}
