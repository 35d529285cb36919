#!/bin/sh
# Adds TWS Companion to this user's application menu (~/.local/share), pointing at this folder;
# --remove takes it out again. Nothing outside the user's home is touched.
set -eu
here=$(dirname "$(readlink -f "$0")")
data=${XDG_DATA_HOME:-$HOME/.local/share}
id=@ID@
if [ "${1:-}" = --remove ]; then
    rm -f "$data/applications/$id.desktop"
    find "$data/icons/hicolor" -name "$id.png" -delete 2>/dev/null || true
    rm -f "$data/icons/hicolor/scalable/apps/$id.svg"
    echo "TWS Companion removed from the application menu"
    exit 0
fi
mkdir -p "$data/applications"
(cd "$here/share" && find icons -type f) | while read -r icon; do
    mkdir -p "$data/$(dirname "$icon")"
    cp "$here/share/$icon" "$data/$icon"
done
sed "s|@EXEC@|$here/tws-companion|g" "$here/share/applications/$id.desktop.in" \
    >"$data/applications/$id.desktop"
if command -v update-desktop-database >/dev/null 2>&1; then
    update-desktop-database "$data/applications" >/dev/null 2>&1 || true
fi
echo "TWS Companion added to the application menu ($data/applications/$id.desktop)"
