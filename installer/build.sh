#!/bin/sh
# Builds pilito-box's installers into target/installer/:
#   installer/build.sh linux     Debian/Ubuntu .deb (tray build, systemd unit, desktop entries)
#   installer/build.sh tarball   static musl binary (headless) with install.sh
#   installer/build.sh windows   x86_64-pc-windows-gnu build and its NSIS setup
#   installer/build.sh all       all three
# PILITO_BOX_PROFILE names the Cargo profile to build with (default: release, what ships).
# It adds the rustup targets and, when run as root, the Debian packages it needs.
# macOS: installer/macos/build-macos.sh, on a Mac.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
out="$root/target/installer"
profile="${PILITO_BOX_PROFILE:-release}"
version=$(sed -n 's/^version = "\(.*\)"/\1/p' "$root/Cargo.toml" | head -n 1)
mkdir -p "$out"
cd "$root"

need() {
  missing=""
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing="$missing $pkg"
  done
  [ -z "$missing" ] && return 0
  if [ "$(id -u)" != 0 ]; then
    echo "missing Debian packages:$missing (run as root, or apt-get install them)" >&2
    exit 1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get update
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing
}

linux() {
  need pkg-config libgtk-3-dev libayatana-appindicator3-dev
  if ! cargo deb --version >/dev/null 2>&1; then
    cargo install cargo-deb --locked --version 3.8.0
  fi
  cargo deb --locked --profile "$profile" --output "$out/"
  echo "built $(ls "$out"/pilito-box_*.deb)"
}

tarball() {
  need musl-tools
  rustup target add x86_64-unknown-linux-musl
  cargo build --profile "$profile" --locked --target x86_64-unknown-linux-musl
  name="pilito-box-$version-linux-x86_64-musl"
  stage="$out/$name"
  rm -rf "$stage"
  mkdir -p "$stage"
  cp "target/x86_64-unknown-linux-musl/$profile/pilito-box" "$stage/"
  cp installer/linux/install.sh README.md LICENSE "$stage/"
  cp installer/linux/pilito-box.desktop "$stage/"
  cp assets/icons/pilito-box-128.png "$stage/pilito-box.png"
  tar -C "$out" -czf "$out/$name.tar.gz" "$name"
  rm -rf "$stage"
  echo "built $out/$name.tar.gz"
}

windows() {
  need gcc-mingw-w64-x86-64 nsis
  rustup target add x86_64-pc-windows-gnu
  cargo build --profile "$profile" --locked --target x86_64-pc-windows-gnu --features windows-gui
  stage="$out/windows"
  rm -rf "$stage"
  mkdir -p "$stage"
  cp "target/x86_64-pc-windows-gnu/$profile/pilito-box.exe" "$stage/"
  cp assets/icons/pilito-box.ico README.md "$stage/"
  cp LICENSE "$stage/LICENSE.txt"
  setup="$out/pilito-box-setup-$version-x64.exe"
  makensis -V2 -DVERSION="$version" -DSRC="$stage" -DOUT="$setup" installer/windows/pilito-box.nsi
  echo "built $setup"
}

case "${1:-}" in
  linux) linux ;;
  tarball) tarball ;;
  windows) windows ;;
  all) linux; tarball; windows ;;
  *) sed -n '2,8p' "$0" >&2; exit 2 ;;
esac
