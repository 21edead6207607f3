#!/usr/bin/env bash
# The README's pictures, assets/*.svg, made again from the real toadtop:
#   scripts/screenshots.sh
# Builds the debug binary, starts the seeded test server (as the tests do: moto plus
# scripts/testbed/server.py, seed.py, and scripts/testbed/demo_logs.py's log traffic),
# runs toadtop in a pseudo-terminal 120 columns wide (resized to each screen's height)
# with a throwaway HOME, presses keys as a person would (never confirming the deploy),
# and writes each screen with its colours as SVG
# (tests/screenshots.rs, capture_the_readme_screens; the writer is tests/support/svg.rs).
# Times and ports in the header differ from run to run. TOADTOP_VENV as in scripts/venv.sh.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
"$repo/scripts/venv.sh"
export TOADTOP_PYTHON="${TOADTOP_VENV:-$repo/.venv}/bin/python"
# A developer's AWS settings must not reach the pictures (the tests pass their own).
unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_ENDPOINT_URL AWS_SESSION_TOKEN AWS_CONFIG_FILE AWS_SHARED_CREDENTIALS_FILE
export TOADTOP_SCREENSHOTS_DIR="$repo/assets"
cargo test --locked --test screenshots -- --exact capture_the_readme_screens --nocapture
# The committed pictures' own test: present, small, showing the screens, in the README.
cargo test --locked --test screenshots -- --exact the_readme_pictures_exist_are_small_and_show_the_real_screens
