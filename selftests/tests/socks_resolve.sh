# SOCKS5 DOMAINNAME requests resolved by tlsgwd's resolver upcall: names
# from the guest's /etc/hosts (IPv4, IPv6, both), NXDOMAIN (reply 0x04),
# every resolved address tried in getaddrinfo() order until one connects,
# the rules matched per resolved address, a stopped daemon (the kernel's
# socks_resolve_timeout, reply 0x01), no daemon at all with the kernel's
# own dns_resolver fallback off (socks_kernel_dns=N: 0x01; requests by
# address still work), and no name in the kernel log.
#
# Topology: lib_tls.sh's (tls_setup), used as lib_socks.sh says.
#   tg-cli 192.0.2.2: curl socks5h:// and socks_client.py raw, to
#                     GW4:1080 (s), :1081 (r, rules), :1090 (cfg)
#     | veth
#   gateway 192.0.2.1: SOCKS5 services s, r (tlsgwctl) and cfg (tlsgwd
#                      [socks cfg]); tlsgwd resolves names from the
#                      gateway's /etc/hosts
#     | veth
#   tg-srv 198.51.100.2, 2001:db8:2::2: nginx :8080
# first.test and dead.test resolve (also) to the gateway's own addresses
# on the server link, 2001:db8:2::1 and 198.51.100.1, where nothing
# listens on 8080.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib_tls.sh"
. "$(dirname "$0")/../lib_socks.sh"
SELFTESTS=$(cd "$(dirname "$0")/.." && pwd)

tls_setup
# The guest is shared by the tests of one run: put /etc/hosts,
# /etc/nsswitch.conf and the module parameter back on exit.
cp /etc/hosts "$T/hosts.orig"
cp /etc/nsswitch.conf "$T/nsswitch.orig"
param=/sys/module/tlsgw/parameters/socks_resolve_timeout
resolve_cleanup() {
	cat "$T/hosts.orig" >/etc/hosts
	cat "$T/nsswitch.orig" >/etc/nsswitch.conf
	[ ! -w "$param" ] || echo 5 >"$param"
	[ ! -w "${param%/*}/socks_kernel_dns" ] ||
		echo Y >"${param%/*}/socks_kernel_dns"
	tls_cleanup
}
trap resolve_cleanup EXIT

# Names only from /etc/hosts (the guest has no DNS server: a name not in
# the file would be a temporary failure, not NXDOMAIN).
sed -i 's/^hosts:.*/hosts: files/' /etc/nsswitch.conf
cat >>/etc/hosts <<EOF
$SRV4 srv.test
$SRV6 srv6.test
$SRV6 srv46.test
$SRV4 srv46.test
2001:db8:2::1 first.test
$SRV4 first.test
$SRV4 ruled.test
$SRV6 ruled.test
$SRV6 denied6.test
2001:db8:2::1 dead.test
198.51.100.1 dead.test
EOF

make_file small 64
want=$(sha256sum <"$T/www/small")

tlsgwctl socks add s listen "$GW4:1080" open || exit 1
tlsgwctl socks add r listen "$GW4:1081" || exit 1
tlsgwctl socks rule add r deny to "$SRV6" || exit 1
tlsgwctl socks rule add r allow to "$SRV4" port 8080 cmd connect || exit 1

# A configuration with [global] and one [socks] section only.
cat >"$T/tlsgwd.conf" <<EOF
[global]
resolver-threads = 2
[socks cfg]
listen = $GW4:1090
open = yes
EOF
check "tlsgwd -t accepts a file with [global] and [socks] only" \
	tlsgwd -t -c "$T/tlsgwd.conf"
tlsgwd -f -c "$T/tlsgwd.conf" >"$T/tlsgwd.log" 2>&1 &
tlsgwd_pid=$!
pids="$pids $tlsgwd_pid"

# Registered once a name resolves (60 s at most).
registered() {
	end=$(($(date +%s) + 60))
	until CURL_TIMEOUT=10 socks_curl "socks5h://$GW4:1080" \
		"http://srv.test:8080/small" -o /dev/null 2>/dev/null; do
		kill -0 "$tlsgwd_pid" 2>/dev/null || return 1
		[ "$(date +%s)" -lt "$end" ] || return 1
		sleep 0.5
	done
}
show_log() {
	sed 's/^/tlsgwd.log: /' "$T/tlsgwd.log"
}
check "tlsgwd starts and its resolver answers" registered
if [ $failures -ne 0 ]; then
	show_log
	finish
