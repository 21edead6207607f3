"""StartLiveTail as CloudWatch Logs streams it, for toadtop's tests and demo.

moto 5.2.5 answers StartLiveTail with an event stream built in one piece: an
initial-response, a sessionStart, ONE sessionUpdate holding the events already stored,
then the body ends. It never sends a later event or a SessionTimeoutException. CloudWatch
keeps the response open: a sessionStart, then about once a second a sessionUpdate with
the events ingested since the last one (empty when nothing came), until the client leaves
or the session reaches its time limit (three hours) and ends with a SessionTimeoutException
event. This module answers StartLiveTail that way, in chunks (no Content-Length), reading
the events from moto's logs backend, so PutLogEvents and the server's own writes (the
migration task's output) both show up. Like CloudWatch, a session shows only events
ingested after it started (moto's answer would repeat the stored ones).

Validation (group ARNs, at most 10 groups, names vs prefixes) is moto's own: a request
it refuses is passed on to moto, which answers with the error.

Test knob (not an AWS API; JSON in, JSON out):

    POST /_toadtop/livetail {"timeout_after": S, "sessions": N}
        sessions started from now on end after S seconds with SessionTimeoutException;
        only the next N sessions when "sessions" is given. {"timeout_after": null} clears
        it.
    POST /_toadtop/livetail {"end_open": true}
        the sessions open now end at their next update with SessionTimeoutException, as
        when they reach the time limit (later sessions are not affected).
    Both answer the knob's state and the number of sessions open now.

Hooked from server.py: `wrap(moto_app)` goes between toadtop's TestEndpoint (request
counts, faults, TOADTOP_DENY, outages still apply) and moto.
"""

from __future__ import annotations

import io
import json
import re
import threading
import time
from collections.abc import Iterator
from typing import Any

from moto.core import DEFAULT_ACCOUNT_ID
from moto.core.eventstream import EventStream, EventStreamEncoder
from moto.core.serialize import EventStreamJSONSerializer
from moto.core.utils import get_service_model
from moto.logs.models import logs_backends

TARGET = "Logs_20140328.StartLiveTail"
KNOB = "/_toadtop/livetail"
UPDATE_EVERY = 1.0  # seconds between sessionUpdates, as CloudWatch sends them
MAX_RESULTS = 500  # CloudWatch's cap per update; beyond it the update says "sampled"

_lock = threading.Lock()
_knob: dict[str, Any] = {"timeout_after": None, "sessions": None}
_open = 0  # sessions streaming now
_ended = 0  # how many times end_open was asked: a session started before the last one ends


def wrap(moto_app: Any) -> Any:
    """A WSGI app answering StartLiveTail itself and everything else with `moto_app`."""
    def wsgi(environ: dict[str, Any], start_response: Any) -> Any:
        if environ.get("PATH_INFO") == KNOB:
            return _knob_endpoint(environ, start_response)
        if environ.get("HTTP_X_AMZ_TARGET") != TARGET:
            return moto_app(environ, start_response)
        length = int(environ.get("CONTENT_LENGTH") or 0)
        raw = environ["wsgi.input"].read(length) if length else b""
        try:
            session = Session(_region(environ), json.loads(raw or b"{}"))
        except NotFound as e:
            out = json.dumps({"__type": "ResourceNotFoundException",
                              "message": f"The specified log group does not exist: {e}"}).encode()
            start_response("400 Bad Request", [("Content-Type", "application/x-amz-json-1.1"),
                                               ("Content-Length", str(len(out)))])
            return [out]
        except Exception:  # noqa: BLE001 - moto answers invalid requests with its own error
            environ["wsgi.input"] = io.BytesIO(raw)
            return moto_app(environ, start_response)
        start_response("200 OK", [
            ("Content-Type", "application/vnd.amazon.eventstream"),
            ("x-amzn-RequestId", session.request_id),
        ])
        return session.body()
    return wsgi


class NotFound(Exception):
    """A log-group identifier that names no group."""


def _region(environ: dict[str, Any]) -> str:
    """The region of the SigV4 credential scope (Credential=KEY/DATE/REGION/logs/...)."""
    m = re.search(r"Credential=[^/]+/\d+/([^/]+)/", environ.get("HTTP_AUTHORIZATION", ""))
    return m.group(1) if m else "us-east-1"


