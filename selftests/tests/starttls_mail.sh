# STARTTLS policing of POP3 (STLS) and IMAP (STARTTLS) on a forwarding
# gateway, with dovecot in tg-srv and openssl s_client, curl and
# stls_client.py in tg-cli: clean upgrades (also one byte per segment),
# refused upgrades (dovecot has no TLS on its IPv6 address), stripping
# (a middlebox masks STLS and STARTTLS), cleartext logins reported and
# blocked, injection reported and blocked, require-tls.
#
# Topology: lib_tls.sh's, forwarding (stls_setup, lib_starttls.sh).
#   tg-cli 192.0.2.2, 2001:db8:1::2: stls_client.py, openssl s_client,
#                     curl, to SRV4:110, :143, :1110, :1143 and
#                     [SRV6]:110, :143
#     | veth
#   gateway: forwards; tlsgw.ko's hooks (pop3 and imap policies)
#     | veth
#   tg-srv 198.51.100.2, 2001:db8:2::2: dovecot :110 :143 (TLS on SRV4,
#                        none on SRV6), stls_server.py relay :1110 ->
#                        SRV4:110, :1143 -> SRV4:143 (masking the upgrade)
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib_tls.sh"
. "$(dirname "$0")/../lib_starttls.sh"

# The longest test on the debug kernel (400 s): make check-debug leaves
# it out to stay within CI's time, as it does starttls_smtp. The POP3 and
# IMAP hooks, blocking and events run there in starttls_fake.
[ -z "${TGW_QUICK:-}" ] || skip "quick mode (make check-debug): starttls_fake covers its kernel paths"
command -v dovecot >/dev/null || skip "dovecot is not installed"
[ -e /usr/lib/dovecot/imap ] || skip "dovecot-imapd is not installed"
stls_setup

mkdir -p "$T/dovecot" "$T/mail/alice/new" "$T/mail/alice/cur" "$T/mail/alice/tmp"
printf 'From: bob@test\r\nSubject: starttls test\r\n\r\nmessage for alice over starttls\r\n' \
	>"$T/mail/alice/new/1.test"
chown -R nobody:nogroup "$T/mail"
cat >"$T/dovecot.conf" <<CONF
protocols = pop3 imap
listen = $SRV4, $SRV6
base_dir = $T/dovecot
state_dir = $T/dovecot
log_path = $T/dovecot/log
ssl = yes
ssl_cert = <$T/www.pem
ssl_key = <$T/www.key
disable_plaintext_auth = no
auth_mechanisms = plain login
passdb {
  driver = static
  args = password=secret
}
userdb {
  driver = static
  args = uid=nobody gid=nogroup home=$T/mail/%u
}
mail_location = maildir:$T/mail/%u
local $SRV6 {
  ssl = no
}
CONF
in_srv dovecot -F -c "$T/dovecot.conf" &
pids="$pids $!"
wait_port tg-srv "$SRV4" 110
wait_port tg-srv "$SRV4" 143
wait_port tg-srv "$SRV6" 143
# Middleboxes in tg-srv: SRV4:1110 and 1143 to dovecot, masking the upgrade.
stls_server relay 1110 "$SRV4" 110 STLS XXXX
stls_server relay 1143 "$SRV4" 143 STARTTLS XXXXXXXX
wait_port tg-srv "$SRV4" 1110
wait_port tg-srv "$SRV4" 1143

logins() { grep -c "Login: user=<alice>" "$T/dovecot/log"; }

check "policy add pop3 (monitor)" tlsgwctl starttls policy add pop proto pop3 ports 110,1110 mode monitor
check "policy add imap (monitor)" tlsgwctl starttls policy add imap proto imap ports 143,1143 mode monitor

