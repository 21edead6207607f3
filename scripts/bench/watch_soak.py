#!/usr/bin/env python3
"""Soak of `toadtop watch`: memory and CPU over a run at a short interval.

    TOADTOP_PYTHON=~/.cache/toadtop/venv/bin/python TOADTOP_BIN=target/debug/toadtop \\
        $TOADTOP_PYTHON scripts/bench/watch_soak.py [--minutes 5] [--interval 1s] \\
        [--fleet large] [--deploy-every 30] [--out DIR]

1. Starts scripts/testbed/server.py and seeds it (the default fleet, or `--fleet large`).
2. Runs `toadtop watch --interval 1s --output json`, stdout to events.jsonl.
3. Every --deploy-every seconds forces a new deployment of production/web (the server
   completes it after a few DescribeServices), so deployments appear, complete and are
   forgotten all the time: the tracker's add and remove paths, not only a steady state.
4. Every --every seconds: VmRSS and utime+stime -> watch_soak.csv.
Writes watch_soak.csv and summary.json into --out and prints the summary.
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import testbed  # noqa: E402


def slope_kib_per_min(points: list[tuple[float, int]]) -> float:
    """Least-squares slope of (seconds, KiB), per minute."""
    n = len(points)
    if n < 2:
        return 0.0
    mx = sum(p[0] for p in points) / n
    my = sum(p[1] for p in points) / n
    num = sum((x - mx) * (y - my) for x, y in points)
    den = sum((x - mx) ** 2 for x, _ in points) or 1.0
    return num / den * 60


def force_deployment(endpoint: str) -> None:
    code = (
        "import boto3\n"
        f"ecs = boto3.client('ecs', endpoint_url={endpoint!r}, region_name='us-east-1',"
        " aws_access_key_id='test', aws_secret_access_key='test')\n"
        "ecs.update_service(cluster='production', service='web', forceNewDeployment=True)\n"
    )
    subprocess.run([testbed.PYTHON, "-c", code], env=testbed.ENV, check=True, capture_output=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--minutes", type=float, default=5)
    ap.add_argument("--interval", default="1s")
    ap.add_argument("--fleet", default=None, help="seed.py --fleet (e.g. large)")
    ap.add_argument("--deploy-every", type=float, default=30)
    ap.add_argument("--every", type=float, default=5)
    ap.add_argument("--warmup-minutes", type=float, default=1)
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="toadtop-watch-soak-"))
    out.mkdir(parents=True, exist_ok=True)
    seed = ["--fleet", args.fleet] if args.fleet else []
    server = testbed.Server(seed, out / "server.log")
    home = Path(tempfile.mkdtemp(prefix="toadtop-watch-home-"))
    env = dict(testbed.ENV, HOME=str(home), XDG_CONFIG_HOME=str(home / "config"),
               XDG_DATA_HOME=str(home / "data"))
    events = open(out / "events.jsonl", "w")
    proc = subprocess.Popen([testbed.toadtop_bin(), "--endpoint-url", server.endpoint, "watch",
                             "--interval", args.interval, "--output", "json"],
                            stdout=events, stderr=open(out / "stderr.txt", "w"), env=env)
    samples: list[tuple[float, int, float]] = []
    started = time.monotonic()
    next_deploy = started + args.deploy_every
    deploys = 0
    try:
        while time.monotonic() - started < args.minutes * 60:
            if proc.poll() is not None:
                sys.exit(f"toadtop watch exited {proc.returncode}; see {out}/stderr.txt")
            t = time.monotonic() - started
            rss = testbed.rss_kib(proc.pid)
            if rss > 1024:  # not before the binary itself is mapped
                samples.append((t, rss, testbed.cpu_seconds(proc.pid)))
            if time.monotonic() >= next_deploy:
                force_deployment(server.endpoint)
                deploys += 1
                next_deploy += args.deploy_every
            time.sleep(args.every)
    finally:
        proc.terminate()
        code = proc.wait(10)
        events.close()
        server.stop()
    with open(out / "watch_soak.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["seconds", "rss_kib", "cpu_seconds"])
        w.writerows(samples)
    lines = (out / "events.jsonl").read_text().splitlines()
    kinds: dict[str, int] = {}
    for line in lines:
        e = json.loads(line)
        kinds[e["event"]] = kinds.get(e["event"], 0) + 1
    warm = [(t, r) for t, r, _ in samples if t >= args.warmup_minutes * 60]
    summary = {
        "binary": testbed.toadtop_bin(),
        "minutes": args.minutes,
        "interval": args.interval,
        "fleet": args.fleet or "default",
        "samples": len(samples),
        "rss_start_mib": round(samples[0][1] / 1024, 1),
        "rss_after_warmup_mib": round(warm[0][1] / 1024, 1) if warm else None,
        "rss_end_mib": round(samples[-1][1] / 1024, 1),
        "rss_max_mib": round(max(r for _, r, _ in samples) / 1024, 1),
        "rss_slope_after_warmup_kib_per_min": round(slope_kib_per_min(warm), 1),
        "cpu_percent_mean": round(100 * samples[-1][2] / max(samples[-1][0], 1e-9), 2),
        "forced_deployments": deploys,
        "events": kinds,
        "exit_code_on_sigterm": code,
        "out": str(out),
    }
    (out / "summary.json").write_text(json.dumps(summary, indent=2))
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
