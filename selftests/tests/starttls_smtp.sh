# STARTTLS policing of SMTP on a forwarding gateway: aiosmtpd in tg-srv
# (port 25 offers STARTTLS, port 2525 does not), clients in tg-cli
# (openssl s_client, swaks, curl, stls_client.py). Events, flows, counters,
# and the block-cleartext-auth and block-injection policies, IPv4 and IPv6.
#
# Topology: lib_tls.sh's, forwarding (stls_setup, lib_starttls.sh).
#   tg-cli 192.0.2.2, 2001:db8:1::2: openssl s_client, swaks, curl,
#                     stls_client.py, to SRV4:25, SRV4:2525, [SRV6]:25
#     | veth
#   gateway: forwards; tlsgw.ko's hooks (policies mail, inj)
#     | veth
#   tg-srv 198.51.100.2, 2001:db8:2::2: aiosmtpd SRV4:25 and [SRV6]:25
#                        (STARTTLS), SRV4:2525 (none)
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib_tls.sh"
. "$(dirname "$0")/../lib_starttls.sh"

# The longest test (5 minutes on the debug kernel): make check-debug
# leaves it out to stay within CI's time. Its kernel paths (the SMTP
# hooks, blocking, events) run there in starttls_fake, starttls_strip,
# starttls_rst, starttls_flows and starttls_policy_churn.
[ -z "${TGW_QUICK:-}" ] || skip "quick mode (make check-debug): starttls_fake and others cover its kernel paths"
/usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null || skip "aiosmtpd (python3-aiosmtpd) is not installed"
stls_setup

aiosmtpd() {	# LOG ARGS...
	log=$1
	shift
	in_srv /usr/bin/python3 -m aiosmtpd -n -d -d "$@" >"$T/$log" 2>&1 &
	pids="$pids $!"
}
aiosmtpd smtp25.log -l "$SRV4:25" --tlscert "$T/www.pem" --tlskey "$T/www.key" \
	--no-requiretls -c aiosmtpd.handlers.Mailbox "$T/mbox"
aiosmtpd smtp2525.log -l "$SRV4:2525"
aiosmtpd smtp6.log -l "$SRV6:25" --tlscert "$T/www.pem" --tlskey "$T/www.key" \
	--no-requiretls
wait_port tg-srv "$SRV4" 25
wait_port tg-srv "$SRV4" 2525
wait_port tg-srv "$SRV6" 25

status() { "$@" >/dev/null 2>&1; echo $?; }
check "the module says it polices STARTTLS" sh -c 'tlsgwctl info | grep -q starttls'
check "policy add (monitor)" tlsgwctl starttls policy add mail proto smtp ports 25,2525 mode monitor
check "adding it again fails with 1" [ "$(status tlsgwctl starttls policy add mail proto smtp ports 25 mode monitor)" -eq 1 ]
check "an unknown mode is a usage error" [ "$(status tlsgwctl starttls policy add x proto smtp ports 25 mode nope)" -eq 2 ]
check "a bad port range is a usage error" [ "$(status tlsgwctl starttls policy add x proto smtp ports 30-20 mode monitor)" -eq 2 ]
tlsgwctl starttls policy list
check "policy list shows it" sh -c 'tlsgwctl starttls policy list | grep -q "^mail proto smtp ports 25,2525 mode monitor"'

# A clean upgrade by real clients.
mark tls-started
printf 'QUIT\r\n' | in_cli timeout 60 openssl s_client -starttls smtp \
	-connect "$SRV4:25" -quiet -crlf >"$T/s_client.out" 2>&1
check "openssl s_client -starttls smtp: TLS started is reported" wait_event tls-started
if command -v swaks >/dev/null; then
	mark tls-started
	check "swaks --tls sends a mail" in_cli timeout 120 swaks --silent 1 \
		--to dave@test --from carol@test --server "$SRV4:25" --tls
	check "aiosmtpd stored it" sh -c "grep -rq 'swaks' '$T/mbox'"
	check "swaks: TLS started is reported" wait_event tls-started
fi
mark tls-started
printf 'Subject: curl\r\n\r\nsent by curl --ssl-reqd\r\n' >"$T/curl.eml"
check "curl --ssl-reqd sends a mail" in_cli curl -sS --max-time 120 --ssl-reqd -k \
	--mail-from erin@test --mail-rcpt frank@test -T "$T/curl.eml" "smtp://$SRV4:25"
