#!/bin/sh
# TWS Companion, portable: runs the bundle next to this script, from wherever the folder was
# unpacked (a symbolic link to this script, e.g. in ~/.local/bin, works too).
here=$(dirname "$(readlink -f "$0")")
exec "$here/bundle/tws-companion" "$@"
