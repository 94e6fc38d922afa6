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
trap 'exit 130' INT TERM
# One vitest run, watched (scripts/vitest-watched.mjs): if vitest stops making progress, the files it
# did not finish run once more, and the summary says loudly that it stalled and where.
watched() {
  local log=$1; shift
  local code=0
  node scripts/vitest-watched.mjs "$results/$log.1.jsonl" "$@" || code=$?
  [ "$code" -ne 130 ] || exit 130
  if [ "$code" -eq 3 ] && [ -s "$results/$log.1.jsonl.unfinished" ]; then
    mapfile -t unfinished < "$results/$log.1.jsonl.unfinished"
    echo "[test] vitest stalled; running the ${#unfinished[@]} file(s) it did not finish once more"
    code=0
    node scripts/vitest-watched.mjs "$results/$log.2.jsonl" "$@" "${unfinished[@]}" || code=$?
    [ "$code" -ne 130 ] || exit 130
  fi
  return "$code"
}
echo "[test] vitest: unit, app and end-to-end (several end-to-end files at once)"
watched main --project unit --project e2e || status=$?
echo "[test] vitest: end-to-end files that must run alone, one by one (Docker restarted, a second server in the Swarm)"
watched alone --project e2e-alone --no-file-parallelism || status=$?
# The summary fails when any run recorded a failure, also one whose files a stall made run again.
node scripts/test-summary.mjs "$results"/*.jsonl || { [ "$status" -ne 0 ] || status=1; }
exit $status