fi
check "tlsgwd created the [socks cfg] service" \
	sh -c 'tlsgwctl socks show cfg >/dev/null'

ok0=$(socks_ctr s requests_ok)
got=$(socks_curl "socks5h://$GW4:1080" "http://srv.test:8080/small" | sha256sum)
check "socks5h to srv.test (IPv4) fetches the file intact" [ "$got" = "$want" ]
got=$(socks_curl "socks5h://$GW4:1080" "http://srv6.test:8080/small" | sha256sum)
check "socks5h to srv6.test (IPv6 only) fetches the file intact" [ "$got" = "$want" ]
got=$(socks_curl "socks5h://$GW4:1080" "http://srv46.test:8080/small" | sha256sum)
check "socks5h to srv46.test (IPv6 and IPv4) fetches the file intact" \
	[ "$got" = "$want" ]
got=$(socks_curl "socks5h://$GW4:1090" "http://srv.test:8080/small" | sha256sum)
check "through the configured [socks cfg] service" [ "$got" = "$want" ]
check "s counted the 3 granted requests" \
	[ "$(socks_ctr s requests_ok)" -eq $((ok0 + 3)) ]
check "DOMAINNAME and name case: SRV.TEST resolves too" \
	[ "$(socks_name_code "$GW4" 1080 SRV.TEST 8080)" = 00 ]

# NXDOMAIN: host unreachable.
rf0=$(socks_ctr s resolve_failed)
check "curl to a name that does not exist fails" \
	fails socks_curl "socks5h://$GW4:1080" "http://nx.test:8080/" -o /dev/null
code=$(socks_name_code "$GW4" 1080 nx2.test 8080)
check "NXDOMAIN: reply 04 (host unreachable) ($code)" [ "$code" = 04 ]
code=$(socks_name_code "$GW4" 1080 nx2.test 8080)
check "NXDOMAIN again (cached): reply 04 ($code)" [ "$code" = 04 ]
check "resolve_failed counted the 3 failures" \
	[ "$(socks_ctr s resolve_failed)" -eq $((rf0 + 3)) ]

# Every address in turn, in getaddrinfo() order. glibc returns all the
# lines of /etc/hosts for a name and sorts them by RFC 3484/6724: with
# both reachable, IPv6 goes before IPv4 (higher default precedence), so
# the order is fixed; it is checked first with Python (the same libc
# call tlsgwd makes).
order=$(gai_order first.test)
check "getaddrinfo(first.test): the refusing address first ($order)" \
	[ "$order" = "2001:db8:2::1 $SRV4" ]
order=$(gai_order srv46.test)
check "getaddrinfo(srv46.test): IPv6 first ($order)" \
	[ "$order" = "$SRV6 $SRV4" ]
order=$(gai_order ruled.test)
check "getaddrinfo(ruled.test): IPv6 first ($order)" \
	[ "$order" = "$SRV6 $SRV4" ]
check "nothing listens on [2001:db8:2::1]:8080 (connection refused)" \
	fails in_cli curl -fsS --max-time 10 -o /dev/null "http://[2001:db8:2::1]:8080/"
ok0=$(socks_ctr s requests_ok)
got=$(socks_curl "socks5h://$GW4:1080" "http://first.test:8080/small" | sha256sum)
check "first address refuses, the second connects: file intact" \
	[ "$got" = "$want" ]
check "counted as one granted request" \
	[ "$(socks_ctr s requests_ok)" -eq $((ok0 + 1)) ]
code=$(socks_name_code "$GW4" 1080 dead.test 8080)
check "every address refuses: reply 05 ($code)" [ "$code" = 05 ]

# Rules per resolved address: r (not open) denies $SRV6 and allows $SRV4.
ok0=$(socks_ctr r requests_ok)
got=$(socks_curl "socks5h://$GW4:1081" "http://ruled.test:8080/small" | sha256sum)
check "first address denied, the second allowed: file intact" \
	[ "$got" = "$want" ]
check "r counted one granted request" \
	[ "$(socks_ctr r requests_ok)" -eq $((ok0 + 1)) ]
