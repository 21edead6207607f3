#!/usr/bin/env bash
# Run toadtop against a local, seeded moto server.
#   scripts/demo.sh [toadtop args...]
# TOADTOP_BIN=/path/to/toadtop uses a prebuilt binary instead of `cargo run` (a debug build shares the test build cache; cold it takes ~7 min).
# TOADTOP_SEED_ARGS: extra seed.py flags, e.g. "--fleet large" (500 services, 5,000 tasks).
# TOADTOP_VENV as in scripts/venv.sh. Server log and seed summary go to a temp dir
# (printed on stderr); the server is killed on exit.
# While the demo runs, scripts/testbed/demo_logs.py writes Laravel log lines (requests,
# now and then a WARNING or an ERROR with its stack trace, queue jobs) to production's web
# and worker streams about once a second, so the log pane (`l`) shows live tail with lines
# arriving; it stops with the demo. TOADTOP_DEMO_LOGS=0 leaves the logs as seeded.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$repo/scripts/venv.sh"
py="${TOADTOP_VENV:-$repo/.venv}/bin/python"

# Dummy credentials for server, seed and toadtop alike; a real profile must not leak in.
unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_SESSION_TOKEN AWS_ENDPOINT_URL
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1

tmp="$(mktemp -d "${TMPDIR:-/tmp}/toadtop-demo.XXXXXX")"
port="$("$py" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
endpoint="http://127.0.0.1:$port"

"$py" "$repo/scripts/testbed/server.py" --host 127.0.0.1 --port "$port" >"$tmp/server.log" 2>&1 &
server_pid=$!
trap 'kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true' EXIT
trap 'exit 130' INT TERM

# Wait (up to ~15 s) for the socket; fail early if the server died.
for _ in $(seq 150); do
  if "$py" -c 'import socket,sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 0.2).close()' "$port" 2>/dev/null; then
    break
  fi
  kill -0 "$server_pid" 2>/dev/null || { cat "$tmp/server.log" >&2; echo "demo.sh: server died" >&2; exit 1; }
  sleep 0.1
done

# shellcheck disable=SC2086 # TOADTOP_SEED_ARGS is a list of seed.py flags
"$py" "$repo/scripts/testbed/seed.py" --endpoint "$endpoint" --quiet ${TOADTOP_SEED_ARGS:-} >"$tmp/summary.json"
echo "demo.sh: moto at $endpoint; server log and seed summary in $tmp" >&2

if [[ "${TOADTOP_DEMO_LOGS:-1}" != 0 ]]; then
  "$py" "$repo/scripts/testbed/demo_logs.py" --endpoint "$endpoint" --summary "$tmp/summary.json" \
    2>"$tmp/demo_logs.log" &
  logs_pid=$!
  echo "$logs_pid" >"$tmp/demo_logs.pid"
  trap 'kill "$logs_pid" "$server_pid" 2>/dev/null || true; wait "$logs_pid" "$server_pid" 2>/dev/null || true' EXIT
fi

if [[ -n "${TOADTOP_BIN:-}" ]]; then
  "$TOADTOP_BIN" --endpoint-url "$endpoint" "$@"
else
  (cd "$repo" && cargo run --quiet -- --endpoint-url "$endpoint" "$@")
fi
