# Helpers for the TLS gateway selftests (sourced after lib.sh).
#
# Topology: the guest's own namespace is the gateway; a client namespace
# and a server namespace hang off it by veth pairs. Addresses are from the
# documentation ranges; the guest has no network card, so nothing leaves.
#
#   tg-cli 192.0.2.2  2001:db8:1::2  --  192.0.2.1  2001:db8:1::1  gateway
#   tg-srv 198.51.100.2 2001:db8:2::2 -- 198.51.100.1 2001:db8:2::1 gateway
#
# tls_setup creates it with a scratch directory $T, a CA-less self-signed
# certificate for www.test (and any names given to make_cert), nginx on
# tg-srv:8080 serving $T/www (PUT allowed under /upload/), and registers
# cleanup on exit.
#
#  +------------------+    +--------------------------+    +------------------+
#  | netns tg-cli     |    | init netns: the gateway  |    | netns tg-srv     |
#  |                  |    |                          |    |                  |
#  | eth0 ------------+veth+- tg-cli0                 |    |                  |
#  | 192.0.2.2/24     |    | 192.0.2.1/24      = GW4  |    |                  |
#  | 2001:db8:1::2/64 |    | 2001:db8:1::1/64  = GW6  |    |                  |
#  |                  |    |                 tg-srv0 -+veth+------------ eth0 |
#  |                  |    | 198.51.100.1/24          |    | 198.51.100.2/24  |
#  |                  |    | 2001:db8:2::1/64         |    | 2001:db8:2::2/64 |
#  | lo up            |    | forwarding off (v4, v6)  |    |  = SRV4, SRV6    |
#  | default routes   |    |                          |    | lo up            |
#  |  via the gateway |    |                          |    | default routes   |
#  |                  |    |                          |    |  via the gateway |
#  | curl (gw_curl) --+TLS-+-> GW4:443, [GW6]:443     |    |                  |
#  |  www.test = GW4  |    |  tlsgwd: handshake,      |    |                  |
#  |                  |    |  service web             |    |                  |
#  |                  |    |  (start_tlsgwd)          |    |                  |
#  |                  |    | tlsgw.ko: the relay -----+TCP-+-> nginx :8080    |
#  |                  |    |  (kTLS) to $BACKEND,     |    |  (all addresses, |
#  |                  |    |  default SRV4:8080       |    |  root $T/www)    |
#  |                  |    | tlsgwctl                 |    |                  |
#  +------------------+    +--------------------------+    +------------------+
#
# tlsgwd and tlsgwctl run in the gateway, as the test script itself does;
# in_cli and in_srv run a command in tg-cli and tg-srv. tls_setup turns
# forwarding off for both families (stls_setup, run by earlier tests in the
# same guest, turns both on): a client reaches a server only through the
# gateway's sockets. Tests add their own servers in tg-srv and more tlsgwd services
# in $T/extra.conf; each test's header names them.
GW4=192.0.2.1
GW6=2001:db8:1::1
SRV4=198.51.100.2
SRV6=2001:db8:2::2
pids=""

in_cli() { ip netns exec tg-cli "$@"; }
in_srv() { ip netns exec tg-srv "$@"; }

tls_cleanup() {
	for p in $pids; do
		kill "$p" 2>/dev/null
	done
	sleep 0.5
	for p in $pids; do
		kill -9 "$p" 2>/dev/null
	done
	ip netns del tg-cli 2>/dev/null
	ip netns del tg-srv 2>/dev/null
	ip link del tg-cli0 2>/dev/null
	ip link del tg-srv0 2>/dev/null
	rm -rf "$T"
}

veth_pair() {	# NS IFACE V4-GW V4-PEER V6-GW V6-PEER
	ip netns add "$1"
	ip link add "$2" type veth peer name eth0 netns "$1"
	ip addr add "$3/24" dev "$2"
	ip -6 addr add "$5/64" dev "$2" nodad
	ip link set "$2" up
	ip -n "$1" addr add "$4/24" dev eth0
	ip -n "$1" -6 addr add "$6/64" dev eth0 nodad
	ip -n "$1" link set eth0 up
	ip -n "$1" link set lo up
	ip -n "$1" route add default via "$3"
	ip -n "$1" -6 route add default via "$5"
}

make_cert() {	# NAME DNS-NAME...
	name=$1
	shift
	san=$(printf 'DNS:%s,' "$@")
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-subj "/CN=$1" -addext "subjectAltName=${san%,}" -days 2 \
		-keyout "$T/$name.key" -out "$T/$name.pem" 2>/dev/null
}

