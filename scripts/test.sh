#!/usr/bin/env bash
# The one test command (npm test): sets up a bare Debian 12 machine (packages, Docker daemon,
# Swarm, base image, npm dependencies), type-checks, bundles, and runs every test tier.
# Arguments (file filters, -t …) go to vitest; then only the matching tests run, in one pass.
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
echo "[test] build the single executable"
node scripts/release.mjs
if [ $# -gt 0 ]; then
  exec npx vitest run "$@"
fi

results=$(mktemp -d)
status=0
echo "[test] vitest: unit, app and end-to-end (several end-to-end files at once)"
npx vitest run --project unit --project e2e --reporter=default --reporter=json --outputFile.json="$results/main.json" || status=$?
echo "[test] vitest: end-to-end files that must run alone, one by one (Docker restarted, a second server in the Swarm)"
npx vitest run --project e2e-alone --no-file-parallelism --reporter=default --reporter=json --outputFile.json="$results/alone.json" || status=$?
node scripts/test-summary.mjs "$results"/*.json
exit $status
