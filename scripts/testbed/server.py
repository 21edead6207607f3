#!/usr/bin/env python3
"""moto_server with the few ECS behaviours toadtop relies on, plus a test-only endpoint.

    python scripts/testbed/server.py --port PORT [--host 127.0.0.1]

Everything runs in this process, so the patches below apply to moto's ECS classes
(moto.ecs.models / moto.ecs.responses, moto 5.2.5). Each patch says what moto lacks.
Test-only controls (not AWS APIs; JSON in, JSON out):

    POST /_toadtop/task     edit a stored task (status, stop code, containers' exit codes, ...)
    POST /_toadtop/service  add service events, override deployment fields

Both answer 200 with the edited object, 404 when it does not exist, 400 on bad input;
the accepted fields are in edit_task / edit_service below. --port 0 picks a free port
(the bound port is in the "listening" line).
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import sys
import uuid
from datetime import datetime, timezone
from typing import Any

# moto builds boto3 sessions at import time: a developer's AWS_PROFILE that is not in
# ~/.aws/config would make that fail, and the server needs no real credentials.
for _var in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE"):
    os.environ.pop(_var, None)

from werkzeug.serving import make_server  # noqa: E402
from werkzeug.wrappers import Request, Response  # noqa: E402

from moto.core import DEFAULT_ACCOUNT_ID  # noqa: E402
from moto.ecs.exceptions import InvalidParameterException  # noqa: E402
from moto.ecs.models import EC2ContainerServiceBackend as Backend  # noqa: E402
from moto.ecs.models import ecs_backends  # noqa: E402
from moto.ecs.responses import EC2ContainerServiceResponse as Responses  # noqa: E402
from moto.moto_api import state_manager  # noqa: E402
from moto.moto_server.werkzeug_app import (  # noqa: E402
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)


def now() -> datetime:
    return datetime.now(timezone.utc)


def to_dt(value: Any) -> Any:
    """Epoch seconds (int/float) -> aware datetime; moto serialises datetimes."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return datetime.fromtimestamp(value, timezone.utc)
    return value


def _cluster_tasks(backend: Backend, cluster: Any) -> list[Any]:
    tasks = list(backend.tasks.get(cluster.name, {}).values())
    for task in tasks:
        _sync_stopped(task)
    return tasks


def _sync_stopped(task: Any) -> None:
    """A task that moto's state manager moved past RUNNING (e.g. a test set a small
    `times` so a migration task finishes) still has desiredStatus RUNNING and no stop
    data in moto. ECS: desiredStatus STOPPED; once STOPPED, the essential container
    exited (0 unless a test set otherwise via /_toadtop/task)."""
    status = task.last_status
    if status in ("RUNNING", "PENDING", "PROVISIONING", "ACTIVATING"):
        return
    task.desired_status = "STOPPED"
    if status == "STOPPED" and not getattr(task, "stop_code", None):
        task.stop_code = "EssentialContainerExited"
        task.stopped_reason = "Essential container in task exited"
        task.stopping_at = task.execution_stopped_at = task.stopped_at = now()
        for c in task.containers:
            if isinstance(c, dict):
                c.update(lastStatus="STOPPED", exitCode=c.get("exitCode", 0))


def _same_cluster(task: Any, cluster: Any) -> bool:
    return task.cluster_arn == cluster.arn


# --- (e) tasks stay where they are -------------------------------------------------
# moto advances a task one state per DescribeTasks (RUNNING -> ... -> STOPPED). Make
# "manual with a huge count" the *default*, so /moto-api/reset keeps it and a test can
# still POST /moto-api/state-manager/set-transition (e.g. small `times`) and unset it.
state_manager.register_default_transition(
    "ecs::task", {"progression": "manual", "times": 1_000_000}
)


