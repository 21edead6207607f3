"""Shared by the benchmark scripts: start the test server, seed it, find the binary.

Not a test helper (tests use tests/support/mod.rs); these scripts are run by hand, see
BENCHMARKS.md "How to reproduce".
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
PYTHON = os.environ.get("TOADTOP_PYTHON", sys.executable)

# Dummy credentials for everything the benchmarks start; a real profile must not leak in.
ENV = {k: v for k, v in os.environ.items()
       if k not in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL")}
ENV.update(AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test", AWS_REGION="us-east-1",
           AWS_DEFAULT_REGION="us-east-1", AWS_PAGER="", AWS_EC2_METADATA_DISABLED="true")


def toadtop_bin() -> str:
    """TOADTOP_BIN, else the release binary of CARGO_TARGET_DIR (or ./target)."""
    if os.environ.get("TOADTOP_BIN"):
        return os.environ["TOADTOP_BIN"]
    target = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
    path = target / "release" / "toadtop"
    if not path.exists():
        sys.exit(f"{path} missing: run `cargo build --release` (or set TOADTOP_BIN)")
    return str(path)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """scripts/testbed/server.py on a free port, seeded; stopped by `stop()`."""

    def __init__(self, seed_args: list[str], log: Path, extra_env: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        env = dict(ENV, **(extra_env or {}))
        self.log = open(log, "w")
        self.proc = subprocess.Popen([PYTHON, str(REPO / "scripts/testbed/server.py"), "--port", str(self.port)],
                                     stdout=self.log, stderr=subprocess.STDOUT, env=env)
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), 0.2).close()
                break
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    sys.exit(f"server did not start, see {log}")
                time.sleep(0.1)
        started = time.monotonic()
        out = subprocess.run([PYTHON, str(REPO / "scripts/testbed/seed.py"), "--endpoint", self.endpoint,
                              "--quiet", *seed_args], env=env, check=True, capture_output=True, text=True)
        self.seed_seconds = time.monotonic() - started
        self.summary: dict[str, Any] = json.loads(out.stdout)

    def requests(self) -> dict[str, int]:
        """Requests per operation the server has answered (GET /_toadtop/requests)."""
        with urllib.request.urlopen(f"{self.endpoint}/_toadtop/requests") as resp:
            return json.load(resp)

    def reset_requests(self) -> None:
        req = urllib.request.Request(f"{self.endpoint}/_toadtop/requests", data=b"{}", method="POST")
        urllib.request.urlopen(req).read()

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process, in seconds (/proc/PID/stat fields 14 and 15)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0
