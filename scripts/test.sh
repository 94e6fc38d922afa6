#!/usr/bin/env bash
# The one test command (npm test): sets up a bare Debian 12 machine (packages, Docker daemon,
# Swarm, base image, npm dependencies), type-checks, bundles, and runs every test tier.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/test-env.sh
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "[test] npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi
echo "[test] typecheck"
npx tsc --noEmit
echo "[test] build"
node scripts/build.mjs
echo "[test] vitest (unit, app, end-to-end)"
npx vitest run "$@"
