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
#   TLSGW_VM_CPUS     CPUs of each guest (default 2, or 1 with several guests)
#   TLSGW_VM_JOBS     guests that share the tests of a check run (default:
#                     the host's CPUs, at most 4); each boots its own kernel
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

append="console=ttyS0 panic=-1 mitigations=off ignore_loglevel"
append+=" TGW_INIT=$here/guest.sh TGW_SRC=$src TGW_OUT=$out TGW_MODE=$mode"
[ -z "${TLSGW_QUICK:-}" ] || append+=" TGW_QUICK=1"
case "$mode" in
check) [ $# -gt 0 ] || set -- $(cd "$src/selftests/tests" && ls *.sh | sed 's/\.sh$//') ;;
run) [ $# -gt 0 ] || die "run needs a command"
	# The command line cannot carry spaces: pass the command by file.
	printf '%s\n' "$*" >"$out/cmd"
	append+=" TGW_CMD=$out/cmd" ;;
shell) ;;
*) die "unknown mode $mode" ;;
esac

# Under TCG a guest is mostly one busy host CPU: the tests of a check
# run are shared out among several guests, longest first (by the guest
# seconds in durations), each to the guest with the least work so far.
nguests=1
if [ "$mode" = check ]; then
	cpus=$(nproc)
	nguests=${TLSGW_VM_JOBS:-$((cpus < 4 ? cpus : 4))}
	[ "$nguests" -le $# ] || nguests=$#
	[ "$nguests" -ge 1 ] || nguests=1
fi
cpus_each=${TLSGW_VM_CPUS:-$((nguests > 1 ? 1 : 2))}
# A debug kernel has its own: it slows some tests far more than others.
# A test missing there counts three times its stock seconds.
durations=$here/durations
factor=1
case $kver in
*-debug) [ ! -f "$here/durations.debug" ] ||
	{ durations=$here/durations.debug; factor=3; } ;;
esac
shards=$mode
[ "$mode" != check ] || shards=$(for t; do
	s=$(awk -v t="$t" '$1 == t { print $2 }' "$durations")
	[ -n "$s" ] || s=$(awk -v t="$t" -v f="$factor" \
		'$1 == t { print $2 * f }' "$here/durations")
	echo "$t $s"
done | awk '{ if ($2 == "") $2 = 30; print }' |
	sort -k2,2nr -k1,1 | awk -v jobs="$nguests" '
	{
		best = 1
		for (j = 2; j <= jobs; j++)
			if (load[j] < load[best])
				best = j
		load[best] += $2
		list[best] = list[best] (list[best] == "" ? "" : ",") $1
	}
	END { for (j = 1; j <= jobs; j++) print list[j] }')

qemu=(qemu-system-x86_64 "${accel_opts[@]}"
	-smp "$cpus_each" -m "${TLSGW_VM_MEM:-2G}"
	-kernel "$kernel" -initrd "$out/initramfs.gz"
	-virtfs "local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap"
	-device virtio-rng-pci -nic none -display none -no-reboot)

if [ "$mode" = shell ]; then
	exec "${qemu[@]}" -append "$append" -serial mon:stdio -serial null
fi

# One guest: its TAP streams as it comes. Several: their lines stream as
# comments marked with the guest's number, and report.sh prints the
# merged TAP at the end. A hung guest is killed.
guests=()
qpids=()
j=0
while IFS= read -r list; do
	j=$((j + 1))
	g=$out/guest$j
	mkdir -p "$g"
	guests+=("$g")
	touch "$g/tap.log"
	if [ "$nguests" -eq 1 ]; then
		tail -n +1 -f "$g/tap.log" </dev/null &
	else
		echo "# guest $j runs: $(echo "$list" | tr , ' ')"
		tail -n +1 -f "$g/tap.log" </dev/null | sed -u "s/^/# [$j] /" &
	fi
	tests=
	[ "$mode" != check ] || tests=" TGW_TESTS=$list"
	(
		timeout -k 10 "$timeout" "${qemu[@]}" -append "$append$tests" \
			-monitor none -serial "file:$g/console.log" \
			-serial "file:$g/tap.log" </dev/null
		[ $? -ne 124 ] || touch "$g/timeout"
	) &
	qpids+=($!)
done <<<"$shards"
wait "${qpids[@]}"
sleep 1
pkill -P $$ -x tail 2>/dev/null
wait 2>/dev/null

"$here/report.sh" "$mode" "$timeout" "${guests[@]}"
