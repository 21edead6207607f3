#!/usr/bin/env python3
"""Log follow end to end: `toadtop logs --follow` vs `aws logs tail --follow`.

    $TOADTOP_PYTHON scripts/bench/logs_follow.py [--lines 20000] [--batch 1000]
        [--aws /usr/bin/aws] [--runs 1] [--out DIR]

One seeded test server. For each tool: start it following production's worker (one
stream, the running worker task's php container), wait until its backfill is printed,
then a writer puts --lines numbered lines into that stream as fast as the server takes
them (PutLogEvents of --batch events). Measured from the first write: when the last line
appears on the tool's stdout, lines/s end to end, and the AWS requests the tool made
(counted at the server). `aws logs tail` needs AWS CLI v2 (v1 has no `logs tail`).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import testbed  # noqa: E402

GROUP = "/ecs/laravel-production"
BACKFILL = "Processing jobs from the"  # a seeded worker line: the backfill is on screen


def follow(server: testbed.Server, name: str, cmd: list[str], stream: str, lines: int, batch: int,
           env: dict[str, str], timeout: float) -> dict[str, Any]:
    import boto3

    client = boto3.client("logs", endpoint_url=server.endpoint, region_name="us-east-1",
                          aws_access_key_id="test", aws_secret_access_key="test")
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, bufsize=1)
    seen: dict[int, float] = {}
    ready = threading.Event()
    done = threading.Event()
    last = f"bench-line-{lines:07d}"

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            if BACKFILL in line:
                ready.set()
            at = line.find("bench-line-")
            if at >= 0:
                seen[int(line[at + 11:at + 18])] = time.monotonic()
                if last in line:
                    done.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    if not ready.wait(60):
        proc.kill()
        sys.exit(f"{name}: no backfill within 60 s: {proc.stderr.read() if proc.stderr else ''}")
    time.sleep(2)  # settled into following
    server.reset_requests()
    t0 = time.monotonic()
    n = 0
    while n < lines:
        ms = int(time.time() * 1000)
        events = [{"timestamp": ms, "message": f"[bench] production.INFO: bench-line-{i:07d} payload {i % 97}"}
                  for i in range(n + 1, min(n + batch, lines) + 1)]
        client.put_log_events(logGroupName=GROUP, logStreamName=stream, logEvents=events)
        n += len(events)
    written = time.monotonic() - t0
    finished = done.wait(timeout)
    counts = server.requests()
    proc.terminate()
    try:
        proc.wait(5)
    except subprocess.TimeoutExpired:
        proc.kill()
    got = len(seen)
    end = max(seen.values()) if seen else time.monotonic()
    first = min(seen.values()) if seen else end
    tool_calls = {k.split(".")[-1]: v for k, v in counts.items() if not k.endswith("PutLogEvents")}
    return {"lines": lines, "shown": got, "complete": finished and got == lines,
            "write_s": round(written, 2), "first_line_s": round(first - t0, 2),
            "last_line_s": round(end - t0, 2),
            "lines_per_s": round(got / (end - t0), 0) if end > t0 else None,
            "calls": tool_calls}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lines", type=int, default=20000)
    ap.add_argument("--batch", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--timeout", type=float, default=180)
    ap.add_argument("--aws", default=os.environ.get("AWS", "aws"))
    ap.add_argument("--tools", default="toadtop,awscli")
    ap.add_argument("--out", type=Path, default=Path("bench-out"))
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    result: dict[str, Any] = {"lines": args.lines, "batch": args.batch, "load_before": os.getloadavg()}
    env = dict(testbed.ENV, HOME=str(args.out))
    for name in args.tools.split(","):
        for run in range(args.runs):
            # A fresh server per run: every run starts from the same stream contents.
            server = testbed.Server([], args.out / "server-logs.log")
            try:
                worker = server.summary["clusters"]["production"]["services"]["worker"]
                task = next(t["id"] for t in worker["tasks"] if t["desiredStatus"] == "RUNNING")
                stream = f"worker/php/{task}"
                follow_args = ["--endpoint-url", server.endpoint, "logs", "--cluster", "production",
                               "--service", "worker", "--task", task, "--since", "10m", "--follow"]
                cmd = {
                    "toadtop": [testbed.toadtop_bin(), *follow_args],
                    # Another build to compare with (before/after a change).
                    "toadtop-before": [os.environ.get("TOADTOP_BIN_BEFORE", "toadtop-before"), *follow_args],
                    "awscli": [args.aws, "--endpoint-url", server.endpoint, "logs", "tail", GROUP,
                               "--log-stream-names", stream, "--since", "10m", "--follow", "--format", "short"],
                }[name]
                r = follow(server, name, cmd, stream, args.lines, args.batch, env, args.timeout)
            finally:
                server.stop()
            print(f"logs: {name} run {run + 1}: {r}", file=sys.stderr)
            if name not in result or (r["complete"], -r["last_line_s"]) > (
                    result[name]["complete"], -result[name]["last_line_s"]):
                result[name] = r
    result["load_after"] = os.getloadavg()
    if "toadtop" in result and "awscli" in result:
        result["ratio_last_line"] = round(result["awscli"]["last_line_s"] / result["toadtop"]["last_line_s"], 1)
    (args.out / "logs-follow.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
