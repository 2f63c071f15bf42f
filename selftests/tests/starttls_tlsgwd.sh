# STARTTLS policies from tlsgwd's configuration ([starttls NAME] sections):
# applied at start (tlsgwctl -j starttls policy show), a policy re-created
# after its mode and ports change and SIGHUP while an unchanged one stays
# in place, a section removed and its policy deleted, a policy made by
# hand left alone, a reload with errors keeping the old state, and
# tlsgwd -t naming FILE:LINE of bad [starttls] sections. No traffic (the
# kernel's side is tested by the other starttls_* tests), and few
# processes: each costs much under TCG.
. "$(dirname "$0")/../lib.sh"

T=$(mktemp -d /tmp/tlsgw-test.XXXXXX)
tlsgwd_pid=
cleanup() {	# tlsgwd ends at once on SIGTERM
	[ -z "$tlsgwd_pid" ] || { kill "$tlsgwd_pid"; wait "$tlsgwd_pid"; }
	rm -rf "$T"
}
trap cleanup EXIT
unload_tlsgw
load_tlsgw

write_conf() {	# LINES... after [global]
	printf '%s\n' "[global]" "log = stderr" "$@" >"$T/tlsgwd.conf"
}
MAIL="[starttls mail]"
POP="[starttls pop]"
write_conf "$MAIL" "proto = smtp" "ports = 25,587" "dst = 198.51.100.0/24" \
	"mode = monitor" \
	"$POP" "proto = pop3" "ports = 110" "mode = require-tls" "fail = closed"
out=$(tlsgwd -t -c "$T/tlsgwd.conf" 2>&1)
check "tlsgwd -t accepts a file of two [starttls] sections ($out)" \
	[ "$out" = "$T/tlsgwd.conf: ok, 0 service(s), 0 socks, 2 starttls" ]
check "a policy made by hand" \
	tlsgwctl starttls policy add hand proto imap ports 143 mode monitor

tlsgwd -f -c "$T/tlsgwd.conf" >"$T/tlsgwd.log" 2>&1 &
tlsgwd_pid=$!

# The kernel's policies in the order it tries them, without counters, in
# $list: "NAME proto P ports L [dst D] mode M;" each.
policies() {
	list=
	while read -r line; do
		[ -n "$line" ] || continue
		rest=${line#* mode }
		list="$list${line%% mode *} mode ${rest%% *};"
	done <<EOF
$(tlsgwctl starttls policy list 2>&1)
EOF
}
# Waits (20 s at most) until the list is WANT.
wait_policies() {	# WANT
	i=0
	policies
	until [ "$list" = "$1" ]; do
		i=$((i + 1))
		[ $i -lt 200 ] || { echo "    policies: $list"; return 1; }
		sleep 0.1
		policies
	done
}
# The JSON of 'starttls policy show NAME' up to its counters, in $got.
show() {	# NAME
	got=$(tlsgwctl -j starttls policy show "$1" 2>&1)
	got=${got%%,\"counters\":*}
}

HAND="hand proto imap ports 143 mode monitor;"
MAIL1="mail proto smtp ports 25,587 dst 198.51.100.0/24 mode monitor;"
POP1="pop proto pop3 ports 110 mode require-tls;"
check "tlsgwd added mail and pop, after the hand-made policy" \
	wait_policies "$HAND$MAIL1$POP1"
show mail
check "show -j mail: smtp, 25 and 587, 198.51.100.0/24, monitor ($got)" \
	[ "$got" = '{"name":"mail","proto":"smtp","ports":[[25,25],[587,587]],"dst":"198.51.100.0/24","mode":"monitor","fail":"open"' ]
show pop
check "show -j pop: pop3, 110, no dst, require-tls, fail closed ($got)" \
	[ "$got" = '{"name":"pop","proto":"pop3","ports":[[110,110]],"dst":null,"mode":"require-tls","fail":"closed"' ]

# mail's mode and ports change: deleted and added again, so it goes last;
# pop is unchanged and stays before it.
write_conf "$MAIL" "proto = smtp" "ports = 25,2525-2526" \
	"dst = 198.51.100.0/24" "mode = block-cleartext-auth" \
	"$POP" "proto = pop3" "ports = 110" "mode = require-tls" "fail = closed"
kill -HUP "$tlsgwd_pid"
MAIL2="mail proto smtp ports 25,2525-2526 dst 198.51.100.0/24 mode block-cleartext-auth;"
check "after SIGHUP: mail re-created last, pop and hand left in place" \
	wait_policies "$HAND$POP1$MAIL2"
show mail
check "show -j mail: the new ports and mode ($got)" \
	[ "$got" = '{"name":"mail","proto":"smtp","ports":[[25,25],[2525,2526]],"dst":"198.51.100.0/24","mode":"block-cleartext-auth","fail":"open"' ]

# pop's section goes: its policy goes; hand stays.
write_conf "$MAIL" "proto = smtp" "ports = 25,2525-2526" \
	"dst = 198.51.100.0/24" "mode = block-cleartext-auth"
kill -HUP "$tlsgwd_pid"
check "after SIGHUP without [starttls pop]: pop is deleted" \
	wait_policies "$HAND$MAIL2"
show hand
check "show -j hand: the hand-made policy is untouched ($got)" \
	[ "$got" = '{"name":"hand","proto":"imap","ports":[[143,143]],"dst":null,"mode":"monitor","fail":"open"' ]

# A reload with an error changes nothing.
write_conf "$MAIL" "proto = smtp" "ports = 25" "mode = monitor" \
	"$POP" "proto = pop3" "ports = 110" "mode = require-tls" \
	"[starttls imap]" "proto = imap" "ports = 143-142" "mode = monitor"
kill -HUP "$tlsgwd_pid"
i=0
until grep -q "reload failed" "$T/tlsgwd.log" || [ $i -ge 200 ]; do
	i=$((i + 1))
	sleep 0.1
done
log=$(cat "$T/tlsgwd.log")
case $log in
*"tlsgwd.conf:13: invalid port range '143-142'"*"reload failed"*) bad_reload=1 ;;
*) bad_reload=0 ;;
esac
check "a bad reload is logged as failed, with FILE:13" [ $bad_reload = 1 ]
case $log in
*"starttls mail: settings changed: re-creating it"*) recreated=1 ;;
*) recreated=0 ;;
esac
check "the first reload logged that mail was re-created" [ $recreated = 1 ]
policies
check "and the kernel keeps the old policies ($list)" [ "$list" = "$HAND$MAIL2" ]
check "tlsgwd still runs" kill -0 "$tlsgwd_pid"

