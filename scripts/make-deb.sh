#!/bin/sh
# Builds build/venvscope_VERSION_ARCH.deb from a built binary (make deb):
#   scripts/make-deb.sh BINARY [LIBGIT2_SONAME]
# The tree is made in build/deb/root with root-owned 0644/0755 files; Depends
# comes from dpkg-shlibdeps on the binary, plus the package of the libgit2
# that src/scan/git2_lazy.c dlopen()s by soname (not a NEEDED entry, so
# dpkg-shlibdeps cannot see it; without it every scan that asks git ends
# the program, hence Depends, not Recommends).
set -eu

bin=$1
git2_soname=${2:-}
version=$(cat VERSION)
arch=$(dpkg --print-architecture)
maint=${DEB_MAINTAINER:-venvscope maintainers <maintainers@users.noreply.b-seed-c6f0d506.example>}
work=build/deb
root=$work/root
out=build/venvscope_${version}_${arch}.deb
doc=$root/usr/share/doc/venvscope

rm -rf "$work"
mkdir -p "$root/DEBIAN" "$root/usr/bin" "$root/usr/share/man/man1" "$root/usr/share/venvscope/themes" \
	"$root/usr/share/bash-completion/completions" "$root/usr/share/zsh/vendor-completions" \
	"$root/usr/share/fish/vendor_completions.d" "$doc"

install -m 755 "$bin" "$root/usr/bin/venvscope"
strip --strip-unneeded --remove-section=.comment --remove-section=.note "$root/usr/bin/venvscope"
gzip -9n <doc/venvscope.1 >"$root/usr/share/man/man1/venvscope.1.gz"
install -m 644 themes/* "$root/usr/share/venvscope/themes/"
install -m 644 completions/venvscope.bash "$root/usr/share/bash-completion/completions/venvscope"
install -m 644 completions/_venvscope "$root/usr/share/zsh/vendor-completions/_venvscope"
install -m 644 completions/venvscope.fish "$root/usr/share/fish/vendor_completions.d/venvscope.fish"
install -m 644 README.md "$doc/README.md"
install -m 644 pkg/debian/copyright "$doc/copyright"

# A native package's changelog: this version, dated by the last commit (so
# two builds of one commit are the same bytes).
when=$(git log -1 --format=%cD 2>/dev/null || date -R)
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
printf 'venvscope (%s) unstable; urgency=medium\n\n  * Built from commit %s.\n\n -- %s  %s\n' \
	"$version" "$commit" "$maint" "$when" | gzip -9n >"$doc/changelog.gz"

# dpkg-shlibdeps wants a debian/control naming the package: a scratch one.
mkdir -p "$work/src/debian"
printf 'Source: venvscope\n\nPackage: venvscope\nArchitecture: any\n' >"$work/src/debian/control"
cp "$root/usr/bin/venvscope" "$work/src/venvscope"
depends=$(cd "$work/src" && dpkg-shlibdeps -O venvscope 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
if [ -n "$git2_soname" ]; then
	lib=$(ldconfig -p | awk -v s="$git2_soname" '$1 == s { print $NF; exit }')
	pkg=${lib:+$(dpkg -S "$(readlink -f "$lib")" 2>/dev/null | sed -n '1s/:.*//p')}
	if [ -z "$pkg" ]; then
		echo "make-deb: no installed package holds $git2_soname (libgit2-dev installed?)" >&2
		exit 1
	fi
	depends="$depends, $pkg"
fi

size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
{
	echo "Package: venvscope"
	echo "Version: $version"
	echo "Architecture: $arch"
	echo "Maintainer: $maint"
	echo "Installed-Size: $size"
	echo "Depends: $depends"
	echo "Section: utils"
	echo "Priority: optional"
	printf 'Description: '
	cat pkg/debian/description
} >"$root/DEBIAN/control"
(cd "$root" && find usr -type f -print0 | sort -z | xargs -0 md5sum) >"$root/DEBIAN/md5sums"
find "$root" -type d -exec chmod 755 {} +
find "$root" -type f ! -path "$root/usr/bin/*" -exec chmod 644 {} +

dpkg-deb --root-owner-group -Zxz --build "$root" "$out" >/dev/null
echo "make-deb: $out"
echo "make-deb: Depends: $depends"
