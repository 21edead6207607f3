"""Test-only: a server that answers an operation with the same nextToken forever, as a
buggy endpoint or a proxy replaying a cached page would. toadtop must stop paging with an
error naming the call instead of looping. Hooked from server.py.

    POST /_toadtop/repeat-token  {"operation": "ListClusters", "token": "again" (default)}
                                 ("token": null answers that operation normally again)

From then on every answer to that operation (the action name, the last part of
X-Amz-Target) is moto's own answer with "nextToken" set to the token. JSON protocols only
(ECS, ECR, Logs, SSM), which covers every paginated call toadtop makes except
GetMetricData (CBOR).
"""

from __future__ import annotations

import json
import threading
from typing import Any

_LOCK = threading.Lock()
_armed: dict[str, str] = {}  # operation -> the token every answer carries


def arm(body: dict[str, Any]) -> dict[str, Any]:
    op = str(body["operation"]).split(".")[-1]
    token = body.get("token", "again")
    with _LOCK:
        if token is None:
            _armed.pop(op, None)
        else:
            _armed[op] = str(token)
    return {"operation": op, "token": token}


def answer(moto_app: Any, environ: dict[str, Any], start_response: Any) -> Any:
    """moto's answer with the token put in, or None when the operation is not armed."""
    op = environ.get("HTTP_X_AMZ_TARGET", "").split(".")[-1]
    with _LOCK:
        token = _armed.get(op) if op else None
    if token is None:
        return None
    seen: dict[str, Any] = {}

    def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        seen["status"], seen["headers"] = status, headers
        return lambda _data: None

    chunks = moto_app(environ, capture)
    try:
        body = b"".join(chunks)
    finally:
        if hasattr(chunks, "close"):
            chunks.close()
    if seen.get("status", "").startswith("200"):
        doc = json.loads(body or b"{}")
        doc["nextToken"] = token
        body = json.dumps(doc).encode()
    headers = [(k, v) for k, v in seen.get("headers", []) if k.lower() != "content-length"]
    start_response(seen.get("status", "500 Internal Server Error"),
                   headers + [("Content-Length", str(len(body)))])
    return [body]
