#!/usr/bin/env python3
"""Peak memory of a large log backfill: `toadtop logs --since 2h` over one stream holding
N events of SIZE bytes (default 40,000 x 5 kB = 200 MB), measured with /usr/bin/time -v.

    TOADTOP_BIN=path/to/toadtop python scripts/bench/backfill_memory.py [--events N] [--size B]
        [--bin OTHER_BINARY ...]

Each binary runs twice against the same seeded server (stdout to /dev/null); the table
gives each run's peak RSS, wall time and FilterLogEvents calls.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import tempfile
import time
from pathlib import Path

import boto3

from testbed import ENV, Server, toadtop_bin

GROUP = "/ecs/laravel-production"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--events", type=int, default=40_000)
    ap.add_argument("--size", type=int, default=5_000)
    ap.add_argument("--bin", action="append", default=[])
    args = ap.parse_args()
    bins = args.bin or [toadtop_bin()]
    tmp = Path(tempfile.mkdtemp(prefix="toadtop-backfill-"))
    server = Server([], tmp / "server.log")
    try:
        task = next(t["id"] for t in server.summary["clusters"]["production"]["services"]["web"]["tasks"]
                    if t["lastStatus"] == "RUNNING")
        logs = boto3.client("logs", endpoint_url=server.endpoint, region_name="us-east-1",
                            aws_access_key_id="test", aws_secret_access_key="test")
        stream = f"web/php/{task}"
        base = int(time.time() * 1000) - 3_600_000
        pad = "x" * max(0, args.size - 40)
        batch = max(1, 900_000 // args.size)  # under PutLogEvents' 1 MB
        for start in range(0, args.events, batch):
            logs.put_log_events(logGroupName=GROUP, logStreamName=stream, logEvents=[
                {"timestamp": base + i, "message": f"[2026-11-26 07:00:00] production.INFO: line-{i:06d} {pad}"}
                for i in range(start, min(args.events, start + batch))])
        print(f"{args.events} events of {args.size} bytes in {stream}")
        print("| binary | run | peak RSS | wall | FilterLogEvents calls | lines out |")
        print("|---|---|---|---|---|---|")
        for b in bins:
            for run in (1, 2):
                server.reset_requests()
                cmd = ["/usr/bin/time", "-v", b, "--endpoint-url", server.endpoint, "logs", "--cluster",
                       "production", "--service", "web", "--task", task, "--container", "php",
                       "--since", "2h"]
                started = time.monotonic()
                out = subprocess.run(cmd, env=ENV, capture_output=True, text=True)
                wall = time.monotonic() - started
                rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", out.stderr).group(1))
                calls = sum(v for k, v in server.requests().items() if k.endswith("FilterLogEvents"))
                lines = out.stdout.count("line-")
                print(f"| {Path(b).name} | {run} | {rss / 1024:.0f} MiB | {wall:.1f} s | {calls} | {lines} |")
    finally:
        server.stop()


if __name__ == "__main__":
    main()
