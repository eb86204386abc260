#!/usr/bin/env bash
# Installs everything the project needs, builds the release addon, then runs the demo.
# Usage: bash scripts/setup.sh            (the README's first command)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
npm run build
npm start
