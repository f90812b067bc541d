#!/usr/bin/env bash
# Makes the real Pulumi engine available offline and prints its bin folder on stdout (progress goes to stderr).
#
#   1. A `pulumi` on PATH at least as new as the pinned version, with `pulumi-language-nodejs` beside it, is used as is.
#   2. Otherwise the CLI (module github.com/pulumi/pulumi/pkg/v3, pinned in scripts/pulumi-engine/go.mod, the one
#      place the version lives) and our Node.js language host (scripts/pulumi-engine/langhost) are built from Go
#      modules into .tools/pulumi/<version>/bin. A stamp makes a second run a no-op in well under a second.
#   3. The dynamic-provider launcher is copied from node_modules/@pulumi/pulumi (run npm install first).
# The folder is also written to .tools/pulumi/current-bin for the test helpers.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ENGINE_DIR="$ROOT/scripts/pulumi-engine"
VERSION="$(awk '$1 == "github.com/pulumi/pulumi/pkg/v3" { sub(/^v/, "", $2); print $2 }' "$ENGINE_DIR/go.mod" | head -n1)"
[[ -n "$VERSION" ]] || { echo "ensure-pulumi: cannot read the pinned Pulumi version from $ENGINE_DIR/go.mod" >&2; exit 1; }
LAUNCHER_SRC="$ROOT/node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs"
mkdir -p "$ROOT/.tools/pulumi"

log() { echo "ensure-pulumi: $*" >&2; }

version_at_least() { # $1 >= $2 (dotted numbers)
  [[ "$(printf '%s\n%s\n' "$1" "$2" | sort -V | head -n1)" == "$2" ]]
}

# 1. A suitable pulumi on PATH.
if [[ "${PULUMI_CAMUNDA_BUILD_ENGINE:-}" != "1" ]] && command -v pulumi >/dev/null 2>&1; then
  SYS_BIN="$(dirname "$(command -v pulumi)")"
  SYS_VERSION="$(pulumi version 2>/dev/null | sed 's/^v//' || true)"
  case "$SYS_BIN" in "$ROOT"/.tools/*) SYS_VERSION="";; esac
  if [[ -n "$SYS_VERSION" ]] && version_at_least "$SYS_VERSION" "$VERSION" && [[ -x "$SYS_BIN/pulumi-language-nodejs" ]]; then
    if [[ ! -x "$SYS_BIN/pulumi-resource-pulumi-nodejs" ]] && ! command -v pulumi-resource-pulumi-nodejs >/dev/null 2>&1; then
      log "warning: pulumi-resource-pulumi-nodejs is not on PATH; dynamic resources need it"
    fi
    echo "$SYS_BIN" > "$ROOT/.tools/pulumi/current-bin"
    log "using pulumi $SYS_VERSION from $SYS_BIN"
    echo "$SYS_BIN"
    exit 0
  fi
fi

# 2. Build from Go modules.
BIN="$ROOT/.tools/pulumi/$VERSION/bin"
STAMP="$BIN/.stamp"
WANT_STAMP="$VERSION $(cat "$ENGINE_DIR/go.mod" "$ENGINE_DIR/go.sum" "$ENGINE_DIR/langhost/main.go" | cksum | cut -d' ' -f1)"
if [[ ! -f "$STAMP" || "$(cat "$STAMP")" != "$WANT_STAMP" || ! -x "$BIN/pulumi" || ! -x "$BIN/pulumi-language-nodejs" ]]; then
  if ! command -v go >/dev/null 2>&1; then
    [[ -x /usr/local/go/bin/go ]] && export PATH="/usr/local/go/bin:$PATH"
  fi
  command -v go >/dev/null 2>&1 || {
    echo "ensure-pulumi: no 'pulumi' (>= $VERSION, with pulumi-language-nodejs) on PATH and no Go toolchain to build it." >&2
    echo "ensure-pulumi: install Go >= 1.25 (https://go.dev/doc/install) or the Pulumi CLI, then run this again." >&2
    exit 1
  }
  mkdir -p "$BIN"
  log "building Pulumi CLI v$VERSION and the Node.js language host from Go modules into $BIN"
  log "(a cold build downloads ~330 modules and takes 5-25 minutes; Go's module and build caches make the next one take seconds)"
  start=$(date +%s)
  (
    cd "$ENGINE_DIR"
    export CGO_ENABLED=0 GOFLAGS=-mod=mod
    log "go mod download ..."
    go mod download
    log "go build pulumi ..."
    go build -trimpath -tags osusergo,grpcnotrace \
      -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$VERSION" \
      -o "$BIN/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
    log "go build pulumi-language-nodejs ..."
    go build -trimpath -ldflags "-s -w -X main.version=$VERSION" -o "$BIN/pulumi-language-nodejs" ./langhost
  ) >&2
  "$BIN/pulumi" version >/dev/null
  echo "$WANT_STAMP" > "$STAMP"
  log "built in $(( $(date +%s) - start )) s"
fi

# 3. The dynamic-provider launcher ships inside @pulumi/pulumi.
if [[ ! -f "$LAUNCHER_SRC" ]]; then
  echo "ensure-pulumi: $LAUNCHER_SRC is missing: run 'npm ci' first" >&2
  exit 1
fi
if ! cmp -s "$LAUNCHER_SRC" "$BIN/pulumi-resource-pulumi-nodejs" 2>/dev/null; then
  cp "$LAUNCHER_SRC" "$BIN/pulumi-resource-pulumi-nodejs"
  chmod 0755 "$BIN/pulumi-resource-pulumi-nodejs"
fi
echo "$BIN" > "$ROOT/.tools/pulumi/current-bin"
echo "$BIN"
