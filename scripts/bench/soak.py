#!/usr/bin/env python3
"""Soak: the release TUI against the large fleet, auto refresh and a following log pane.

    TOADTOP_PYTHON=~/.cache/toadtop/venv/bin/python CARGO_TARGET_DIR=... \\
        $TOADTOP_PYTHON scripts/bench/soak.py [--minutes 30] [--idle-minutes 4] [--out DIR]

1. Starts scripts/testbed/server.py, seeds `--fleet large` (13 clusters, 507 services,
   5,000+ tasks).
2. Runs toadtop in tmux (private socket, 120x40) with `--refresh 2`; opens `:alerts` once
   so every cluster's detail is loaded and held, then fleet-00 › app-000 › logs.
3. A writer puts --lines-per-sec log events (one PutLogEvents a second) into one of
   app-000's streams, so the pane follows new lines all the time; the pane's ring buffer
   (50,000 records) fills after 50,000 / rate seconds and then evicts.
4. Every --every seconds: VmRSS and utime+stime of toadtop -> soak.csv.
5. Idle: a fresh toadtop with the default refresh (10 s) and no log traffic, first on the
   fleet-00 services pane, then with app-001's log pane open (quiet: polling backs off):
   CPU % of each phase.
Writes soak.csv, idle.csv and summary.json into --out and prints the summary.
"""

from __future__ import annotations

import argparse
import csv
import json
import shlex
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import testbed  # noqa: E402

TMUX = ["tmux", "-L", "toadtop-soak"]  # a private server: other tmux sessions are not touched
ESC = "Escape"


class Tui:
    """toadtop in a detached tmux session; keys in, screen text out."""

    def __init__(self, name: str, args: list[str], home: Path) -> None:
        self.name = name
        env = {**testbed.ENV, "HOME": str(home), "XDG_CONFIG_HOME": str(home / "config"),
               "XDG_DATA_HOME": str(home / "data"), "XDG_STATE_HOME": str(home / "state"),
               "TERM": "xterm-256color"}
        cmd = "exec env -i " + " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items()
                                        if k in ("PATH", "LANG", "LC_ALL") or k.startswith(("AWS_", "XDG_"))
                                        or k in ("HOME", "TERM"))
        cmd += " " + " ".join(shlex.quote(a) for a in [testbed.toadtop_bin(), *args])
        subprocess.run([*TMUX, "new-session", "-d", "-s", name, "-x", "120", "-y", "40", cmd], check=True)
        self.started = time.monotonic()
        pid = subprocess.run([*TMUX, "display-message", "-p", "-t", name, "#{pane_pid}"],
                             check=True, capture_output=True, text=True).stdout.strip()
        self.pid = int(pid)
        comm = Path(f"/proc/{self.pid}/comm").read_text().strip()
        if not comm.startswith("toadtop"):
            raise SystemExit(f"pane process is {comm!r}, not toadtop")

    def screen(self) -> str:
        return subprocess.run([*TMUX, "capture-pane", "-p", "-t", self.name],
                              capture_output=True, text=True).stdout

    def keys(self, *keys: str, literal: bool = False) -> None:
        subprocess.run([*TMUX, "send-keys", "-t", self.name, *(["-l"] if literal else []), *keys], check=True)

    def wait(self, what: str, pred: Any, timeout: float = 120) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            s = self.screen()
            if pred(s):
                return s
            time.sleep(0.05)
        raise SystemExit(f"timed out waiting for {what}; screen:\n{self.screen()}")

    def quit(self) -> None:
        self.keys("q")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and Path(f"/proc/{self.pid}").exists():
            time.sleep(0.1)
        subprocess.run([*TMUX, "kill-session", "-t", self.name], capture_output=True)


def logs_title(screen: str) -> str:
    return next((line.strip() for line in screen.splitlines() if " logs · " in line), "")


