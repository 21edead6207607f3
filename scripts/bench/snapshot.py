#!/usr/bin/env python3
"""Fleet snapshot: `toadtop --once --output json` vs the AWS CLI and boto3 doing the same.

    $TOADTOP_PYTHON scripts/bench/snapshot.py [--fleet normal|large] [--latency-ms 0]
        [--runs 3] [--cli-runs 1] [--aws /usr/bin/aws] [--out DIR]

One seeded test server for all tools. Per tool: wall time (best of --runs; the CLI, one
process per call, gets --cli-runs), and the AWS requests the server answered for it
(counted at the server, GET /_toadtop/requests), split into the ECS reads all tools make
and the rest (toadtop also reads ECR scan findings and CloudWatch metrics). toadtop's own
`--stats` line is kept too. --latency-ms makes the server wait that long per request, like
a round trip to a region (TOADTOP_LATENCY_MS); 0 measures client + moto CPU alone.

toadtop keeps task-definition revisions and findings on disk (TOADTOP_CACHE_DIR): the
tool `toadtop` runs cold (an empty cache dir before every run), `toadtop-warm` runs
with the cache a first, unmeasured run filled (the second `--once` of a cron job).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import testbed  # noqa: E402

ECS = "AmazonEC2ContainerServiceV20141113."


def run_tool(server: testbed.Server, cmd: list[str], runs: int, env: dict[str, str],
             cache: str | None = None) -> dict[str, Any]:
    """cache: "cold" empties env's TOADTOP_CACHE_DIR before each run; "warm" fills it once
    with an unmeasured run first."""
    best: dict[str, Any] | None = None
    walls = []
    if cache:
        shutil.rmtree(env["TOADTOP_CACHE_DIR"], ignore_errors=True)
    if cache == "warm":
        subprocess.run(cmd, env=env, capture_output=True, text=True, check=True)
    for _ in range(runs):
        if cache == "cold":
            shutil.rmtree(env["TOADTOP_CACHE_DIR"], ignore_errors=True)
        server.reset_requests()
        started = time.monotonic()
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
        wall = time.monotonic() - started
        if proc.returncode != 0:
            sys.exit(f"{cmd[0]} failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
        counts = server.requests()
        walls.append(round(wall, 3))
        if best is None or wall < best["wall_s"]:
            ecs = {k[len(ECS):]: v for k, v in counts.items() if k.startswith(ECS)}
            best = {"wall_s": round(wall, 3), "ecs_calls": sum(ecs.values()),
                    "all_calls": sum(counts.values()), "ecs": ecs,
                    "other": {k: v for k, v in counts.items() if not k.startswith(ECS)},
                    "stdout_bytes": len(proc.stdout),
                    "stats": next((line for line in proc.stderr.splitlines() if line.startswith("api calls:")), None),
                    "cache": next((line for line in proc.stderr.splitlines() if line.startswith("cache:")), None)}
    assert best is not None
    best["walls_s"] = walls
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--fleet", choices=["normal", "large"], default="normal")
    ap.add_argument("--latency-ms", type=int, default=0)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--cli-runs", type=int, default=1)
    ap.add_argument("--aws", default=os.environ.get("AWS", "aws"), help="AWS CLI executable")
    ap.add_argument("--tools", default="toadtop,toadtop-warm,boto3,awscli")
    ap.add_argument("--out", type=Path, default=Path("bench-out"))
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    seed = ["--fleet", "large"] if args.fleet == "large" else []
    server = testbed.Server(seed, args.out / f"server-{args.fleet}.log",
                            extra_env={"TOADTOP_LATENCY_MS": str(args.latency_ms)})
    # No config, remembered state or cache from the user.
    env = dict(testbed.ENV, HOME=str(args.out), TOADTOP_CACHE_DIR=str(args.out / "cache"))
    result: dict[str, Any] = {"fleet": args.fleet, "latency_ms": args.latency_ms,
                              "seed_seconds": round(server.seed_seconds, 1), "load_before": os.getloadavg()}
    once = ["--endpoint-url", server.endpoint, "--once", "--output", "json", "--stats"]
    # (command, runs, cache mode)
    tools = {
        # Another build to compare with (before/after a change): TOADTOP_BIN_BEFORE.
        "toadtop-before": ([os.environ.get("TOADTOP_BIN_BEFORE", "toadtop-before"), *once], args.runs, "cold"),
        "toadtop": ([testbed.toadtop_bin(), *once], args.runs, "cold"),
        "toadtop-warm": ([testbed.toadtop_bin(), *once], args.runs, "warm"),
        "boto3": ([testbed.PYTHON, str(testbed.REPO / "scripts/bench/snapshot_boto3.py"), server.endpoint],
                  args.runs, None),
        "awscli": ([str(testbed.REPO / "scripts/bench/snapshot_awscli.sh"), server.endpoint], args.cli_runs, None),
    }
    try:
        for name in args.tools.split(","):
            cmd, runs, cache = tools[name]
            print(f"snapshot: {name} x{runs} ({args.fleet}, {args.latency_ms} ms)", file=sys.stderr)
            result[name] = run_tool(server, cmd, runs, dict(env, AWS=args.aws), cache)
            print(f"  {result[name]['wall_s']} s, {result[name]['ecs_calls']} ECS calls "
                  f"({result[name]['all_calls']} in all)", file=sys.stderr)
    finally:
        server.stop()
    result["load_after"] = os.getloadavg()
    base = result.get("toadtop", {}).get("wall_s")
    if base:
        result["ratios"] = {name: round(result[name]["wall_s"] / base, 1)
                            for name in ("toadtop-before", "toadtop-warm", "boto3", "awscli") if name in result}
    boto3 = result.get("boto3", {}).get("wall_s")
    if boto3:
        # The goals of issue 13 are put as toadtop's wall over the boto3 script's.
        result["of_boto3"] = {name: round(result[name]["wall_s"] / boto3, 3)
                              for name in ("toadtop-before", "toadtop", "toadtop-warm") if name in result}
    path = args.out / f"snapshot-{args.fleet}-{args.latency_ms}ms.json"
    path.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
