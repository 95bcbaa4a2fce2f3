#!/bin/sh
# Installs pilito-box from this unpacked tarball: the (static, headless) binary, a menu entry and
# its icon. As root it goes under /usr/local, otherwise under ~/.local.
#   ./install.sh [--prefix DIR]               install
#   ./install.sh [--prefix DIR] --uninstall   remove what install put there (data is kept)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
if [ "$(id -u)" = 0 ]; then prefix=/usr/local; else prefix="$HOME/.local"; fi
uninstall=0
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) prefix="$2"; shift 2 ;;
    --prefix=*) prefix="${1#--prefix=}"; shift ;;
    --uninstall) uninstall=1; shift ;;
    -h|--help) sed -n '2,6p' "$0"; exit 0 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
done
files="bin/pilito-box share/applications/pilito-box.desktop share/icons/hicolor/128x128/apps/pilito-box.png share/doc/pilito-box/README.md share/doc/pilito-box/LICENSE"
if [ "$uninstall" = 1 ]; then
  for f in $files; do rm -f "$prefix/$f"; done
  rmdir "$prefix/share/doc/pilito-box" 2>/dev/null || true
  echo "pilito-box removed from $prefix (its data folder is kept)"
  exit 0
fi
install -D -m 755 "$here/pilito-box" "$prefix/bin/pilito-box"
install -D -m 644 "$here/pilito-box.desktop" "$prefix/share/applications/pilito-box.desktop"
install -D -m 644 "$here/pilito-box.png" "$prefix/share/icons/hicolor/128x128/apps/pilito-box.png"
install -D -m 644 "$here/README.md" "$prefix/share/doc/pilito-box/README.md"
install -D -m 644 "$here/LICENSE" "$prefix/share/doc/pilito-box/LICENSE"
echo "pilito-box installed in $prefix/bin. Start it with: $prefix/bin/pilito-box serve"