# --- (a) ListTasks like ECS ------------------------------------------------------------
# moto: cluster filter is a substring match ("production" also matches "production-eu"),
# serviceName is ignored, and without desiredStatus every task (also STOPPED) is listed.
# ECS: exact cluster, group == "service:<name>", desiredStatus defaults to RUNNING.
def list_tasks(
    self: Backend,
    cluster_str: str | None = None,
    container_instance: str | None = None,
    family: str | None = None,
    started_by: str | None = None,
    service_name: str | None = None,
    desiredStatus: str | None = None,
) -> list[Any]:
    cluster = self._get_cluster(cluster_str or "default")
    wanted = desiredStatus or "RUNNING"
    family_arns = set(self.list_task_definitions(family)) if family else None
    out = []
    for task in _cluster_tasks(self, cluster):
        if not _same_cluster(task, cluster) or task.desired_status != wanted:
            continue
        if service_name and task.group != f"service:{service_name.split('/')[-1]}":
            continue
        if started_by and task.started_by != started_by:
            continue
        if family_arns is not None and task.task_definition_arn not in family_arns:
            continue
        if container_instance and container_instance not in (task.container_instance_arn or ""):
            continue
        out.append(task)
    return out


Backend.list_tasks = list_tasks


# moto's DescribeTasks searches every cluster by substring; ECS looks in the given one.
def describe_tasks(self: Backend, cluster_str: str, tasks: list[str]) -> list[Any]:
    cluster = self._get_cluster(cluster_str)
    if not tasks:
        raise InvalidParameterException("Tasks cannot be empty.")
    wanted = {t.split("/")[-1] for t in tasks}
    found = []
    for task in _cluster_tasks(self, cluster):
        if task.id in wanted:
            task.advance()  # keep moto's state-manager hook (manual transitions)
            _sync_stopped(task)
            found.append(task)
    return found


Backend.describe_tasks = describe_tasks


# --- (b) RunTask: realistic tasks and containers -------------------------------------
# moto builds one container from the first definition (lastStatus PENDING, exitCode 0,
# no runtimeId), drops enableExecuteCommand and sets no startedAt/platformVersion.
_orig_run_task = Responses.run_task


def run_task(self: Responses) -> Any:
    result = _orig_run_task(self)
    exec_enabled = bool(self._get_param("enableExecuteCommand", False))
    for task in result.result["tasks"]:
        task_def = self.ecs_backend.describe_task_definition(task.task_definition_arn)
        _make_realistic(task, task_def, exec_enabled)
    return result


def _make_realistic(task: Any, task_def: Any, exec_enabled: bool) -> None:
    t = now()
    task.enable_execute_command = exec_enabled
    task.created_at = task.pull_started_at = task.pull_stopped_at = t
    task.started_at = task.connectivity_at = t
    task.connectivity = "CONNECTED"
    task.availability_zone = "us-east-1a"
    task.cpu = str(task_def.cpu) if task_def.cpu else None
    task.memory = str(task_def.memory) if task_def.memory else None
    task.version = 1
    task.stopped_reason = None  # moto sets "" on running tasks; ECS omits it
    if task.launch_type == "FARGATE" or task.capacity_provider_name in ("FARGATE", "FARGATE_SPOT"):
        task.platform_version = "1.4.0"
        task.platform_family = "Linux"
    has_health = False
    task.containers = []
    for n, cdef in enumerate(task_def.container_definitions, start=1):
        has_health = has_health or bool(cdef.get("healthCheck"))
        container: dict[str, Any] = {
            "containerArn": f"arn:aws:ecs:{task.region_name}:{task._account_id}:container/"
            f"{task.cluster_name}/{task.id}/{uuid.uuid4()}",
            "taskArn": task.task_arn,
            "name": cdef.get("name"),
            "image": cdef.get("image"),
            "runtimeId": f"{task.id}-{n}",
            "lastStatus": "RUNNING",  # no exitCode while running
            "healthStatus": "HEALTHY" if cdef.get("healthCheck") else "UNKNOWN",
            "networkBindings": [],
            "networkInterfaces": [],
            "cpu": str(cdef.get("cpu", 0)),
        }
        if cdef.get("memory") is not None:
            container["memory"] = str(cdef["memory"])
        if exec_enabled:
            container["managedAgents"] = [
                {"name": "ExecuteCommandAgent", "lastStatus": "RUNNING", "lastStartedAt": t}
            ]
        task.containers.append(container)
    # ECS: task health is UNKNOWN unless an essential container has a health check.
    task.health_status = "HEALTHY" if has_health else "UNKNOWN"


