#!/bin/sh
# Makes assets/web/fonts/vazirmatn.woff2, the page's Persian typeface, from the vazirmatn package
# on the npm registry: its variable font cut to the weights the page uses (400 to 700) and to the
# characters Persian and English text needs (the Arabic block, Latin-1, punctuation, the
# zero-width non-joiner and the bidi marks), every OpenType feature kept so Persian still joins.
# The result is committed, so building pilito-box needs neither npm nor Python; run this again
# only to change version or ranges. Needs npm and Python 3 (fonttools and brotli from PyPI).
set -eu
VERSION=33.0.3
INTEGRITY=sha512-fbjNc0CMjazZpIegWzz9OHGzI1APFboT+x7ZecXlUCtDe/nkyx7gtCTZnWS/+eeXG7fbfXymCPKJI8EsnM3iqw==
RANGES="U+0000-00FF,U+0131,U+0152-0153,U+02C6,U+02DA,U+02DC,U+0600-06FF,U+200C-200F,\
U+2010-2027,U+2030-203A,U+2066-2069,U+20AC,U+2122,U+2190-2193,U+2212,U+FEFF"

here=$(cd "$(dirname "$0")" && pwd)
out="$here/../web/fonts"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack --silent "vazirmatn@$VERSION" >/dev/null
got="sha512-$(openssl dgst -sha512 -binary "vazirmatn-$VERSION.tgz" | base64 -w0)"
[ "$got" = "$INTEGRITY" ] || { echo "vazirmatn-$VERSION.tgz: integrity $got, expected $INTEGRITY" >&2; exit 1; }
tar xzf "vazirmatn-$VERSION.tgz"
python3 -m pip install --quiet fonttools==4.68.0 brotli==1.2.1
python3 -m fontTools.varLib.instancer "package/fonts/webfonts/Vazirmatn[wght].woff2" wght=400:700 -o cut.ttf
python3 -m fontTools.subset cut.ttf --unicodes="$RANGES" --layout-features='*' --flavor=woff2 \
  --output-file="$out/vazirmatn.woff2"
cp package/OFL.txt "$out/OFL.txt"
ls -l "$out/vazirmatn.woff2"
