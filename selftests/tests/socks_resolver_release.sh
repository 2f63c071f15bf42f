# The resolver registration ends with the socket that made it (issue 11,
# item 9). It used to outlive tlsgwd: whoever bound that netlink port id
# next, any user, received every SOCKS5 name lookup. Now the kernel
# forgets a registration when its socket closes, and answers come only
# from the registered socket.
#
# Topology: lib_tls.sh's (tls_setup), used as lib_socks.sh says.
#   tg-cli 192.0.2.2: socks_client.py raw (a DOMAINNAME request), to
#                     GW4:1080 (s)
#     | veth
#   gateway 192.0.2.1: SOCKS5 service s (tlsgw.ko); genl_resolver.py,
#                      as root, then as nobody; no tlsgwd
#     | veth
#   tg-srv 198.51.100.2: nginx :8080 (never reached: the name fails)
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib_tls.sh"
. "$(dirname "$0")/../lib_socks.sh"
SELFTESTS=$(cd "$(dirname "$0")/.." && pwd)
command -v setpriv >/dev/null || skip "setpriv (util-linux) is not installed"

tls_setup
tlsgwctl socks add s listen "$GW4:1080" open || exit 1

# Root registers a resolver socket and closes it, as tlsgwd does on exit.
out=$(python3 "$SELFTESTS/genl_resolver.py" register)
echo "register: $out"
check "root registers a resolver" sh -c 'echo "$1" | grep -q "error 0$"' - "$out"
portid=$(echo "$out" | sed -n 's/^portid \([0-9]*\) .*/\1/p')

# nobody binds that port id and waits for lookups while a client asks
# for a name.
setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all \
	python3 "$SELFTESTS/genl_resolver.py" listen "$portid" 20 >"$T/nobody.out" 2>&1 &
lpid=$!
i=0
until grep -q bound "$T/nobody.out" || [ $i -ge 100 ]; do
	i=$((i + 1))
	sleep 0.2
done
# Without the kernel's own dns_resolver fallback (socks_kernel_dns.sh
# tests it): with it, a name this guest cannot resolve gets 04.
kdns=/sys/module/tlsgw/parameters/socks_kernel_dns
[ ! -w "$kdns" ] || echo N >"$kdns"
code=$(socks_name_code "$GW4" 1080 secret-name.test 80)
[ ! -w "$kdns" ] || echo Y >"$kdns"
echo "reply code for a name: $code"
wait $lpid
sed 's/^/nobody: /' "$T/nobody.out"
check "nobody could bind the old port id" grep -q "^received" "$T/nobody.out"
check "and received no lookup" grep -q "^received 0 messages" "$T/nobody.out"
check "the name never reached it" fails grep -q "secret-name" "$T/nobody.out"
check "without a resolver the request fails with 01" [ "$code" = 01 ]
finish