Responses.run_task = run_task


# StopTask: moto sets no stopCode/stoppedAt and leaves the containers as they were.
_orig_stop_task = Backend.stop_task


def stop_task(self: Backend, cluster_str: str, task_str: str, reason: str) -> Any:
    task = _orig_stop_task(self, cluster_str, task_str, reason)
    t = now()
    task.stop_code = "UserInitiated"
    task.stopping_at = task.execution_stopped_at = task.stopped_at = t
    for c in task.containers:
        if isinstance(c, dict) and c.get("lastStatus") != "STOPPED":
            c.update(lastStatus="STOPPED", exitCode=c.get("exitCode", 0))
            for agent in c.get("managedAgents", []):
                agent["lastStatus"] = "STOPPED"
    return task


Backend.stop_task = stop_task


# --- services: keep enableExecuteCommand, createdAt, full task-definition ARN ----------
# moto's CreateService drops enableExecuteCommand; UpdateService stores the task
# definition as given ("family:rev") and leaves the primary deployment on the old one.
_orig_create_service = Responses.create_service
_orig_update_service = Responses.update_service


def create_service(self: Responses) -> Any:
    result = _orig_create_service(self)
    service = result.result["service"]
    service.enable_execute_command = bool(self._get_param("enableExecuteCommand", False))
    service.created_at = now()
    service.deployment_configuration = self._get_param("deploymentConfiguration")  # dropped too
    if service.launch_type == "FARGATE" and not service.platform_version:
        service.platform_version = "LATEST"
    return result


def update_service(self: Responses) -> Any:
    result = _orig_update_service(self)
    service = result.result["service"]
    if self._get_param("taskDefinition") and service.deployments:
        arn = self.ecs_backend.describe_task_definition(service.task_definition).arn
        service.task_definition = arn
        service.deployments[0]["taskDefinition"] = arn
        service.deployments[0]["updatedAt"] = now()
    return result


Responses.create_service = create_service
Responses.update_service = update_service


# --- (c) DescribeServices / DescribeClusters counts from the stored tasks -------------
# moto's counts come from the env var MOTO_ECS_SERVICE_RUNNING, not from tasks.
def _count(backend: Backend, cluster: Any, group: str | None) -> tuple[int, int]:
    running = pending = 0
    for task in _cluster_tasks(backend, cluster):
        if task.desired_status != "RUNNING" or (group and task.group != group):
            continue
        status = task.last_status
        running += status == "RUNNING"
        pending += status in ("PROVISIONING", "PENDING", "ACTIVATING")
    return running, pending


_orig_describe_services = Backend.describe_services


def describe_services(self: Backend, cluster_str: str, names: list[str]) -> Any:
    services, failures = _orig_describe_services(self, cluster_str, names)
    cluster = self._get_cluster(cluster_str)
    for service in services:
        running, pending = _count(self, cluster, f"service:{service.name}")
        service.running_count, service.pending_count = running, pending
        if service.deployments:
            service.deployments[0]["runningCount"] = running
            service.deployments[0]["pendingCount"] = pending
    return services, failures


Backend.describe_services = describe_services

_orig_describe_clusters = Backend.describe_clusters


def describe_clusters(self: Backend, cluster_names: list[str]) -> Any:
    clusters, failures = _orig_describe_clusters(self, cluster_names)
    for cluster in clusters:
        cluster.running_tasks_count, cluster.pending_tasks_count = _count(self, cluster, None)
        cluster.active_services_count = sum(
            1 for s in self.services.values()
            if s.cluster_arn == cluster.arn and s.status == "ACTIVE"
        )
    return clusters, failures


Backend.describe_clusters = describe_clusters


