# STARTTLS stripping: a small middlebox in front of aiosmtpd rewrites the
# server's "250-STARTTLS" to "250-XXXXXXXX" (as Cisco ASA ESMTP
# inspection does); the gateway between client and middlebox reports it.
# Then require-tls: a client that upgrades anyway gets through, one that
# sends MAIL FROM in cleartext is reset.
#
# Topology: lib_tls.sh's, forwarding (stls_setup, lib_starttls.sh).
#   tg-cli 192.0.2.2: stls_client.py, to SRV4:25
#     | veth
#   gateway: forwards; tlsgw.ko's hooks (policy mail :25)
#     | veth
#   tg-srv 198.51.100.2: stls_server.py relay :25 (masks STARTTLS) ->
#                        aiosmtpd on tg-srv's 127.0.0.1:2526
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib_tls.sh"
. "$(dirname "$0")/../lib_starttls.sh"

/usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null || skip "aiosmtpd (python3-aiosmtpd) is not installed"
stls_setup
in_srv /usr/bin/python3 -m aiosmtpd -n -l "127.0.0.1:2526" --tlscert "$T/www.pem" \
	--tlskey "$T/www.key" --no-requiretls -d -d >"$T/smtp.log" 2>&1 &
pids="$pids $!"
wait_port tg-srv 127.0.0.1 2526
# The middlebox: SRV4:25 -> 127.0.0.1:2526, masking STARTTLS in replies.
in_srv /usr/bin/python3 "$STLS_SERVER" relay 25 127.0.0.1 2526 STARTTLS XXXXXXXX &
pids="$pids $!"
wait_port tg-srv "$SRV4" 25

check "policy add (monitor)" tlsgwctl starttls policy add mail proto smtp ports 25 mode monitor
mark stripped
client "$SRV4" 25 smtp plain --hold >"$T/plain.out" &
holder=$!
check "stripping is reported" wait_event stripped
check "and counted" [ "$(pctr mail starttls_stripped)" -ge 1 ]
check "no offer was reported" [ "$(nevents offered)" -eq 0 ]
tlsgwctl starttls flows
check "the open flow lists the finding" sh -c 'tlsgwctl starttls flows | grep -q "state established .*stripped"'
wait $holder
sed 's/^/    /' "$T/plain.out"
check "the client saw the masked capability" grep -q "250-XXXXXXXX" "$T/plain.out"

check "policy del" tlsgwctl starttls policy del mail
check "policy add (require-tls)" tlsgwctl starttls policy add mail proto smtp ports 25 dst 198.51.100.0/24 mode require-tls
tlsgwctl starttls policy show mail
check "policy show: the destination prefix" sh -c 'tlsgwctl starttls policy show mail | grep -q "dst 198.51.100.0/24 mode require-tls"'
check "require-tls: an upgrade despite the stripping works" client_result tls "$SRV4" 25 smtp starttls
mark pre-tls-command true
check "require-tls: MAIL FROM in cleartext is reset" client_result reset "$SRV4" 25 smtp pretls
check "require-tls: reported as blocked" wait_event pre-tls-command true
check "require-tls: the server never saw MAIL FROM" sh -c "! grep -q 'MAIL FROM' '$T/smtp.log'"
finish
