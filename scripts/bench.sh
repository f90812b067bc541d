#!/usr/bin/env bash
# `npm run bench`: the provider through the real Pulumi engine against the local Console API emulator (50 ms a request,
# 3 s cluster provisioning), beside the engine floor, the API critical path and a plain @camunda8/sdk script.
# Prints a table of the figures beside their targets and writes bench-results/bench-<timestamp>.json.
#   npm run bench                         sizes 10 and 100
#   npm run bench -- --sizes 10,50        other sizes (or BENCH_SIZES=10,50)
#   npm run bench -- --latency 20 --provisioning 1000 --skip sdk,floor
# See bench/main.ts for every option. Not part of `npm test`.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

bash scripts/setup.sh
echo "bench: tsc -p bench/tsconfig.json" >&2
rm -rf dist-bench
npx tsc -p bench/tsconfig.json

# Never touch the user's real token cache or Camunda credentials: the bench sets its own per stack.
unset CAMUNDA_CONSOLE_CLIENT_ID CAMUNDA_CONSOLE_CLIENT_SECRET CAMUNDA_CONSOLE_BASE_URL CAMUNDA_OAUTH_URL \
  CAMUNDA_CONSOLE_OAUTH_AUDIENCE CAMUNDA_TOKEN_CACHE_DIR CAMUNDA_TOKEN_DISK_CACHE_DISABLE PULUMI_CAMUNDA_POLL_MS \
  PULUMI_ACCESS_TOKEN || true

node dist-bench/bench/main.js "$@"
