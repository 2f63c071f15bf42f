# SOCKS5 services from tlsgwd's configuration ([socks NAME] sections):
# the kernel state after start (listen, auth, users, rules), a user's
# login, a denial (reply 0x02, counter, "socks denied" event in tlsgwctl
# monitor), a SIGHUP after an edit (a rule added, a user replaced; a
# service made by hand left alone), a reload with errors keeping the old
# state, and tlsgwd -t naming FILE:LINE of a bad [socks] section.
#
# Topology: lib_tls.sh's (tls_setup), used as lib_socks.sh says.
#   tg-cli 192.0.2.2: curl and socks_client.py raw, to GW4:1080 (px)
#     | veth
#   gateway 192.0.2.1: tlsgwd: SOCKS5 service px :1080 ([socks px]);
#                      hand :1081 (tlsgwctl, no traffic); tlsgwctl
#                      -j monitor
#     | veth
#   tg-srv 198.51.100.2, 2001:db8:2::2: nginx :8080
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib_tls.sh"
. "$(dirname "$0")/../lib_socks.sh"
SELFTESTS=$(cd "$(dirname "$0")/.." && pwd)

tls_setup
make_file small 16
want=$(sha256sum <"$T/www/small")
echo alicepw >"$T/alice.pw"
echo bobpw >"$T/bob.pw"

write_conf() {	# extra lines for [socks px]
	{
		echo "[global]"
		echo "log = stderr"
		echo "[socks px]"
		echo "listen = $GW4:1080"
		echo "auth = userpass"
		echo "neg-timeout = 5"
		for line; do
			echo "$line"
		done
	} >"$T/tlsgwd.conf"
}
write_conf "user = alice $T/alice.pw" \
	"rule = allow to 198.51.100.0/24 port 8080 cmd connect"
check "tlsgwd -t accepts the [socks px] file" tlsgwd -t -c "$T/tlsgwd.conf"

tlsgwd -f -c "$T/tlsgwd.conf" >"$T/tlsgwd.log" 2>&1 &
tlsgwd_pid=$!
pids="$pids $tlsgwd_pid"

# py EXPR: EXPR over the JSON of 'socks show px' (as s).
show() {
	tlsgwctl -j socks show px | python3 -c '
import json, sys
s = json.load(sys.stdin)
print(eval(sys.argv[1]))' "$1"
}
# Waits (30 s at most) until show EXPR prints WANT.
wait_show() {	# EXPR WANT
	end=$(($(date +%s) + 30))
	until [ "$(show "$1" 2>/dev/null)" = "$2" ]; do
		[ "$(date +%s)" -lt "$end" ] || return 1
		sleep 0.3
	done
}
check "tlsgwd created px" wait_show 's["name"]' px
check "listen 192.0.2.1:1080 ($(show 's["listen"]'))" \
	[ "$(show 's["listen"]')" = "$GW4:1080" ]
check "auth userpass, not open" \
	[ "$(show 's["auth"], s["open"], s["neg_timeout"]')" = "('userpass', False, 5)" ]
check "users: alice ($(show '[u["name"] for u in s["users"]]'))" \
	[ "$(show '[u["name"] for u in s["users"]]')" = "['alice']" ]
rule=$(show '[(r["action"], r.get("to"), r.get("port_min"), r.get("port_max"), r.get("commands")) for r in s["rules"]]')
check "rules: allow to 198.51.100.0/24 port 8080 cmd connect ($rule)" \
	[ "$rule" = "[('allow', '198.51.100.0/24', 8080, 8080, ['connect'])]" ]
check "the text form of show lists the rule" \
	sh -c 'tlsgwctl socks show px | grep -q "198.51.100.0/24"'

got=$(socks_curl "socks5://alice:alicepw@$GW4:1080" "http://$SRV4:8080/small" | sha256sum)
check "alice fetches the file" [ "$got" = "$want" ]
check "a wrong password is refused" \
	fails socks_curl "socks5://alice:nope@$GW4:1080" "http://$SRV4:8080/small" -o /dev/null
check "no password is refused" \
	fails socks_curl "socks5://$GW4:1080" "http://$SRV4:8080/small" -o /dev/null

# A denial: reply 02, counted, one event.
den0=$(show 's["counters"]["denied"]')
tlsgwctl -j monitor count 1 >"$T/monitor.out" 2>&1 &
mon=$!
pids="$pids $mon"
sleep 2		# subscribed
login=0105616c69636507616c6963657077	# alice / alicepw
got=$(socks_raw_wait 5 "$GW4" 1080 050102 "$login" 05010001c63364021f91)
check "port 8081 (no rule allows it): reply 02 ($got)" \
	[ "$(echo "$got" | cut -c1-12)" = 050201000502 ]
