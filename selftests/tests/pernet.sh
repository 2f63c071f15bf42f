# State is per network namespace: counters do not leak across namespaces,
# namespaces come and go with the module loaded, and the gauge follows.
#
# Namespaces (no links): the init netns, pn1, pn2, then churn0..churn29
# one at a time; tlsgwctl runs in each.
. "$(dirname "$0")/../lib.sh"

load_tlsgw
req() { "$@" tlsgwctl info | awk '$1 == "requests" { print $2 }'; }
nss() { tlsgwctl info | awk '$1 == "namespaces" { print $2 }'; }

n0=$(nss)
ip netns add pn1
ip netns add pn2
n1=$(nss)
echo "namespaces: $n0 before, $n1 after adding two"
check "namespaces gauge counts new namespaces" [ "$n1" -eq $((n0 + 2)) ]

init_before=$(req)
a1=$(req ip netns exec pn1)
a2=$(req ip netns exec pn1)
b1=$(req ip netns exec pn2)
init_after=$(req)
echo "init $init_before -> $init_after, pn1 $a1 -> $a2, pn2 $b1"
check "a new namespace starts counting at 1" [ "$a1" -eq 1 ]
check "requests in pn1 count in pn1" [ "$a2" -eq 2 ]
check "pn2 does not see pn1's requests" [ "$b1" -eq 1 ]
check "init_net does not see them either" [ "$init_after" -eq $((init_before + 1)) ]
check "reset in pn1 leaves init_net alone" sh -c \
	'ip netns exec pn1 tlsgwctl info reset-counters >/dev/null &&
	 [ "$(tlsgwctl info | awk "\$1 == \"requests\" { print \$2 }")" -eq '"$((init_after + 1))"' ]'

check "only init_net sees the host-wide namespaces gauge" sh -c \
	'! ip netns exec pn1 tlsgwctl info | grep -q namespaces'

ip netns del pn1
ip netns del pn2
# Namespaces are torn down asynchronously: wait for the gauge.
i=0
while [ "$(nss)" -ne "$n0" ] && [ $i -lt 50 ]; do
	sleep 0.2
	i=$((i + 1))
done
check "the gauge drops back after the namespaces are deleted" [ "$(nss)" -eq "$n0" ]

# Many namespaces created and destroyed while loaded.
i=0
while [ $i -lt 30 ]; do
	ip netns add churn$i && ip netns exec churn$i tlsgwctl info >/dev/null || break
	ip netns del churn$i
	i=$((i + 1))
done
check "30 namespaces created, used and deleted" [ $i -eq 30 ]
check "module unloads afterwards" rmmod tlsgw
finish
