#!/bin/sh
# The tlsgw demo, run inside the test guest by 'make demo': an HTTPS
# gateway whose TLS records and relaying run in the kernel.
#
#   client ns (curl) --TLS--> tlsgwd + tlsgw.ko (this ns) --HTTP--> nginx ns
#
# tlsgwd does the handshake with OpenSSL and hands the socket pair and
# the keys to tlsgw.ko; from then on no byte passes through userspace.
cd "$(dirname "$0")/.." || exit 1
. selftests/lib.sh
. selftests/lib_tls.sh

say() { printf '\n==> %s\n' "$*"; }

say "network namespaces, a self-signed certificate for www.test, nginx"
tls_setup
echo "Hello from nginx, through tlsgw" >"$T/www/index.html"
head -c 33554432 /dev/urandom >"$T/www/32m"
tlsgwctl info

say "tlsgwd with this configuration:"
start_tlsgwd
cat "$T/tlsgwd.conf"

say "curl https://www.test/ from the client namespace"
gw_curl https://www.test/

say "a 32 MiB download, rate-limited so that we can watch it"
gw_curl --limit-rate 4M -o "$T/32m.out" https://www.test/32m &
cpid=$!
sleep 4
say "tlsgwctl session list (the kernel is relaying this session)"
tlsgwctl session list
cpu0=$(awk '{ print $14 + $15 }' "/proc/$tlsgwd_pid/stat")
sleep 3
say "tlsgwctl stats"
tlsgwctl stats
wait $cpid
cpu1=$(awk '{ print $14 + $15 }' "/proc/$tlsgwd_pid/stat")
say "download done: $(sha256sum <"$T/32m.out" | cut -c1-16)... (sent $(sha256sum <"$T/www/32m" | cut -c1-16)...)"
echo "tlsgwd CPU time while the kernel relayed: $((cpu1 - cpu0)) ticks"

say "tlsgwd's log"
cat "$T/tlsgwd.log"
wait_no_sessions
say "tlsgwctl stats after the sessions closed"
tlsgwctl stats
echo
echo "demo: done"
