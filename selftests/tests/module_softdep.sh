# tlsgw declares tls as a soft dependency: modprobe loads tls first on a
# kernel that has not loaded it, and the module loads and unloads.
. "$(dirname "$0")/../lib.sh"

unload_tlsgw
rmmod tls 2>/dev/null
check "tls is not loaded before the test" sh -c '! grep -q "^tls " /proc/modules'
check "modinfo declares softdep pre: tls" sh -c 'modinfo -F softdep tlsgw | grep -qx "pre: tls"'
check "modinfo has a version" sh -c 'modinfo -F version tlsgw | grep -Eq "^[0-9]+\.[0-9]+\.[0-9]+$"'
check "modprobe tlsgw succeeds" modprobe tlsgw
check "tls was loaded with it" module_loaded tls
check "genl family tlsgw is registered" sh -c 'grep -q . /proc/net/netlink && tlsgwctl info >/dev/null'
check "rmmod tlsgw succeeds" rmmod tlsgw
check "tlsgw is gone from /proc/modules" sh -c '! grep -q "^tlsgw " /proc/modules'
finish
