#!/usr/bin/env python3
"""Laravel log lines arriving while you watch: the demo's traffic generator.

    python scripts/testbed/demo_logs.py --endpoint URL --summary SUMMARY.json
        [--cluster production] [--every 1.0] [--ticks N]

Reads seed.py's summary (the running tasks of CLUSTER's web and worker services and the
log group of the cluster) and, every EVERY seconds (with a little jitter), writes what
such a fleet logs through awslogs: per web task a php-fpm request line from Laravel
(INFO) and nginx's access line; now and then a WARNING (slow query, cache misses); now
and then an ERROR with its stack trace in one event (as awslogs sends it with a
multiline pattern); the queue worker's Artisan job lines (RUNNING, DONE, a FAIL with the
error's stack trace as separate events, as awslogs sends it without one).

The levels follow the tick number (a WARNING every 7th, an ERROR every 12th, a worker
FAIL every 24th), so a short run (--ticks) is predictable; paths, users and durations
vary. Runs until --ticks are done, SIGTERM/SIGINT, its parent exits (demo.sh went away
without cleaning up), or the server stops answering.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import sys
import time
from datetime import datetime, timezone
from typing import Any

import boto3
from botocore.config import Config

ROUTES = [
    ("GET", "/dashboard", "DashboardController@index"),
    ("GET", "/orders", "OrderController@index"),
    ("POST", "/api/orders", "Api\\OrderController@store"),
    ("GET", "/api/products?page=2", "Api\\ProductController@index"),
    ("PUT", "/api/cart/items/17", "Api\\CartController@update"),
    ("GET", "/invoices/4711/download", "InvoiceController@download"),
    ("POST", "/login", "Auth\\LoginController@login"),
]
AGENTS = ["Mozilla/5.0 (X11; Linux x86_64)", "okhttp/4.12.0",
          "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X)", "ELB-HealthChecker/2.0"]
JOBS = ["App\\Jobs\\SendInvoiceMail", "App\\Jobs\\SyncInventory",
        "App\\Jobs\\GenerateSitemap", "App\\Listeners\\SendOrderConfirmation"]
WARNINGS = [
    'Slow query (1840ms): select * from `orders` where `status` = ? order by `created_at` desc {"connection":"mysql"}',
    'Cache miss rate high {"store":"redis","rate":0.42}',
    'Rate limit almost reached for API key {"key":"pk_live_…3f9","remaining":12}',
]
STACK = [
    "[stacktrace]",
    "#0 /var/www/html/vendor/laravel/framework/src/Illuminate/Database/Connection.php(779): "
    "Illuminate\\\\Database\\\\Connection->runQueryCallback()",
    "#1 /var/www/html/vendor/laravel/framework/src/Illuminate/Database/Connection.php(398): "
    "Illuminate\\\\Database\\\\Connection->run()",
    "#2 /var/www/html/app/Http/Controllers/OrderController.php(42): "
    "Illuminate\\\\Database\\\\Eloquent\\\\Builder->get()",
    "#3 {main}",
]


def laravel(env: str, level: str, message: str) -> str:
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
    return f"[{stamp}] {env}.{level}: {message}"


def error_event(env: str) -> str:
    head = laravel(env, "ERROR", (
        "SQLSTATE[40001]: Serialization failure: 1213 Deadlock found when trying to get lock "
        "(Connection: mysql, SQL: update `products` set `stock` = `stock` - 1 where `id` = 17) "
        "{\"exception\":\"[object] (Illuminate\\\\Database\\\\QueryException(code: 40001): "
        "SQLSTATE[40001] at /var/www/html/vendor/laravel/framework/src/Illuminate/Database/"
        "Connection.php:825)"))
    return "\n".join([head, *STACK]) + "\"} []"


class Generator:
    def __init__(self, endpoint: str, summary: dict[str, Any], cluster: str) -> None:
        session = boto3.session.Session(aws_access_key_id="test", aws_secret_access_key="test",
                                        region_name="us-east-1")
        self.logs = session.client("logs", endpoint_url=endpoint,
                                   config=Config(retries={"max_attempts": 1}))
        services = summary["clusters"][cluster]["services"]
        self.env = "production" if cluster.startswith("production") else cluster
        self.group = summary_group(summary, cluster)
        running = lambda svc: [t["id"] for t in services.get(svc, {}).get("tasks", [])  # noqa: E731
                               if t.get("desiredStatus") == "RUNNING"]
        self.web, self.workers = running("web"), running("worker")
        self.rng = random.Random(4711)

    def put(self, stream: str, messages: list[str]) -> None:
        now = int(time.time() * 1000)
        try:
            self.logs.create_log_stream(logGroupName=self.group, logStreamName=stream)
        except self.logs.exceptions.ResourceAlreadyExistsException:
            pass
        self.logs.put_log_events(logGroupName=self.group, logStreamName=stream, logEvents=[
            {"timestamp": now + i, "message": m} for i, m in enumerate(messages)])

    def tick(self, k: int) -> None:
        rng = self.rng
        for tid in self.web:
            method, path, action = rng.choice(ROUTES)
            status, ms = (201 if method == "POST" else 200), rng.randint(12, 380)
            php = [laravel(self.env, "INFO", f"{method} {path} {status} in {ms}ms "
                           f"{{\"action\":\"{action}\",\"user_id\":{rng.randint(1, 900)}}}")]
            if k % 7 == 3:
                php.append(laravel(self.env, "WARNING", rng.choice(WARNINGS)))
            if k % 12 == 6 and tid == self.web[0]:
                php.append(error_event(self.env))
                status = 500
            self.put(f"web/php/{tid}", php)
            stamp = datetime.now(timezone.utc).strftime("%d/%b/%Y:%H:%M:%S +0000")
            self.put(f"web/nginx/{tid}", [
                f'10.0.{rng.randint(1, 3)}.{rng.randint(2, 250)} - - [{stamp}] "{method} {path} '
                f'HTTP/2.0" {status} {rng.randint(180, 24000)} "-" "{rng.choice(AGENTS)}"'])
        if self.workers and k % 3 == 0:
            job = rng.choice(JOBS)
            stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
            dots = lambda t: f"  {stamp} {job} {'.' * max(3, 60 - len(job) - len(t))} {t}"  # noqa: E731
            lines = [dots("RUNNING")]
            if k % 24 == 18:
                lines += [dots(f"{rng.randint(40, 900)}ms FAIL"),
                          laravel(self.env, "ERROR", "Connection refused [tcp://redis:6379] "
                                  "{\"exception\":\"[object] (RedisException(code: 0): Connection refused "
                                  "at /var/www/html/vendor/laravel/framework/src/Illuminate/Redis/"
                                  "Connectors/PhpRedisConnector.php:159)"),
                          *STACK[:2], "#1 {main}\"} []"]
            else:
                lines.append(dots(f"{rng.randint(40, 900)}ms DONE"))
            self.put(f"worker/php/{self.workers[k % len(self.workers)]}", lines)


def summary_group(summary: dict[str, Any], cluster: str) -> str:
    """The awslogs group of the cluster's services (every stream the seed wrote to it)."""
    services = summary["clusters"][cluster]["services"]
    ids = {t["id"] for s in services.values() for t in s.get("tasks", [])}
    for group, streams in summary.get("logGroups", {}).items():
        if any(stream.rsplit("/", 1)[-1] in ids for stream in streams):
            return group
    raise SystemExit(f"demo_logs.py: no log group with {cluster}'s streams in the summary")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--endpoint", required=True)
    ap.add_argument("--summary", required=True, help="seed.py's JSON summary")
    ap.add_argument("--cluster", default="production")
    ap.add_argument("--every", type=float, default=1.0, help="seconds between ticks")
    ap.add_argument("--ticks", type=int, default=0, help="stop after N ticks (0: run until stopped)")
    args = ap.parse_args()
    with open(args.summary, encoding="utf-8") as f:
        gen = Generator(args.endpoint, json.load(f), args.cluster)

    stop = False

    def on_signal(_sig: int, _frame: Any) -> None:
        nonlocal stop
        stop = True
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    parent, failures, k = os.getppid(), 0, 0
    while not stop and (args.ticks == 0 or k < args.ticks):
        try:
            gen.tick(k)
            failures = 0
        except Exception as e:  # noqa: BLE001 - the server went away, or is restarting
            failures += 1
            if failures >= 5:
                print(f"demo_logs.py: giving up: {e}", file=sys.stderr)
                sys.exit(1)
        k += 1
        if os.getppid() != parent:
            break
        if args.every > 0 and (args.ticks == 0 or k < args.ticks):
            time.sleep(args.every * gen.rng.uniform(0.7, 1.3))


if __name__ == "__main__":
    main()
