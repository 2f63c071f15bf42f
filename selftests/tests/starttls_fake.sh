# STARTTLS findings no real server produces, from selftests/stls_server.py
# in tg-srv: response injection (the go-ahead and one more reply line in
# the same segment) for SMTP, POP3, IMAP and FTP, reported under monitor
# and reset under block-injection; FTP CCC sent in cleartext after the
# go-ahead; FTP CCC sent inside TLS, as clients do (RFC 4217: a real
# handshake, PBSZ and CCC in TLS, close_notify both ways, then cleartext
# USER, PASS and PWD), reported under monitor (also one byte per segment)
# and reset at the first cleartext command under require-tls.
#
# Topology: lib_tls.sh's, forwarding (stls_setup, lib_starttls.sh).
#   tg-cli 192.0.2.2: stls_client.py, to SRV4 on each port below
#     | veth
#   gateway: forwards; tlsgw.ko's hooks (policies per protocol and port)
#     | veth
#   tg-srv 198.51.100.2: stls_server.py fake: smtp :25 :2525, pop3 :110
#                        :1110, imap :143 :1143, ftp :21 :2021 (all
#                        injecting), ftp :2121 :2122
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib_tls.sh"
. "$(dirname "$0")/../lib_starttls.sh"

stls_setup
# Monitored on the standard ports, block-injection on the others; the
# FTP server on 2121 answers without injecting.
stls_server fake "$T/www.pem" "$T/www.key" smtp:25:inject pop3:110:inject \
	imap:143:inject ftp:21:inject smtp:2525:inject pop3:1110:inject \
	imap:1143:inject ftp:2021:inject ftp:2121 ftp:2122
wait_port tg-srv "$SRV4" 25
wait_port tg-srv "$SRV4" 2121
wait_port tg-srv "$SRV4" 2122

ports() {	# PROTO: monitored port, block-injection port
	case $1 in
	smtp) echo 25 2525 ;;
	pop3) echo 110 1110 ;;
	imap) echo 143 1143 ;;
	ftp) echo 21 2021 ;;
	esac
}

for proto in smtp pop3 imap ftp; do
	set -- $(ports $proto)
	check "$proto: policies (monitor, block-injection)" sh -c "
		tlsgwctl starttls policy add mon-$proto proto $proto ports $1 mode monitor &&
		tlsgwctl starttls policy add inj-$proto proto $proto ports $2 mode block-injection"
done
check "ftp: port 2121 monitored too" sh -c 'tlsgwctl starttls policy del mon-ftp &&
	tlsgwctl starttls policy add mon-ftp proto ftp ports 21,2121 mode monitor'

for proto in smtp pop3 imap ftp; do
	set -- $(ports $proto)
	export EV_PROTO=$proto
	mark response-injection false
	out=$(client "$SRV4" $1 $proto starttls)
	echo "$out" | sed 's/^/    /'
	check "$proto: monitor: the client upgrades" sh -c 'echo "$1" | tail -n 1 | grep -qx "result: tls"' - "$out"
	check "$proto: monitor: it got the injected line" sh -c 'echo "$1" | grep -q "^S (before TLS): .*injected"' - "$out"
	check "$proto: response injection reported" wait_event response-injection false

	mark response-injection true
	out=$(client "$SRV4" $2 $proto starttls)
	echo "$out" | sed 's/^/    /'
	check "$proto: block-injection: the client is reset" sh -c 'echo "$1" | tail -n 1 | grep -qx "result: reset"' - "$out"
	check "$proto: block-injection: the go-ahead never reached it" sh -c '! echo "$1" | grep -q "go ahead"' - "$out"
	check "$proto: block-injection: reported as blocked" wait_event response-injection true
done

# CCC in cleartext: AUTH TLS, 234, then CCC instead of a ClientHello.
export EV_PROTO=ftp
mark ccc false
check "ftp: CCC in cleartext after the go-ahead gets 200" client_result ok "$SRV4" 2121 ftp ccc
check "ftp: CCC reported" wait_event ccc false
check "ftp: and the missing TLS" [ "$(nevents tls-missing)" -ge 1 ]
check "ftp: CCC counted on the policy" [ "$(pctr mon-ftp starttls_ccc)" -ge 1 ]

# CCC inside TLS: the hooks follow the TLS records of an FTP control
# connection and see it go back to cleartext.
for split in "" --split; do
	mark cleartext-auth false
	auth_seen=$seen
	mark ccc false
	out=$(client "$SRV4" 2121 ftp ccc-tls $split)
	echo "$out" | sed 's/^/    /'
	check "ftp: CCC inside TLS${split:+ ($split)}: cleartext after it" sh -c '
		echo "$1" | tail -n 1 | grep -qx "result: ok" &&
		echo "$1" | grep -q "^TLS: TLS" &&
		echo "$1" | sed -n "/TLS ended/,\$p" | grep -q "^S: 221"' - "$out"
	check "ftp: CCC inside TLS${split:+ ($split)}: ccc reported" wait_event ccc false
	seen=$auth_seen
	check "ftp: CCC inside TLS${split:+ ($split)}: then cleartext-auth" \
		wait_event cleartext-auth false
done
mark ccc false
check "ftp: a flow that stays in TLS (QUIT inside TLS)" client_result tls "$SRV4" 2121 ftp starttls
check "ftp: ... gives no ccc" no_new_event ccc false

check "ftp: require-tls policy on port 2122" \
	tlsgwctl starttls policy add req-ftp proto ftp ports 2122 mode require-tls
mark ccc true
out=$(client "$SRV4" 2122 ftp ccc-tls)
echo "$out" | sed 's/^/    /'
check "ftp: require-tls: the client is reset after CCC inside TLS" sh -c '
	echo "$1" | tail -n 1 | grep -qx "result: reset" &&
	echo "$1" | grep -q "TLS ended"' - "$out"
check "ftp: require-tls: its cleartext USER never got an answer" sh -c '
	! echo "$1" | sed -n "/TLS ended/,\$p" | grep -q "^S:"' - "$out"
check "ftp: require-tls: ccc reported as blocked" wait_event ccc true
check "ftp: require-tls: counted as blocked" [ "$(pctr req-ftp starttls_blocked)" -ge 1 ]
finish