hits=$(tlsgwctl -j socks show r | python3 -c '
import json, sys
print(json.load(sys.stdin)["rules"][1]["hits"])')
check "the allow rule decided it (hits $hits)" [ "$hits" -ge 1 ]
den0=$(socks_ctr r denied)
code=$(socks_name_code "$GW4" 1081 denied6.test 8080)
check "a name whose only address is denied: reply 02 ($code)" [ "$code" = 02 ]
check "r counted the denial" [ "$(socks_ctr r denied)" -eq $((den0 + 1)) ]
code=$(socks_name_code "$GW4" 1081 srv.test 8081)
check "allowed address, port no rule allows: reply 02 ($code)" [ "$code" = 02 ]

check "tlsgwd is still running" kill -0 "$tlsgwd_pid"

# A daemon that does not answer: the kernel gives up after
# socks_resolve_timeout seconds with 0x01.
if [ -w "$param" ]; then
	echo 2 >"$param"
	rf0=$(socks_ctr s resolve_failed)
	kill -STOP "$tlsgwd_pid"
	t0=$(date +%s)
	code=$(socks_name_code "$GW4" 1080 stopped.test 8080)
	t=$(($(date +%s) - t0))
	kill -CONT "$tlsgwd_pid"
	check "stopped daemon: reply 01 ($code)" [ "$code" = 01 ]
	check "not before the 2 s socks_resolve_timeout (${t} s)" \
		[ "$t" -ge 1 -a "$t" -le 120 ]
	check "resolve_failed counted it" \
		[ "$(socks_ctr s resolve_failed)" -eq $((rf0 + 1)) ]
	echo 5 >"$param"
	check "the daemon resumed resolves again" \
		[ "$(socks_name_code "$GW4" 1080 srv6.test 8080)" = 00 ]
else
	echo "no writable $param: timeout not tested"
	check "socks_resolve_timeout is a writable module parameter" false
fi

# The bound on pending upcalls: with none allowed, names fail at once.
maxp=/sys/module/tlsgw/parameters/socks_max_resolves
echo 0 >"$maxp"
code=$(socks_name_code "$GW4" 1080 srv.test 8080)
check "socks_max_resolves=0: reply 01 ($code)" [ "$code" = 01 ]
echo 256 >"$maxp"
code=$(socks_name_code "$GW4" 1080 srv.test 8080)
check "socks_max_resolves=256: resolved again ($code)" [ "$code" = 00 ]

# No daemon and no kernel fallback (socks_kernel_dns.sh tests that one):
# 0x01 at once; addresses still work.
echo N >/sys/module/tlsgw/parameters/socks_kernel_dns
kill "$tlsgwd_pid"
i=0
while kill -0 "$tlsgwd_pid" 2>/dev/null && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
check "tlsgwd exited on SIGTERM" sh -c '! kill -0 "$1" 2>/dev/null' - "$tlsgwd_pid"
rf0=$(socks_ctr s resolve_failed)
# A resolve timeout far beyond any guest's slowness tells "at once" from
# "waited for the timeout" without a tight clock.
[ ! -w "$param" ] || echo 120 >"$param"
t0=$(date +%s)
code=$(socks_name_code "$GW4" 1080 srv.test 8080)
t=$(($(date +%s) - t0))
[ ! -w "$param" ] || echo 5 >"$param"
check "no daemon: reply 01 (general failure) ($code)" [ "$code" = 01 ]
check "no daemon: answered without waiting for the 120 s timeout (${t} s)" \
	[ "$t" -lt 60 ]
check "resolve_failed counted it" \
	[ "$(socks_ctr s resolve_failed)" -eq $((rf0 + 1)) ]
check "curl socks5h fails without the daemon" \
	fails socks_curl "socks5h://$GW4:1080" "http://srv.test:8080/small" -o /dev/null
got=$(socks_curl "socks5://$GW4:1080" "http://$SRV4:8080/small" | sha256sum)
check "a request by address still works" [ "$got" = "$want" ]
got=$(socks_curl "socks5://$GW4:1080" "http://[$SRV6]:8080/small" | sha256sum)
check "a request by IPv6 address still works" [ "$got" = "$want" ]

check "the kernel log names no name" \
	sh -c '! dmesg | grep -E -q "srv6?\.test|srv46|first\.test|ruled\.test|nx2?\.test|dead\.test|stopped\.test"'
check "tlsgwd (without -d) logged no name" \
	sh -c '! grep -E -q "\.test" "$1"' - "$T/tlsgwd.log"
[ $failures -eq 0 ] || show_log
finish
