#!/usr/bin/env bash
# The whole test suite from a fresh clone: set-up (npm ci, build, the Pulumi engine), lint, type check, jest.
#   bash scripts/test.sh                 fast suite (what CI runs)
#   bash scripts/test.sh --reliability   the long reliability scenarios
# Extra arguments go to jest (e.g. a test path).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

if [[ "${1:-}" == "--reliability" ]]; then
  export PULUMI_CAMUNDA_LONG_TESTS=1
  shift
fi

bash scripts/setup.sh
echo "test: eslint" >&2
npx eslint . --max-warnings 0
echo "test: type check (sources and tests)" >&2
npx tsc -p test/tsconfig.json --noEmit

# Never touch the user's real token cache or Camunda credentials from tests.
export CAMUNDA_TOKEN_CACHE_DIR="$(mktemp -d)"
unset CAMUNDA_CONSOLE_CLIENT_ID CAMUNDA_CONSOLE_CLIENT_SECRET CAMUNDA_CONSOLE_BASE_URL CAMUNDA_OAUTH_URL \
  CAMUNDA_CONSOLE_OAUTH_AUDIENCE PULUMI_ACCESS_TOKEN || true

RESULTS="$(mktemp)"
status=0
npx jest --ci --json --outputFile="$RESULTS" "$@" || status=$?
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  console.log(`jest: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests} skipped`);
' "$RESULTS" || true
rm -rf "$RESULTS" "$CAMUNDA_TOKEN_CACHE_DIR"
exit "$status"
