#!/usr/bin/env bash
# The main job: the demo stack (root Pulumi.yaml → examples/quickstart) through the real Pulumi engine against the
# local Console API emulator, with a file backend under .demo/ (git-ignored) and no cloud login.
#
#   bash scripts/demo.sh            up: create or update the demo stack, print its outputs
#   bash scripts/demo.sh preview    | refresh | destroy | output   (destroy also removes .demo/)
#
# The emulator keeps its state in .demo/emulator-state.json, so the demo's cluster survives between runs.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
ACTION="${1:-up}"

bash scripts/setup.sh
BIN="$(cat .tools/pulumi/current-bin)"
DEMO="$ROOT/.demo"
mkdir -p "$DEMO/state" "$DEMO/home"

# Start the emulator on a free port; once it listens it writes the settings a program needs (demo credentials
# included) as `export NAME='value'` lines to an owner-only env file.
rm -f "$DEMO/emulator.env"
node dist/emulator/cli.js --port 0 --state-file "$DEMO/emulator-state.json" --provisioning-ms "${DEMO_PROVISIONING_MS:-3000}" \
  --write-env "$DEMO/emulator.env" >"$DEMO/emulator.log" 2>&1 &
EMULATOR_PID=$!
trap 'kill "$EMULATOR_PID" 2>/dev/null || true; wait "$EMULATOR_PID" 2>/dev/null || true' EXIT
for _ in $(seq 1 200); do
  [[ -s "$DEMO/emulator.env" ]] && break
  kill -0 "$EMULATOR_PID" 2>/dev/null || { cat "$DEMO/emulator.log" >&2; exit 1; }
  sleep 0.1
done
[[ -s "$DEMO/emulator.env" ]] || { echo "demo: the emulator did not start" >&2; cat "$DEMO/emulator.log" >&2; exit 1; }
# shellcheck disable=SC1091
source "$DEMO/emulator.env"
echo "demo: Console API emulator at $CAMUNDA_CONSOLE_BASE_URL (token URL $CAMUNDA_OAUTH_URL)"

export PATH="$BIN:$PATH"
export PULUMI_BACKEND_URL="file://$DEMO/state"
export PULUMI_HOME="$DEMO/home"
export PULUMI_CONFIG_PASSPHRASE="${PULUMI_CONFIG_PASSPHRASE:-camunda-demo}"
export PULUMI_SKIP_UPDATE_CHECK=true PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
export CAMUNDA_TOKEN_CACHE_DIR="$DEMO/token-cache"

pulumi stack select --create demo --non-interactive >/dev/null
case "$ACTION" in
  up)
    pulumi up --yes --non-interactive --color never
    echo
    echo "demo: outputs (secrets masked; add --show-secrets to see them):"
    pulumi stack output --color never
    echo
    echo "demo: the stack is up. Run 'npm run demo -- destroy' (or 'bash scripts/demo.sh destroy') to tear it down."
    ;;
  preview) pulumi preview --non-interactive --color never ;;
  # --run-program: the provider is configured from the current stack config (a rotated credential is seen).
  refresh) pulumi refresh --yes --run-program --non-interactive --color never ;;
  output) pulumi stack output --color never ;;
  destroy)
    # --remove also deletes the stack and its config file (Pulumi.demo.yaml).
    pulumi destroy --yes --remove --run-program --non-interactive --color never
    kill "$EMULATOR_PID" 2>/dev/null || true
    wait "$EMULATOR_PID" 2>/dev/null || true
    rm -rf "$DEMO"
    echo "demo: destroyed, and .demo/ removed."
    ;;
  *) echo "usage: bash scripts/demo.sh [up|preview|refresh|output|destroy]" >&2; exit 2 ;;
esac
