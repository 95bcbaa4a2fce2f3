#!/bin/sh
# Builds pilito-box.app and a .dmg on a Mac (Xcode command-line tools and rustup installed).
# Untested: no Mac was available where pilito-box is built; see installer/README.md.
#   installer/macos/build-macos.sh [aarch64|x86_64]
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
arch=${1:-$(uname -m | sed 's/arm64/aarch64/')}
target="$arch-apple-darwin"
version=$(sed -n 's/^version = "\(.*\)"/\1/p' "$root/Cargo.toml" | head -n 1)
out="$root/target/installer"
app="$out/pilito-box.app"
rustup target add "$target"
(cd "$root" && cargo build --release --locked --target "$target")
rm -rf "$app"
mkdir -p "$app/Contents/MacOS" "$app/Contents/Resources"
cp "$root/target/$target/release/pilito-box" "$app/Contents/MacOS/pilito-box"
sed "s/@VERSION@/$version/g" "$root/installer/macos/Info.plist" > "$app/Contents/Info.plist"
iconset="$out/pilito-box.iconset"
rm -rf "$iconset" && mkdir -p "$iconset"
for size in 32 128 256; do
  cp "$root/assets/icons/pilito-box-$size.png" "$iconset/icon_${size}x${size}.png"
done
iconutil -c icns "$iconset" -o "$app/Contents/Resources/pilito-box.icns"
codesign --force --deep --sign - "$app"
hdiutil create -volname pilito-box -srcfolder "$app" -ov -format UDZO "$out/pilito-box-$version-macos-$arch.dmg"
echo "built $app and $out/pilito-box-$version-macos-$arch.dmg"
echo "start at login: cp $root/installer/macos/com.pilito.pilito-box.plist ~/Library/LaunchAgents/"
