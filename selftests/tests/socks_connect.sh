# SOCKS5 CONNECT through the kernel's proxy with curl: IPv4 and IPv6
# listeners and destinations, no authentication and RFC 1929
# username/password, a 64 MiB download and upload checked by SHA-256, and
# the service's counters.
#
# Topology: lib_tls.sh's (tls_setup), used as lib_socks.sh says.
#   tg-cli 192.0.2.2, 2001:db8:1::2: curl (socks_curl), to GW4:1080 (s4),
#                     [GW6]:1080 (s6), GW4:1081 (auth, userpass)
#     | veth
#   gateway 192.0.2.1, 2001:db8:1::1: SOCKS5 services s4, s6, auth
#                      (tlsgw.ko; no tlsgwd)
#     | veth
#   tg-srv 198.51.100.2, 2001:db8:2::2: nginx :8080
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib_tls.sh"
. "$(dirname "$0")/../lib_socks.sh"

tls_setup
make_file small 64
size=$(scale 64 8)	# MiB
make_file big $((size * 1024))
want_small=$(sha256sum <"$T/www/small")
want_big=$(sha256sum <"$T/www/big")

check "socks add (IPv4 listener, open)" \
	tlsgwctl socks add s4 listen "$GW4:1080" open
check "socks add (IPv6 listener, open)" \
	tlsgwctl socks add s6 listen "[$GW6]:1080" open

got=$(socks_curl "socks5://$GW4:1080" "http://$SRV4:8080/small" | sha256sum)
check "curl --socks5 over IPv4 fetches the file intact" [ "$got" = "$want_small" ]
got=$(socks_curl "socks5://[$GW6]:1080" "http://[$SRV6]:8080/small" | sha256sum)
check "curl --socks5 over IPv6 fetches the file intact" [ "$got" = "$want_small" ]
got=$(socks_curl "socks5://$GW4:1080" "http://[$SRV6]:8080/small" | sha256sum)
check "IPv4 client to an IPv6 destination" [ "$got" = "$want_small" ]

got=$(socks_curl "socks5://$GW4:1080" "http://$SRV4:8080/big" | sha256sum)
check "$size MiB download intact (SHA-256)" [ "$got" = "$want_big" ]
check "$size MiB upload (PUT)" socks_curl "socks5://$GW4:1080" \
	-T "$T/www/big" "http://$SRV4:8080/upload/big"
got=$(sha256sum <"$T/www/upload/big")
check "the upload arrived intact (SHA-256)" [ "$got" = "$want_big" ]

check "s4 counted 4 granted requests" \
	[ "$(socks_ctr s4 requests_ok)" -eq 4 ]
in_bytes=$(socks_ctr s4 bytes_in)
out_bytes=$(socks_ctr s4 bytes_out)
check "bytes_in counts the upload ($in_bytes)" \
	[ "$in_bytes" -gt $((size * 1024 * 1024)) ]
check "bytes_out counts the download ($out_bytes)" \
	[ "$out_bytes" -gt $((size * 1024 * 1024)) ]

# Username/password (RFC 1929).
check "socks add (userpass)" \
	tlsgwctl socks add auth listen "$GW4:1081" auth userpass open
check "user add, password from stdin" \
	sh -c 'echo "s3cret pass" | tlsgwctl socks user add auth alice'
got=$(socks_curl "socks5://alice:s3cret%20pass@$GW4:1081" "http://$SRV4:8080/small" | sha256sum)
check "curl with user:pass@ fetches the file" [ "$got" = "$want_small" ]
check "a wrong password is refused" \
	fails socks_curl "socks5://alice:wrong@$GW4:1081" "http://$SRV4:8080/small" -o /dev/null
check "an unknown user is refused" \
	fails socks_curl "socks5://mallory:s3cret%20pass@$GW4:1081" "http://$SRV4:8080/small" -o /dev/null
check "no credentials: no acceptable method" \
	fails socks_curl "socks5://$GW4:1081" "http://$SRV4:8080/small" -o /dev/null
check "auth_failed counts the three refusals" \
	[ "$(socks_ctr auth auth_failed)" -eq 3 ]
user_conns=$(tlsgwctl -j socks show auth | python3 -c '
import json, sys
u = [u for u in json.load(sys.stdin)["users"] if u["name"] == "alice"][0]
print(u["counters"]["connections"], u["counters"]["auth_failed"])')
check "alice: 1 connection, 1 failed login ($user_conns)" [ "$user_conns" = "1 1" ]
check "the password appears nowhere in socks show" \
	sh -c '! tlsgwctl -j socks show auth | grep -q s3cret'

check "socks del" tlsgwctl socks del s6
check "the deleted service is gone" fails tlsgwctl socks show s6
finish
