# Malformed netlink requests each get an error (never an oops), and the
# module keeps answering afterwards. The cases are in nl_malformed.c.
#
# Namespaces (no links): the init netns, and nlm, where nl_malformed runs.
. "$(dirname "$0")/../lib.sh"

load_tlsgw
prog=$(dirname "$0")/../nl_malformed
[ -x "$prog" ] || { echo "FAIL: $prog is not built"; exit 1; }
ip netns add nlm
check "every malformed request is refused (in a fresh namespace)" ip netns exec nlm "$prog"
ip netns del nlm
check "the module still answers" tlsgwctl info
check "the module still unloads" rmmod tlsgw
finish
