#!/usr/bin/env bash
# Installs what builds and tests need on a fresh Debian machine: npm dependencies (from package-lock.json)
# and, when missing, the Debian packages the browser tests use. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing Debian packages: ${need_apt[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
  else
    echo "warning: cannot install ${need_apt[*]} (not root or no apt-get); browser tests will be skipped" >&2
  fi
fi

# `npm install` (not `npm ci`): with npm 11 on Node 20, `npm ci` rejects this lock file because optional
# platform packages of an engine-restricted build tool are not listed in it; `npm install` installs exactly the
# locked versions and leaves the lock untouched.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm install --no-audit --no-fund
fi
