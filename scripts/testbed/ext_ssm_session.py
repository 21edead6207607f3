"""SSM StartSession and TerminateSession, which moto lacks (port forwarding needs them).
Hooked from server.py. Each request is recorded with its JSON body.

    StartSession      answers {SessionId, TokenValue, StreamUrl} when Target names a
                      running task's container as ecs:<cluster>_<task-id>_<runtime-id>;
                      else TargetNotConnected, as SSM answers for a target whose agent
                      is not connected
    TerminateSession  answers {SessionId}
    POST /_toadtop/ssm-sessions  {} -> {"requests": [{"operation", "body"}, ...]};
                                 {"reset": true} also forgets them
"""

from __future__ import annotations

import json
import secrets
import threading
from typing import Any

from werkzeug.wrappers import Response

from moto.core import DEFAULT_ACCOUNT_ID
from moto.ecs.models import ecs_backends

_LOCK = threading.Lock()
_requests: list[dict[str, Any]] = []
OPERATIONS = {"AmazonSSM.StartSession", "AmazonSSM.TerminateSession"}


def requests(body: dict[str, Any]) -> dict[str, Any]:
    with _LOCK:
        out = {"requests": list(_requests)}
        if body.get("reset"):
            _requests.clear()
    return out


def _json(status: str, doc: dict[str, Any], start_response: Any) -> Any:
    body = json.dumps(doc).encode()
    start_response(status, [("Content-Type", "application/x-amz-json-1.1"),
                            ("Content-Length", str(len(body)))])
    return [body]


def _connected(target: str) -> bool:
    """A RUNNING task in that cluster with a container of that runtime id."""
    if not target.startswith("ecs:") or target.count("_") < 2:
        return False
    cluster, task_id, runtime = target[4:].split("_", 2)
    for region in ("us-east-1",):
        backend = ecs_backends[DEFAULT_ACCOUNT_ID][region]
        tasks = [t for t in backend.tasks.get(cluster, {}).values() if t.id == task_id]
        if not tasks or tasks[0].last_status != "RUNNING":
            continue
        for c in tasks[0].containers:
            if isinstance(c, dict) and c.get("runtimeId") == runtime:
                return c.get("lastStatus") == "RUNNING"
    return False


def answer(environ: dict[str, Any], start_response: Any) -> Any:
    """The answer to StartSession/TerminateSession, or None for any other request."""
    target = environ.get("HTTP_X_AMZ_TARGET", "")
    if target not in OPERATIONS:
        return None
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = json.loads(environ["wsgi.input"].read(length) or b"{}")
    op = target.split(".")[-1]
    with _LOCK:
        _requests.append({"operation": op, "body": body})
    if op == "TerminateSession":
        return _json("200 OK", {"SessionId": body.get("SessionId", "")}, start_response)
    if not _connected(str(body.get("Target", ""))):
        return _json("400 Bad Request", {
            "__type": "TargetNotConnected",
            "message": f"{body.get('Target')} is not connected.",
        }, start_response)
    session_id = f"toadtop-{secrets.token_hex(8)}"
    return _json("200 OK", {
        "SessionId": session_id,
        "TokenValue": secrets.token_urlsafe(48),
        "StreamUrl": f"wss://ssmmessages.us-east-1.amazonaws.com/v1/data-channel/{session_id}",
    }, start_response)
