# Malformed netlink requests each get an error (never an oops), and the
# module keeps answering afterwards. The cases are in nl_malformed.c.
. "$(dirname "$0")/../lib.sh"

load_tlsgw
prog=$(dirname "$0")/../nl_malformed
[ -x "$prog" ] || { echo "FAIL: $prog is not built"; exit 1; }
check "every malformed request is refused" "$prog"
check "the module still answers" tlsgwctl info
check "the module still unloads" rmmod tlsgw
finish
