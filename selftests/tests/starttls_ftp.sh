# STARTTLS policing of FTP (explicit TLS, RFC 4217) on a forwarding
# gateway: vsftpd in tg-srv, curl --ssl-reqd and stls_client.py in
# tg-cli. curl asks "AUTH SSL" before "AUTH TLS"; both must be followed.
# Also: one byte per segment, a refused upgrade (a second vsftpd without
# TLS on port 2121), stripping (a middlebox on port 2100 masks "AUTH TLS"
# in FEAT) and require-tls.
#
# Topology: lib_tls.sh's, forwarding (stls_setup, lib_starttls.sh).
#   tg-cli 192.0.2.2: stls_client.py, curl --ssl-reqd, to SRV4:21,
#                     :2121, :2100
#     | veth
#   gateway: forwards; tlsgw.ko's hooks (policy ftp)
#     | veth
#   tg-srv 198.51.100.2: vsftpd :21 (TLS, passive data on SRV4),
#                        vsftpd :2121 (no TLS), stls_server.py relay
#                        :2100 -> SRV4:21 (masks AUTH TLS, AUTH SSL)
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib_tls.sh"
. "$(dirname "$0")/../lib_starttls.sh"

command -v vsftpd >/dev/null || skip "vsftpd is not installed"
getent passwd ftp >/dev/null || skip "no ftp user for vsftpd"
stls_setup
export EV_PROTO=ftp

mkdir -p "$T/ftp" "$T/empty"
echo "file for anonymous over ftps" >"$T/ftp/file.txt"
chmod 555 "$T/ftp" "$T/empty"
cat >"$T/vsftpd.conf" <<CONF
listen=YES
listen_address=$SRV4
background=NO
anonymous_enable=YES
no_anon_password=YES
anon_root=$T/ftp
local_enable=NO
write_enable=NO
ssl_enable=YES
allow_anon_ssl=YES
force_anon_logins_ssl=NO
force_anon_data_ssl=NO
require_ssl_reuse=NO
rsa_cert_file=$T/www.pem
rsa_private_key_file=$T/www.key
secure_chroot_dir=$T/empty
seccomp_sandbox=NO
pasv_enable=YES
pasv_address=$SRV4
xferlog_enable=YES
xferlog_std_format=NO
log_ftp_protocol=YES
vsftpd_log_file=$T/vsftpd.log
CONF
in_srv vsftpd "$T/vsftpd.conf" &
pids="$pids $!"
# The same without TLS on 2121: it answers AUTH TLS with 530.
sed -e 's/^ssl_enable=YES/ssl_enable=NO/' -e "s|^vsftpd_log_file=.*|vsftpd_log_file=$T/vsftpd-notls.log|" \
	"$T/vsftpd.conf" >"$T/vsftpd-notls.conf"
echo "listen_port=2121" >>"$T/vsftpd-notls.conf"
in_srv vsftpd "$T/vsftpd-notls.conf" &
pids="$pids $!"
stls_server relay 2100 "$SRV4" 21 "AUTH TLS" "XXXX XXX" "AUTH SSL" "XXXX XXX"
wait_port tg-srv "$SRV4" 21
wait_port tg-srv "$SRV4" 2121
wait_port tg-srv "$SRV4" 2100

check "policy add ftp (monitor)" tlsgwctl starttls policy add ftp proto ftp ports 21,2100,2121 mode monitor
mark tls-started
check "stls_client: AUTH TLS upgrades" client_result tls "$SRV4" 21 ftp starttls
check "AUTH TLS: TLS started is reported" wait_event tls-started
ev_snap
check "one byte per segment: AUTH TLS upgrades" client_result tls "$SRV4" 21 ftp starttls --split
check "one byte per segment: exactly one upgrade reported" ev_one_upgrade
mark tls-started
out=$(in_cli curl -sS --max-time 120 --ssl-reqd -k "ftp://$SRV4/file.txt" 2>&1)
echo "$out"
check "curl --ssl-reqd fetches a file over explicit FTPS" sh -c 'echo "$1" | grep -q "file for anonymous"' - "$out"
check "curl (AUTH SSL): TLS started is reported" wait_event tls-started
check "no cleartext credentials so far" [ "$(nevents cleartext-auth)" -eq 0 ]
mark cleartext-auth false
check "cleartext USER/PASS pass under monitor" client_result ok "$SRV4" 21 ftp auth
check "cleartext USER/PASS reported" wait_event cleartext-auth false
mark command-injection false
client "$SRV4" 21 ftp inject | sed 's/^/    /'
check "AUTH TLS + NOOP in one segment reported" wait_event command-injection false
mark refused
n=$(nevents not-offered)
check "vsftpd without TLS refuses AUTH TLS" client_result refused "$SRV4" 2121 ftp refused
check "the refusal is reported" wait_event refused
check "'not-offered' reported" [ "$(nevents not-offered)" -gt "$n" ]
mark stripped
n=$(nevents offered)
out=$(client "$SRV4" 2100 ftp plain)
echo "$out" | sed 's/^/    /'
check "through the middlebox, FEAT has 'XXXX XXX'" sh -c 'echo "$1" | grep -q "^S:  XXXX XXX"' - "$out"
check "stripping is reported" wait_event stripped
check "no offer reported for it" [ "$(nevents offered)" -eq "$n" ]
tlsgwctl starttls flows

check "policy del" tlsgwctl starttls policy del ftp
check "policy add (block-cleartext-auth)" tlsgwctl starttls policy add ftp proto ftp ports 21 mode block-cleartext-auth
users=$(grep -c 'USER alice' "$T/vsftpd.log")
mark cleartext-auth true
check "cleartext USER is reset" client_result reset "$SRV4" 21 ftp auth
check "reported as blocked" wait_event cleartext-auth true
check "vsftpd never saw that USER" [ "$(grep -c 'USER alice' "$T/vsftpd.log")" -eq "$users" ]
check "an upgrade is still allowed" client_result tls "$SRV4" 21 ftp starttls
check "policy add (block-injection) first" sh -c 'tlsgwctl starttls policy del ftp && tlsgwctl starttls policy add ftp proto ftp ports 21 mode block-injection'
mark command-injection true
check "injection is reset" client_result reset "$SRV4" 21 ftp inject
check "injection reported as blocked" wait_event command-injection true
check "policy add (require-tls)" sh -c 'tlsgwctl starttls policy del ftp && tlsgwctl starttls policy add ftp proto ftp ports 21 mode require-tls'
pwds=$(grep -c '"PWD"' "$T/vsftpd.log")
mark pre-tls-command true
check "require-tls: PWD before the upgrade is reset" client_result reset "$SRV4" 21 ftp pretls
check "require-tls: reported as blocked" wait_event pre-tls-command true
check "require-tls: vsftpd never saw that PWD" [ "$(grep -c '"PWD"' "$T/vsftpd.log")" -eq "$pwds" ]
check "require-tls: FEAT and an upgrade pass" client_result tls "$SRV4" 21 ftp starttls
finish
