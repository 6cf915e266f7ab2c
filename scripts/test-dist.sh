#!/usr/bin/env bash
# Checks what make dist left in dist/ as someone installing it would meet it:
# the .deb's control fields, that apt could install it, its file modes; the
# .deb unpacked (dpkg-deb -x) into a scratch root, where the command answers
# --version, the menu entry validates and starts a binary the package ships,
# and the app opens a window (scripts/smoke-window.sh, screenshots in
# out/dist/); the tarball holds the same files; the Windows installer and
# zip hold Windows programs stamped with the version; SHA256SUMS matches.
set -euo pipefail
version=${VERSION:?VERSION must be set (make test-dist sets it from wails.json)}
arch=$(dpkg --print-architecture)
deb=dist/tsuzuri_${version}_${arch}.deb
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() {
  echo "test-dist: $*" >&2
  exit 1
}

# is_pe FILE: a Windows program starts with "MZ" and, at the offset stored
# at 0x3c, "PE\0\0".
is_pe() {
  [ "$(head -c 2 "$1")" = MZ ] || return 1
  local at
  at=$(od -An -tu4 -j 60 -N 4 "$1" | tr -d ' ')
  [ "$(od -An -c -j "$at" -N 4 "$1" | tr -d ' ')" = 'PE\0\0' ]
}

[ -f "$deb" ] || fail "no $deb"
field() { dpkg-deb -f "$deb" "$1"; }
[ "$(field Package)" = tsuzuri ] || fail "Package is '$(field Package)'"
[ "$(field Version)" = "$version" ] || fail "Version is '$(field Version)', wails.json says $version"
[ "$(field Architecture)" = "$arch" ] || fail "Architecture is '$(field Architecture)'"
for dep in libwebkit2gtk-4.1-0 libgtk-3-0; do
  [[ ",$(field Depends | tr -d ' ')," == *",$dep,"* ]] || fail "Depends lacks $dep: $(field Depends)"
done
[[ "$(field Maintainer)" =~ ^.+\ \<.+@.+\>$ ]] || fail "Maintainer is '$(field Maintainer)'"
[ -n "$(field Description)" ] || fail "no Description"

# What the README's `sudo apt install ./….deb` does, simulated: every
# dependency must be one apt can satisfy here.
apt-get install -s -q "./$deb" >"$tmp/apt" 2>&1 || { cat "$tmp/apt" >&2; fail "apt cannot install $deb"; }
grep -q "^Inst tsuzuri (${version} " "$tmp/apt" || { cat "$tmp/apt" >&2; fail "apt would not install tsuzuri $version"; }

# Modes as dpkg will install them: root's, nothing writable by others,
# programs executable, everything else not.
dpkg-deb -c "$deb" >"$tmp/contents"
awk '$2 != "root/root" { print; bad = 1 } END { exit bad }' "$tmp/contents" || fail "files not owned by root (above)"
awk '$1 ~ /^.....w/ || $1 ~ /^........w/ { print; bad = 1 } END { exit bad }' "$tmp/contents" ||
  fail "group- or world-writable files (above)"
awk '$1 ~ /^-/ && $6 !~ /^\.\/usr\/bin\// && $1 ~ /x/ { print; bad = 1 } END { exit bad }' "$tmp/contents" ||
  fail "executable files outside usr/bin (above)"
for prog in tsuzuri tsuzuri-desktop; do
  grep -qE "^-rwxr-xr-x .* \./usr/bin/$prog\$" "$tmp/contents" || fail "usr/bin/$prog is missing or not 0755"
done

root=$tmp/root
dpkg-deb -x "$deb" "$root"
got=$("$root/usr/bin/tsuzuri" --version)
[ "$got" = "tsuzuri $version" ] || fail "tsuzuri --version says '$got', want 'tsuzuri $version'"
got=$("$root/usr/bin/tsuzuri-desktop" --version)
[ "$got" = "Tsuzuri $version" ] || fail "tsuzuri-desktop --version says '$got', want 'Tsuzuri $version'"
echo "test-dist: the packaged tsuzuri and tsuzuri-desktop say $version"

desktop=$root/usr/share/applications/tsuzuri.desktop
desktop-file-validate "$desktop" || fail "desktop-file-validate rejects tsuzuri.desktop"
exec_line=$(sed -n 's/^Exec=//p' "$desktop")
[ -x "$root/usr/bin/${exec_line%% *}" ] || fail "the menu entry starts '$exec_line', which the package does not ship"
for size in 16 32 48 64 128 256 512; do
  png=$root/usr/share/icons/hicolor/${size}x${size}/apps/tsuzuri.png
  [ -f "$png" ] || fail "no ${size}x${size} icon"
  [ "$(identify -format '%wx%h' "$png")" = "${size}x${size}" ] || fail "$png is $(identify -format '%wx%h' "$png")"
done

tarball=dist/tsuzuri-$version-linux-$arch.tar.gz
(cd "$root/usr" && find . -type f | sed 's,^\./,,' | sort) >"$tmp/deb-files"
tar -tzf "$tarball" | grep -v '/$' | sed "s,^tsuzuri-$version/,," | sort >"$tmp/tar-files"
diff -u "$tmp/deb-files" "$tmp/tar-files" || fail "$tarball and the .deb hold different files"

setup=dist/tsuzuri-$version-windows-amd64-setup.exe
[ -f "$setup" ] || fail "no Windows installer $setup"
is_pe "$setup" || fail "$setup is not a Windows program"
[ "$(stat -c %s "$setup")" -gt $((5 * 1024 * 1024)) ] || fail "$setup is too small to hold the app"
python3 -m zipfile -e "dist/tsuzuri-$version-windows-amd64-portable.zip" "$tmp/zip"
is_pe "$tmp/zip/Tsuzuri/Tsuzuri.exe" || fail "the portable zip has no Tsuzuri/Tsuzuri.exe Windows program"
# It cannot run here, so ask Go what it was linked with.
go version -m "$tmp/zip/Tsuzuri/Tsuzuri.exe" | grep -qF -- "-X github.com/tsuzuri/tsuzuri/version.Number=$version" ||
  fail "the Windows app is not stamped with version $version"
echo "test-dist: Windows installer and portable zip hold Windows programs"

(cd dist && sha256sum --quiet -c SHA256SUMS) || fail "SHA256SUMS does not match"
[ "$(wc -l <dist/SHA256SUMS)" = 4 ] || fail "SHA256SUMS should list 4 packages: $(cat dist/SHA256SUMS)"

OUT=out/dist scripts/smoke-window.sh "$root/usr/bin/tsuzuri-desktop"
echo "test-dist: packages in dist/ check out"
