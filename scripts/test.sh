#!/usr/bin/env bash
# Every test: unit, pane snapshots, --once integration and pseudo-terminal end to end,
# all against a local moto server that each test starts itself.
#   scripts/test.sh [cargo test args...]
# TOADTOP_VENV picks the virtualenv (default <repo>/.venv); it is created if missing.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
"$repo/scripts/venv.sh"
export TOADTOP_PYTHON="${TOADTOP_VENV:-$repo/.venv}/bin/python"
# A developer's AWS settings must not steer the tests (they pass their own).
unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_ENDPOINT_URL AWS_SESSION_TOKEN
# --all-targets also runs each benchmark once, so benches cannot rot.
cargo test --locked --all-targets --no-fail-fast "$@"
