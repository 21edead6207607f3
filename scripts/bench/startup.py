#!/usr/bin/env python3
"""Startup to first frame: spawn the TUI in a pseudo-terminal (120x40) and time until
the first bytes arrive (alternate screen, first draw) and until the cluster list is on
screen (a cluster name in the output). Best of --runs; also --once's peak RSS.

    $TOADTOP_PYTHON scripts/bench/startup.py [--fleet normal|large] [--runs 5] [--out DIR]
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import select
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import testbed  # noqa: E402


def first_frame(cmd: list[str], env: dict[str, str], marker: bytes, timeout: float = 60) -> dict[str, float]:
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    started = time.monotonic()
    proc = subprocess.Popen(cmd, env=env, stdin=slave, stdout=slave, stderr=slave, start_new_session=True)
    os.close(slave)
    out = b""
    first = shown = None
    try:
        while shown is None and time.monotonic() - started < timeout:
            ready, _, _ = select.select([master], [], [], 0.05)
            if not ready:
                continue
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            first = first or time.monotonic()
            out += chunk
            if marker in out:
                shown = time.monotonic()
        os.write(master, b"q")
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(master)
    if shown is None or first is None:
        sys.exit(f"no {marker!r} on screen within {timeout}s")
    return {"first_output_s": round(first - started, 3), "clusters_shown_s": round(shown - started, 3)}


def peak_rss_once(cmd: list[str], env: dict[str, str]) -> dict[str, Any]:
    """Peak RSS (KiB) of --once, from wait4's rusage."""
    started = time.monotonic()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    return {"wall_s": round(time.monotonic() - started, 3), "max_rss_mib": round(usage.ru_maxrss / 1024, 1),
            "cpu_s": round(usage.ru_utime + usage.ru_stime, 2), "exit": os.waitstatus_to_exitcode(status)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--fleet", choices=["normal", "large"], default="normal")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--out", type=Path, default=Path("bench-out"))
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    server = testbed.Server(["--fleet", "large"] if args.fleet == "large" else [],
                            args.out / f"server-startup-{args.fleet}.log")
    env = dict(testbed.ENV, HOME=str(args.out / "home"), TERM="xterm-256color")
    binary = testbed.toadtop_bin()
    result: dict[str, Any] = {"fleet": args.fleet, "load_before": os.getloadavg(),
                              "binary_bytes": os.path.getsize(binary)}
    try:
        runs = [first_frame([binary, "--endpoint-url", server.endpoint], env, b"staging")
                for _ in range(args.runs)]
        result["runs"] = runs
        result["best"] = {k: min(r[k] for r in runs) for k in runs[0]}
        result["once"] = min((peak_rss_once([binary, "--endpoint-url", server.endpoint, "--once", "--output", "json"],
                                            env) for _ in range(3)), key=lambda r: r["wall_s"])
    finally:
        server.stop()
    result["load_after"] = os.getloadavg()
    (args.out / f"startup-{args.fleet}.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
