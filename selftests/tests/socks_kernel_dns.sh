# SOCKS5 names without tlsgwd (issue 11, item 15): while no resolver is
# registered, the kernel's dns_resolver (request-key upcall to keyutils'
# key.dns_resolver, names from the guest's /etc/hosts) resolves
# DOMAINNAME requests: IPv4, IPv6, every address in turn; a name that
# does not exist answers 0x04 (host unreachable, as Dante does) and
# counts resolve_failed; socks_kernel_dns=N brings back 0x01 at once.
# Then tlsgwd runs with a [global] section only and is the resolver of
# a service made with tlsgwctl.
#
# Topology: lib_tls.sh's (tls_setup), used as lib_socks.sh says.
#   tg-cli 192.0.2.2: curl socks5h:// and socks_client.py raw, to
#                     GW4:1080 (s)
#     | veth
#   gateway 192.0.2.1: SOCKS5 service s (tlsgw.ko); names resolved first
#                      by the kernel's dns_resolver (request-key,
#                      key.dns_resolver, the gateway's /etc/hosts), then
#                      by tlsgwd ([global] only)
#     | veth
#   tg-srv 198.51.100.2, 2001:db8:2::2: nginx :8080
# kdfirst.test's first address, 2001:db8:2::1, is the gateway's own on
# the server link, where nothing listens on 8080.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib_tls.sh"
. "$(dirname "$0")/../lib_socks.sh"
SELFTESTS=$(cd "$(dirname "$0")/.." && pwd)

[ -x /sbin/request-key ] && [ -x /sbin/key.dns_resolver ] ||
	skip "keyutils (request-key, key.dns_resolver) is not installed (make deps)"

P=/sys/module/tlsgw/parameters
tls_setup
cp /etc/hosts "$T/hosts.orig"
cp /etc/nsswitch.conf "$T/nsswitch.orig"
kdns_cleanup() {
	cat "$T/hosts.orig" >/etc/hosts
	cat "$T/nsswitch.orig" >/etc/nsswitch.conf
	[ ! -w "$P/socks_kernel_dns" ] || echo Y >"$P/socks_kernel_dns"
	[ ! -w "$P/socks_resolve_timeout" ] || echo 5 >"$P/socks_resolve_timeout"
	tls_cleanup
}
trap kdns_cleanup EXIT
grep -qw dns_query /proc/kallsyms ||
	skip "this kernel has no dns_resolver (CONFIG_DNS_RESOLVER)"

# Names only from /etc/hosts (the guest has no DNS server). The kernel
# caches answers as keys: every name is used for one purpose only.
sed -i 's/^hosts:.*/hosts: files/' /etc/nsswitch.conf
cat >>/etc/hosts <<EOF
$SRV4 kd4.test
$SRV6 kd6.test
2001:db8:2::1 kdfirst.test
$SRV4 kdfirst.test
$SRV4 kdnodns.test
$SRV6 kdd.test
EOF
make_file small 16
want=$(sha256sum <"$T/www/small")
# The upcall forks two programs: generous under TCG.
echo 30 >"$P/socks_resolve_timeout"

check "the module has socks_kernel_dns, on by default" \
	[ "$(cat "$P/socks_kernel_dns")" = Y ]
check "socks add s" tlsgwctl socks add s listen "$GW4:1080" open
check "no tlsgwd runs" fails pgrep -x tlsgwd

got=$(socks_curl "socks5h://$GW4:1080" "http://kd4.test:8080/small" | sha256sum)
check "without tlsgwd, kd4.test (IPv4) resolves: file intact" \
	[ "$got" = "$want" ]
got=$(socks_curl "socks5h://$GW4:1080" "http://kd6.test:8080/small" | sha256sum)
check "kd6.test (IPv6 only): file intact" [ "$got" = "$want" ]
order=$(gai_order kdfirst.test)
check "getaddrinfo(kdfirst.test): the refusing address first ($order)" \
	[ "$order" = "2001:db8:2::1 $SRV4" ]
got=$(socks_curl "socks5h://$GW4:1080" "http://kdfirst.test:8080/small" | sha256sum)
check "first address refuses, the second connects: file intact" \
	[ "$got" = "$want" ]
check "3 requests granted" [ "$(socks_ctr s requests_ok)" -eq 3 ]

rf0=$(socks_ctr s resolve_failed)
code=$(socks_name_code "$GW4" 1080 kdnx.test 8080)
check "a name that does not exist: reply 04 (host unreachable) ($code)" \
	[ "$code" = 04 ]
check "resolve_failed counted it" \
	[ "$(socks_ctr s resolve_failed)" -eq $((rf0 + 1)) ]

# Off: the old behaviour, a general failure at once.
echo N >"$P/socks_kernel_dns"
code=$(socks_name_code "$GW4" 1080 kdnodns.test 8080)
check "socks_kernel_dns=N: reply 01 ($code)" [ "$code" = 01 ]
check "resolve_failed counted it" \
	[ "$(socks_ctr s resolve_failed)" -eq $((rf0 + 2)) ]

# tlsgwd with [global] only: the resolver of service s (made above with
# tlsgwctl). The kernel fallback stays off, so only tlsgwd can answer.
printf '[global]\nresolver-threads = 2\n' >"$T/tlsgwd.conf"
check "tlsgwd -t accepts a file with [global] only" \
	tlsgwd -t -c "$T/tlsgwd.conf"
tlsgwd -f -c "$T/tlsgwd.conf" >"$T/tlsgwd.log" 2>&1 &
tlsgwd_pid=$!
pids="$pids $tlsgwd_pid"
registered() {
	end=$(($(date +%s) + 60))
	until [ "$(socks_name_code "$GW4" 1080 kdd.test 8080)" = 00 ]; do
		kill -0 "$tlsgwd_pid" 2>/dev/null || return 1
		[ "$(date +%s)" -lt "$end" ] || return 1
		sleep 0.5
	done
}
check "tlsgwd with [global] only resolves for s" registered
check "tlsgwd is still running" kill -0 "$tlsgwd_pid"
check "s is still the tlsgwctl service (tlsgwd left it alone)" \
	sh -c 'tlsgwctl socks show s >/dev/null'
check "the kernel log names no name" \
	sh -c '! dmesg | grep -E -q "kd(4|6|first|nx|nodns|d)\.test"'
[ $failures -eq 0 ] || sed 's/^/tlsgwd.log: /' "$T/tlsgwd.log"
finish