# --- (d) ExecuteCommand ----------------------------------------------------------------
# moto has no ExecuteCommand (answers 500). Answer like ECS; the session is fake, so a
# stand-in session-manager-plugin is needed to "connect".
def execute_command(self: Responses) -> Any:
    from moto.core.responses import ActionResult

    cluster = self.ecs_backend._get_cluster(self._get_param("cluster", "default"))
    task_id = (self._get_param("task") or "").split("/")[-1]
    task = next((t for t in _cluster_tasks(self.ecs_backend, cluster) if t.id == task_id), None)
    if task is None or task.last_status != "RUNNING":
        raise InvalidParameterException("The specified task is stopped or was not found.")
    if not getattr(task, "enable_execute_command", False):
        raise InvalidParameterException(
            "The execute command failed because execute command was not enabled "
            "when the task was run or the execute command agent isn't running. "
            "Wait and try again or run a new task with execute command enabled and try again."
        )
    containers = [c for c in task.containers if isinstance(c, dict)]
    name = self._get_param("container")
    if name:
        container = next((c for c in containers if c["name"] == name), None)
        if container is None:
            raise InvalidParameterException(f"The container {name} was not found in the task.")
    elif len(containers) == 1:
        container = containers[0]
    else:
        raise InvalidParameterException(
            "Task has multiple containers. Specify a container name with the --container option."
        )
    session_id = f"ecs-execute-command-{secrets.token_hex(8)}"
    return ActionResult({
        "clusterArn": cluster.arn,
        "containerArn": container["containerArn"],
        "containerName": container["name"],
        "interactive": bool(self._get_param("interactive", True)),
        "taskArn": task.task_arn,
        "session": {
            "sessionId": session_id,
            "streamUrl": f"wss://ssmmessages.us-east-1.amazonaws.com/v1/data-channel/{session_id}",
            "tokenValue": secrets.token_urlsafe(48),
        },
    })


Responses.execute_command = execute_command


# --- (f) test-only endpoint ------------------------------------------------------------
class NotFound(Exception):
    pass


def _backend(body: dict[str, Any]) -> Backend:
    return ecs_backends[body.get("account", DEFAULT_ACCOUNT_ID)][body.get("region", "us-east-1")]


def _find_task(body: dict[str, Any]) -> Any:
    backend = _backend(body)
    cluster_name = str(body.get("cluster", "default")).split("/")[-1]
    task_id = str(body.get("task", "")).split("/")[-1]
    task = backend.tasks.get(cluster_name, {})
    for t in task.values():
        if t.id == task_id:
            return t
    raise NotFound(f"task {task_id!r} not found in cluster {cluster_name!r}")


def _find_service(body: dict[str, Any]) -> Any:
    backend = _backend(body)
    cluster_name = str(body.get("cluster", "default")).split("/")[-1]
    name = str(body.get("service", "")).split("/")[-1]
    service = backend.services.get(f"{cluster_name}:{name}")
    if service is None:
        raise NotFound(f"service {name!r} not found in cluster {cluster_name!r}")
    return service


# request field -> Task attribute (moto serialises by attribute name)
TASK_FIELDS = {
    "lastStatus": "last_status", "desiredStatus": "desired_status", "stopCode": "stop_code",
    "stoppedReason": "stopped_reason", "healthStatus": "health_status",
    "createdAt": "created_at", "startedAt": "started_at", "stoppingAt": "stopping_at", "stoppedAt": "stopped_at",
    "executionStoppedAt": "execution_stopped_at", "startedBy": "started_by", "group": "group",
    "enableExecuteCommand": "enable_execute_command",
}
CONTAINER_FIELDS = {"lastStatus", "exitCode", "healthStatus", "reason", "image", "imageDigest", "runtimeId"}


