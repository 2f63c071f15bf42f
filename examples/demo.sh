#!/bin/sh
# The tlsgw demo, run inside the test guest by 'make demo'.
#
# tlsgw 0.1 has its control plane only: the module, its per-namespace
# netlink family and tlsgwctl. This demo loads the module and drives it;
# TLS termination, SOCKS5 and STARTTLS policing join the demo as they land.
set -e
say() { printf '\n$ %s\n' "$*"; "$@"; }

say modprobe tlsgw
say lsmod
say tlsgwctl info
say tlsgwctl -j info
say ip netns add demo
say ip netns exec demo tlsgwctl info
say tlsgwctl -p info reset-counters
say tlsgwctl info
say ip netns del demo
say rmmod tlsgw
echo
echo "demo: done"