start_nginx() {
	mkdir -p "$T/www/upload" "$T/nginx"
	cat >"$T/nginx.conf" <<NGINX
daemon off;
user root root;
worker_processes 1;
pid $T/nginx/nginx.pid;
error_log $T/nginx/error.log;
events { worker_connections 1024; }
http {
	access_log off;
	client_body_temp_path $T/nginx;
	proxy_temp_path $T/nginx;
	fastcgi_temp_path $T/nginx;
	uwsgi_temp_path $T/nginx;
	scgi_temp_path $T/nginx;
	client_max_body_size 0;
	server {
		listen 8080;
		listen [::]:8080;
		root $T/www;
		location /upload/ {
			dav_methods PUT;
			create_full_put_path on;
		}
	}
}
NGINX
	in_srv nginx -c "$T/nginx.conf" &
	pids="$pids $!"
	wait_port tg-srv 127.0.0.1 8080
}

# Waits until something listens on HOST:PORT as seen from namespace NS.
wait_port() {
	i=0
	while ! ip netns exec "$1" python3 -c '
import socket, sys
socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=2).close()
' "$2" "$3" 2>/dev/null; do
		i=$((i + 1))
		[ $i -lt 100 ] || { echo "nothing listens on $2:$3 in $1"; return 1; }
		sleep 0.2
	done
}

# tlsgwd with one service "web" on GATEWAY:443 to nginx; extra config lines
# for the service can be given as arguments, more services in $T/extra.conf.
start_tlsgwd() {
	{
		echo "[global]"
		echo "handshake-timeout = ${HS_TIMEOUT:-60}"
		echo "[service web]"
		echo "listen = $GW4:443"
		echo "listen = [$GW6]:443"
		echo "backend = ${BACKEND:-$SRV4:8080}"
		echo "certificate = $T/www.pem $T/www.key"
		for line; do
			echo "$line"
		done
		# More services, written by the test before.
		[ ! -f "$T/extra.conf" ] || cat "$T/extra.conf"
	} >"$T/tlsgwd.conf"
	tlsgwd -f -c "$T/tlsgwd.conf" >"$T/tlsgwd.log" 2>&1 &
	tlsgwd_pid=$!
	pids="$pids $tlsgwd_pid"
	wait_listen 443
}

# Waits until something listens on PORT in this namespace (without
# connecting: tlsgwd would log a failed handshake for every probe).
wait_listen() {
	i=0
	until ss -Hltn "sport = :$1" | grep -q .; do
		i=$((i + 1))
		[ $i -lt 100 ] || { echo "nothing listens on port $1"; return 1; }
		sleep 0.2
	done
}

tls_setup() {
	T=$(mktemp -d /tmp/tlsgw-test.XXXXXX)
	chmod 755 "$T"	# nginx workers are not root
	trap tls_cleanup EXIT
	# A fresh module: no session or counter left by an earlier test.
	unload_tlsgw
	load_tlsgw
	veth_pair tg-cli tg-cli0 "$GW4" 192.0.2.2 "$GW6" 2001:db8:1::2
	veth_pair tg-srv tg-srv0 198.51.100.1 "$SRV4" 2001:db8:2::1 "$SRV6"
	sysctl -qw net.ipv4.ip_forward=0
	sysctl -qw net.ipv6.conf.all.forwarding=0
	make_cert www www.test
	start_nginx
}

# curl from the client namespace to https://www.test/PATH on the gateway.
gw_curl() {
	in_cli curl -fsS --max-time "${CURL_TIMEOUT:-300}" --cacert "$T/www.pem" \
		--resolve "www.test:443:$GW4" "$@"
}

# A counter from tlsgwctl -j info (0 if absent).
ctr() {
	tlsgwctl -j info | python3 -c '
import json, sys
print(json.load(sys.stdin)["counters"].get(sys.argv[1], 0))' "$1"
}

# Waits (up to 120 s) until no session is live: they end shortly after
# their peers, or by their idle timeout.
wait_no_sessions() {
	end=$(($(date +%s) + 120))
	while [ "$(ctr sessions_active)" -ne 0 ] && [ "$(date +%s)" -lt $end ]; do
		sleep 0.3
	done
	[ "$(ctr sessions_active)" -eq 0 ]
}

# Like make_cert, with an RSA 2048 key (peers that offer only RSA-PSS
# signature schemes, as many of tlsfuzzer's scripts do).
make_rsa_cert() {	# NAME DNS-NAME...
	name=$1
	shift
	san=$(printf 'DNS:%s,' "$@")
	openssl req -x509 -newkey rsa:2048 -nodes \
		-subj "/CN=$1" -addext "subjectAltName=${san%,}" -days 2 \
		-keyout "$T/$name.key" -out "$T/$name.pem" 2>/dev/null
}
