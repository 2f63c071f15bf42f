# Configuration needs CAP_NET_ADMIN in the user namespace that owns the
# network namespace: others get EPERM and a clear message.
#
# Namespaces (no links): the init netns, and a new one made by
# unshare --user --net for the last tlsgwctl.
. "$(dirname "$0")/../lib.sh"

load_tlsgw
command -v setpriv >/dev/null || skip "setpriv (util-linux) is not installed"

out=$(run_status setpriv --reuid=nobody --regid=nogroup --clear-groups \
	--inh-caps=-all tlsgwctl info)
echo "as nobody: $out"
check "nobody is refused with exit status 1" sh -c 'echo "$1" | grep -qx "status=1"' - "$out"
check "with a permission message naming CAP_NET_ADMIN" sh -c \
	'echo "$1" | grep -q "permission denied.*CAP_NET_ADMIN"' - "$out"

out=$(run_status setpriv --reuid=nobody --regid=nogroup --clear-groups \
	--inh-caps=-all tlsgwctl -j info)
check "JSON mode is refused the same way" sh -c 'echo "$1" | grep -qx "status=1"' - "$out"

# Root of a new user namespace, but the network namespace is still the
# initial one, owned by the initial user namespace: refused.
out=$(run_status unshare --user --map-root-user tlsgwctl info)
echo "userns root, init netns: $out"
check "user namespace root is refused in the init netns" sh -c \
	'echo "$1" | grep -qx "status=1" && echo "$1" | grep -q "permission denied"' - "$out"

# Root of a user namespace that owns its own network namespace: allowed.
out=$(run_status unshare --user --map-root-user --net tlsgwctl -j info)
echo "userns root, own netns: $out"
check "user namespace root may configure its own netns" sh -c \
	'echo "$1" | grep -qx "status=0"' - "$out"
check "and sees that namespace's fresh counters" sh -c \
	'echo "$1" | grep -q "\"requests\":1[,}]"' - "$out"
finish