def edit_task(body: dict[str, Any]) -> dict[str, Any]:
    """{"region","cluster","task", <TASK_FIELDS>..., "containers":[{"name", <CONTAINER_FIELDS>}]}"""
    task = _find_task(body)
    unknown = set(body) - set(TASK_FIELDS) - {"region", "account", "cluster", "task", "containers"}
    if unknown:
        raise ValueError(f"unknown task fields: {sorted(unknown)}")
    for edit in body.get("containers", []):
        if set(edit) - CONTAINER_FIELDS - {"name"}:
            raise ValueError(f"unknown container fields: {sorted(set(edit) - CONTAINER_FIELDS - {'name'})}")
        if not any(isinstance(c, dict) and c.get("name") == edit.get("name") for c in task.containers):
            raise NotFound(f"container {edit.get('name')!r} not in task {task.id}")
    for key, attr in TASK_FIELDS.items():
        if key in body:
            setattr(task, attr, to_dt(body[key]) if key.endswith("At") else body[key])
    for edit in body.get("containers", []):
        container = next(c for c in task.containers if isinstance(c, dict) and c.get("name") == edit["name"])
        container.update({k: v for k, v in edit.items() if k != "name"})
        if container.get("lastStatus") == "STOPPED":
            for agent in container.get("managedAgents", []):
                agent["lastStatus"] = "STOPPED"
    return task_json(task)


def edit_service(body: dict[str, Any]) -> dict[str, Any]:
    """{"region","cluster","service","events":[{"message","createdAt"}],
    "deployments": {...primary overrides} | [{...}, ...] (replaces all; first is PRIMARY)}"""
    service = _find_service(body)
    for event in body.get("events", []):
        service.events.append({
            "id": str(uuid.uuid4()),
            "createdAt": to_dt(event.get("createdAt", now().timestamp())),
            "message": str(event["message"]),
        })
    service.events.sort(key=lambda e: e["createdAt"], reverse=True)  # ECS: newest first
    deployments = body.get("deployments")
    if isinstance(deployments, dict) and service.deployments:
        service.deployments[0].update({k: to_dt(v) if k.endswith("At") else v for k, v in deployments.items()})
    elif isinstance(deployments, list):
        base = dict(service.deployments[0]) if service.deployments else {}
        service.deployments = []
        for d in deployments:
            new = dict(base, id=f"ecs-svc/{uuid.uuid4().int % 10**19}", status="ACTIVE")
            new.update({k: to_dt(v) if k.endswith("At") else v for k, v in d.items()})
            service.deployments.append(new)
        if service.deployments:
            service.deployments[0].setdefault("status", "PRIMARY")
    return service_json(service)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.timestamp()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def task_json(task: Any) -> dict[str, Any]:
    keys = ["task_arn", "cluster_arn", "task_definition_arn", "group", "started_by",
            "last_status", "desired_status", "health_status", "stop_code", "stopped_reason",
            "started_at", "stopped_at", "enable_execute_command", "containers"]
    camel = lambda s: s.split("_")[0] + "".join(w.title() for w in s.split("_")[1:])  # noqa: E731
    return _plain({camel(k): getattr(task, k, None) for k in keys})


def service_json(service: Any) -> dict[str, Any]:
    return _plain({
        "serviceArn": service.arn, "serviceName": service.name,
        "clusterArn": service.cluster_arn, "events": service.events,
        "deployments": service.deployments,
    })


ROUTES = {"/_toadtop/task": edit_task, "/_toadtop/service": edit_service}


class TestEndpoint:
    """WSGI middleware: /_toadtop/* handled here, everything else goes to moto."""

    def __init__(self, moto_app: Any) -> None:
        self.moto_app = moto_app

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        handler = ROUTES.get(environ.get("PATH_INFO", ""))
        if handler is None:
            return self.moto_app(environ, start_response)
        request = Request(environ)
        try:
            if request.method != "POST":
                raise ValueError("use POST with a JSON body")
            body, status = handler(json.loads(request.get_data() or b"{}")), 200
        except NotFound as e:
            body, status = {"error": str(e)}, 404
        except (ValueError, KeyError, TypeError) as e:
            body, status = {"error": f"bad request: {e}"}, 400
        response = Response(json.dumps(body), status=status, mimetype="application/json")
        return response(environ, start_response)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()

    moto_app = DomainDispatcherApplication(create_backend_app)
    server = make_server(args.host, args.port, TestEndpoint(moto_app), threaded=True,
                         request_handler=MotoRequestHandler)
    os.environ.setdefault("MOTO_PORT", str(server.server_port))  # as moto.server.main does
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    # The socket is bound now; tests may wait for this line or poll the port.
    print(f"toadtop-testbed listening on http://{args.host}:{server.server_port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
