# tlsgwctl's grammar and exit codes: 0 success, 1 failure, 2 usage error.
. "$(dirname "$0")/../lib.sh"

status() { "$@" >/dev/null 2>&1; echo $?; }

check "help exits 0" [ "$(status tlsgwctl help)" -eq 0 ]
check "help prints usage" sh -c 'tlsgwctl help | grep -qi "usage"'
check "-h exits 0" [ "$(status tlsgwctl -h)" -eq 0 ]
check "--version prints the version" sh -c \
	'tlsgwctl --version | grep -Eqx "tlsgwctl [0-9]+\.[0-9]+\.[0-9]+"'
check "unknown object is a usage error" [ "$(status tlsgwctl frobnicate)" -eq 2 ]
check "unknown option is a usage error" [ "$(status tlsgwctl --frobnicate info)" -eq 2 ]
check "extra argument is a usage error" [ "$(status tlsgwctl info bogus)" -eq 2 ]
check "no arguments is a usage error" [ "$(status tlsgwctl)" -eq 2 ]
check "usage errors explain on stderr" sh -c \
	'tlsgwctl frobnicate 2>&1 >/dev/null | grep -q frobnicate'

unload_tlsgw
out=$(tlsgwctl info 2>&1)
st=$?
echo "not loaded: $out (status $st)"
check "module not loaded is a failure" [ "$st" -eq 1 ]
check "and tells how to load it" sh -c \
	'echo "$1" | grep -qx "tlsgwctl: tlsgw module not loaded: try '"'"'modprobe tlsgw'"'"'"' - "$out"
finish
