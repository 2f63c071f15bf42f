# tlsgwctl -j info is one JSON object with the documented keys; -p is
# pretty JSON; reset-counters reports and then zeroes the counters.
. "$(dirname "$0")/../lib.sh"

load_tlsgw
json=$(tlsgwctl -j info)
echo "$json"
check "one line of JSON" [ "$(echo "$json" | wc -l)" -eq 1 ]
check "parses with the documented keys and types" python3 -c '
import json, sys
d = json.loads(sys.argv[1])
assert isinstance(d["version"], str) and d["version"], d
assert isinstance(d["features"], list) and "info" in d["features"], d
c = d["counters"]
assert isinstance(c["requests"], int) and c["requests"] >= 1, d
assert isinstance(c["namespaces"], int) and c["namespaces"] >= 1, d
' "$json"
check "version agrees with modinfo" python3 -c '
import json, sys
assert json.loads(sys.argv[1])["version"] == sys.argv[2]
' "$json" "$(modinfo -F version tlsgw)"
check "pretty JSON parses" sh -c 'tlsgwctl -p info | python3 -m json.tool >/dev/null'
check "pretty JSON spans lines" [ "$(tlsgwctl -p info | wc -l)" -gt 1 ]

tlsgwctl info >/dev/null
tlsgwctl info >/dev/null
before=$(tlsgwctl -j info reset-counters)
after=$(tlsgwctl -j info)
echo "reset reported: $before"
echo "next: $after"
check "reset reports the counters before zeroing" python3 -c '
import json, sys
assert json.loads(sys.argv[1])["counters"]["requests"] >= 3
' "$before"
check "after reset the count starts again" python3 -c '
import json, sys
assert json.loads(sys.argv[1])["counters"]["requests"] == 1
' "$after"
finish