class Writer(threading.Thread):
    """One PutLogEvents a second with `rate` Laravel-style lines, until stopped."""

    def __init__(self, endpoint: str, group: str, stream: str, rate: int) -> None:
        super().__init__(daemon=True)
        import boto3

        self.client = boto3.client("logs", endpoint_url=endpoint, region_name="us-east-1",
                                   aws_access_key_id="test", aws_secret_access_key="test")
        self.group, self.stream, self.rate = group, stream, rate
        self.written = 0
        self.stop = threading.Event()

    def run(self) -> None:
        n = 0
        while not self.stop.wait(max(0.0, 1.0 - (time.time() % 1.0))):
            ms = int(time.time() * 1000)
            events = []
            for _ in range(self.rate):
                n += 1
                level = "ERROR" if n % 50 == 0 else "INFO"
                events.append({"timestamp": ms, "message":
                               f"[{time.strftime('%Y-%m-%d %H:%M:%S')}] production.{level}: "
                               f"Order {n} processed {{\"order_id\":{n},\"total\":\"{n % 997}.90\","
                               f"\"customer\":\"c-{n % 1234:04d}\"}}"})
            try:
                self.client.put_log_events(logGroupName=self.group, logStreamName=self.stream,
                                           logEvents=events)
                self.written += len(events)
            except Exception as e:  # the server is busy: skip a second, say so
                print(f"soak: writer: {e}", file=sys.stderr)


def sample(pid: int, t0: float, prev: tuple[float, float] | None) -> tuple[dict[str, Any], tuple[float, float]]:
    now, cpu = time.monotonic(), testbed.cpu_seconds(pid)
    pct = 100 * (cpu - prev[1]) / (now - prev[0]) if prev else 0.0
    return {"t_s": round(now - t0, 1), "rss_kib": testbed.rss_kib(pid), "cpu_s": round(cpu, 2),
            "cpu_pct": round(pct, 1)}, (now, cpu)


def slope_kib_per_min(rows: list[dict[str, Any]]) -> float:
    """Least-squares slope of RSS over time."""
    if len(rows) < 2:
        return 0.0
    xs = [r["t_s"] / 60 for r in rows]
    ys = [r["rss_kib"] for r in rows]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    den = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / den if den else 0.0


def soak(args: argparse.Namespace, server: testbed.Server, home: Path) -> dict[str, Any]:
    """Auto refresh + a following log pane with traffic; RSS and CPU sampled."""
    fleet = server.summary["clusters"]["fleet-00"]["services"]
    stream = f"app-000/php/{fleet['app-000']['tasks'][0]['id']}"
    tui = Tui("soak", ["--endpoint-url", server.endpoint, "--refresh", str(args.refresh)], home)
    tui.wait("the cluster list", lambda s: "fleet-00" in s and "staging" in s)
    tui.keys(":alerts", literal=True)
    tui.keys("Enter")
    time.sleep(15)  # every cluster's detail loads (13 clusters)
    tui.keys(ESC)
    tui.wait("the cluster list again", lambda s: "fleet-00" in s and "staging" in s)
    tui.keys("Enter")
    tui.wait("fleet-00's services", lambda s: "app-000" in s and "app-001" in s)
    tui.keys("l")
    tui.wait("app-000's log pane", lambda s: " logs · " in s)
    writer = Writer(server.endpoint, "/ecs/fleet-00", stream, args.lines_per_sec)
    writer.start()
    rows: list[dict[str, Any]] = []
    t0, prev = time.monotonic(), None
    try:
        with open(args.out / "soak.csv", "w", newline="") as f:
            out = csv.DictWriter(f, ["t_s", "rss_kib", "cpu_s", "cpu_pct", "lines_written", "pane"])
            out.writeheader()
            while True:
                row, prev = sample(tui.pid, t0, prev)
                row["lines_written"] = writer.written
                row["pane"] = logs_title(tui.screen())[:100]
                out.writerow(row)
                f.flush()
                rows.append(row)
                if row["t_s"] >= args.minutes * 60:
                    break
                time.sleep(args.every - (time.monotonic() - t0) % args.every)
    finally:
        writer.stop.set()
    final = tui.screen()
    tui.quit()
    result = summarize(rows, args.warmup_minutes)
    result.update({"minutes": args.minutes, "refresh_secs": args.refresh, "lines_per_sec": args.lines_per_sec,
                   "lines_written": writer.written, "pane_at_end": logs_title(final)})
    print(json.dumps(result, indent=2), file=sys.stderr)
    return result