i=0
while kill -0 "$mon" 2>/dev/null && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
check "monitor exited after its one event" sh -c '! kill -0 "$1" 2>/dev/null' - "$mon"
check "monitor printed the denial ($(cat "$T/monitor.out"))" \
	[ "$(cat "$T/monitor.out")" = '{"event":"socks-denied","service":"px","command":"connect"}' ]
check "curl to the IPv6 server is denied" \
	fails socks_curl "socks5://alice:alicepw@$GW4:1080" "http://[$SRV6]:8080/small" -o /dev/null
check "denied counted both ($(show 's["counters"]["denied"]'))" \
	[ "$(show 's["counters"]["denied"]')" -eq $((den0 + 2)) ]

# Edit: bob replaces alice, IPv6 allowed; SIGHUP.
tlsgwctl socks add hand listen "$GW4:1081" open || exit 1
write_conf "user = bob $T/bob.pw" \
	"rule = allow to 198.51.100.0/24 port 8080 cmd connect" \
	"rule = allow to 2001:db8:2::/64 port 8080"
kill -HUP "$tlsgwd_pid"
check "after SIGHUP: users are bob only" \
	wait_show '[u["name"] for u in s["users"]]' "['bob']"
check "after SIGHUP: two rules, the new one second" \
	wait_show '[r.get("to") for r in s["rules"]]' "['198.51.100.0/24', '2001:db8:2::/64']"
got=$(socks_curl "socks5://bob:bobpw@$GW4:1080" "http://[$SRV6]:8080/small" | sha256sum)
check "bob fetches from the IPv6 server now allowed" [ "$got" = "$want" ]
check "alice is refused now" \
	fails socks_curl "socks5://alice:alicepw@$GW4:1080" "http://$SRV4:8080/small" -o /dev/null
check "the service made by hand is left alone" \
	sh -c 'tlsgwctl socks show hand >/dev/null'
check "tlsgwd is still running" kill -0 "$tlsgwd_pid"

# A reload with an error keeps what runs.
write_conf "user = bob $T/bob.pw" "rule = allow to 300.0.0.0/8"
kill -HUP "$tlsgwd_pid"
end=$(($(date +%s) + 30))
until grep -q "reload failed" "$T/tlsgwd.log" || [ "$(date +%s)" -ge $end ]; do
	sleep 0.3
done
check "a bad reload is logged as failed" grep -q "reload failed" "$T/tlsgwd.log"
check "and the kernel keeps the two rules" \
	[ "$(show 'len(s["rules"])')" = 2 ]
check "tlsgwd still runs after the bad reload" kill -0 "$tlsgwd_pid"

# tlsgwd -t: FILE:LINE of each error in a [socks] section.
bad() {	# DESC WANT-LINE WANT-TEXT LINES...
	desc=$1 line=$2 text=$3
	shift 3
	printf '%s\n' "[global]" "[socks bad]" "listen = $GW4:1085" "$@" >"$T/bad.conf"
	out=$(tlsgwd -t -c "$T/bad.conf" 2>&1)
	rc=$?
	if [ $rc -eq 1 ] && echo "$out" | grep -q "^$T/bad.conf:$line: .*$text"; then
		echo "ok: tlsgwd -t: $desc"
	else
		echo "FAIL: tlsgwd -t: $desc: status $rc, output: $out"
		failures=$((failures + 1))
	fi
	checks=$((checks + 1))
}
bad "a bad rule prefix" 5 "" "auth = none" "rule = allow to 300.0.0.0/8"
bad "an unknown rule word" 4 "" "rule = allow from 192.0.2.0/24 sideways"
bad "an unknown key" 5 "unknown key" "open = yes" "colour = blue"
bad "a user without auth = userpass" 4 "userpass" "user = carol $T/bob.pw"
bad "auth = userpass without users" 2 "" "auth = userpass"
bad "a bad auth" 4 "" "auth = kerberos"
bad "neg-timeout out of range" 4 "" "neg-timeout = 0"
bad "a missing password file" 5 "" "auth = userpass" "user = carol $T/nope.pw"
printf '%s\n' "[global]" "[socks nolisten]" "open = yes" >"$T/bad.conf"
check "no listen: FILE:2 named" \
	sh -c 'tlsgwd -t -c "$1" 2>&1 | grep -q "^$1:2: "' - "$T/bad.conf"

[ $failures -eq 0 ] || sed 's/^/tlsgwd.log: /' "$T/tlsgwd.log"
finish