def _knob_endpoint(environ: dict[str, Any], start_response: Any) -> Any:
    global _ended
    status = "200 OK"
    try:
        if environ.get("REQUEST_METHOD") != "POST":
            raise ValueError("use POST with a JSON body")
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = json.loads(environ["wsgi.input"].read(length) or b"{}")
        if not isinstance(body, dict) or set(body) - {"timeout_after", "sessions", "end_open"}:
            raise ValueError('expected {"timeout_after": S, "sessions": N} or {"end_open": true}')
        with _lock:
            if body.get("end_open"):
                _ended += 1
            else:
                after, sessions = body.get("timeout_after"), body.get("sessions")
                _knob["timeout_after"] = None if after is None else float(after)
                _knob["sessions"] = None if sessions is None else int(sessions)
            answer = dict(_knob, open=_open)
    except (ValueError, TypeError) as e:
        status, answer = "400 Bad Request", {"error": f"bad request: {e}"}
    out = json.dumps(answer).encode()
    start_response(status, [("Content-Type", "application/json"),
                            ("Content-Length", str(len(out)))])
    return [out]


def _take_timeout() -> float | None:
    """The timeout of a session starting now (and one use of a limited knob)."""
    with _lock:
        after, left = _knob["timeout_after"], _knob["sessions"]
        if after is None:
            return None
        if left is not None:
            if left <= 0:
                return None
            _knob["sessions"] = left - 1
        return after


class Session:
    def __init__(self, region: str, request: dict[str, Any]) -> None:
        self.backend = logs_backends[DEFAULT_ACCOUNT_ID][region]
        self.names = request.get("logStreamNames")
        self.prefixes = request.get("logStreamNamePrefixes")
        # moto's own checks and its sessionStart; raises on what AWS would refuse.
        self.start, _ = self.backend.start_live_tail(
            log_group_identifiers=request.get("logGroupIdentifiers") or [],
            log_stream_names=self.names,
            log_stream_name_prefixes=self.prefixes,
            log_event_filter_pattern=request.get("logEventFilterPattern"),
        )
        self.request_id = self.start["requestId"]
        # moto's lookup of a group by ARN returns the LAST group whatever the ARN (its loop
        # never stops at the match): look them up here.
        self.groups = [self._group(g) for g in request.get("logGroupIdentifiers") or []]
        self.start["logGroupIdentifiers"] = [g.arn for g in self.groups]
        self.seen: dict[tuple[str, str], int] = {}  # (group, stream) -> events sent or skipped
        self._new_events()  # what is stored now is history, not live
        self.timeout_after = _take_timeout()
        with _lock:
            self.ended_at_start = _ended

    def _group(self, identifier: str) -> Any:
        for group in self.backend.groups.values():
            if identifier in (group.arn, f"{group.arn}:*"):
                return group
        raise NotFound(identifier)

    def _streams(self) -> Iterator[tuple[Any, Any]]:
        for group in self.groups:
            for stream in self.backend._get_live_tail_streams(
                    group, log_stream_names=self.names or [],
                    log_stream_name_prefixes=self.prefixes or []):
                yield group, stream

    def _new_events(self) -> list[dict[str, Any]]:
        """Events stored since the last call, oldest first. moto appends to a stream's
        event list, so a count per stream marks what was seen."""
        out = []
        for group, stream in self._streams():
            key = (group.name, stream.log_stream_name)
            events = list(stream.events)
            start = self.seen.get(key, 0)
            self.seen[key] = len(events)
            out += [{"ingestionTime": e.ingestion_time, "logGroupIdentifier": group.arn,
                     "logStreamName": stream.log_stream_name, "message": e.message,
                     "timestamp": e.timestamp} for e in events[start:]]
        return sorted(out, key=lambda e: e["timestamp"])

    def _variants(self) -> Iterator[dict[str, Any]]:
        yield {"sessionStart": self.start}
        started = time.monotonic()
        while True:
            time.sleep(UPDATE_EVERY)
            elapsed = time.monotonic() - started
            if self.timeout_after is not None and elapsed >= self.timeout_after:
                return
            with _lock:
                if _ended != self.ended_at_start:
                    self.timeout_after = elapsed
                    return
            events = self._new_events()
            yield {"sessionUpdate": {"sessionMetadata": {"sampled": len(events) > MAX_RESULTS},
                                     "sessionResults": events[:MAX_RESULTS]}}

    def body(self) -> Iterator[bytes]:
        """The response body, one event-stream message per chunk, encoded by moto's own
        event-stream serializer (initial-response, sessionStart, sessionUpdate); ends with
        a SessionTimeoutException exception message when the knob says so. The server
        writes and flushes each chunk; a client that left makes the write fail, which
        closes this generator."""
        global _open
        operation = get_service_model("logs").operation_model("StartLiveTail")
        stream = EventStream({"responseStream": self._variants()}, operation.output_shape,
                             EventStreamJSONSerializer(operation))
        encoder = EventStreamEncoder()
        with _lock:
            _open += 1
        try:
            for message in stream:
                yield encoder.encode_event(message)
            yield encoder.encode_message(
                {":message-type": "exception", ":exception-type": "SessionTimeoutException",
                 ":content-type": "application/json"},
                json.dumps({"message": "Session timed out after "
                            f"{self.timeout_after:g} seconds"}).encode())
        finally:
            with _lock:
                _open -= 1

