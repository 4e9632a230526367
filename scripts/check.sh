#!/usr/bin/env bash
# The whole proof, as CI runs it: static checks, then real components up, then unit,
# integration and e2e tests against them, then components down (always).
# Run through `npm run check` so node_modules/.bin (Node 24) leads PATH.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

step() { printf '\n==> %s\n' "$*"; }

node_version="$(node --version)"
case "$node_version" in
  v24.*) ;;
  *) echo "expected the project's Node 24 first on PATH, got $node_version (run through npm run check)" >&2; exit 1 ;;
esac

step "typecheck";  npm run -s typecheck
step "lint";       npm run -s lint
step "format";     npm run -s format:check
step "generated";  npm run -s gen:check

started_here=0
cleanup() { if (( started_here )); then step "infra down"; bash infra/local/down || true; fi; }
trap cleanup EXIT

step "infra up"
if ! bash infra/local/status >/dev/null 2>&1; then started_here=1; fi
bash infra/local/up
bash infra/local/status

step "tests (unit, integration, e2e)"
npx vitest run --project unit --project integration --project e2e
