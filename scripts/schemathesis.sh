#!/usr/bin/env bash
# Property-based API test: Schemathesis (PyPI, pinned) generates requests from the server's own
# OpenAPI document and runs every check against a live `caravan serve` on loopback, within a
# time budget. Zero failures expected.
#
#   bash scripts/schemathesis.sh            # builds nothing: uses $CARAVAN_BIN or target/debug/caravan
#   ST_MAX_TIME=120 bash scripts/schemathesis.sh
set -euo pipefail
cd "$(dirname "$0")/.."

SCHEMATHESIS_VERSION=4.32.5
VENV=${SCHEMATHESIS_VENV:-.venv-schemathesis}
BIN=${CARAVAN_BIN:-$PWD/target/debug/caravan}
MAX_TIME=${ST_MAX_TIME:-120}
MAX_EXAMPLES=${ST_MAX_EXAMPLES:-30}

if ! "$VENV/bin/schemathesis" --version 2>/dev/null | grep -q "$SCHEMATHESIS_VERSION"; then
  echo "== installing schemathesis $SCHEMATHESIS_VERSION into $VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q "schemathesis==$SCHEMATHESIS_VERSION"
fi

tmp=$(mktemp -d)
"$BIN" serve --addr 127.0.0.1:0 --db "$tmp/scenarios.sqlite" >"$tmp/out" 2>"$tmp/log" &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$tmp"' EXIT
base=""
for _ in $(seq 300); do
  base=$(sed -n 's/^caravan listening on //p' "$tmp/out")
  [ -n "$base" ] && break
  kill -0 "$pid" 2>/dev/null || { cat "$tmp/log" >&2; exit 1; }
  sleep 0.1
done
[ -n "$base" ] || { echo "the server did not start" >&2; exit 1; }

echo "== schemathesis $SCHEMATHESIS_VERSION against $base (budget ${MAX_TIME} s)"
# Every check except positive_data_acceptance: a request that fits the schema may still name a
# place or crossing that does not exist (400 with suggestions), which no schema can express.
"$VENV/bin/schemathesis" --config-file scripts/schemathesis.toml run "$base/openapi.json" \
  --checks all --exclude-checks positive_data_acceptance \
  --max-examples "$MAX_EXAMPLES" --max-time "$MAX_TIME" \
  --workers 2 --request-timeout 20 --seed 20261203 \
  --suppress-health-check all --warnings off
