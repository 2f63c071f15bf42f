# STARTTLS policing of the gateway's own traffic: as a client (LOCAL_OUT
# then LOCAL_IN), as a server (LOCAL_IN then LOCAL_OUT), and over
# loopback, where each packet passes LOCAL_OUT and LOCAL_IN but must be
# parsed once: exactly one event per finding.
#
# Topology: lib_tls.sh's, forwarding (stls_setup, lib_starttls.sh).
#   tg-cli 192.0.2.2: stls_client.py, to GW4:25
#     | veth
#   gateway 192.0.2.1 | 198.51.100.1, lo 127.0.0.1: tlsgw.ko's hooks
#            (policy mail :25); aiosmtpd on GW4:25 and 127.0.0.1:25;
#            stls_client.py, to SRV4:25 and 127.0.0.1:25
#     | veth
#   tg-srv 198.51.100.2: aiosmtpd :25
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib_tls.sh"
. "$(dirname "$0")/../lib_starttls.sh"

/usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null || skip "aiosmtpd (python3-aiosmtpd) is not installed"
stls_setup
ip link set lo up
smtpd() {	# COMMAND...: in the background, stopped at the end
	"$@" >/dev/null 2>&1 &
	pids="$pids $!"
}
smtpd in_srv /usr/bin/python3 -m aiosmtpd -n -l "$SRV4:25" --tlscert "$T/www.pem" \
	--tlskey "$T/www.key" --no-requiretls
smtpd /usr/bin/python3 -m aiosmtpd -n -l "$GW4:25" --tlscert "$T/www.pem" \
	--tlskey "$T/www.key" --no-requiretls
smtpd /usr/bin/python3 -m aiosmtpd -n -l "127.0.0.1:25" --tlscert "$T/www.pem" \
	--tlskey "$T/www.key" --no-requiretls
wait_port tg-srv "$SRV4" 25
wait_listen 25

check "policy add (block-cleartext-auth)" tlsgwctl starttls policy add mail proto smtp ports 25 mode block-cleartext-auth
local_client() {	# WANT ARGS...
	want=$1
	shift
	out=$(/usr/bin/python3 "$STLS_CLIENT" "$@" 2>&1)
	echo "$out" | sed 's/^/    /'
	echo "$out" | tail -n 1 | grep -qx "result: $want"
}
# Exactly one new event of finding F within a few seconds.
one_more() {	# F [B]
	wait_event "$@" || return 1
	sleep 1
	[ "$(nevents "$@")" -eq $((seen + 1)) ]
}

mark tls-started
check "gateway as client: upgrade" local_client tls "$SRV4" 25 smtp starttls
check "gateway as client: one TLS started event" one_more tls-started
mark cleartext-auth true
check "gateway as client: cleartext AUTH is reset" local_client reset "$SRV4" 25 smtp auth
check "gateway as client: one blocked event" one_more cleartext-auth true

mark tls-started
check "gateway as server: upgrade" client_result tls "$GW4" 25 smtp starttls
check "gateway as server: one TLS started event" one_more tls-started
mark cleartext-auth true
check "gateway as server: cleartext AUTH is reset" client_result reset "$GW4" 25 smtp auth
check "gateway as server: one blocked event" one_more cleartext-auth true

mark tls-started
check "loopback: upgrade" local_client tls 127.0.0.1 25 smtp starttls
check "loopback: one TLS started event" one_more tls-started
mark cleartext-auth true
check "loopback: cleartext AUTH is reset" local_client reset 127.0.0.1 25 smtp auth
check "loopback: one blocked event" one_more cleartext-auth true
tlsgwctl starttls flows
finish
