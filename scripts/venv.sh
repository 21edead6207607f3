#!/usr/bin/env bash
# Create/refresh the Python venv for the moto test bed.
#   scripts/venv.sh            -> venv at ${TOADTOP_VENV:-<repo>/.venv}
# Installs scripts/testbed/requirements.txt only when it changed since the last install
# (sha256 stamp kept inside the venv). Silent unless it creates or installs something.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${TOADTOP_VENV:-$repo/.venv}"
req="$repo/scripts/testbed/requirements.txt"
stamp="$venv/.toadtop-requirements.sha256"

if [[ ! -x "$venv/bin/python" ]]; then
  echo "venv.sh: creating $venv" >&2
  python3 -m venv "$venv"
fi

want="$(sha256sum "$req" | cut -d' ' -f1)"
if [[ "$(cat "$stamp" 2>/dev/null || true)" != "$want" ]]; then
  echo "venv.sh: installing $req into $venv" >&2
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$req"
  echo "$want" > "$stamp"
fi
