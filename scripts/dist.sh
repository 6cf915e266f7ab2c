#!/usr/bin/env bash
# Packs the builds in build/bin into dist/, for people to download:
#   tsuzuri_VERSION_ARCH.deb                   the app, the tsuzuri command, menu entry, icons
#   tsuzuri-VERSION-linux-ARCH.tar.gz          the same files, to unpack into ~/.local or /usr/local
#   tsuzuri-VERSION-windows-amd64-setup.exe    the NSIS installer wails build -nsis made
#   tsuzuri-VERSION-windows-amd64-portable.zip the Windows app alone
#   SHA256SUMS
# `make dist` builds what it packs first and passes VERSION (from wails.json).
set -euo pipefail
version=${VERSION:?VERSION must be set (make dist sets it from wails.json)}
arch=$(dpkg --print-architecture)
umask 022 # the package's files keep the modes they are staged with
rm -rf dist
mkdir -p dist
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

# The installed tree. The command line keeps the short name; the window is
# tsuzuri-desktop, which the menu entry starts.
root=$stage/deb
install -Dm755 build/bin/tsuzuri-cli "$root/usr/bin/tsuzuri"
install -Dm755 build/bin/tsuzuri "$root/usr/bin/tsuzuri-desktop"
install -Dm644 build/linux/tsuzuri.desktop "$root/usr/share/applications/tsuzuri.desktop"
for size in 16 24 32 48 64 128 256 512; do
  dir=$root/usr/share/icons/hicolor/${size}x${size}/apps
  mkdir -p "$dir"
  convert build/appicon.png -resize "${size}x${size}" -depth 8 -strip "$dir/tsuzuri.png"
done

# The Linux tarball: the same tree without usr/, under one folder.
cp -a "$root/usr" "$stage/tsuzuri-$version"
tar -C "$stage" --owner=0 --group=0 --numeric-owner --sort=name \
  -czf "dist/tsuzuri-$version-linux-$arch.tar.gz" "tsuzuri-$version"

# The newest C library symbol the programs use, which Go's toolchain decides.
glibc=$(objdump -T "$root/usr/bin/"* | grep -o 'GLIBC_[0-9.]*' | sort -uV | tail -1)
mkdir "$root/DEBIAN"
cat >"$root/DEBIAN/control" <<EOF
Package: tsuzuri
Version: $version
Architecture: $arch
Maintainer: Tsuzuri developers <dev@tsuzuri.invalid>
Installed-Size: $(du -sk "$root/usr" | cut -f1)
Depends: libc6 (>= ${glibc#GLIBC_}), libwebkit2gtk-4.1-0, libgtk-3-0
Section: utils
Priority: optional
Description: local-first diary with Japanese full-text search
 Tsuzuri (綴り) keeps a diary in one folder you own: a SQLite database,
 a search index rebuilt from it, and your attachments. It finds entries
 by the words you half remember, in Japanese mixed with English terms,
 offline.
 .
 This package holds the desktop app (in the menu as Tsuzuri, or
 tsuzuri-desktop) and the tsuzuri command over the same data folder.
EOF
# gzip, not dpkg-deb's default xz: a tenth larger, three times faster to make.
dpkg-deb --root-owner-group -Zgzip --build "$root" "dist/tsuzuri_${version}_${arch}.deb" >/dev/null

# Windows: the installer installs the app as Tsuzuri.exe; the zip holds
# it under the same name.
cp build/bin/Tsuzuri-amd64-installer.exe "dist/tsuzuri-$version-windows-amd64-setup.exe"
mkdir "$stage/Tsuzuri"
cp build/bin/tsuzuri-windows.exe "$stage/Tsuzuri/Tsuzuri.exe"
(cd "$stage" && zip -qrX - Tsuzuri) >"dist/tsuzuri-$version-windows-amd64-portable.zip"

(cd dist && sha256sum -- *.deb *.tar.gz *.exe *.zip >SHA256SUMS)
ls -l dist
