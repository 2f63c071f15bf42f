# 100 (25 under make check-debug) concurrent HTTPS clients through the gateway, each with its own
# offloaded session, all getting intact data.
#
# Topology: lib_tls.sh's (tls_setup).
#   tg-cli 192.0.2.2: 100 (25) curl (gw_curl) at once, GET /64k
#     | veth
#   gateway 192.0.2.1: tlsgwd service web :443 -> SRV4:8080, tlsgw.ko
#     | veth
#   tg-srv 198.51.100.2: nginx :8080
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib_tls.sh"

tls_setup
head -c 65536 /dev/urandom >"$T/www/64k"
n=$(scale 100 25)
start_tlsgwd
opened=$(ctr sessions_opened)
i=0
clients=""
while [ $i -lt "$n" ]; do
	gw_curl -o "$T/out.$i" https://www.test/64k 2>"$T/err.$i" &
	clients="$clients $!"
	i=$((i + 1))
done
# Not a bare 'wait': nginx and tlsgwd are children of this shell too.
for p in $clients; do
	wait "$p"
done
good=0
for f in "$T"/out.*; do
	cmp -s "$f" "$T/www/64k" && good=$((good + 1))
done
echo "$good of $n downloads intact"
[ "$good" -eq "$n" ] || head -n 3 "$T"/err.* | head -n 20
check "$n of $n concurrent downloads intact" [ "$good" -eq "$n" ]
check "$n sessions were offloaded" [ "$(ctr sessions_opened)" -eq $((opened + n)) ]
check "all ended" wait_no_sessions
check "none by reset" [ "$(ctr closed_reset)" -eq 0 ]
finish
