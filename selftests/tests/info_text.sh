# tlsgwctl info in text form: version, features and counters, and the
# request counter really counts.
. "$(dirname "$0")/../lib.sh"

load_tlsgw
out=$(tlsgwctl info)
echo "$out"
version=$(modinfo -F version tlsgw)
check "version line matches modinfo" sh -c 'echo "$1" | grep -qx "module version $2"' - "$out" "$version"
check "features list info and counter-reset" sh -c \
	'echo "$1" | grep -Eq "^features:( [a-z0-9-]+)* info( |$)" && echo "$1" | grep -q "counter-reset"' - "$out"
check "counters section" sh -c 'echo "$1" | grep -qx "counters:"' - "$out"

req() { tlsgwctl info | awk '$1 == "requests" { print $2 }'; }
a=$(req)
b=$(req)
echo "requests: $a then $b"
check "requests counter is a number" sh -c 'echo "$1" | grep -Eq "^[0-9]+$"' - "$a"
check "requests counter goes up by one per request" [ "$b" = "$((a + 1))" ]
ns=$(tlsgwctl info | awk '$1 == "namespaces" { print $2 }')
check "namespaces gauge is at least 1" [ "${ns:-0}" -ge 1 ]
finish
