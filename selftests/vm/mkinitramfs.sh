#!/bin/sh
# Build the test guest's initramfs: busybox-static, the modules needed to
# reach the host's root (with their dependencies, in load order) and
# initramfs-init as /init.
# usage: mkinitramfs.sh KVER OUTPUT.cpio.gz
set -eu
kver=$1
out=$2
here=$(cd "$(dirname "$0")" && pwd)
mods=${TLSGW_VM_MODDIR:-/lib/modules/$kver}
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

busybox=/bin/busybox
if [ ! -x "$busybox" ] || readelf -l "$busybox" | grep -q 'program interpreter'; then
	echo "mkinitramfs: need a static $busybox (apt-get install busybox-static)" >&2
	exit 1
fi

mkdir -p "$stage/bin" "$stage/modules" "$stage/proc" "$stage/sys" "$stage/dev"
cp "$busybox" "$stage/bin/busybox"
cp "$here/initramfs-init" "$stage/init"
chmod 755 "$stage/init"

# modules.dep lists a module's dependencies, dependants first; load the
# dependencies in reverse order, then the module itself.
: >"$stage/modules.load"
for want in virtio_pci 9pnet_virtio 9p overlay virtio-rng; do
	# Built into the kernel (the debug kernel): nothing to load.
	grep -qE "/${want}\.ko\$" "$mods/modules.builtin" 2>/dev/null && continue
	line=$(grep -E "/${want}\.ko(\.[a-z]+)?:" "$mods/modules.dep") ||
		{ echo "mkinitramfs: $want not in $mods/modules.dep" >&2; exit 1; }
	self=${line%%:*}
	deps=${line#*:}
	for m in $(echo $deps | tr ' ' '\n' | tac) "$self"; do
		b=$(basename "$m")
		grep -qx "$b" "$stage/modules.load" && continue
		cp "$mods/$m" "$stage/modules/$b"
		echo "$b" >>"$stage/modules.load"
	done
done

(cd "$stage" && find . | cpio -o -H newc --quiet) | gzip -1 >"$out"
