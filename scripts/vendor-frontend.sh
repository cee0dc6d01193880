#!/usr/bin/env bash
# Refreshes the vendored front-end assets from their npm packages. Nothing is
# fetched at build or run time: the files this writes are committed.
#   scripts/vendor-frontend.sh            # the pinned versions below
# nhsuk-frontend's CSS loads the Frutiger font from a CDN; those @font-face rules
# are removed (NHS.UK falls back to Arial) and image paths point at /static/.
set -euo pipefail
cd "$(dirname "$0")/.."
NHSUK=10.6.1
HTMX=2.0.11
AXE=4.14.1
out=crates/web/static
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "nhsuk-frontend@$NHSUK" "htmx.org@$HTMX" "axe-core@$AXE" >/dev/null)
for t in "$work"/*.tgz; do mkdir -p "$work/$(basename "$t" .tgz)" && tar xzf "$t" -C "$work/$(basename "$t" .tgz)"; done
nhs="$work/nhsuk-frontend-$NHSUK/package/dist/nhsuk"
mkdir -p "$out/images" crates/web/tests/vendor
python3 - "$nhs/nhsuk-frontend.min.css" "$out/nhsuk-frontend.min.css" <<'PY'
import re, sys
css = open(sys.argv[1]).read()
css = re.sub(r'@font-face\{[^}]*\}', '', css)
css = css.replace('url(/assets/images/', 'url(/static/images/')
assert 'https://' not in css, 'the stylesheet still loads something from the internet'
open(sys.argv[2], 'w').write(css)
PY
cp "$nhs/nhsuk-frontend.min.js" "$out/nhsuk-frontend.min.js"
cp "$nhs"/assets/images/*.svg "$nhs"/assets/images/*.png "$nhs/assets/images/favicon.ico" "$out/images/"
cp "$work/htmx.org-$HTMX/package/dist/htmx.min.js" "$out/htmx.min.js"
cp "$work/axe-core-$AXE/package/axe.min.js" crates/web/tests/vendor/axe.min.js
printf 'nhsuk-frontend %s\nhtmx.org %s\naxe-core %s (tests only)\n' "$NHSUK" "$HTMX" "$AXE" > "$out/VERSIONS"
echo "vendored nhsuk-frontend $NHSUK, htmx.org $HTMX, axe-core $AXE"