def summarize(rows: list[dict[str, Any]], warmup_minutes: float) -> dict[str, Any]:
    warm = [r for r in rows if r["t_s"] >= warmup_minutes * 60]
    total_cpu = rows[-1]["cpu_s"] - rows[0]["cpu_s"]
    return {
        "rss_start_mib": round(rows[0]["rss_kib"] / 1024, 1),
        "rss_after_warmup_mib": round(warm[0]["rss_kib"] / 1024, 1) if warm else None,
        "rss_end_mib": round(rows[-1]["rss_kib"] / 1024, 1),
        "rss_max_mib": round(max(r["rss_kib"] for r in rows) / 1024, 1),
        "rss_max_after_warmup_mib": round(max(r["rss_kib"] for r in warm) / 1024, 1) if warm else None,
        "slope_after_warmup_kib_per_min": round(slope_kib_per_min(warm), 1),
        "cpu_pct_mean": round(100 * total_cpu / (rows[-1]["t_s"] - rows[0]["t_s"]), 2),
    }


def idle(args: argparse.Namespace, server: testbed.Server, home: Path) -> dict[str, Any]:
    """Default refresh, no log traffic: CPU % on the services pane, then with a quiet log pane."""
    tui = Tui("idle", ["--endpoint-url", server.endpoint, "--cluster", "fleet-00"], home)
    tui.wait("fleet-00's services", lambda s: "app-000" in s and "app-001" in s)
    time.sleep(15)  # past the first load
    result: dict[str, Any] = {}
    with open(args.out / "idle.csv", "w", newline="") as f:
        out = csv.DictWriter(f, ["phase", "t_s", "rss_kib", "cpu_s", "cpu_pct"])
        out.writeheader()
        for phase in ("services_pane", "quiet_log_pane"):
            if phase == "quiet_log_pane":
                tui.keys("j")
                tui.keys("l")  # app-001: its streams get no new events
                tui.wait("app-001's log pane", lambda s: " logs · " in s)
                time.sleep(10)
            t0, prev = time.monotonic(), None
            rows = []
            while True:
                row, prev = sample(tui.pid, t0, prev)
                rows.append(row)
                out.writerow({"phase": phase, **row})
                if row["t_s"] >= args.idle_minutes * 60:
                    break
                time.sleep(args.every - (time.monotonic() - t0) % args.every)
            result[phase] = {"minutes": args.idle_minutes,
                             "cpu_pct": round(100 * (rows[-1]["cpu_s"] - rows[0]["cpu_s"]) / rows[-1]["t_s"], 2),
                             "rss_mib": round(rows[-1]["rss_kib"] / 1024, 1)}
    tui.quit()
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--minutes", type=float, default=30)
    ap.add_argument("--warmup-minutes", type=float, default=10,
                    help="samples before this are warm-up (buffer filling)")
    ap.add_argument("--idle-minutes", type=float, default=4, help="per idle phase (two phases)")
    ap.add_argument("--every", type=float, default=10, help="seconds between samples")
    ap.add_argument("--lines-per-sec", type=int, default=100)
    ap.add_argument("--refresh", type=int, default=2)
    ap.add_argument("--seed", default="--fleet large", help="seed.py arguments")
    ap.add_argument("--phases", default="soak,idle", help="soak, idle, or both (comma-separated)")
    ap.add_argument("--out", type=Path, default=Path("soak-out"))
    ap.add_argument("--summarize", type=Path, help="only summarize this soak.csv")
    args = ap.parse_args()
    if args.summarize:
        with open(args.summarize) as f:
            rows = [{k: float(v) if k != "pane" else v for k, v in r.items()} for r in csv.DictReader(f)]
        print(json.dumps(summarize(rows, args.warmup_minutes), indent=2))
        return
    args.out.mkdir(parents=True, exist_ok=True)
    # One home per TUI: the second must not reopen where the first was left.
    home = Path(tempfile.mkdtemp(prefix="toadtop-soak-"))
    started = time.monotonic()
    server = testbed.Server(shlex.split(args.seed), args.out / "server.log")
    print(f"soak: seeded in {server.seed_seconds:.0f}s at {server.endpoint}", file=sys.stderr)
    summary: dict[str, Any] = {"seed_seconds": round(server.seed_seconds, 1),
                               "fleet": {k: server.summary["largeFleet"][k] for k in ("services", "tasks")},
                               "args": {k: str(v) for k, v in vars(args).items()}}
    try:
        if "soak" in args.phases:
            summary["soak"] = soak(args, server, home / "soak")
        if "idle" in args.phases:
            summary["idle"] = idle(args, server, home / "idle")
        summary["server_requests"] = server.requests()
    finally:
        subprocess.run([*TMUX, "kill-server"], capture_output=True)  # our private server only
        server.stop()
    (args.out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    print(json.dumps(summary, indent=2))
    print(f"soak: done in {(time.monotonic() - started) / 60:.0f} min; {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