check "aiosmtpd stored curl's mail" sh -c "grep -rq 'sent by curl' '$T/mbox'"
check "curl: TLS started is reported" wait_event tls-started
for f in offered requested accepted; do
	check "the upgrade reported '$f'" [ "$(nevents $f)" -ge 1 ]
done
check "no injection or cleartext credentials were seen" \
	[ "$(nevents command-injection)$(nevents cleartext-auth)" = 00 ]

# The flow dump, while an upgraded connection over IPv6 stays open.
mark tls-started
client "$SRV6" 25 smtp starttls --hold >"$T/hold.out" &
holder=$!
check "IPv6: TLS started is reported" wait_event tls-started
tlsgwctl starttls flows
check "flows: the IPv6 flow in TLS with its findings" sh -c 'tlsgwctl -j starttls flows | /usr/bin/python3 -c "
import json, sys
f = [x for x in json.load(sys.stdin) if x[\"state\"] == \"established\"
     and x[\"server\"] == \"[2001:db8:2::2]:25\"]
assert len(f) == 1 and f[0][\"phase\"] == \"tls\", f
assert \"tls-started\" in f[0][\"findings\"], f
assert f[0][\"policy\"] == \"mail\" and f[0][\"proto\"] == \"smtp\", f
"'
check "info counts active and tracked flows" \
	[ "$(ctr starttls_flows_active)" -ge 1 -a "$(ctr starttls_flows_tracked)" -ge 2 ]
wait $holder
cat "$T/hold.out"
check "stls_client: the held IPv6 upgrade ends well" grep -qx "result: tls" "$T/hold.out"

# Refused upgrade: port 2525 has no TLS.
mark refused
check "stls_client: upgrade refused" client_result refused "$SRV4" 2525 smtp refused
check "the refusal is reported" wait_event refused

# Cleartext credentials under monitor: reported, not blocked.
mark cleartext-auth false
check "monitor: AUTH PLAIN in cleartext gets an answer" client_result ok "$SRV4" 2525 smtp auth
check "monitor: cleartext AUTH is reported" wait_event cleartext-auth false
check "monitor: the server saw it" grep -q "AUTH PLAIN" "$T/smtp2525.log"

# Injection under monitor: reported.
mark command-injection false
client "$SRV4" 25 smtp inject | sed 's/^/    /'
check "monitor: STARTTLS+RSET in one segment is reported" wait_event command-injection false
check "monitor: counted on the policy" [ "$(pctr mail starttls_cmd_injection)" -ge 1 ]

# block-cleartext-auth: the credentials never reach the server.
check "policy del" tlsgwctl starttls policy del mail
check "policy add (block-cleartext-auth)" tlsgwctl starttls policy add mail proto smtp ports 25,2525 mode block-cleartext-auth
auths=$(grep -c "AUTH PLAIN" "$T/smtp2525.log")
mark cleartext-auth true
check "block-cleartext-auth: the client is reset" client_result reset "$SRV4" 2525 smtp auth
check "block-cleartext-auth: reported as blocked" wait_event cleartext-auth true
check "block-cleartext-auth: the server never saw AUTH" [ "$(grep -c "AUTH PLAIN" "$T/smtp2525.log")" -eq "$auths" ]
check "block-cleartext-auth: counted" [ "$(pctr mail starttls_blocked)" -eq 1 ]
check "block-cleartext-auth: a clean upgrade still works" client_result tls "$SRV4" 25 smtp starttls
mark cleartext-auth true
check "block-cleartext-auth over IPv6: reset" client_result reset "$SRV6" 25 smtp auth
check "block-cleartext-auth over IPv6: reported" wait_event cleartext-auth true

# block-injection.
check "policy add (block-injection) on the same port" tlsgwctl starttls policy add inj proto smtp ports 25 mode block-injection
check "policy del mail" tlsgwctl starttls policy del mail
upgrades=$(grep -c "b'STARTTLS'" "$T/smtp25.log")
mark command-injection true
check "block-injection: the client is reset" client_result reset "$SRV4" 25 smtp inject
check "block-injection: reported as blocked" wait_event command-injection true
check "block-injection: the server never saw that segment" [ "$(grep -c "b'STARTTLS'" "$T/smtp25.log")" -eq "$upgrades" ]
check "block-injection: a clean upgrade still works" client_result tls "$SRV4" 25 smtp starttls
check "block-injection: cleartext AUTH only reported" client_result ok "$SRV4" 25 smtp auth

check "the last policy goes" tlsgwctl starttls policy del inj
check "no policy, no flows" [ "$(ctr starttls_flows_active)" -eq 0 ]
finish
