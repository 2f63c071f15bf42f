#!/bin/bash
# Build, once, the debug kernel of 'make check-debug': Debian's
# linux-source-6.1 configured with tinyconfig + kvm_guest.config +
# selftests/config.debug (KASAN, lockdep, kmemleak, UBSAN, ...).
#
# usage: debug-kernel.sh [print-env]
#
# The build lives outside the source tree, in
#   ${TLSGW_CACHE:-$HOME/.cache/tlsgw}/debug-kernel/<key>/
#     linux-source-6.1/   configured and built tree: the KDIR for
#                         'make -C KDIR M=... modules'
#     root/lib/modules/   modules_install output: the guest's module tree
#     build.log           the build's output
#     env                 the print-env lines; written last, marks the
#                         build complete
# where <key> is the linux-source-6.1 package version and a short hash of
# config.debug, so that changing either rebuilds.
# With a complete build in the cache it only prints.
#
# With print-env, prints on stdout shell assignments for the Makefile:
#   KVER=  KDIR=  TLSGW_VM_KERNEL=  TLSGW_VM_MODDIR=
# Progress goes to stderr.
set -euo pipefail
exec </dev/null

here=$(cd "$(dirname "$0")" && pwd)
fragment=$here/../config.debug
tarball=/usr/src/linux-source-6.1.tar.xz
arch=x86_64

die() { echo "debug-kernel: $*" >&2; exit 1; }
say() { echo "debug-kernel: $*" >&2; }

case "${1:-}" in
"" | print-env) ;;
*) die "usage: debug-kernel.sh [print-env]" ;;
esac

[ -r "$fragment" ] || die "no $fragment"
[ -r "$tarball" ] || die "no $tarball (apt-get install linux-source-6.1)"
pkgver=$(dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null) ||
	die "linux-source-6.1 is not installed"
for t in make gcc bc flex bison xz depmod; do
	command -v "$t" >/dev/null ||
		die "$t not found (make deps: build-essential bc flex bison libelf-dev xz-utils kmod)"
done
[ -e /usr/include/libelf.h ] || [ -e /usr/include/gelf.h ] ||
	die "libelf headers not found (apt-get install libelf-dev)"

hash=$(sha256sum <"$fragment" | cut -c1-12)
key=${pkgver//[^A-Za-z0-9.+~-]/_}-$hash
top=${TLSGW_CACHE:-${HOME:-/root}/.cache/tlsgw}/debug-kernel
dir=$top/$key
kdir=$dir/linux-source-6.1
log=$dir/build.log
envfile=$dir/env

print_env() {
	[ "${1:-}" = print-env ] && cat "$envfile"
	return 0
}

if [ -s "$envfile" ]; then
	say "up to date: $dir"
	print_env "${1:-}"
	exit 0
fi

mkdir -p "$dir"
# One build at a time; a second caller waits and then finds it done.
exec 9>"$dir.lock"
if ! flock -n 9; then
	say "waiting for another build of $dir"
	flock 9
fi
if [ -s "$envfile" ]; then
	say "up to date: $dir"
	print_env "${1:-}"
	exit 0
fi

start=$SECONDS
stage_start=$SECONDS
stage() {
	local now=$SECONDS
	say "$(printf '[%4ds] %s' $((now - start)) "$*")"
	stage_start=$now
}
fail() {
	say "FAILED after $((SECONDS - start))s: $*; last lines of $log:"
	tail -n 40 "$log" >&2
	exit 1
}
# Run a build step with its output in the log.
run() {
	echo "+ $*" >>"$log"
	"$@" >>"$log" 2>&1
}
kmake() {
	run make -C "$kdir" ARCH=$arch LOCALVERSION= "$@"
}

say "building the debug kernel in $dir (log: $log)"
: >"$log"

# Extract (again, if an earlier extraction did not finish). A half-done
# build is continued: make is incremental.
if [ ! -e "$dir/.extracted" ]; then
	stage "extracting $tarball ($pkgver)"
	rm -rf "$kdir" "$dir/root"
	run tar -xJf "$tarball" -C "$dir" --no-same-owner ||
		fail "cannot extract $tarball"
	[ -f "$kdir/Makefile" ] || fail "no linux-source-6.1/Makefile in $tarball"
	touch "$dir/.extracted"
fi

stage "configuring: tinyconfig + kvm_guest.config + config.debug"
cp "$fragment" "$kdir/kernel/configs/tlsgw-debug.config"
kmake tinyconfig || fail "make tinyconfig"
kmake kvm_guest.config || fail "make kvm_guest.config"
kmake tlsgw-debug.config || fail "merging config.debug"

# Every option the fragment asks for must have survived olddefconfig.
dropped=
while IFS= read -r line; do
	case "$line" in
	CONFIG_*=*) want=$line ;;
	"# CONFIG_"*" is not set") want=$line ;;
	*) continue ;;
	esac
	sym=${want#\# }
	sym=${sym%%[= ]*}
	got=$(grep -E "^(# )?$sym[= ]" "$kdir/.config" || true)
	case "$want" in
	"#"*) # wanted off: fine if off or absent (dependencies unmet)
		case "$got" in "$sym="[ym]) dropped+=" $sym(${got#*=},want n)" ;; esac ;;
	*)	[ "$got" = "$want" ] ||
			dropped+=" $sym(${got:-absent},want ${want#*=})" ;;
	esac
done <"$fragment"
if [ -n "$dropped" ]; then
	echo "config.debug options not in the final .config:$dropped" >>"$log"
	die "config.debug options not in the final .config (missing dependencies?):$dropped"
fi

stage "configured; building bzImage and modules with -j$(nproc)"
kmake -j"$(nproc)" bzImage modules || fail "kernel build"
# Known only once the build ran syncconfig.
kver=$(cat "$kdir/include/config/kernel.release") || fail "no kernel.release"

stage "built $kver; installing the modules"
rm -rf "$dir/root"
kmake INSTALL_MOD_PATH="$dir/root" modules_install ||
	fail "make modules_install"
moddir=$dir/root/lib/modules/$kver
[ -f "$moddir/modules.dep" ] || fail "no $moddir/modules.dep"
image=$kdir/arch/x86/boot/bzImage
[ -f "$image" ] || fail "no $image"
[ -f "$kdir/Module.symvers" ] || fail "no Module.symvers"

# Written last: marks the build complete.
{
	echo "KVER=$kver"
	echo "KDIR=$kdir"
	echo "TLSGW_VM_KERNEL=$image"
	echo "TLSGW_VM_MODDIR=$moddir"
} >"$envfile.tmp"
mv "$envfile.tmp" "$envfile"
stage "done: $kver in $((SECONDS - start))s"

# Older builds (other keys) are left for the user to remove.
print_env "${1:-}"
