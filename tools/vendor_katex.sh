#!/usr/bin/env bash
# Vendor KaTeX into docs/assets/vendor/katex/ so the site renders formulas with no network.
# Re-run (with a new KATEX_VERSION) to update; the result is committed, so building the site
# never needs npm. Only the files the site uses are kept: the minified JS (run at build time
# by sitebuild/formulas.py; no page loads it), the CSS and the woff2 fonts that pages load
# (every current browser reads woff2).
#
#   bash tools/vendor_katex.sh            # uses the pinned version below
#   KATEX_VERSION=0.16.47 bash tools/vendor_katex.sh
set -euo pipefail
KATEX_VERSION="${KATEX_VERSION:-0.16.47}"
cd "$(dirname "$0")/.."
dest=docs/assets/vendor/katex
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

npm pack --silent --pack-destination "$tmp" "katex@${KATEX_VERSION}" >/dev/null
tar -xzf "$tmp"/katex-"${KATEX_VERSION}".tgz -C "$tmp"
src="$tmp/package/dist"

rm -rf "$dest"
mkdir -p "$dest/fonts"
cp "$src/katex.min.js" "$src/katex.min.css" "$dest/"

cp "$src"/fonts/*.woff2 "$dest/fonts/"
cp "$tmp/package/LICENSE" "$dest/LICENSE"
# katex.min.css lists woff2, woff and ttf sources for each font; keep only woff2 so the
# browser never asks for a file we did not ship.
python3 - "$dest/katex.min.css" <<'PY'
import re, sys
path = sys.argv[1]
css = open(path, encoding="utf-8").read()
css = re.sub(r',url\(fonts/[^)]+\.(?:woff|ttf)\) format\("(?:woff|truetype)"\)', "", css)
open(path, "w", encoding="utf-8").write(css)
PY
echo "$KATEX_VERSION" > "$dest/VERSION"
echo "vendored KaTeX $KATEX_VERSION into $dest"
