#!/usr/bin/env bash
# The one test command (npm test): sets up a bare Debian 12 machine (packages, Docker daemon,
# Swarm, base image, npm dependencies), type-checks, bundles, and runs every test tier.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/test-env.sh
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  # npm install, not npm ci: the registry mirror of the test machines does not resolve rollup's
  # optional platform packages, so npm ci finds the lock file "out of sync" and refuses.
  echo "[test] npm install"
  npm install --no-audit --no-fund --loglevel=error
fi
echo "[test] typecheck"
npx tsc --noEmit
echo "[test] build"
node scripts/build.mjs
echo "[test] vitest (unit, app, end-to-end)"
npx vitest run "$@"
