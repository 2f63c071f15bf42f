# The events multicast group needs CAP_NET_ADMIN in the user namespace
# that owns the network namespace, as every command does (issue 11, item
# 8: anyone in the namespace could read every event).
#
# Namespaces (no links): the init netns, and a new one made by
# unshare --user --net for the last subscriber.
. "$(dirname "$0")/../lib.sh"

load_tlsgw
command -v setpriv >/dev/null || skip "setpriv (util-linux) is not installed"

# A subscriber that joins waits for its event: timeout ends it (124).
out=$(run_status setpriv --reuid=nobody --regid=nogroup --clear-groups \
	--inh-caps=-all timeout 20 tlsgwctl monitor count 1)
echo "as nobody: $out"
check "nobody cannot subscribe (exit status 1, not a wait)" sh -c \
	'echo "$1" | grep -qx "status=1"' - "$out"
check "and is told it needs CAP_NET_ADMIN" sh -c \
	'echo "$1" | grep -q "cannot subscribe.*CAP_NET_ADMIN"' - "$out"

out=$(run_status unshare --user --map-root-user \
	timeout 20 tlsgwctl monitor count 1)
echo "userns root, init netns: $out"
check "user namespace root cannot subscribe in the init netns" sh -c \
	'echo "$1" | grep -qx "status=1"' - "$out"

out=$(run_status timeout 5 tlsgwctl monitor count 1)
check "root subscribes (and waits for an event)" sh -c \
	'echo "$1" | grep -qx "status=124"' - "$out"
out=$(run_status unshare --user --map-root-user --net \
	timeout 5 tlsgwctl monitor count 1)
check "user namespace root subscribes in its own netns" sh -c \
	'echo "$1" | grep -qx "status=124"' - "$out"
finish
