# Implicit-TLS mail through the gateway to cleartext backends: SMTPS (curl
# smtps://) to aiosmtpd and POP3S (curl pop3s://) to dovecot.
#
# Topology: lib_tls.sh's (tls_setup).
#   tg-cli 192.0.2.2: curl smtps:// to GW4:465, pop3s:// to GW4:995
#     | veth
#   gateway 192.0.2.1: tlsgwd: smtps :465 -> SRV4:2525,
#                      pop3s :995 -> SRV4:110 (and web :443); tlsgw.ko
#     | veth
#   tg-srv 198.51.100.2: aiosmtpd :2525, dovecot (POP3) :110, nginx :8080
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib_tls.sh"

command -v dovecot >/dev/null || skip "dovecot (dovecot-pop3d) is not installed"
python3 -c 'import aiosmtpd' 2>/dev/null || skip "aiosmtpd (python3-aiosmtpd) is not installed"
tls_setup

# SMTP: aiosmtpd stores what it receives in a maildir (it creates it).
in_srv python3 -m aiosmtpd -n -l "$SRV4:2525" \
	-c aiosmtpd.handlers.Mailbox "$T/smtp" &
pids="$pids $!"

# POP3: dovecot with one user and one message.
mkdir -p "$T/dovecot" "$T/mail/alice/new" "$T/mail/alice/cur" "$T/mail/alice/tmp"
printf 'From: bob@test\r\nSubject: pop3s test\r\n\r\nmessage for alice via tlsgw\r\n' \
	>"$T/mail/alice/new/1.test"
chown -R nobody:nogroup "$T/mail"
cat >"$T/dovecot.conf" <<CONF
protocols = pop3
listen = $SRV4
base_dir = $T/dovecot
state_dir = $T/dovecot
log_path = $T/dovecot/log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain
passdb {
  driver = static
  args = password=secret
}
userdb {
  driver = static
  args = uid=nobody gid=nogroup home=$T/mail/%u
}
mail_location = maildir:$T/mail/%u
CONF
in_srv dovecot -F -c "$T/dovecot.conf" &
pids="$pids $!"
wait_port tg-srv "$SRV4" 2525
wait_port tg-srv "$SRV4" 110

cat >"$T/extra.conf" <<CONF
[service smtps]
listen = $GW4:465
backend = $SRV4:2525
certificate = $T/www.pem $T/www.key
[service pop3s]
listen = $GW4:995
backend = $SRV4:110
certificate = $T/www.pem $T/www.key
CONF
start_tlsgwd
wait_listen 995

opened=$(ctr sessions_opened)
printf 'From: carol@test\r\nTo: dave@test\r\nSubject: smtps test\r\n\r\nhello over smtps\r\n' >"$T/mail.txt"
check "curl sends mail over smtps://" in_cli curl -sS --max-time 120 \
	--cacert "$T/www.pem" --resolve "www.test:465:$GW4" \
	--mail-from carol@test --mail-rcpt dave@test -T "$T/mail.txt" \
	smtps://www.test:465
check "aiosmtpd stored it" sh -c "grep -rq 'hello over smtps' '$T/smtp'"

out=$(in_cli curl -sS --max-time 120 --cacert "$T/www.pem" \
	--resolve "www.test:995:$GW4" -u alice:secret pop3s://www.test:995/1)
echo "$out"
check "curl reads mail over pop3s://" sh -c \
	'echo "$1" | grep -q "message for alice via tlsgw"' - "$out"
check "both went through kernel sessions" [ "$(ctr sessions_opened)" -ge $((opened + 2)) ]
check "sessions ended" wait_no_sessions
tlsgwctl service list
finish
