# STARTTLS parsing follows TCP sequence order: commands sent one byte per
# segment, segments reordered and duplicated by netem on both sides,
# still give exactly one upgrade and no false injection; a credential
# split one byte per segment is still seen and blocked.
#
# Topology: lib_tls.sh's, forwarding (stls_setup, lib_starttls.sh).
#   tg-cli 192.0.2.2: stls_client.py, to SRV4:25; netem on its eth0
#     | veth
#   gateway: forwards; tlsgw.ko's hooks (policy mail :25)
#     | veth
#   tg-srv 198.51.100.2: aiosmtpd :25; netem on its eth0
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib_tls.sh"
. "$(dirname "$0")/../lib_starttls.sh"

/usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null || skip "aiosmtpd (python3-aiosmtpd) is not installed"
command -v tc >/dev/null || skip "tc (iproute2) is not installed"
stls_setup
in_srv /usr/bin/python3 -m aiosmtpd -n -d -d -l "$SRV4:25" --tlscert "$T/www.pem" \
	--tlskey "$T/www.key" --no-requiretls >"$T/smtp.log" 2>&1 &
pids="$pids $!"
wait_port tg-srv "$SRV4" 25
check "policy add (monitor)" tlsgwctl starttls policy add mail proto smtp ports 25 mode monitor

ev_snap
check "one byte per segment: the upgrade works" client_result tls "$SRV4" 25 smtp starttls --split
check "one byte per segment: exactly one upgrade reported" ev_one_upgrade

# Reordering and duplicates in both directions.
check "netem on the client side" in_cli tc qdisc add dev eth0 root netem \
	delay 40ms 30ms duplicate 30%
check "netem on the server side" in_srv tc qdisc add dev eth0 root netem \
	delay 40ms 30ms duplicate 30%
for i in 1 2 3; do
	ev_snap
	check "reordered, duplicated, one byte per segment ($i): upgrade works" \
		client_result tls "$SRV4" 25 smtp starttls --split
	check "reordered, duplicated ($i): exactly one upgrade reported" ev_one_upgrade
done
ev_snap
check "reordered, duplicated, whole commands: upgrade works" \
	client_result tls "$SRV4" 25 smtp starttls
check "reordered, duplicated, whole commands: one upgrade reported" ev_one_upgrade

check "policy del" tlsgwctl starttls policy del mail
check "policy add (block-cleartext-auth)" tlsgwctl starttls policy add mail proto smtp ports 25 mode block-cleartext-auth
mark cleartext-auth true
check "AUTH one byte per segment, reordered: the client is reset" \
	client_result reset "$SRV4" 25 smtp auth --split
check "AUTH one byte per segment: blocked and reported" wait_event cleartext-auth true
check "the server never saw a complete AUTH" sh -c "! grep -q 'AUTH PLAIN' '$T/smtp.log'"
finish
