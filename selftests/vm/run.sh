#!/bin/bash
# Boot the stock Debian kernel in QEMU with the host's root shared
# read-only (tmpfs overlay on top) and run tlsgw's selftests, a command or
# a shell in it.
#
# usage: run.sh check [TEST...]   run the selftests (all, or those named)
#        run.sh run COMMAND        run COMMAND (relative to the tree)
#        run.sh shell              interactive shell on the console
#
# environment:
#   KVER              kernel version to boot (default: see the Makefile)
#   TLSGW_ACCEL       auto (default), kvm or tcg
#   TLSGW_VM_TIMEOUT  seconds before a hung guest is killed (default 1500)
#   TLSGW_VM_MEM      guest memory (default 2G)
#   TLSGW_VM_CPUS     guest CPUs (default 2)
#   TLSGW_VM_KERNEL   kernel image (default /boot/vmlinuz-$KVER)
#   TLSGW_VM_MODDIR   module tree for that kernel (default /lib/modules/$KVER)
#   TLSGW_UNIT_TAP    TAP files of the host-side unit tests, counted in the total
#   TLSGW_VM_KEEP     keep the run directory (console log) when set
#   TLSGW_QUICK       smaller transfers and fewer clients (make check-debug)
set -u

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
mode=${1:-check}
shift || true

kver=${KVER:?KVER is not set}
kernel=${TLSGW_VM_KERNEL:-/boot/vmlinuz-$kver}
moddir=${TLSGW_VM_MODDIR:-/lib/modules/$kver}
timeout=${TLSGW_VM_TIMEOUT:-1500}

die() { echo "vm: $*" >&2; exit 1; }

[ -r "$kernel" ] || die "no kernel image $kernel (make deps installs linux-image-amd64)"
[ -f "$src/kmod/tlsgw.ko" ] || die "kmod/tlsgw.ko is not built (run make)"
command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 not found (make deps)"

# KVM only where it can boot a stock kernel: not under PVM.
accel=${TLSGW_ACCEL:-auto}
if [ "$accel" = auto ]; then
	accel=tcg
	if [ -w /dev/kvm ] && [ ! -e /sys/module/kvm_pvm ]; then
		accel=kvm
	fi
fi
case "$accel" in
kvm) accel_opts=(-accel kvm -cpu host) ;;
tcg) accel_opts=(-accel tcg,thread=multi -cpu max) ;;
*) die "TLSGW_ACCEL must be auto, kvm or tcg" ;;
esac

out=$(mktemp -d /tmp/tlsgw-vm.XXXXXX)
chmod 755 "$out"
[ -n "${TLSGW_VM_KEEP:-}" ] || trap 'rm -rf "$out"' EXIT

"$here/mkinitramfs.sh" "$kver" "$out/initramfs.gz" || die "cannot build the initramfs"

# modprobe index for the stock modules plus ours; the guest copies it.
mr=$out/modroot/lib/modules/$kver
mkdir -p "$mr/extra"
ln -s "$moddir/kernel" "$mr/kernel"
cp "$moddir"/modules.order "$moddir"/modules.builtin* "$mr/"
cp "$src/kmod/tlsgw.ko" "$mr/extra/"
depmod -b "$out/modroot" "$kver" || die "depmod failed"

tests=$(echo "$*" | tr ' ' ,)
append="console=ttyS0 panic=-1 mitigations=off ignore_loglevel"
append+=" TGW_INIT=$here/guest.sh TGW_SRC=$src TGW_OUT=$out TGW_MODE=$mode"
[ -z "${TLSGW_QUICK:-}" ] || append+=" TGW_QUICK=1"
case "$mode" in
check) append+=" TGW_TESTS=$tests" ;;
run) [ $# -gt 0 ] || die "run needs a command"
	# The command line cannot carry spaces: pass the command by file.
	printf '%s\n' "$*" >"$out/cmd"
	append+=" TGW_CMD=$out/cmd" ;;
shell) ;;
*) die "unknown mode $mode" ;;
esac

qemu=(qemu-system-x86_64 "${accel_opts[@]}"
	-smp "${TLSGW_VM_CPUS:-2}" -m "${TLSGW_VM_MEM:-2G}"
	-kernel "$kernel" -initrd "$out/initramfs.gz" -append "$append"
	-virtfs "local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap"
	-device virtio-rng-pci -nic none -display none -no-reboot)

if [ "$mode" = shell ]; then
	exec "${qemu[@]}" -serial mon:stdio -serial null
fi

# Stream the guest's output as it comes; kill a hung guest.
touch "$out/tap.log"
tail -n +1 -f "$out/tap.log" </dev/null &
tpid=$!
timeout -k 10 "$timeout" "${qemu[@]}" -monitor none \
	-serial "file:$out/console.log" -serial "file:$out/tap.log" </dev/null
[ $? -eq 124 ] && touch "$out/timeout"
sleep 1
kill "$tpid" 2>/dev/null
wait 2>/dev/null

"$here/report.sh" "$mode" "$out" "$timeout"
