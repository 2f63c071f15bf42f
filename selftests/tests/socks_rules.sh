# SOCKS5 rules: a new service denies everything; ordered allow/deny rules
# on client prefix, destination prefix, port range, command and user; the
# first match decides; denials answer 0x02, are counted per service, per
# rule and per user, and are sent as events.
#
# Topology: lib_tls.sh's (tls_setup), used as lib_socks.sh says.
#   tg-cli 192.0.2.2: curl and socks_client.py raw, to GW4:1080 (r),
#                     :1081 (u, userpass), :1082 (o, open)
#     | veth
#   gateway 192.0.2.1: SOCKS5 services r, u, o (tlsgw.ko; no tlsgwd),
#                      tlsgwctl -j monitor
#     | veth
#   tg-srv 198.51.100.2, 2001:db8:2::2: nginx :8080
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib_tls.sh"
. "$(dirname "$0")/../lib_socks.sh"
SELFTESTS=$(cd "$(dirname "$0")/.." && pwd)

tls_setup
make_file f 4
P="socks5://$GW4:1080"
get() {	# URL: fetch through the proxy
	socks_curl "$P" "$1" -o /dev/null 2>/dev/null
}
rep() {	# HEX-REQUEST: the reply code the proxy gives it
	socks_raw_wait 3 "$GW4" 1080 050100 "$1" | cut -c5-8
}
REQ4=05010001c63364021f90			# 198.51.100.2:8080
REQ6=0501000420010db8000200000000000000000002 # [2001:db8:2::2]:8080
REQ6="${REQ6}1f90"

check "socks add (no rules, not open)" tlsgwctl socks add r listen "$GW4:1080"
tlsgwctl -j monitor events count 1 >"$T/events" 2>&1 &
mon=$!
pids="$pids $mon"
sleep 1
check "a new service denies everything" fails get "http://$SRV4:8080/f"
check "the denial answers 0x02" [ "$(rep $REQ4)" = 0502 ]
i=0
while kill -0 $mon 2>/dev/null && [ $i -lt 50 ]; do sleep 0.2; i=$((i + 1)); done
check "monitor saw a socks denied event" grep -q socks-denied "$T/events"
check "the event names the service and command" \
	grep -q '"service":"r".*"command":"connect"' "$T/events"
check "denied counted twice" [ "$(socks_ctr r denied)" -eq 2 ]

check "rule: allow connect to 198.51.100.2/32 ports 8000-8999" \
	tlsgwctl socks rule add r allow to 198.51.100.2 port 8000-8999 cmd connect
check "allowed destination works" get "http://$SRV4:8080/f"
check "a port outside the range is denied" [ "$(rep 05010001c63364022382)" = 0502 ]
check "the IPv6 destination is denied" [ "$(rep $REQ6)" = 0502 ]
check "BIND is denied (command not allowed)" \
	[ "$(rep 05020001c63364020000)" = 0502 ]

check "rule: deny from 192.0.2.2 inserted at index 0" \
	tlsgwctl socks rule add r deny index 0 from 192.0.2.0/24
check "the first matching rule (deny) decides" fails get "http://$SRV4:8080/f"
hits=$(tlsgwctl -j socks show r | python3 -c '
import json, sys
print(" ".join(str(r["hits"]) for r in json.load(sys.stdin)["rules"]))')
check "per-rule hits ($hits)" [ "$hits" = "1 1" ]
check "rule del 0" tlsgwctl socks rule del r 0
check "allowed again" get "http://$SRV4:8080/f"
check "rule del past the end fails" fails tlsgwctl socks rule del r 5
check "rule with an empty port range is refused" \
	fails tlsgwctl socks rule add r allow port 90-80
check "rule add IPv6 destination prefix" \
	tlsgwctl socks rule add r allow to 2001:db8:2::/64
check "the IPv6 destination now works" \
	get "http://[$SRV6]:8080/f"

# Per-user rules.
check "socks add u (userpass)" \
	tlsgwctl socks add u listen "$GW4:1081" auth userpass
echo pa | tlsgwctl socks user add u alice
echo pb | tlsgwctl socks user add u bob
check "rule: allow user alice" tlsgwctl socks rule add u allow user alice
check "alice may connect" \
	socks_curl "socks5://alice:pa@$GW4:1081" "http://$SRV4:8080/f" -o /dev/null
check "bob is denied" \
	fails socks_curl "socks5://bob:pb@$GW4:1081" "http://$SRV4:8080/f" -o /dev/null
denied=$(tlsgwctl -j socks show u | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(" ".join("%s=%d" % (u["name"], u["counters"]["denied"]) for u in d["users"]))')
check "denials per user ($denied)" [ "$denied" = "alice=0 bob=1" ]

# The open flag: allowed unless a rule denies.
check "socks add o (open)" tlsgwctl socks add o listen "$GW4:1082" open
check "rule: deny to port 8080" tlsgwctl socks rule add o deny port 8080
check "open service: a deny rule still denies" \
	fails socks_curl "socks5://$GW4:1082" "http://$SRV4:8080/f" -o /dev/null
check "rule del" tlsgwctl socks rule del o 0
check "open service: no rule, allowed" \
	socks_curl "socks5://$GW4:1082" "http://$SRV4:8080/f" -o /dev/null
finish
