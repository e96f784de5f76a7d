#!/usr/bin/env bash
# Vendor SafeGrid's front-end assets into static/vendor/ so the site runs on an
# intranet with no internet access (no CDN is ever used at run time).
#
# Usage:  bash scripts/vendor-assets.sh
#
# Needs node + npm and access to the npm registry *only while this script runs*
# (a developer machine); the output under static/vendor/ is committed and is all
# the deployed site needs. Versions and tarball integrity hashes are pinned below:
# to upgrade, change the version, run the script once (it prints the new hash on
# mismatch), update the hash, and update static/vendor/README.md.
set -euo pipefail

# name              version   sha512 integrity of the npm tarball (as in `npm view <pkg>@<ver> dist.integrity`)
BOOTSTRAP_VERSION="5.3.9"
BOOTSTRAP_SRI="sha512-20cU0rcfw8WdxtVbmfU+xT2EjvVTw9Ror/h1Qvd7DXCujRg8OO9mdBCsmTHdJFf3BuadmBNJtgIuUXsBqSkk/w=="
ICONS_VERSION="1.13.2"
ICONS_SRI="sha512-fAU1Ly3dH7hwRg+CB8EZ0Vl0fF80zgXHeUVJyfUOKzoURr+TbwISbCW5tKUoQLERaWYG2emTCybcPbD96hdD1A=="
HTMX_VERSION="2.0.11"
HTMX_SRI="sha512-Thx/WtpeOQqSrqBCw/A1cwGJGg4UrVa3+sW0GmrM3p4gJgO89ecH4qtbnyzDDWFvBTqjnIMCgELTNt636dtamA=="
ECHARTS_VERSION="5.6.0"
ECHARTS_SRI="sha512-oTbVTsXfKuEhxftHqL5xprgLoc0k7uScAwtryCgWF6hPYFLRwOUHiFmHGCBKP5NPFNkDVopOieyUqYGH8Fa3kA=="

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENDOR="$ROOT/static/vendor"

command -v npm >/dev/null || { echo "error: npm not found (install nodejs + npm)" >&2; exit 1; }
command -v node >/dev/null || { echo "error: node not found" >&2; exit 1; }

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# fetch NAME VERSION SRI -> unpacks the tarball into $WORK/NAME/package
fetch() {
  local name="$1" version="$2" sri="$3" tgz actual
  echo "==> npm pack $name@$version"
  mkdir -p "$WORK/$name"
  tgz="$(cd "$WORK/$name" && npm pack --silent --ignore-scripts "$name@$version" | tail -n 1)"
  actual="sha512-$(node -e 'const c=require("crypto"),f=require("fs");process.stdout.write(c.createHash("sha512").update(f.readFileSync(process.argv[1])).digest("base64"))' "$WORK/$name/$tgz")"
  if [[ "$actual" != "$sri" ]]; then
    echo "error: integrity mismatch for $name@$version" >&2
    echo "  expected $sri" >&2
    echo "  got      $actual" >&2
    exit 1
  fi
  tar -xzf "$WORK/$name/$tgz" -C "$WORK/$name"
}

# put NAME SRC_REL DEST_REL -> copies $WORK/NAME/package/SRC_REL to $VENDOR/NAME/DEST_REL
put() {
  local name="$1" src="$WORK/$1/package/$2" dest="$VENDOR/$1/$3"
  [[ -f "$src" ]] || { echo "error: $1 package has no $2" >&2; exit 1; }
  install -D -m 0644 "$src" "$dest"
}

fetch bootstrap       "$BOOTSTRAP_VERSION" "$BOOTSTRAP_SRI"
fetch bootstrap-icons "$ICONS_VERSION"     "$ICONS_SRI"
fetch htmx.org        "$HTMX_VERSION"      "$HTMX_SRI"
fetch echarts         "$ECHARTS_VERSION"   "$ECHARTS_SRI"

# Rebuild only the per-package folders; static/vendor/README.md is kept.
for name in bootstrap bootstrap-icons htmx.org echarts; do
  rm -rf "${VENDOR:?}/$name"
done

# bootstrap: the .map files are kept because the minified files end in a
# sourceMappingURL comment, and Django's ManifestStaticFilesStorage (whitenoise's
# CompressedManifestStaticFilesStorage in production) fails collectstatic when a
# referenced file is missing.
put bootstrap dist/css/bootstrap.min.css            bootstrap.min.css
put bootstrap dist/css/bootstrap.min.css.map        bootstrap.min.css.map
put bootstrap dist/js/bootstrap.bundle.min.js       bootstrap.bundle.min.js
put bootstrap dist/js/bootstrap.bundle.min.js.map   bootstrap.bundle.min.js.map
put bootstrap LICENSE                               LICENSE

# bootstrap-icons: keep fonts/ beside the CSS so its relative url() resolves.
put bootstrap-icons font/bootstrap-icons.min.css          bootstrap-icons.min.css
put bootstrap-icons font/fonts/bootstrap-icons.woff2      fonts/bootstrap-icons.woff2
put bootstrap-icons font/fonts/bootstrap-icons.woff       fonts/bootstrap-icons.woff
put bootstrap-icons LICENSE                               LICENSE

put htmx.org dist/htmx.min.js   htmx.min.js
put htmx.org LICENSE            LICENSE

# echarts is Apache-2.0: its NOTICE must travel with the redistributed file.
put echarts dist/echarts.min.js echarts.min.js
put echarts LICENSE             LICENSE
put echarts NOTICE              NOTICE

# Checks: nothing a browser would fetch from outside at run time.
fail=0
if grep -rnE 'url\(\s*["'\'']?(https?:)?//' "$VENDOR" --include='*.css'; then
  echo "error: a vendored stylesheet loads a remote url()" >&2; fail=1
fi
if grep -rnE '//cdn|@import' "$VENDOR" --include='*.css'; then
  echo "error: a vendored stylesheet references a CDN or @import" >&2; fail=1
fi
if ! grep -q 'url("fonts/bootstrap-icons.woff2' "$VENDOR/bootstrap-icons/bootstrap-icons.min.css"; then
  echo "error: bootstrap-icons CSS no longer points at fonts/bootstrap-icons.woff2" >&2; fail=1
fi
# every sourceMappingURL must name a file that is vendored beside it
while IFS=: read -r file ref; do
  [[ -f "$(dirname "$file")/$ref" ]] || { echo "error: $file maps to missing $ref" >&2; fail=1; }
done < <(grep -roE 'sourceMappingURL=[^ *]+' "$VENDOR" --include='*.js' --include='*.css' | sed 's/sourceMappingURL=//')
[[ $fail -eq 0 ]] || exit 1

echo "==> vendored into ${VENDOR#"$ROOT"/}:"
(cd "$VENDOR" && find . -type f ! -name README.md | sort | xargs du -b | sed 's|\./||')
echo "total: $(cd "$VENDOR" && du -sb . | cut -f1) bytes ($(du -sh "$VENDOR" | cut -f1))"
