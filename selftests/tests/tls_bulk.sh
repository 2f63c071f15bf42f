# 64 MiB down and 64 MiB up through the gateway, verified by SHA-256, while
# tlsgwd sits idle: after the handshake the kernel does all the work.
#
# Topology: lib_tls.sh's (tls_setup).
#   tg-cli 192.0.2.2: curl (gw_curl), GET /big and PUT /upload/big
#     | veth
#   gateway 192.0.2.1: tlsgwd service web :443 -> SRV4:8080, tlsgw.ko
#     | veth
#   tg-srv 198.51.100.2: nginx :8080
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib_tls.sh"

tls_setup
size=$(scale 67108864 8388608)
mib=$((size / 1048576))
head -c "$size" /dev/urandom >"$T/www/big"
start_tlsgwd

# utime + stime of tlsgwd, in clock ticks.
cpu_ticks() {
	awk '{ print $14 + $15 }' "/proc/$tlsgwd_pid/stat"
}

# Warm up (first handshake loads OpenSSL's tables), then measure.
gw_curl -o /dev/null https://www.test/index.html 2>/dev/null
before=$(cpu_ticks)
check "$mib MiB download" gw_curl -o "$T/down" https://www.test/big
after=$(cpu_ticks)
want=$(sha256sum <"$T/www/big")
check "download SHA-256 matches" [ "$(sha256sum <"$T/down")" = "$want" ]
echo "tlsgwd CPU ticks during the $mib MiB download: $before -> $after"
check "tlsgwd used at most 50 ticks (its handshake) for it" [ $((after - before)) -le 50 ]

check "$mib MiB upload (HTTP PUT)" gw_curl -T "$T/www/big" https://www.test/upload/big
check "upload SHA-256 matches" [ "$(sha256sum <"$T/www/upload/big")" = "$want" ]
check "sessions ended" wait_no_sessions
bytes_out=$(ctr bytes_out)
bytes_in=$(ctr bytes_in)
echo "kernel counters: bytes_in $bytes_in bytes_out $bytes_out"
check "the kernel relayed the download" [ "$bytes_out" -ge "$size" ]
check "and the upload" [ "$bytes_in" -ge "$size" ]
finish
