#!/usr/bin/env bash
# The project's test command: Rust unit, property, CLI and HTTP API tests, then the browser
# test of the web map (headless Debian Chromium driven by playwright-core) against the real
# server. Needs node/npm and /usr/bin/chromium (`.ci/run` installs them on a fresh machine).
set -euo pipefail
cd "$(dirname "$0")/.."

# The compiled network (the routing hierarchy, data/network/caravan.compiled) is built once
# here, so the servers the tests start load it instead of each building their own.
cargo build --locked -p caravan
target/debug/caravan build

cargo test --workspace --locked

echo "== browser test (web/tests/e2e.mjs)"
cargo build --locked -p caravan
if [ ! -d web/node_modules ]; then
  (cd web && npm ci --no-audit --no-fund)
fi
CARAVAN_BIN="$PWD/target/debug/caravan" node web/tests/e2e.mjs