for proto in pop3 imap; do
	port=110
	[ $proto = pop3 ] || port=143
	export EV_PROTO=$proto
	mark tls-started
	check "$proto: stls_client upgrades" client_result tls "$SRV4" $port $proto starttls
	check "$proto: TLS started is reported" wait_event tls-started
	ev_snap
	check "$proto: one byte per segment: the upgrade works" client_result tls "$SRV4" $port $proto starttls --split
	check "$proto: one byte per segment: exactly one upgrade reported" ev_one_upgrade
	mark tls-started
	# -quiet implies -ign_eof: without -no_ign_eof, s_client would wait
	# out the timeout after the handshake.
	printf '' | in_cli timeout 60 openssl s_client -starttls $proto \
		-connect "$SRV4:$port" -quiet -no_ign_eof >"$T/s_client.out" 2>&1
	check "$proto: openssl s_client -starttls $proto is reported" wait_event tls-started
	# s_client sends no CAPA for POP3: only stls_client saw the offer.
	check "$proto: 'offered' reported" [ "$(nevents offered)" -ge 1 ]
	for f in requested accepted; do
		check "$proto: '$f' reported" [ "$(nevents $f)" -ge 2 ]
	done
	mark tls-started
	if [ $proto = pop3 ]; then
		url="pop3://$SRV4/1"
	else
		url="imap://$SRV4/INBOX;UID=1"
	fi
	out=$(in_cli curl -sS --max-time 120 --ssl-reqd -k -u alice:secret "$url")
	check "$proto: curl --ssl-reqd reads the mail" sh -c 'echo "$1" | grep -q "message for alice"' - "$out"
	check "$proto: curl's upgrade is reported" wait_event tls-started
	check "$proto: no cleartext credentials so far" [ "$(nevents cleartext-auth)" -eq 0 ]

	mark cleartext-auth false
	check "$proto: cleartext login passes under monitor" client_result ok "$SRV4" $port $proto auth
	check "$proto: cleartext login reported" wait_event cleartext-auth false
	mark command-injection false
	client "$SRV4" $port $proto inject | sed 's/^/    /'
	check "$proto: injection reported under monitor" wait_event command-injection false

	mark refused
	n=$(nevents not-offered)
	check "$proto: dovecot without TLS (IPv6) refuses the upgrade" client_result refused "$SRV6" $port $proto refused
	check "$proto: the refusal is reported" wait_event refused
	check "$proto: 'not-offered' reported" [ "$(nevents not-offered)" -gt "$n" ]

	mark stripped
	n=$(nevents offered)
	out=$(client "$SRV4" 1$port $proto plain)
	echo "$out" | sed 's/^/    /'
	check "$proto: through the middlebox, the client saw the masked capability" \
		sh -c 'echo "$1" | grep -q "^S: .*XXXX"' - "$out"
	check "$proto: stripping is reported" wait_event stripped
	check "$proto: no offer reported for it" [ "$(nevents offered)" -eq "$n" ]
done

check "policies go" sh -c 'tlsgwctl starttls policy del pop && tlsgwctl starttls policy del imap'
check "block-cleartext-auth for both" tlsgwctl starttls policy add mail proto pop3 ports 110 mode block-cleartext-auth
check "and for imap" tlsgwctl starttls policy add mail-imap proto imap ports 143 mode block-cleartext-auth
for proto in pop3 imap; do
	port=110
	[ $proto = pop3 ] || port=143
	export EV_PROTO=$proto
	n=$(logins)
	mark cleartext-auth true
	check "$proto: cleartext login is reset" client_result reset "$SRV4" $port $proto auth
	check "$proto: reported as blocked" wait_event cleartext-auth true
	check "$proto: dovecot logged no new login" [ "$(logins)" -eq "$n" ]
	check "$proto: upgrade still allowed" client_result tls "$SRV4" $port $proto starttls
done
check "policies go again" sh -c 'tlsgwctl starttls policy del mail && tlsgwctl starttls policy del mail-imap'
check "block-injection for pop3" tlsgwctl starttls policy add inj proto pop3 ports 110 mode block-injection
check "block-injection for imap" tlsgwctl starttls policy add inj-imap proto imap ports 143 mode block-injection
for proto in pop3 imap; do
	port=110
	[ $proto = pop3 ] || port=143
	export EV_PROTO=$proto
	mark command-injection true
	check "$proto: injection is reset" client_result reset "$SRV4" $port $proto inject
	check "$proto: injection reported as blocked" wait_event command-injection true
done
check "require-tls for pop3 and imap" sh -c 'tlsgwctl starttls policy del inj &&
	tlsgwctl starttls policy del inj-imap &&
	tlsgwctl starttls policy add rt proto pop3 ports 110 mode require-tls &&
	tlsgwctl starttls policy add rt-imap proto imap ports 143 mode require-tls'
for proto in pop3 imap; do
	port=110
	[ $proto = pop3 ] || port=143
	export EV_PROTO=$proto
	mark pre-tls-command true
	check "$proto: require-tls: a command before the upgrade is reset" client_result reset "$SRV4" $port $proto pretls
	check "$proto: require-tls: reported as blocked" wait_event pre-tls-command true
done
tlsgwctl starttls policy
finish
