#!/usr/bin/env bash
# macOS build job, for a macOS runner with the Xcode command line tools, Go
# and Node.js: builds Tsuzuri.app for Apple silicon and Intel (universal) and
# leaves it zipped in dist/, with its checksum. The app is not signed or
# notarised. Nothing in this repository's own CI (Debian, .ci/run) runs this
# job, so it has not been run here.
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(sed -n 's/.*"productVersion": *"\([^"]*\)".*/\1/p' wails.json)
make deps-wails frontend
"$(go env GOPATH)/bin/wails" build -platform darwin/universal -s -clean \
  -ldflags "-X github.com/tsuzuri/tsuzuri/version.Number=$version"
app=build/bin/Tsuzuri.app
[ "$("$app/Contents/MacOS/tsuzuri" --version)" = "Tsuzuri $version" ]
zip=tsuzuri-$version-macos-universal.zip
mkdir -p dist
# ditto keeps what a plain zip would lose: the bundle's symlinks, modes
# and extended attributes.
ditto -c -k --keepParent "$app" "dist/$zip"
(cd dist && shasum -a 256 "$zip" >SHA256SUMS.macos)
ls -l "dist/$zip"
