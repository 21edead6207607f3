#!/usr/bin/env python3
"""A loopback HTTP proxy that delays chosen AWS operations, for tests of slow answers.

    python scripts/testbed/slow_proxy.py --upstream http://127.0.0.1:PORT [--port 0] \\
        --delay DescribeServices=5000 [--delay '*=200']

Every request is forwarded to the upstream (the test server) as it came; a request for
an operation with a delay (by action name: the part of X-Amz-Target after the dot, or
CloudWatch's CBOR path /service/<target>/operation/<op>; `*` for every other one) waits
that many milliseconds first. The answer comes back unchanged. --port 0 picks a free
port; the bound address is in the "listening" line on stdout.
"""

from __future__ import annotations

import argparse
import http.client
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

CBOR_MARK = "/operation/"
# Hop-by-hop headers are the proxy's own business, never forwarded.
HOP = {"connection", "keep-alive", "transfer-encoding", "proxy-connection", "te", "upgrade"}


def operation(path: str, target: str | None) -> str:
    if target:
        return target.split(".")[-1]
    if CBOR_MARK in path:
        return path.rsplit(CBOR_MARK, 1)[-1]
    return ""


class Proxy(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the SDK's connection pool expects
    upstream: tuple[str, int] = ("127.0.0.1", 0)
    delays: dict[str, int] = {}

    def _forward(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        op = operation(self.path, self.headers.get("X-Amz-Target"))
        delay = self.delays.get(op, self.delays.get("*", 0)) if op else 0
        if delay:
            time.sleep(delay / 1000)
        conn = http.client.HTTPConnection(*self.upstream, timeout=300)
        try:
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP}
            conn.request(self.command, self.path, body=body, headers=headers)
            resp = conn.getresponse()
            data = resp.read()
            self.send_response(resp.status, resp.reason)
            for k, v in resp.getheaders():
                if k.lower() not in HOP and k.lower() != "content-length":
                    self.send_header(k, v)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (ConnectionError, TimeoutError, http.client.HTTPException):
            # The client gave up (toadtop's --timeout) or the upstream went away.
            self.close_connection = True
        finally:
            conn.close()

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _forward

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass  # quiet: tests read only the listening line


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--upstream", required=True, help="http://HOST:PORT")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--delay", action="append", default=[], metavar="OPERATION=MS")
    args = parser.parse_args()

    up = urlsplit(args.upstream)
    Proxy.upstream = (up.hostname or "127.0.0.1", up.port or 80)
    for d in args.delay:
        op, _, ms = d.partition("=")
        if not op or not ms.isdigit():
            parser.error(f"--delay wants OPERATION=MS, got {d!r}")
        Proxy.delays[op] = int(ms)

    server = ThreadingHTTPServer((args.host, args.port), Proxy)
    server.daemon_threads = True
    print(f"slow-proxy listening on http://{args.host}:{server.server_port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    sys.exit(0)


if __name__ == "__main__":
    main()
