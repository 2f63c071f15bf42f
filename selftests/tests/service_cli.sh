# tlsgwctl service add/set/show/list/del against the module: the flags
# that stand in for NLM_F_CREATE/REPLACE, limits, and clear errors.
. "$(dirname "$0")/../lib.sh"

unload_tlsgw
load_tlsgw
status() { "$@" >/dev/null 2>&1; echo $?; }

check "service add web" tlsgwctl service add web max-sessions 5 idle-timeout 60
out=$(tlsgwctl service add web 2>&1)
echo "$out"
check "adding it again fails (exit 1)" [ "$(status tlsgwctl service add web)" -eq 1 ]
check "and says it exists" sh -c 'echo "$1" | grep -q "service exists"' - "$out"
check "service set changes the limits" tlsgwctl service set web max-sessions 7
check "service show reports them" python3 -c '
import json, subprocess
s = json.loads(subprocess.check_output(["tlsgwctl", "-j", "service", "show", "web"]))
assert s["max_sessions"] == 7 and s["idle_timeout"] == 60, s
assert s["counters"]["sessions_active"] == 0, s
'
out=$(tlsgwctl service set nosuch max-sessions 1 2>&1)
echo "$out"
check "setting a missing service fails" sh -c 'echo "$1" | grep -q "no such service"' - "$out"
check "and does not create it" sh -c '! tlsgwctl service list | grep -q nosuch'
out=$(tlsgwctl service add big idle-timeout 999999 2>&1)
echo "$out"
check "an idle timeout past 7 days is refused" [ "$(status tlsgwctl service add big idle-timeout 999999)" -eq 1 ]
check "a bad name is a usage error" [ "$(status tlsgwctl service add 'bad/name')" -eq 2 ]
check "service list shows web" sh -c 'tlsgwctl service list | grep -q "^web "'
check "service del web" tlsgwctl service del web
check "deleting it again fails" [ "$(status tlsgwctl service del web)" -eq 1 ]
check "module unloads" rmmod tlsgw
finish