# tlsgwd -t: FILE:LINE of each error in [starttls] sections, all in one
# file (one run of tlsgwd -t, which goes on after an error).
printf '%s\n' "[global]" \
	"[starttls a]" "proto = smtp" "ports = 30-20" "mode = monitor" \
	"[starttls b]" "proto = smtp" "mode = monitor" \
	"ports = 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17" \
	"[starttls c]" "proto = smtp" "ports = 25" "mode = monitor" \
	"colour = blue" \
	"[starttls d]" "proto = smtp" "ports = 25" \
	"[starttls e]" "proto = smtp" "ports = 25" "dst = 198.51.100.0/33" \
	"mode = monitor" \
	"[starttls f]" "proto = smtp" "ports = 25" "mode = strict" \
	"[starttls a]" \
	"[starttls no/pe]" \
	"[starttls g]" "proto = smtps" "ports = 25" "mode = monitor" \
	>"$T/bad.conf"
out=$(tlsgwd -t -c "$T/bad.conf" 2>&1)
check "tlsgwd -t rejects the file (status 1)" [ $? -eq 1 ]
n=0
while read -r line; do
	n=$((n + 1))
done <<EOF
$out
EOF
check "tlsgwd -t printed 9 errors ($n lines)" [ $n -eq 9 ]
bad() {	# DESC LINE TEXT: "FILE:LINE: TEXT" is a line of $out
	case "
$out
" in
	*"
$T/bad.conf:$2: $3
"*)
		check "tlsgwd -t: $1" true ;;
	*)
		check "tlsgwd -t: $1: no '$T/bad.conf:$2: $3' in: $out" false ;;
	esac
}
bad "a backward port range" 4 \
	"invalid port range '30-20': the first port is above the last"
bad "17 port ranges" 9 "too many port ranges in \
'1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17' (at most 16)"
bad "an unknown key" 14 "unknown key 'colour' in [starttls c]"
bad "no mode" 15 "starttls 'd' has no 'mode'"
bad "a bad prefix" 21 "invalid prefix length in '198.51.100.0/33': 0 to 32"
bad "a bad mode" 26 "unknown mode 'strict': monitor, \
block-cleartext-auth, require-tls or block-injection"
bad "a name given twice" 27 "starttls 'a' already defined at line 2"
bad "a bad name" 28 \
	"invalid STARTTLS policy name 'no/pe' (1 to 31 of A-Z a-z 0-9 _ . -)"
bad "a bad protocol" 30 \
	"unknown protocol 'smtps': smtp, pop3, imap or ftp"

[ $failures -eq 0 ] || echo "$log" | sed 's/^/tlsgwd.log: /'
finish
