#!/usr/bin/env bash
# Builds the addon (release by default; `--debug` for a debug build) and moves the outputs into place
# atomically (rename), so a process that has the previous .node loaded is never handed a half-written file.
set -euo pipefail
cd "$(dirname "$0")/.."
profile=(--release)
[ "${1:-}" = "--debug" ] && profile=()
out=".tmp/napi-out"
rm -rf "$out"
npx napi build --platform "${profile[@]}" --js binding.js --dts index.d.ts --output-dir "$out"
for f in "$out"/*; do
  name="$(basename "$f")"
  cp "$f" ".tmp/$name.new"
  mv -f ".tmp/$name.new" "$name"
done
