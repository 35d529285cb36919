#!/bin/sh
# TWS Companion's macOS disk image: "TWS Companion.app" (made by `python -m installers.build
# bundle` on a Mac: the spec's BUNDLE step) beside a link to /Applications, to drag it onto.
#
#   installers/macos/make-dmg.sh [DIST]      (DIST: the folder with the .app; default dist)
#
# Writes DIST/tws-companion-<version>-macos-<arch>.dmg. The app is signed ad hoc only: a
# Developer ID signature and notarization need the project's Apple credentials (see README).
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
dist=${1:-$root/dist}
app="$dist/TWS Companion.app"
python=${PYTHON:-python3}
version=$(cd "$root" && "$python" -c "from tws_companion import __version__; print(__version__)")
arch=$(uname -m)
dmg="$dist/tws-companion-$version-macos-$arch.dmg"

[ -d "$app" ] || { echo "make-dmg: $app is missing: build the bundle first" >&2; exit 1; }
plist_version=$(/usr/libexec/PlistBuddy -c "Print :CFBundleShortVersionString" \
    "$app/Contents/Info.plist")
[ "$plist_version" = "$version" ] || {
    echo "make-dmg: the app says $plist_version, the package $version: build it again" >&2
    exit 1
}

staging=$(mktemp -d)
trap 'rm -rf "$staging"' EXIT
ditto "$app" "$staging/TWS Companion.app"
codesign --force --deep --sign - "$staging/TWS Companion.app"
ln -s /Applications "$staging/Applications"
rm -f "$dmg"
hdiutil create -volname "TWS Companion $version" -srcfolder "$staging" -fs HFS+ \
    -format UDZO -imagekey zlib-level=9 -ov "$dmg"
hdiutil verify "$dmg"
echo "dmg $dmg: $(du -k "$dmg" | cut -f1) KiB"
