#!/usr/bin/env python3
"""moto_server with the few ECS behaviours toadtop relies on, plus a test-only endpoint.

    python scripts/testbed/server.py --port PORT [--host 127.0.0.1]

Everything runs in this process, so the patches below apply to moto's ECS classes
(moto.ecs.models / moto.ecs.responses, moto 5.2.5). Each patch says what moto lacks.
Test-only controls (not AWS APIs; JSON in, JSON out):

    POST /_toadtop/task     edit a stored task (status, stop code, containers' exit codes, ...)
    POST /_toadtop/ecr-blob store an image blob (config JSON) for GetDownloadUrlForLayer;
                            see ext_ecr_blobs.py
    POST /_toadtop/service  add service events, override deployment fields
    POST /_toadtop/faults   {"operation":"ListServices","kind":"throttle"|"5xx","count":N,
                            "status":503}: the next N requests of that operation (action name
                            or full X-Amz-Target) answer ThrottlingException (HTTP 400) or a
                            5xx instead of reaching moto
    POST /_toadtop/outage   {"after": OPERATION, "calls": N (1), "seconds": S (0)}: once the
                            Nth call of OPERATION from now on (e.g. UpdateService) is answered,
                            the server stops for S seconds (0 = until SIGUSR2; see below)
    POST /_toadtop/repeat-token {"operation": OPERATION}: every answer carries the same
                            nextToken (ext_repeat_token.py)
    POST /_toadtop/findings add findings to a scanned image (ext_findings.py)
    GET  /_toadtop/requests AWS requests seen so far (retries and injected faults included), per operation (X-Amz-Target, e.g.
                            AmazonEC2ContainerServiceV20141113.ListTasks); POST resets them.
                            For the benchmarks (scripts/bench/), which compare call counts
                            of tools that cannot count their own calls.

The first two answer 200 with the edited object, 404 when it does not exist, 400 on bad input;
the accepted fields are in edit_task / edit_service below. --port 0 picks a free port
(the bound port is in the "listening" line).

Environment of the server process, read at request time:

    TOADTOP_ROLLOUT_STEPS        DescribeServices calls until a rollout started by UpdateService
                                 completes, or a scaling UpdateService (desiredCount alone)
                                 reaches its count (default 3; 0 = never)
    TOADTOP_ROLLOUT_FAIL         set: the rollout ends FAILED (circuit breaker) instead;
                                 "rollback": also rolls back to the previous task definition
    TOADTOP_TASK_STEPS           DescribeTasks calls until a startedBy="toadtop[/user]" task exits
                                 (default 2; 0 = never)
    TOADTOP_MIGRATION_EXIT_CODE  exit code of that task's migration container (default 0)
    MOTO_ECS_SERVICE_FAILED_TASKS  failedTasks of a new deployment (moto's own variable)
    TOADTOP_LATENCY_MS           every AWS request waits this long before it is answered, as
                                 a round trip to a real region would (benchmarks; default 0)
    TOADTOP_DENY                 comma-separated operations as X-Amz-Target (e.g.
                                 AmazonSSM.DescribeParameters; CloudWatch's CBOR calls as
                                 GraniteServiceVersion20100801.GetMetricData) answered with
                                 AccessDeniedException, as for a role without that permission
                                 (moto has no IAM by default)

Stopping without losing state (moto keeps it in memory, so a real restart would lose the
fleet): SIGUSR1 closes the listening socket and cuts open connections, so clients get
"connection refused" as from a stopped server; SIGUSR2 listens again on the same port.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import socket
import threading
import time
import uuid
from datetime import datetime, timezone
from typing import Any

# SIGUSR1/SIGUSR2 (stop/restart, see the docstring) and SIGTERM/SIGINT are taken by
# sigwait in main(). Block them before anything starts a thread, so every thread inherits
# the mask and none of them dies of SIGUSR1's default action.
CONTROL_SIGNALS = {signal.SIGUSR1, signal.SIGUSR2, signal.SIGTERM, signal.SIGINT}
signal.pthread_sigmask(signal.SIG_BLOCK, CONTROL_SIGNALS)

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
import ext_ecr_blobs  # noqa: E402  (ECR config blobs and GetDownloadUrlForLayer)
from moto.moto_server.werkzeug_app import (  # noqa: E402
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)

import ext_findings  # noqa: E402  (test-only: a new CVE in a pushed image, mid-run)
import ext_livetail  # noqa: E402  StartLiveTail that streams (POST /_toadtop/livetail)
import ext_repeat_token  # noqa: E402  (test-only: a repeated nextToken)
import ext_ssm_session  # noqa: E402  SSM StartSession/TerminateSession (port forwarding)


def now() -> datetime:
    return datetime.now(timezone.utc)


def env_int(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default


# Rollouts and one-off tasks advance on Describe* calls; the server is threaded.
_LOCK = threading.RLock()


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
    with _LOCK:
        for task in _cluster_tasks(self, cluster):
            if task.id in wanted:
                task.advance()  # keep moto's state-manager hook (manual transitions)
                _sync_stopped(task)
                _step_one_off(self, task)
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
        if _one_off(task):
            _migration_logs(task, task_def, done=False)
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
    task.launch_type = task.launch_type or None  # moto: "" with a capacity provider strategy
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


def _stop(task: Any, code: str, reason: str, exit_codes: dict[str, int] | None = None,
          container_reason: str | None = None) -> None:
    """Stop a stored task the way ECS reports it (containers STOPPED, exit codes set;
    exit_codes=None: the containers never started, so no exit code)."""
    t = now()
    task.last_status = task.desired_status = "STOPPED"
    task.stop_code, task.stopped_reason = code, reason
    task.stopping_at = task.execution_stopped_at = task.stopped_at = t
    for c in task.containers:
        if not isinstance(c, dict):
            continue
        c["lastStatus"] = "STOPPED"
        if exit_codes is not None:
            c["exitCode"] = exit_codes.get(c.get("name"), 0)
        if container_reason:
            c["reason"] = container_reason
        for agent in c.get("managedAgents", []):
            agent["lastStatus"] = "STOPPED"


# --- (g) one-off tasks (migrations) finish by themselves ------------------------------
# moto never ends a task by itself except through the state manager (which would move
# every task, seeded service tasks included). Tasks started with startedBy "toadtop[/user]" exit
# after TOADTOP_TASK_STEPS DescribeTasks calls that include them (the Nth call answers
# STOPPED); the migration container (the one whose override sets RUN_MIGRATIONS, else the
# first) exits with TOADTOP_MIGRATION_EXIT_CODE, the others with 0.
ONE_OFF_STARTED_BY = "toadtop"


def _one_off(task: Any) -> bool:
    """startedBy "toadtop" or "toadtop/<user>" (what toadtop's migrations carry)."""
    by = task.started_by or ""
    return by == ONE_OFF_STARTED_BY or by.startswith(ONE_OFF_STARTED_BY + "/")
_one_off_steps: dict[str, int] = {}  # task ARN -> DescribeTasks calls seen


def _migration_container(task: Any) -> str | None:
    for o in (task.overrides or {}).get("containerOverrides", []):
        if any(e.get("name") == "RUN_MIGRATIONS" for e in o.get("environment", [])):
            return o.get("name")
    names = [c.get("name") for c in task.containers if isinstance(c, dict)]
    return names[0] if names else None


def _step_one_off(backend: Backend, task: Any) -> None:
    if not _one_off(task) or task.desired_status != "RUNNING":
        return
    steps = env_int("TOADTOP_TASK_STEPS", 2)
    if steps <= 0:
        return
    seen = _one_off_steps[task.task_arn] = _one_off_steps.get(task.task_arn, 0) + 1
    if seen < steps:
        return
    code = env_int("TOADTOP_MIGRATION_EXIT_CODE", 0)
    _stop(task, "EssentialContainerExited", "Essential container in task exited",
          exit_codes={_migration_container(task): code})
    _migration_logs(task, backend.describe_task_definition(task.task_definition_arn), done=True)


def _migration_logs(task: Any, task_def: Any, done: bool) -> None:
    """ECS writes a container's output to <awslogs-stream-prefix>/<container>/<task id>.
    moto runs nothing, so write what `php artisan migrate --force` would print: the first
    lines when the task starts, the rest (DONE, or FAIL and the error) when it exits."""
    from moto.logs.models import logs_backends

    name = _migration_container(task)
    cdef = next((c for c in task_def.container_definitions if c.get("name") == name), None)
    log_cfg = (cdef or {}).get("logConfiguration") or {}
    opts = log_cfg.get("options") or {}
    group, prefix = opts.get("awslogs-group"), opts.get("awslogs-stream-prefix")
    if log_cfg.get("logDriver") != "awslogs" or not group or not prefix:
        return
    logs = logs_backends[task._account_id][opts.get("awslogs-region", task.region_name)]
    stream = f"{prefix}/{name}/{task.id}"
    if group not in logs.groups:  # ECS would fail the task; a demo is better served this way
        logs.create_log_group(group, {})
    if stream not in logs.groups[group].streams:
        logs.create_log_stream(group, stream)
    dots = lambda s, t: f"  {s} {'.' * max(3, 72 - len(s) - len(t))} {t}"  # noqa: E731
    if not done:
        lines = ["   INFO  Running migrations.",
                 dots("2026_11_20_101500_create_invoices_table", "12.45ms DONE")]
    elif env_int("TOADTOP_MIGRATION_EXIT_CODE", 0) == 0:
        lines = [dots("2026_11_21_083000_add_status_to_orders_table", "8.91ms DONE")]
    else:
        lines = [dots("2026_11_21_083000_add_status_to_orders_table", "3.12ms FAIL"),
                 "   Illuminate\\Database\\QueryException ",
                 "  SQLSTATE[42S21]: Column already exists: 1060 Duplicate column name 'status' "
                 "(Connection: mysql, SQL: alter table `orders` add `status` varchar(255) not null)",
                 "  at vendor/laravel/framework/src/Illuminate/Database/Connection.php:825"]
    base = int(now().timestamp() * 1000)
    logs.put_log_events(group, stream, [{"timestamp": base + i, "message": m} for i, m in enumerate(lines)])


# --- services: keep enableExecuteCommand, createdAt, full task-definition ARN ----------
# moto's CreateService drops enableExecuteCommand; UpdateService stores the task
# definition as given ("family:rev") and never starts a deployment (forceNewDeployment
# only renames the primary).
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


Responses.create_service = create_service


# --- (h) deployments and rollouts -------------------------------------------------------
# ECS: a new task definition or forceNewDeployment turns the PRIMARY deployment ACTIVE and
# puts a new PRIMARY (IN_PROGRESS) first; the scheduler then starts tasks of the new one and
# stops the old ones. moto has none of this. Here a rollout started by UpdateService
# advances one step per DescribeServices of its service (see _step_rollout).
_rollout_steps: dict[str, int] = {}  # deployment id -> DescribeServices calls seen
_cleanup_after_rollback: set[str] = set()  # rollback deployment ids: drop the failed one next
_forced: dict[str, set[str]] = {}  # deployment id -> fields a test forced via /_toadtop/service
_scale_steps: dict[str, int] = {}  # service ARN -> DescribeServices calls since a scaling update


def _deployment_id() -> str:
    return f"ecs-svc/{10**18 + secrets.randbelow(9 * 10**18)}"


def _event(service: Any, message: str) -> None:
    """ECS: newest first, at most 100 kept."""
    service.events.insert(0, {"id": str(uuid.uuid4()), "createdAt": now(), "message": message})
    del service.events[100:]


def _lookup_service(backend: Backend, cluster_str: str, name: str) -> Any:
    try:
        return backend._get_service(cluster_str, name.split("/")[-1])
    except Exception:  # let moto's own UpdateService raise the proper error
        return None


def update_service(self: Responses) -> Any:
    backend = self.ecs_backend
    before = _lookup_service(backend, self._get_param("cluster", "default"), self._get_param("service") or "")
    old = ([dict(d) for d in before.deployments], before.task_definition, before.desired_count) if before else None
    result = _orig_update_service(self)
    service = result.result["service"]
    if old is None:
        return result
    with _LOCK:
        service.deployments = old[0]  # undo moto's renaming of the primary on forceNewDeployment
        if self._get_param("taskDefinition"):
            service.task_definition = backend.describe_task_definition(service.task_definition).arn
        if service.task_definition != old[1] or self._get_param("forceNewDeployment"):
            _start_deployment(service)
        elif self._get_param("desiredCount") is not None:
            # scaling alone: no new deployment (ECS has no event for it; this one is made up)
            if service.deployments:
                service.deployments[0].update(desiredCount=service.desired_count, updatedAt=now())
            if service.desired_count != old[2]:
                _event(service, f"(service {service.name}) desired count changed from "
                                f"{old[2]} to {service.desired_count}.")
            if not service.deployments or service.deployments[0].get("id") not in _rollout_steps:
                _scale_steps[service.arn] = 0  # a rollout in progress brings its own count
        _refresh_counts(backend, backend._get_cluster(service.cluster_name), service)
    return result


Responses.update_service = update_service


def _start_deployment(service: Any) -> None:
    t = now()
    _scale_steps.pop(service.arn, None)  # the new deployment starts its own tasks
    for d in service.deployments:
        if d.get("status") == "PRIMARY":
            d.update(status="ACTIVE", updatedAt=t)
        _rollout_steps.pop(d.get("id"), None)  # a superseded rollout stops advancing
    dep_id = _deployment_id()
    service.deployments.insert(0, {
        "id": dep_id, "status": "PRIMARY", "taskDefinition": service.task_definition,
        "desiredCount": service.desired_count, "pendingCount": 0, "runningCount": 0,
        "failedTasks": max(env_int("MOTO_ECS_SERVICE_FAILED_TASKS", 0), 0),
        "createdAt": t, "updatedAt": t, "launchType": service.launch_type,
        "platformVersion": service.platform_version,
        "platformFamily": "EC2" if service.launch_type == "EC2" else "FARGATE",
        "networkConfiguration": service.network_configuration or None,
        "rolloutState": "IN_PROGRESS", "rolloutStateReason": f"ECS deployment {dep_id} in progress.",
    })
    _rollout_steps[dep_id] = 0
    _event(service, f"(service {service.name}) has started a new deployment (deployment {dep_id}) "
                    f"of task definition {service.task_definition.split('/')[-1]}.")


def _service_tasks(backend: Backend, cluster: Any, service: Any) -> list[Any]:
    group = f"service:{service.name}"
    return [t for t in _cluster_tasks(backend, cluster)
            if t.group == group and t.desired_status == "RUNNING" and _same_cluster(t, cluster)]


def _owner(deployments: list[dict[str, Any]], task: Any) -> dict[str, Any]:
    """The deployment a task belongs to: startedBy is the deployment id (as ECS sets it);
    else the first one running its task definition; else the oldest."""
    for d in deployments:
        if d.get("id") == task.started_by:
            return d
    for d in deployments:
        if d.get("taskDefinition") == task.task_definition_arn:
            return d
    return deployments[-1]


def _refresh_counts(backend: Backend, cluster: Any, service: Any) -> None:
    """moto's counts come from MOTO_ECS_SERVICE_RUNNING; count the stored tasks instead
    (per deployment; fields a test forced via /_toadtop/service are left alone)."""
    counts = {id(d): [0, 0] for d in service.deployments}
    running = pending = 0
    for task in _service_tasks(backend, cluster, service):
        status = task.last_status
        is_running, is_pending = status == "RUNNING", status in ("PROVISIONING", "PENDING", "ACTIVATING")
        running, pending = running + is_running, pending + is_pending
        if service.deployments:
            c = counts[id(_owner(service.deployments, task))]
            c[0], c[1] = c[0] + is_running, c[1] + is_pending
    service.running_count, service.pending_count = running, pending
    for d in service.deployments:
        forced = _forced.get(d.get("id"), set())
        for key, value in zip(("runningCount", "pendingCount"), counts[id(d)]):
            if key not in forced:
                d[key] = value


def _start_tasks(backend: Backend, service: Any, deployment: dict[str, Any], count: int) -> list[Any]:
    """Start tasks the way the service scheduler does (same path as RunTask here)."""
    if count <= 0:
        return []
    tasks = backend.run_task(
        service.cluster_name, deployment["taskDefinition"], count, None, deployment["id"], None,
        service.launch_type, service.network_configuration or None, f"service:{service.name}",
        service.platform_version, getattr(service, "capacity_provider_strategy", None) or None)
    task_def = backend.describe_task_definition(deployment["taskDefinition"])
    for task in tasks:
        _make_realistic(task, task_def, bool(getattr(service, "enable_execute_command", False)))
    return tasks


def _task_list(tasks: list[Any]) -> str:
    return " ".join(f"(task {t.id})" for t in tasks)


def _step_rollout(backend: Backend, cluster: Any, service: Any) -> None:
    """One DescribeServices of a service whose primary is rolling out.

    Step k < N starts new tasks (ceil(desired*k/N) in all, so the primary's runningCount
    grows while the old tasks keep running); step N starts the rest, stops every other task
    of the service and leaves only the PRIMARY, COMPLETED. With TOADTOP_ROLLOUT_FAIL the Nth
    step fails it instead (no new task runs)."""
    if not service.deployments:
        return
    primary = service.deployments[0]
    if primary.get("id") in _cleanup_after_rollback:  # the failed deployment has drained
        _cleanup_after_rollback.discard(primary["id"])
        service.deployments = [primary]
        return
    steps = env_int("TOADTOP_ROLLOUT_STEPS", 3)
    if (primary.get("rolloutState") != "IN_PROGRESS" or primary.get("id") not in _rollout_steps
            or steps <= 0):
        return
    step = _rollout_steps[primary["id"]] = _rollout_steps[primary["id"]] + 1
    primary["updatedAt"] = now()
    fail = os.environ.get("TOADTOP_ROLLOUT_FAIL", "")
    if fail:
        if step >= steps:
            _fail_rollout(backend, service, primary, rollback=fail == "rollback")
        return
    ours = [t for t in _service_tasks(backend, cluster, service) if t.started_by == primary["id"]]
    want = primary["desiredCount"] if step >= steps else -(-primary["desiredCount"] * step // steps)
    started = _start_tasks(backend, service, primary, want - len(ours))
    if started:
        _event(service, f"(service {service.name}) has started {len(started)} tasks: {_task_list(started)}.")
    if step < steps:
        return
    ids = {d["id"] for d in service.deployments}
    active = next((d["id"] for d in service.deployments[1:]), primary["id"])
    stopped = [t for t in _service_tasks(backend, cluster, service) if t.started_by != primary["id"]]
    for task in stopped:
        by = task.started_by if task.started_by in ids else active
        _stop(task, "ServiceSchedulerInitiated", f"Scaling activity initiated by (deployment {by})", exit_codes={})
    if stopped:
        _event(service, f"(service {service.name}) has stopped {len(stopped)} running tasks: {_task_list(stopped)}.")
    primary.update(rolloutState="COMPLETED", rolloutStateReason=f"ECS deployment {primary['id']} completed.")
    service.deployments = [primary]
    _rollout_steps.pop(primary["id"], None)
    _event(service, f"(service {service.name}) (deployment {primary['id']}) deployment completed.")
    _event(service, f"(service {service.name}) has reached a steady state.")


def _fail_rollout(backend: Backend, service: Any, primary: dict[str, Any], rollback: bool) -> None:
    """Circuit breaker: three tasks of the new revision failed to start; with rollback the
    previous deployment's task definition becomes the service's again, as a new PRIMARY."""
    failed = _start_tasks(backend, service, primary, 3)
    image = next((c.get("image") for c in failed[0].containers if isinstance(c, dict)), "") if failed else ""
    reason = (f"CannotPullContainerError: pull image manifest has been retried 7 time(s): "
              f"failed to resolve ref {image}: not found")
    for task in failed:
        _stop(task, "TaskFailedToStart", reason, exit_codes=None, container_reason=reason)
    primary.update(rolloutState="FAILED", failedTasks=3, updatedAt=now(),
                   rolloutStateReason="ECS deployment circuit breaker: tasks failed to start.")
    _rollout_steps.pop(primary["id"], None)
    _event(service, f"(service {service.name}) (deployment {primary['id']}) deployment failed: "
                    "tasks failed to start.")
    previous = next((d for d in service.deployments[1:] if d.get("status") == "ACTIVE"), None)
    if not rollback or previous is None:
        return
    t, rb_id = now(), _deployment_id()
    rb = dict(previous, id=rb_id, status="PRIMARY", desiredCount=service.desired_count, failedTasks=0,
              createdAt=t, updatedAt=t, rolloutState="COMPLETED",
              rolloutStateReason=f"ECS deployment {rb_id} completed.")
    primary["status"] = "ACTIVE"
    service.deployments = [rb, primary]  # the failed one goes on the next DescribeServices
    service.task_definition = previous["taskDefinition"]
    _cleanup_after_rollback.add(rb_id)
    _event(service, f"(service {service.name}) rolling back to deployment {rb_id}.")
    _event(service, f"(service {service.name}) has reached a steady state.")


def _step_scale(backend: Backend, cluster: Any, service: Any) -> None:
    """Scaling (UpdateService with desiredCount alone): at the TOADTOP_ROLLOUT_STEPS-th
    DescribeServices (0 = never) the scheduler starts tasks of the primary deployment, or
    stops the newest extra ones, until the service runs desiredCount tasks."""
    steps = env_int("TOADTOP_ROLLOUT_STEPS", 3)
    if service.arn not in _scale_steps or not service.deployments or steps <= 0:
        return
    _scale_steps[service.arn] += 1
    if _scale_steps[service.arn] < steps:
        return
    del _scale_steps[service.arn]
    tasks = _service_tasks(backend, cluster, service)
    missing = service.desired_count - len(tasks)
    started = _start_tasks(backend, service, service.deployments[0], missing)
    if started:
        _event(service, f"(service {service.name}) has started {len(started)} tasks: {_task_list(started)}.")
    extra = sorted(tasks, key=lambda t: t.started_at or now(), reverse=True)[:max(-missing, 0)]
    for task in extra:
        _stop(task, "ServiceSchedulerInitiated",
              f"Scaling activity initiated by (service {service.name})", exit_codes={})
    if extra:
        _event(service, f"(service {service.name}) has stopped {len(extra)} running tasks: {_task_list(extra)}.")
    _event(service, f"(service {service.name}) has reached a steady state.")


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
    with _LOCK:
        for service in services:
            _step_rollout(self, cluster, service)
            _step_scale(self, cluster, service)
            _refresh_counts(self, cluster, service)
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


# --- (i) task definitions -------------------------------------------------------------
# moto stores every RegisterTaskDefinition field toadtop sends except enableFaultInjection,
# sets no registeredAt/registeredBy, answers RegisterTaskDefinition without `tags`, and
# ListTaskDefinitions ignores `sort`.
_orig_register_task_definition = Responses.register_task_definition


def register_task_definition(self: Responses) -> Any:
    result = _orig_register_task_definition(self)
    td = result.result["taskDefinition"]
    td.enable_fault_injection = self._get_param("enableFaultInjection")
    td.registered_at = now()
    td.registered_by = f"arn:aws:iam::{self.ecs_backend.account_id}:root"
    if td.tags:
        result.result["tags"] = td.tags
    return result


Responses.register_task_definition = register_task_definition

# ListTaskDefinitions: moto ignores `sort`; ECS orders by family, then revision (ASC by default).
_orig_list_task_definitions = Responses.list_task_definitions


def list_task_definitions(self: Responses) -> Any:
    result = _orig_list_task_definitions(self)

    def key(arn: str) -> tuple[str, int]:
        family, rev = arn.split("/")[-1].rsplit(":", 1)
        return family, int(rev)

    result.result["taskDefinitionArns"].sort(key=key, reverse=self._get_param("sort") == "DESC")
    return result


Responses.list_task_definitions = list_task_definitions


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
CONTAINER_FIELDS = {"lastStatus", "exitCode", "healthStatus", "reason", "image", "imageDigest", "runtimeId",
                    "managedAgents"}


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
        _pin(service.deployments[0], deployments)
    elif isinstance(deployments, list):
        base = dict(service.deployments[0]) if service.deployments else {}
        service.deployments = []
        for d in deployments:
            new = dict(base, id=f"ecs-svc/{uuid.uuid4().int % 10**19}", status="ACTIVE")
            new.update({k: to_dt(v) if k.endswith("At") else v for k, v in d.items()})
            service.deployments.append(new)
            _pin(new, d)
        if service.deployments:
            service.deployments[0]["status"] = deployments[0].get("status", "PRIMARY")
    return service_json(service)


def _pin(deployment: dict[str, Any], fields: dict[str, Any]) -> None:
    """A forced deployment stays as forced: no automatic rollout steps, and the counts a
    test set are not recomputed from the tasks."""
    with _LOCK:
        _rollout_steps.pop(deployment.get("id"), None)
        _cleanup_after_rollback.discard(deployment.get("id"))
        _forced.setdefault(deployment.get("id"), set()).update(fields)


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


# The Rust CloudWatch SDK speaks Smithy RPC v2 CBOR (POST /service/<target>/operation/<op>);
# moto 5.2.5 routes only the JSON/query protocols (404 otherwise). Translate: CBOR request
# -> awsJson1_0 request to moto -> CBOR response, using botocore's CBOR codec and model.
CBOR_PREFIX = "/service/GraniteServiceVersion20100801/operation/"


def cloudwatch_cbor(moto_app: Any, environ: dict[str, Any], start_response: Any) -> Any:
    import io
    from datetime import datetime

    import botocore.session
    from botocore.parsers import BaseCBORParser
    from botocore.serialize import RpcV2CBORSerializer

    op = environ["PATH_INFO"][len(CBOR_PREFIX):]
    raw = Request(environ).get_data()
    parser = BaseCBORParser()
    params = parser.parse_data_item(parser.get_peekable_stream_from_bytes(raw)) if raw else {}
    body = json.dumps(params, default=lambda v: v.timestamp() if isinstance(v, datetime) else str(v)).encode()
    inner = dict(environ)
    inner.update({"PATH_INFO": "/", "CONTENT_TYPE": "application/x-amz-json-1.0",
                  "CONTENT_LENGTH": str(len(body)), "wsgi.input": io.BytesIO(body),
                  "HTTP_X_AMZ_TARGET": f"GraniteServiceVersion20100801.{op}"})
    inner.pop("HTTP_SMITHY_PROTOCOL", None)
    captured: dict[str, Any] = {}

    def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        captured["status"] = status
        return lambda _data: None

    out = b"".join(moto_app(inner, capture))
    status = captured.get("status", "500 INTERNAL SERVER ERROR")
    answer = json.loads(out or b"{}")
    encoded = bytearray()
    serializer = RpcV2CBORSerializer()
    if status.startswith("2"):
        model = botocore.session.get_session().get_service_model("cloudwatch")
        serializer._serialize_data_item(encoded, answer, model.operation_model(op).output_shape)
    else:  # errors: a map with __type and message, as RPC v2 CBOR has it
        code = str(answer.get("__type") or answer.get("code") or "InternalFailure").split("#")[-1]
        return error_answer(environ, start_response, status, code,
                            str(answer.get("message") or answer.get("Message") or ""))
    start_response(status, [("Content-Type", "application/cbor"), ("smithy-protocol", "rpc-v2-cbor"),
                            ("Content-Length", str(len(encoded)))])
    return [bytes(encoded)]


def error_answer(environ: dict[str, Any], start_response: Any, status: str, code: str,
                 message: str) -> Any:
    """An AWS error in the request's protocol: RPC v2 CBOR for CloudWatch, else awsJson."""
    if environ.get("PATH_INFO", "").startswith(CBOR_PREFIX):
        body, headers = cbor_text_map({"__type": code, "message": message}), [
            ("Content-Type", "application/cbor"), ("smithy-protocol", "rpc-v2-cbor")]
    else:
        body = json.dumps({"__type": code, "message": message}).encode()
        headers = [("Content-Type", "application/x-amz-json-1.1")]
    start_response(status, headers + [("Content-Length", str(len(body)))])
    return [body]


def cbor_text_map(fields: dict[str, str]) -> bytes:
    """A CBOR map of text to text (botocore's CBOR serializer needs a model shape, and
    error bodies have none)."""
    def head(major: int, n: int) -> bytes:
        if n < 24:
            return bytes([major << 5 | n])
        if n < 256:
            return bytes([major << 5 | 24, n])
        return bytes([major << 5 | 25]) + n.to_bytes(2, "big")

    out = bytearray(head(5, len(fields)))
    for k, v in fields.items():
        for text in (k, v):
            raw = text.encode()[:65535]
            out += head(3, len(raw)) + raw
    return bytes(out)


def target_of(environ: dict[str, Any]) -> str:
    """The operation a request calls, as X-Amz-Target (CBOR: built from the path); "" for
    test-only endpoints and moto's own API."""
    path = environ.get("PATH_INFO", "")
    if path.startswith(CBOR_PREFIX):
        return f"GraniteServiceVersion20100801.{path[len(CBOR_PREFIX):]}"
    return environ.get("HTTP_X_AMZ_TARGET", "")


def denied(environ: dict[str, Any], start_response: Any) -> Any:
    """TOADTOP_DENY: a 400 AccessDeniedException in the request's protocol, or None."""
    target = target_of(environ)
    deny = {t.strip() for t in os.environ.get("TOADTOP_DENY", "").split(",") if t.strip()}
    if not target or target not in deny:
        return None
    action = target.split(".")[-1]
    return error_answer(environ, start_response, "400 Bad Request", "AccessDeniedException",
                        f"User: arn:aws:sts::{DEFAULT_ACCOUNT_ID}:assumed-role/readonly/test "
                        f"is not authorized to perform: {action} because no identity-based "
                        "policy allows the action")


# --- (i) throttling and server errors on demand, and a request count --------------------
# moto never throttles and never fails with a 5xx on purpose. POST /_toadtop/faults queues
# faults per operation; every request an SDK sends (retries included) is counted, so tests
# can see how many attempts a client made.
_faults: dict[str, list[dict[str, Any]]] = {}  # action -> [{"kind", "left", "status"}]
FAULTS = {
    "throttle": ("400 Bad Request", "ThrottlingException", "Rate exceeded"),
    "5xx": (None, "ServiceUnavailableException", "Service is unavailable, try again"),
}


def add_fault(body: dict[str, Any]) -> dict[str, Any]:
    """{"operation", "kind": "throttle"|"5xx", "count": N (default 1), "status": 5xx (default 503)}"""
    op = str(body["operation"]).split(".")[-1]
    kind = body["kind"]
    if kind not in FAULTS:
        raise ValueError(f"kind must be one of {sorted(FAULTS)}")
    count, status = int(body.get("count", 1)), int(body.get("status", 503))
    if not 500 <= status <= 599:
        raise ValueError("status must be 5xx")
    with _LOCK:
        _faults.setdefault(op, []).append({"kind": kind, "left": count, "status": status})
        return {"operation": op, "pending": sum(f["left"] for f in _faults[op])}


def faulted(environ: dict[str, Any], start_response: Any) -> Any:
    """Answers the next queued fault of its operation, or None."""
    action = target_of(environ).split(".")[-1]
    if not action:
        return None
    with _LOCK:
        queue = _faults.get(action) or []
        while queue and queue[0]["left"] <= 0:
            queue.pop(0)
        if not queue:
            return None
        fault = queue[0]
        fault["left"] -= 1
    status, code, message = FAULTS[fault["kind"]]
    status = status or f"{fault['status']} Server Error"
    return error_answer(environ, start_response, status, code, message)


ROUTES = {"/_toadtop/task": edit_task, "/_toadtop/service": edit_service, "/_toadtop/faults": add_fault}
ROUTES["/_toadtop/repeat-token"] = ext_repeat_token.arm  # see ext_repeat_token.py
ROUTES["/_toadtop/ecr-blob"] = ext_ecr_blobs.put_blob
ROUTES["/_toadtop/ssm-sessions"] = ext_ssm_session.requests  # see ext_ssm_session.py
ROUTES["/_toadtop/findings"] = ext_findings.add_findings  # a new CVE mid-run: ext_findings.py


_requests: dict[str, int] = {}
_REQUESTS_LOCK = threading.Lock()  # not _LOCK: counting must not wait for a rollout step


def count_request(environ: dict[str, Any]) -> None:
    """One more request for its operation: the JSON protocols name it in X-Amz-Target, RPC
    v2 CBOR in the path; the query protocols (EC2, STS, used only by the seed) count as
    their path."""
    path = environ.get("PATH_INFO", "")
    if path.startswith(("/_toadtop/", "/moto-api/")):
        return
    op = environ.get("HTTP_X_AMZ_TARGET") or (
        "GraniteServiceVersion20100801." + path[len(CBOR_PREFIX):] if path.startswith(CBOR_PREFIX)
        else f"query:{path}")
    with _REQUESTS_LOCK:
        _requests[op] = _requests.get(op, 0) + 1


def requests_endpoint(environ: dict[str, Any], start_response: Any) -> Any:
    with _REQUESTS_LOCK:
        if environ.get("REQUEST_METHOD") == "POST":
            _requests.clear()
        body = json.dumps(_requests)
    return Response(body, mimetype="application/json")(environ, start_response)


class TestEndpoint:
    """WSGI middleware: /_toadtop/* handled here, everything else goes to moto."""

    def __init__(self, moto_app: Any, door: "Door") -> None:
        self.moto_app = moto_app
        self.door = door

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        if self.door.server is None:  # a keep-alive request read while the door shut
            return self.door.hang_up(environ, start_response)
        if environ.get("PATH_INFO") == "/_toadtop/requests":
            return requests_endpoint(environ, start_response)
        count_request(environ)
        latency = env_int("TOADTOP_LATENCY_MS", 0)
        if latency > 0 and not environ.get("PATH_INFO", "").startswith(("/_toadtop/", "/moto-api/")):
            time.sleep(latency / 1000)  # the server is threaded: concurrent requests wait together
        refused = faulted(environ, start_response) or denied(environ, start_response)
        if refused is not None:
            return refused
        repeated = ext_repeat_token.answer(self.moto_app, environ, start_response)
        repeated = repeated or ext_ssm_session.answer(environ, start_response)
        if repeated is not None:
            return repeated
        if environ.get("PATH_INFO", "").startswith(CBOR_PREFIX):
            return cloudwatch_cbor(self.moto_app, environ, start_response)
        path = environ.get("PATH_INFO", "")
        if path.startswith(ext_ecr_blobs.BLOB_PREFIX):
            return ext_ecr_blobs.serve(environ, start_response)
        handler = self.door.arm if path == "/_toadtop/outage" else ROUTES.get(path)
        if handler is None:
            return self.door.after(environ, self.moto_app(environ, start_response))
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


# --- (i) stopping and restarting without losing state ------------------------------------
# A test of "the server went away" needs connections refused, then the same fleet back on
# the same port. Killing moto loses its in-memory state (and re-seeding takes seconds and
# makes new ids), so the process stays and only its listening socket goes.
class Door:
    """The listening socket: open() serves on the port, close() refuses new connections and
    cuts the open ones (keep-alive connections would otherwise go on being served)."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.app: Any = None
        self.server: Any = None
        self.lock = threading.RLock()
        self.connections: set[socket.socket] = set()
        self.armed: dict[str, Any] | None = None  # POST /_toadtop/outage

    def open(self) -> None:
        with self.lock:
            if self.server is not None:
                return
            sock = self._bind()
            door = self

            class Handler(MotoRequestHandler):  # type: ignore[misc, valid-type]
                def setup(self) -> None:
                    super().setup()
                    with door.lock:
                        door.connections.add(self.connection)

                def finish(self) -> None:
                    with door.lock:
                        door.connections.discard(self.connection)
                    super().finish()

            self.server = make_server(self.host, self.port, self.app, threaded=True,
                                      request_handler=Handler, fd=sock.fileno())
            sock.close()  # werkzeug serves on a duplicate of it
            self.port = self.server.port
            threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                             daemon=True).start()

    def _bind(self) -> socket.socket:
        """The port again (SO_REUSEADDR: connections we cut may linger in TIME_WAIT). Another
        program may have taken the free port meanwhile: unlikely on loopback, retried."""
        for attempt in range(50):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind((self.host, self.port))
                sock.listen(128)
                return sock
            except OSError:
                sock.close()
                if self.port == 0 or attempt == 49:
                    raise
                time.sleep(0.2)
        raise AssertionError("unreachable")

    def close(self) -> None:
        with self.lock:
            server, self.server = self.server, None
            if server is None:
                return
            # Refuse at once (a client's next call may be milliseconds away), then end the
            # accept loop, then cut what was accepted meanwhile.
            self._cut()
            server.socket.close()
            server.shutdown()
            server.server_close()
            self._cut()

    def _cut(self) -> None:
        for conn in list(self.connections):
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    @staticmethod
    def hang_up(environ: dict[str, Any], start_response: Any) -> Any:
        """No answer: the connection drops, as when a server dies mid-request."""
        conn = environ.get("werkzeug.socket")
        if conn is not None:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        start_response("503 Service Unavailable", [("Content-Length", "0")])
        return [b""]

    def outage(self, seconds: float) -> None:
        self.close()
        if seconds > 0:
            threading.Timer(seconds, self.open).start()

    def arm(self, body: dict[str, Any]) -> dict[str, Any]:
        """POST /_toadtop/outage: stop after the Nth answer to an operation from now on."""
        if set(body) - {"after", "calls", "seconds"} or not isinstance(body.get("after"), str):
            raise ValueError('expected {"after": OPERATION, "calls": N, "seconds": S}')
        armed = {"after": body["after"], "calls": int(body.get("calls", 1)),
                 "seconds": float(body.get("seconds", 0))}
        with self.lock:
            self.armed = dict(armed, seen=0)
        return armed

    def after(self, environ: dict[str, Any], body: Any) -> Any:
        """An armed outage: the answer goes out whole, then the server stops."""
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        with self.lock:
            armed = self.armed
            if armed is None or not target.endswith("." + armed["after"]):
                return body
            armed["seen"] += 1
            if armed["seen"] < armed["calls"]:
                return body
            self.armed = None
        # In the request's own thread, so nothing else is answered before the door shuts.
        return AfterAnswer(body, lambda: self.outage(armed["seconds"]))


class AfterAnswer:
    """A WSGI body whose close() (called once the server has written it) runs `then`."""

    def __init__(self, body: Any, then: Any) -> None:
        self.body, self.then = body, then

    def __iter__(self) -> Any:
        return iter(self.body)

    def close(self) -> None:
        if hasattr(self.body, "close"):
            self.body.close()
        self.then()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()

    door = Door(args.host, args.port)
    door.app = TestEndpoint(ext_livetail.wrap(DomainDispatcherApplication(create_backend_app)), door)
    door.open()
    os.environ.setdefault("MOTO_PORT", str(door.port))  # as moto.server.main does
    # The socket is bound now; tests may wait for this line or poll the port.
    print(f"toadtop-testbed listening on http://{args.host}:{door.port}", flush=True)
    while True:
        sig = signal.sigwait(CONTROL_SIGNALS)
        if sig == signal.SIGUSR1:
            door.close()
        elif sig == signal.SIGUSR2:
            door.open()
        else:
            break


if __name__ == "__main__":
    main()
