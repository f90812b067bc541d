#!/usr/bin/env bash
# Placeholder until the resources land: sets everything up and proves the engine runs.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/setup.sh
echo "demo: the Pulumi engine is ready at $(cat .tools/pulumi/current-bin); the Camunda demo stack is not built yet."
