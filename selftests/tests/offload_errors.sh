# SESSION_OFFLOAD refuses bad keys and bad sockets with clear errors and
# no state change; a good offload works once; the relay ends the session
# when both peers close. Cases in offload_errors.c.
#
# Namespaces (no links): the init netns (offload_errors and its loopback
# connections), and oe-other (a socket from another namespace).
. "$(dirname "$0")/../lib.sh"

load_tlsgw
ip netns add oe-other
ctr() { tlsgwctl -j info | python3 -c 'import json,sys; print(json.load(sys.stdin)["counters"].get(sys.argv[1], 0))' "$1"; }
opened=$(ctr sessions_opened)
closed=$(($(ctr closed_done) + $(ctr closed_reset)))
failed=$(ctr offload_failed)
limited=$(ctr limit_rejected)
check "every case behaves as documented" "$(dirname "$0")/../offload_errors" oe-other
ip netns del oe-other

# The program exited: its peers closed, so the relay must end the session.
i=0
while [ "$(ctr sessions_active)" -ne 0 ] && [ $i -lt 100 ]; do
	sleep 0.2
	i=$((i + 1))
done
check "one session was opened" [ "$(ctr sessions_opened)" -eq $((opened + 1)) ]
check "it ended when both peers closed" [ "$(ctr sessions_active)" -eq 0 ]
# Its peers vanished with the program, in no set order: a FIN or a reset.
check "and was counted as closed" \
	[ $(($(ctr closed_done) + $(ctr closed_reset))) -eq $((closed + 1)) ]
check "refusals were counted" [ "$(ctr offload_failed)" -ge $((failed + 16)) ]
check "the limit refusal was counted" \
	[ "$(ctr limit_rejected)" -ge $((limited + 1)) ]
tlsgwctl -j info
check "module unloads" rmmod tlsgw
finish
