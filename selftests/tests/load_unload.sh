# Load and unload tlsgw 20 times, using the netlink family in between;
# after each unload the family is gone and tools say the module is missing.
#
# Namespaces (no links): the init netns, lu1 (tlsgwctl info) and lu2.
. "$(dirname "$0")/../lib.sh"

unload_tlsgw
version=$(modinfo -F version tlsgw)
i=0
while [ $i -lt 20 ]; do
	i=$((i + 1))
	modprobe tlsgw || { check "modprobe tlsgw, round $i" false; break; }
	tlsgwctl info >/tmp/info.out 2>&1 ||
		{ check "tlsgwctl info, round $i" false; cat /tmp/info.out; break; }
	grep -q "version $version" /tmp/info.out ||
		{ check "info reports version $version, round $i" false; break; }
	rmmod tlsgw || { check "rmmod tlsgw, round $i" false; break; }
	[ ! -e /sys/module/tlsgw ] || { check "module gone, round $i" false; break; }
done
check "20 load/info/unload rounds" [ $i -eq 20 ]

out=$(run_status tlsgwctl info)
echo "$out"
check "info fails once unloaded" sh -c 'echo "$1" | grep -qx "status=1"' - "$out"
check "and says the module is not loaded" sh -c \
	'echo "$1" | grep -q "tlsgw module not loaded: try .modprobe tlsgw."' - "$out"

# Unload while other namespaces hold per-namespace state.
ip netns add lu1
ip netns add lu2
modprobe tlsgw
check "info in another namespace" ip netns exec lu1 tlsgwctl info
check "rmmod with several namespaces" rmmod tlsgw
ip netns del lu1
ip netns del lu2
check "reload after namespaces are gone" modprobe tlsgw
check "info after reload" tlsgwctl info
check "final rmmod" rmmod tlsgw
finish
