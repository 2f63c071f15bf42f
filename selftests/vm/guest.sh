#!/bin/sh
# PID 1 of the test guest, started by initramfs-init on the overlay root.
# The kernel passes TGW_* from its command line as environment:
#   TGW_MODE   check (run selftests), shell (interactive) or run (TGW_CMD)
#   TGW_SRC    the source tree (shared read-only with the host)
#   TGW_OUT    the host-side run directory (modules index)
#   TGW_TESTS  tests to run in check mode, comma-separated; empty: all
#   TGW_CMD    command for run mode, relative to TGW_SRC
#   TGW_QUICK  set: tests use smaller sizes (see scale in selftests/lib.sh)
# Test output goes to the second serial port (TAP), the kernel console to
# the first.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root LANG=C.UTF-8 TERM=${TERM:-linux}

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
mount -t tmpfs tmpfs /run
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
hostname tlsgw-vm
ip link set lo up
stty -F /dev/ttyS1 raw -echo 2>/dev/null

# reboot(2) powers off synchronously. PID 1 must never exit (that panics
# the kernel), and once devices are going away no binary can be run from
# 9p: spin in the shell until the machine is off.
poweroff() {
	sync
	/bin/busybox poweroff -f
	while :; do :; done
}

# Make the freshly built module known to modprobe. The host ran depmod
# over a tree that links the stock modules and adds extra/tlsgw.ko.
# A kernel that is not the host's (the debug kernel) also gets the link to
# its module tree.
kver=$(uname -r)
mkdir -p "/lib/modules/$kver"
for f in "$TGW_OUT/modroot/lib/modules/$kver"/*; do
	[ -e "/lib/modules/$kver/${f##*/}" ] && [ "${f##*/}" = kernel ] && continue
	cp -a "$f" "/lib/modules/$kver/"
done

# A real gateway has udev load the CPU's crypto drivers at boot; this
# guest has no udev. Without them kTLS runs the generic AES-GCM.
modprobe -q aesni_intel 2>/dev/null
modprobe -q ghash_clmulni_intel 2>/dev/null

cd "$TGW_SRC" || poweroff
export PATH="$TGW_SRC/tools:$TGW_SRC/selftests:$PATH"

case "$TGW_MODE" in
check)
	selftests/run_tests.sh $(echo "$TGW_TESTS" | tr , ' ') >/dev/ttyS1 2>&1
	echo "# guest: done" >/dev/ttyS1
	;;
run)
	sh "$TGW_CMD" >/dev/ttyS1 2>&1
	echo "# guest: exit status $?" >/dev/ttyS1
	;;
shell)
	echo "export PATH=\"$PATH\"" >/etc/profile.d/tlsgw.sh
	modprobe tlsgw
	echo "tlsgw test guest: tlsgw is loaded, tools are on PATH; 'exit' powers off."
	setsid -c /bin/bash -l </dev/ttyS0 >/dev/ttyS0 2>&1
	;;
esac
poweroff
