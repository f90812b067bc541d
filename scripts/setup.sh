#!/usr/bin/env bash
# Everything a fresh clone needs: npm dependencies, the TypeScript build, the package linked under its own name
# (so example programs in this repo resolve `pulumi-camunda` as users' programs do), and the Pulumi engine.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

if [[ ! -d node_modules || ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  echo "setup: npm ci" >&2
  npm ci --no-audit --no-fund --loglevel=error >&2
fi
echo "setup: tsc" >&2
npx tsc -p tsconfig.json >&2
chmod 0755 dist/emulator/cli.js 2>/dev/null || true
if [[ ! -L node_modules/pulumi-camunda ]]; then
  ln -sfn .. node_modules/pulumi-camunda
fi
bash scripts/ensure-pulumi.sh >/dev/null
