#!/usr/bin/env python3
"""Checks the testbed end to end: starts server.py on a free port, seeds, asserts via boto3.

    python scripts/testbed/selftest.py      (exit 0 = all good)
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import boto3
from botocore.exceptions import ClientError

HERE = Path(__file__).resolve().parent


def post(endpoint: str, path: str, body: dict) -> tuple[int, dict]:
    req = urllib.request.Request(endpoint + path, data=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req) as r:
            raw = r.read()
            return r.status, json.loads(raw) if raw else {}
    except urllib.error.HTTPError as e:
        return e.code, json.load(e)


def check(endpoint: str, s: dict) -> None:
    kw = dict(endpoint_url=endpoint, region_name="us-east-1",
              aws_access_key_id="test", aws_secret_access_key="test")
    ecs, ecr, logs = (boto3.client(n, **kw) for n in ("ecs", "ecr", "logs"))
    prod = s["clusters"]["production"]["services"]

    # (a) ListTasks: RUNNING by default, exact cluster, serviceName
    running = ecs.list_tasks(cluster="production")["taskArns"]
    assert len(running) == 7, running  # 6 of services + the running schedule:run one-off
    assert all("/production/" in a for a in running)
    stopped = ecs.list_tasks(cluster="production", desiredStatus="STOPPED")["taskArns"]
    assert len(stopped) == 4, stopped  # 2 of services + CI's two migration runs
    assert len(ecs.list_tasks(cluster="production", serviceName="web")["taskArns"]) == 3
    assert len(ecs.list_tasks(cluster="production", serviceName="web", desiredStatus="STOPPED")["taskArns"]) == 1
    assert len(ecs.list_tasks(cluster="production-eu")["taskArns"]) == 2  # web and app
    arn_filter = ecs.list_tasks(cluster=s["clusters"]["production"]["arn"])["taskArns"]
    assert sorted(arn_filter) == sorted(running)

    # (b) containers / stop codes / exec flags
    tasks = ecs.describe_tasks(cluster="production", tasks=running + stopped)["tasks"]
    assert len(tasks) == 11
    by_id = {t["taskArn"].split("/")[-1]: t for t in tasks}
    standalone = {e["id"]: e for e in s["clusters"]["production"]["standalone"]}
    for e in standalone.values():  # tasks of no service: CI migrations, a scheduled one-off
        t = by_id[e["id"]]
        assert (t["group"], t["startedBy"]) == (e["group"], e["startedBy"]) and not t["group"].startswith("service:")
    failed = by_id[next(i for i, e in standalone.items() if e["what"] == "failed-migration")]
    assert (failed["lastStatus"], failed["stopCode"]) == ("STOPPED", "EssentialContainerExited")
    assert {c["name"]: c["exitCode"] for c in failed["containers"]} == {"php": 1, "nginx": 0}
    assert failed["overrides"]["containerOverrides"][0]["environment"] == [{"name": "RUN_MIGRATIONS", "value": "1"}]
    for t in (t for t in tasks if t["taskArn"].split("/")[-1] not in standalone):
        assert t["platformVersion"] == "1.4.0" and t["startedAt"] and t["group"].startswith("service:")
        assert t["startedBy"].startswith("ecs-svc/")
        for c in t["containers"]:
            assert c["runtimeId"].startswith(t["taskArn"].split("/")[-1])
            if c["lastStatus"] == "RUNNING":
                assert "exitCode" not in c, c
    web = [t for t in tasks if t["group"] == "service:web" and t["desiredStatus"] == "RUNNING"]
    assert all([c["name"] for c in t["containers"]] == ["php", "nginx"] for t in web)
    assert all(t["enableExecuteCommand"] for t in web)
    assert web[0]["containers"][0]["managedAgents"][0] == {
        **web[0]["containers"][0]["managedAgents"][0], "name": "ExecuteCommandAgent", "lastStatus": "RUNNING"}
    assert {c["healthStatus"] for t in web for c in t["containers"]} == {"HEALTHY", "UNHEALTHY", "UNKNOWN"}
    worker_stopped = by_id[[t for t in prod["worker"]["tasks"] if t["desiredStatus"] == "STOPPED"][0]["id"]]
    assert worker_stopped["stopCode"] == "EssentialContainerExited"
    assert worker_stopped["stoppedReason"] == "Essential container in task exited"
    assert worker_stopped["containers"][0]["exitCode"] == 1 and worker_stopped["stoppedAt"]
    web_stopped = by_id[[t for t in prod["web"]["tasks"] if t["desiredStatus"] == "STOPPED"][0]["id"]]
    assert web_stopped["stopCode"] == "ServiceSchedulerInitiated"
    assert [c["exitCode"] for c in web_stopped["containers"]] == [0, 0]
    sched = ecs.describe_tasks(cluster="production", tasks=[prod["scheduler"]["tasks"][0]["id"]])["tasks"][0]
    assert sched["enableExecuteCommand"] is False and "managedAgents" not in sched["containers"][0]
    # DescribeTasks stays within the cluster and does not advance tasks
    eu_task = s["clusters"]["production-eu"]["services"]["web"]["tasks"][0]["arn"]
    assert ecs.describe_tasks(cluster="production", tasks=[eu_task])["tasks"] == []
    for _ in range(5):
        assert ecs.describe_tasks(cluster="production", tasks=running)["tasks"][0]["lastStatus"] == "RUNNING"

    # (c) service counts from tasks, events, flags
    svcs = ecs.describe_services(cluster="production", services=["web", "worker", "scheduler"])["services"]
    for svc in svcs:
        want = prod[svc["serviceName"]]["desiredCount"]
        assert svc["runningCount"] == want == svc["deployments"][0]["runningCount"], svc
        assert svc["pendingCount"] == 0 == svc["deployments"][0]["pendingCount"]
        assert svc["deployments"][0]["rolloutState"] == "COMPLETED"
    webs = svcs[0]
    assert webs["enableExecuteCommand"] is True and svcs[2]["enableExecuteCommand"] is False
    times = [e["createdAt"] for e in webs["events"]]
    assert times == sorted(times, reverse=True) and all(e["id"] for e in webs["events"])
    assert webs["events"][0]["message"] == "(service web) has reached a steady state."
    assert any("\x1b[31m" in e["message"] for e in webs["events"])
    assert "was unable to place a task" in "".join(e["message"] for e in svcs[1]["events"])
    staging = ecs.describe_services(cluster="staging", services=["web"])["services"][0]
    assert staging["deployments"][0]["rolloutState"] == "FAILED"
    cl = {c["clusterName"]: c for c in ecs.describe_clusters(clusters=["production", "production-eu"])["clusters"]}
    assert cl["production"]["runningTasksCount"] == 7 and cl["production-eu"]["runningTasksCount"] == 2
    assert cl["production"]["activeServicesCount"] == 3

    # (d) ExecuteCommand
    out = ecs.execute_command(cluster="production", task=web[0]["taskArn"], container="php",
                              interactive=True, command="/bin/sh")
    assert out["containerName"] == "php" and out["session"]["streamUrl"].startswith("wss://ssmmessages.")
    assert out["session"]["tokenValue"] and out["session"]["sessionId"] in out["session"]["streamUrl"]
    for bad in ({"task": web[0]["taskArn"]}, {"task": sched["taskArn"], "container": "php"}):
        try:
            ecs.execute_command(cluster="production", interactive=True, command="sh", **bad)
            raise AssertionError(f"execute_command should fail: {bad}")
        except ClientError as e:
            assert e.response["Error"]["Code"] == "InvalidParameterException", e

    # StopTask / UpdateService
    victim = running[0]
    t = ecs.stop_task(cluster="production", task=victim, reason="test")["task"]
    assert t["stopCode"] == "UserInitiated" and t["lastStatus"] == "STOPPED"
    assert victim not in ecs.list_tasks(cluster="production")["taskArns"]
    vt = ecs.describe_tasks(cluster="production", tasks=[victim])["tasks"][0]
    grp = vt["group"].split(":")[1]
    assert ecs.describe_services(cluster="production", services=[grp])["services"][0]["runningCount"] == prod[grp]["desiredCount"] - 1
    u = ecs.update_service(cluster="production", service="web", taskDefinition="laravel-web:1",
                           enableExecuteCommand=False)["service"]
    assert u["taskDefinition"].endswith("task-definition/laravel-web:1")
    assert u["deployments"][0]["taskDefinition"] == u["taskDefinition"]
    assert [(d["status"], d["taskDefinition"].split("/")[-1]) for d in u["deployments"]] == [
        ("PRIMARY", "laravel-web:1"), ("ACTIVE", "laravel-web:2")]
    w = ecs.describe_services(cluster="production", services=["web"])["services"][0]
    assert w["enableExecuteCommand"] is False

    # (f) test endpoint errors and echo
    assert post(endpoint, "/_toadtop/task", {"cluster": "production", "task": "nope"})[0] == 404
    assert post(endpoint, "/_toadtop/task", {"cluster": "production-eu", "task": running[1]})[0] == 404
    assert post(endpoint, "/_toadtop/task", {"cluster": "production", "task": running[1], "bogus": 1})[0] == 400
    assert post(endpoint, "/_toadtop/service", {"cluster": "production", "service": "nope"})[0] == 404
    code, body = post(endpoint, "/_toadtop/task", {"cluster": "production", "task": running[1],
                                                   "containers": [{"name": "php", "reason": "OOM"}]})
    assert code == 200 and body["containers"][0]["reason"] == "OOM", body

    # ECR findings and logs
    f = ecr.describe_image_scan_findings(repositoryName="laravel-app", imageId={"imageTag": "v1.5.0"})
    assert f["imageScanFindings"]["enhancedFindings"][0]["severity"] == "CRITICAL"
    ecr.describe_image_scan_findings(repositoryName="laravel-app", imageId={"imageTag": "v1.4.0"})
    ev = logs.filter_log_events(logGroupName="/ecs/laravel-production", filterPattern="SQLSTATE")["events"]
    assert ev and "\n[stacktrace]\n#0 /var/www/html/vendor/" in ev[0]["message"]
    stream = next(k for k in s["logGroups"]["/ecs/laravel-production"] if k.startswith("web/nginx/"))
    assert logs.get_log_events(logGroupName="/ecs/laravel-production", logStreamName=stream)["events"]

    # A one-off (migration) task may finish via moto's state manager: then it reads like ECS.
    net = {"awsvpcConfiguration": {"subnets": s["network"]["subnets"], "securityGroups": [s["network"]["securityGroup"]]}}
    mig = ecs.run_task(cluster="production", taskDefinition="laravel-web:2", launchType="FARGATE",
                       networkConfiguration=net, startedBy="toadtop-migrate")["tasks"][0]["taskArn"]
    post(endpoint, "/moto-api/state-manager/set-transition",
         {"model_name": "ecs::task", "transition": {"progression": "manual", "times": 1}})
    for _ in range(4):
        m = ecs.describe_tasks(cluster="production", tasks=[mig])["tasks"][0]
    post(endpoint, "/moto-api/state-manager/unset-transition", {"model_name": "ecs::task"})
    assert (m["lastStatus"], m["desiredStatus"], m["stopCode"]) == ("STOPPED", "STOPPED", "EssentialContainerExited")
    assert [c["exitCode"] for c in m["containers"]] == [0, 0]
    assert mig in ecs.list_tasks(cluster="production", desiredStatus="STOPPED")["taskArns"]

    check_task_definitions(ecs, s)
    check_image_volumes(ecs, ecr, s)
    check_deploys(ecs, s)
    check_scaling(ecs, s)
    check_migration(ecs, logs, "production", s["network"], exit_code=0)

    # reset wipes state (the manual-transition default stays: it is registered, not set)
    post(endpoint, "/moto-api/reset", {})
    assert ecs.list_clusters()["clusterArns"] == []


def check_image_volumes(ecs, ecr, s: dict) -> None:
    """ext_ecr_blobs: the app image's config blob through GetDownloadUrlForLayer, its sha256
    its digest, its Volumes the agent's paths; production-eu/app's nginx agent STOPPED."""
    import hashlib
    v = s["imageVolumes"]
    img = ecr.batch_get_image(repositoryName="laravel-app", imageIds=[{"imageDigest": v["imageDigest"]}])
    cfg = json.loads(img["images"][0]["imageManifest"])["config"]["digest"]
    url = ecr.get_download_url_for_layer(repositoryName="laravel-app", layerDigest=cfg)["downloadUrl"]
    with urllib.request.urlopen(url) as r:
        body = r.read()
    assert "sha256:" + hashlib.sha256(body).hexdigest() == cfg
    assert {"/var/lib/amazon", "/var/log/amazon"} <= set(json.loads(body)["config"]["Volumes"])
    try:
        ecr.get_download_url_for_layer(repositoryName="laravel-app", layerDigest="sha256:" + "0" * 64)
        raise AssertionError("an unknown layer got a URL")
    except ClientError as e:
        assert e.response["Error"]["Code"] == "LayersNotFoundException", e.response
    task = ecs.describe_tasks(cluster="production-eu", tasks=[v["task"]])["tasks"][0]
    agents = {c["name"]: c["managedAgents"][0] for c in task["containers"]}
    assert agents["php"]["lastStatus"] == "RUNNING"
    assert (agents["nginx"]["lastStatus"], agents["nginx"]["reason"]) == ("STOPPED", v["stoppedAgent"]["reason"])
    assert {c["name"]: c.get("imageDigest") for c in task["containers"]}["php"] == v["imageDigest"]


def clients(endpoint: str) -> tuple:
    kw = dict(endpoint_url=endpoint, region_name="us-east-1",
              aws_access_key_id="test", aws_secret_access_key="test")
    return tuple(boto3.client(n, **kw) for n in ("ecs", "logs", "ec2"))


# Every field a client may send to RegisterTaskDefinition (moto 5.2.5 keeps all of them).
FULL_CONTAINER = {
    "name": "php", "image": "x:1", "cpu": 256, "memory": 512, "memoryReservation": 256, "essential": True,
    "portMappings": [{"containerPort": 80, "hostPort": 80, "protocol": "tcp", "name": "http", "appProtocol": "http"}],
    "entryPoint": ["/bin/sh"], "command": ["php", "artisan"], "environment": [{"name": "A", "value": "1"}],
    "environmentFiles": [{"value": "arn:aws:s3:::b/f.env", "type": "s3"}],
    "mountPoints": [{"sourceVolume": "tmp", "containerPath": "/tmp", "readOnly": False}], "volumesFrom": [],
    "linuxParameters": {"initProcessEnabled": True, "capabilities": {"add": ["SYS_PTRACE"]}},
    "secrets": [{"name": "S", "valueFrom": "arn:aws:ssm:us-east-1:1:parameter/x"}],
    "dependsOn": [{"containerName": "nginx", "condition": "START"}], "startTimeout": 30, "stopTimeout": 20,
    "workingDirectory": "/var/www", "ulimits": [{"name": "nofile", "softLimit": 1024, "hardLimit": 4096}],
    "readonlyRootFilesystem": True, "user": "www-data", "dockerLabels": {"a": "b"},
    "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": "g"}},
    "healthCheck": {"command": ["CMD", "true"], "interval": 30, "timeout": 5, "retries": 3, "startPeriod": 10},
    "repositoryCredentials": {"credentialsParameter": "arn:aws:secretsmanager:us-east-1:1:secret:x"},
    "restartPolicy": {"enabled": True, "ignoredExitCodes": [0], "restartAttemptPeriod": 60},
    "versionConsistency": "enabled",
}


def check_task_definitions(ecs, s: dict) -> None:
    d = ecs.describe_task_definition(taskDefinition="laravel-web", include=["TAGS"])
    assert {t["key"]: t["value"] for t in d["tags"]} == {"app": "laravel", "team": "platform", "environment": "production"}
    td = d["taskDefinition"]
    assert td["runtimePlatform"] == {"cpuArchitecture": "X86_64", "operatingSystemFamily": "LINUX"}
    assert td["ephemeralStorage"] == {"sizeInGiB": 30} and td["registeredAt"] and td["revision"] == 2
    assert "tags" not in ecs.describe_task_definition(taskDefinition="laravel-web")
    tail = lambda r: [a.split("/")[-1] for a in r["taskDefinitionArns"]]  # noqa: E731
    assert tail(ecs.list_task_definitions(familyPrefix="laravel-web", sort="DESC")) == ["laravel-web:2", "laravel-web:1"]
    assert tail(ecs.list_task_definitions(familyPrefix="laravel-web")) == ["laravel-web:1", "laravel-web:2"]
    req = dict(
        family="probe", taskRoleArn="arn:aws:iam::1:role/t", executionRoleArn="arn:aws:iam::1:role/e",
        networkMode="awsvpc", containerDefinitions=[FULL_CONTAINER, {"name": "nginx", "image": "nginx", "memory": 128}],
        volumes=[{"name": "tmp"}, {"name": "efs", "efsVolumeConfiguration": {"fileSystemId": "fs-1", "rootDirectory": "/"}}],
        placementConstraints=[{"type": "memberOf", "expression": "attribute:ecs.availability-zone in [us-east-1a]"}],
        requiresCompatibilities=["FARGATE"], cpu="512", memory="1024", pidMode="task", ipcMode="none",
        proxyConfiguration={"type": "APPMESH", "containerName": "nginx", "properties": [{"name": "IgnoredUID", "value": "1337"}]},
        runtimePlatform={"cpuArchitecture": "ARM64", "operatingSystemFamily": "LINUX"},
        ephemeralStorage={"sizeInGiB": 21}, enableFaultInjection=True)
    reg = ecs.register_task_definition(tags=[{"key": "app", "value": "laravel"}], **req)
    assert reg["tags"] == [{"key": "app", "value": "laravel"}]
    d = ecs.describe_task_definition(taskDefinition="probe:1", include=["TAGS"])
    assert d["tags"] == [{"key": "app", "value": "laravel"}]
    for key, value in req.items():
        got = d["taskDefinition"][key]
        if key == "containerDefinitions":
            assert got[0] == {**got[0], **value[0]}, (got[0], value[0])
        else:
            assert got == value, (key, got, value)


def wait_rollout(ecs, cluster: str, service: str, limit: int = 10) -> list[dict]:
    """DescribeServices until the primary is no longer IN_PROGRESS; returns every answer."""
    seen = []
    for _ in range(limit):
        seen.append(ecs.describe_services(cluster=cluster, services=[service])["services"][0])
        if seen[-1]["deployments"][0]["rolloutState"] != "IN_PROGRESS":
            break
    return seen


def shape(svc: dict) -> list[tuple]:
    return [(d["status"], d["taskDefinition"].split("/")[-1], d["rolloutState"], d["runningCount"])
            for d in svc["deployments"]]


def check_deploys(ecs, s: dict) -> None:
    # Scale alone: no new deployment, desiredCount on service and primary, one event.
    before = ecs.describe_services(cluster="staging", services=["web"])["services"][0]
    old_id = before["deployments"][0]["id"]
    u = ecs.update_service(cluster="staging", service="web", desiredCount=3)["service"]
    assert [d["id"] for d in u["deployments"]] == [old_id] and u["deployments"][0]["desiredCount"] == 3
    assert u["desiredCount"] == 3 and u["runningCount"] == 1 and "desired count" in u["events"][0]["message"]

    # Deploy: image swap into a new revision (every field copied, tags too), UpdateService.
    d = ecs.describe_task_definition(taskDefinition=before["taskDefinition"], include=["TAGS"])
    td = d["taskDefinition"]
    keep = ("family", "taskRoleArn", "executionRoleArn", "networkMode", "containerDefinitions", "volumes",
            "placementConstraints", "requiresCompatibilities", "cpu", "memory", "runtimePlatform", "ephemeralStorage")
    td["containerDefinitions"][0]["image"] = td["containerDefinitions"][0]["image"].rsplit(":", 1)[0] + ":v1.6.0"
    new_arn = ecs.register_task_definition(**{k: td[k] for k in keep if k in td}, tags=d["tags"])[
        "taskDefinition"]["taskDefinitionArn"]
    assert new_arn.endswith("laravel-web-staging:2"), new_arn
    old_tasks = ecs.list_tasks(cluster="staging", serviceName="web")["taskArns"]
    u = ecs.update_service(cluster="staging", service="web", taskDefinition="laravel-web-staging:2")["service"]
    new = u["deployments"][0]
    assert u["taskDefinition"] == new_arn == new["taskDefinition"]
    assert [(x["id"], x["status"]) for x in u["deployments"]] == [(new["id"], "PRIMARY"), (old_id, "ACTIVE")]
    assert new["id"].startswith("ecs-svc/") and new["id"][8:].isdigit()
    assert (new["desiredCount"], new["runningCount"], new["pendingCount"], new["failedTasks"]) == (3, 0, 0, 0)
    assert new["rolloutState"] == "IN_PROGRESS" and new["rolloutStateReason"] == f"ECS deployment {new['id']} in progress."
    assert new["launchType"] == "FARGATE" and new["networkConfiguration"]["awsvpcConfiguration"]["subnets"]
    assert new["createdAt"] and new["updatedAt"] and new["id"] in u["events"][0]["message"]
    steps = wait_rollout(ecs, "staging", "web")
    assert [shape(x) for x in steps] == [
        [("PRIMARY", "laravel-web-staging:2", "IN_PROGRESS", 1), ("ACTIVE", "laravel-web-staging:1", "FAILED", 1)],
        [("PRIMARY", "laravel-web-staging:2", "IN_PROGRESS", 2), ("ACTIVE", "laravel-web-staging:1", "FAILED", 1)],
        [("PRIMARY", "laravel-web-staging:2", "COMPLETED", 3)],
    ], [shape(x) for x in steps]
    done = steps[-1]
    assert done["deployments"][0]["id"] == new["id"] and done["runningCount"] == 3
    assert done["deployments"][0]["rolloutStateReason"] == f"ECS deployment {new['id']} completed."
    assert done["events"][0]["message"] == "(service web) has reached a steady state."
    assert done["events"][1]["message"] == f"(service web) (deployment {new['id']}) deployment completed."
    running = ecs.list_tasks(cluster="staging", serviceName="web")["taskArns"]
    tasks = ecs.describe_tasks(cluster="staging", tasks=running)["tasks"]
    assert len(tasks) == 3 and not set(running) & set(old_tasks)
    assert all(t["taskDefinitionArn"] == new_arn and t["startedBy"] == new["id"] and t["group"] == "service:web"
               and t["lastStatus"] == "RUNNING" and [c["name"] for c in t["containers"]] == ["php", "nginx"]
               and t["containers"][0]["image"].endswith(":v1.6.0") and t["enableExecuteCommand"]
               and t["attachments"][0]["details"][0]["value"] in s["network"]["subnets"] for t in tasks), tasks
    for t in ecs.describe_tasks(cluster="staging", tasks=old_tasks)["tasks"]:
        assert (t["lastStatus"], t["desiredStatus"], t["stopCode"]) == ("STOPPED", "STOPPED", "ServiceSchedulerInitiated")
        assert t["stoppedReason"] == f"Scaling activity initiated by (deployment {old_id})" and t["stoppedAt"]
        assert all(c["lastStatus"] == "STOPPED" and c["exitCode"] == 0 for c in t["containers"])
    assert ecs.describe_services(cluster="staging", services=["web"])["services"][0] == {
        **done, "events": done["events"]}  # stays put once COMPLETED

    # forceNewDeployment: same task definition, new deployment, the old task is replaced.
    eu = ecs.describe_services(cluster="production-eu", services=["web"])["services"][0]
    eu_old = ecs.list_tasks(cluster="production-eu", serviceName="web")["taskArns"]
    u = ecs.update_service(cluster="production-eu", service="web", forceNewDeployment=True)["service"]
    assert [x["status"] for x in u["deployments"]] == ["PRIMARY", "ACTIVE"]
    assert u["deployments"][1]["id"] == eu["deployments"][0]["id"]
    assert u["deployments"][0]["taskDefinition"] == u["deployments"][1]["taskDefinition"] == eu["taskDefinition"]
    assert wait_rollout(ecs, "production-eu", "web")[-1]["deployments"][0]["rolloutState"] == "COMPLETED"
    eu_new = ecs.list_tasks(cluster="production-eu", serviceName="web")["taskArns"]
    assert len(eu_new) == 1 and eu_new != eu_old
    # a test can still force a state: forced deployments do not advance
    u = ecs.update_service(cluster="production-eu", service="web", forceNewDeployment=True)["service"]
    code, _ = post(ENDPOINT[0], "/_toadtop/service", {"cluster": "production-eu", "service": "web",
                                                      "deployments": {"rolloutState": "IN_PROGRESS", "runningCount": 7}})
    assert code == 200
    for _ in range(5):
        x = ecs.describe_services(cluster="production-eu", services=["web"])["services"][0]["deployments"]
    assert (x[0]["rolloutState"], x[0]["runningCount"], len(x)) == ("IN_PROGRESS", 7, 2)


def check_scaling(ecs, s: dict) -> None:
    # Scaling alone converges at the 3rd DescribeServices: new tasks of the primary deployment
    # (scheduler-style: group, startedBy, network, exec flag), then the newest extras stop.
    before = ecs.describe_services(cluster="staging", services=["worker"])["services"][0]
    dep, old_tasks = before["deployments"][0], ecs.list_tasks(cluster="staging", serviceName="worker")["taskArns"]
    ecs.update_service(cluster="staging", service="worker", desiredCount=3)
    seen = [ecs.describe_services(cluster="staging", services=["worker"])["services"][0] for _ in range(3)]
    assert [x["runningCount"] for x in seen] == [1, 1, 3], [x["runningCount"] for x in seen]
    assert [d["id"] for d in seen[-1]["deployments"]] == [dep["id"]] and seen[-1]["deployments"][0]["runningCount"] == 3
    assert seen[-1]["events"][0]["message"] == "(service worker) has reached a steady state."
    assert seen[-1]["events"][1]["message"].startswith("(service worker) has started 2 tasks: (task ")
    running = ecs.list_tasks(cluster="staging", serviceName="worker")["taskArns"]
    new = [t for t in ecs.describe_tasks(cluster="staging", tasks=running)["tasks"] if t["taskArn"] not in old_tasks]
    assert len(running) == 3 and len(new) == 2 and set(old_tasks) < set(running)
    assert all(t["taskDefinitionArn"] == before["taskDefinition"] and t["startedBy"] == dep["id"]
               and t["group"] == "service:worker" and t["launchType"] == "FARGATE" and t["enableExecuteCommand"]
               and t["lastStatus"] == "RUNNING" and t["attachments"][0]["details"][0]["value"] in s["network"]["subnets"]
               for t in new), new
    assert ecs.describe_services(cluster="staging", services=["worker"])["services"][0]["runningCount"] == 3
    ecs.update_service(cluster="staging", service="worker", desiredCount=1)
    seen = [ecs.describe_services(cluster="staging", services=["worker"])["services"][0] for _ in range(3)]
    assert [x["runningCount"] for x in seen] == [3, 3, 1], [x["runningCount"] for x in seen]
    assert ecs.list_tasks(cluster="staging", serviceName="worker")["taskArns"] == old_tasks  # the newest went
    for t in ecs.describe_tasks(cluster="staging", tasks=[t["taskArn"] for t in new])["tasks"]:
        assert (t["lastStatus"], t["desiredStatus"], t["stopCode"]) == ("STOPPED", "STOPPED", "ServiceSchedulerInitiated")
        assert t["stoppedReason"] == "Scaling activity initiated by (service worker)", t["stoppedReason"]
    assert seen[-1]["events"][1]["message"].startswith("(service worker) has stopped 2 running tasks: (task ")


def check_migration(ecs, logs, cluster: str, network: dict, exit_code: int, steps: int = 2,
                    family: str = "laravel-web", group: str = "/ecs/laravel-production") -> None:
    net = {"awsvpcConfiguration": {"subnets": network["subnets"], "securityGroups": [network["securityGroup"]],
                                   "assignPublicIp": "DISABLED"}}
    overrides = {"containerOverrides": [{"name": "php", "command": ["php", "artisan", "migrate", "--force"],
                                         "environment": [{"name": "RUN_MIGRATIONS", "value": "1"}]}]}
    t = ecs.run_task(cluster=cluster, taskDefinition=family, networkConfiguration=net, startedBy="toadtop",
                     capacityProviderStrategy=[{"capacityProvider": "FARGATE", "weight": 1}],
                     platformVersion="1.4.0", overrides=overrides)["tasks"][0]
    arn, tid = t["taskArn"], t["taskArn"].split("/")[-1]
    states = [ecs.describe_tasks(cluster=cluster, tasks=[arn])["tasks"][0] for _ in range(steps)]
    assert all(x["lastStatus"] == "RUNNING" and x["desiredStatus"] == "RUNNING" for x in states[:-1]), states
    m = states[-1]
    assert (m["lastStatus"], m["desiredStatus"], m["stopCode"]) == ("STOPPED", "STOPPED", "EssentialContainerExited")
    assert m["stoppedReason"] == "Essential container in task exited" and m["stoppedAt"]
    assert [(c["name"], c["lastStatus"], c["exitCode"]) for c in m["containers"]] == [
        ("php", "STOPPED", exit_code), ("nginx", "STOPPED", 0)], m["containers"]
    assert m["overrides"] == overrides and m["startedBy"] == "toadtop" and "launchType" not in m
    assert m["capacityProviderName"] == "FARGATE" and m["platformVersion"] == "1.4.0"
    assert m["attachments"][0]["details"][0] == {"name": "subnetId", "value": network["subnets"][0]}
    assert arn in ecs.list_tasks(cluster=cluster, desiredStatus="STOPPED")["taskArns"]
    assert arn not in ecs.list_tasks(cluster=cluster)["taskArns"]
    msgs = [e["message"] for e in logs.get_log_events(logGroupName=group, logStreamName=f"web/php/{tid}")["events"]]
    assert msgs[0] == "   INFO  Running migrations." and msgs[1].endswith("ms DONE"), msgs
    assert msgs[-1 if exit_code == 0 else -4].endswith("FAIL" if exit_code else "DONE"), msgs
    assert ("SQLSTATE" in "".join(msgs)) == (exit_code != 0)
    # a task started by anything else stays RUNNING
    other = ecs.run_task(cluster=cluster, taskDefinition=family, networkConfiguration=net, launchType="FARGATE",
                         startedBy="someone-else", overrides=overrides)["tasks"][0]["taskArn"]
    for _ in range(steps + 2):
        assert ecs.describe_tasks(cluster=cluster, tasks=[other])["tasks"][0]["lastStatus"] == "RUNNING"
    ecs.stop_task(cluster=cluster, task=other)


def mini_fleet(endpoint: str) -> dict:
    """A cluster 'c' with service 'web' (2 tasks of web:1, the way the seed starts them) and
    web:2 registered; for servers started with a non-default environment."""
    ecs, logs, ec2 = clients(endpoint)
    vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": True})
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.9.1.0/24")["Subnet"]["SubnetId"]
    sg = ec2.create_security_group(GroupName="web", Description="web", VpcId=vpc)["GroupId"]
    network = {"subnets": [subnet], "securityGroup": sg}
    net = {"awsvpcConfiguration": {"subnets": [subnet], "securityGroups": [sg]}}
    logs.create_log_group(logGroupName="/ecs/mini")
    for tag in ("v1", "v2"):
        log = {"logDriver": "awslogs", "options": {"awslogs-group": "/ecs/mini", "awslogs-region": "us-east-1",
                                                   "awslogs-stream-prefix": "web"}}
        ecs.register_task_definition(
            family="web", networkMode="awsvpc", requiresCompatibilities=["FARGATE"], cpu="512", memory="1024",
            containerDefinitions=[{"name": "php", "image": f"app:{tag}", "cpu": 256, "memory": 512, "logConfiguration": log},
                                  {"name": "nginx", "image": "nginx", "cpu": 256, "memory": 512, "logConfiguration": log}])
    ecs.create_cluster(clusterName="c")
    svc = ecs.create_service(cluster="c", serviceName="web", taskDefinition="web:1", desiredCount=2,
                             launchType="FARGATE", networkConfiguration=net)["service"]
    ecs.run_task(cluster="c", taskDefinition="web:1", count=2, launchType="FARGATE", networkConfiguration=net,
                 group="service:web", startedBy=svc["deployments"][0]["id"])
    # moto leaves a new service's deployment IN_PROGRESS (like the seed, say it completed)
    assert post(endpoint, "/_toadtop/service", {"cluster": "c", "service": "web", "deployments": {
        "rolloutState": "COMPLETED", "rolloutStateReason": "ECS deployment completed."}})[0] == 200
    return network


def check_env_variants() -> None:
    # TOADTOP_ROLLOUT_STEPS=0: a rollout never finishes; a failing migration exits 1.
    with server({"TOADTOP_ROLLOUT_STEPS": "0", "TOADTOP_MIGRATION_EXIT_CODE": "1", "TOADTOP_TASK_STEPS": "3"}) as ep:
        ecs, logs, _ = clients(ep)
        network = mini_fleet(ep)
        ecs.update_service(cluster="c", service="web", desiredCount=3)  # scaling never converges either
        assert [ecs.describe_services(cluster="c", services=["web"])["services"][0]["runningCount"]
                for _ in range(5)] == [2] * 5
        ecs.update_service(cluster="c", service="web", taskDefinition="web:2")
        seen = wait_rollout(ecs, "c", "web", limit=8)
        assert len(seen) == 8 and all(shape(x) == [("PRIMARY", "web:2", "IN_PROGRESS", 0),
                                                   ("ACTIVE", "web:1", "COMPLETED", 2)] for x in seen), shape(seen[-1])
        check_migration(ecs, logs, "c", network, exit_code=1, steps=3, family="web", group="/ecs/mini")
    # TOADTOP_ROLLOUT_FAIL=1: the primary ends FAILED, the old tasks keep running.
    with server({"TOADTOP_ROLLOUT_FAIL": "1", "TOADTOP_ROLLOUT_STEPS": "2"}) as ep:
        ecs, logs, _ = clients(ep)
        mini_fleet(ep)
        old_id = ecs.update_service(cluster="c", service="web", taskDefinition="web:2")["service"]["deployments"][1]["id"]
        seen = wait_rollout(ecs, "c", "web")
        assert [shape(x) for x in seen] == [
            [("PRIMARY", "web:2", "IN_PROGRESS", 0), ("ACTIVE", "web:1", "COMPLETED", 2)],
            [("PRIMARY", "web:2", "FAILED", 0), ("ACTIVE", "web:1", "COMPLETED", 2)]], [shape(x) for x in seen]
        p = seen[-1]["deployments"][0]
        assert p["failedTasks"] == 3 and p["rolloutStateReason"] == "ECS deployment circuit breaker: tasks failed to start."
        assert seen[-1]["deployments"][1]["id"] == old_id and seen[-1]["taskDefinition"].endswith("web:2")
        assert "deployment failed: tasks failed to start." in seen[-1]["events"][0]["message"]
        failed = ecs.describe_tasks(cluster="c", tasks=ecs.list_tasks(cluster="c", desiredStatus="STOPPED")["taskArns"])["tasks"]
        assert len(failed) == 3 and {t["stopCode"] for t in failed} == {"TaskFailedToStart"}
        assert all("exitCode" not in c for t in failed for c in t["containers"])
        assert shape(ecs.describe_services(cluster="c", services=["web"])["services"][0]) == shape(seen[-1])
    # TOADTOP_ROLLOUT_FAIL=rollback: the previous task definition comes back as PRIMARY.
    with server({"TOADTOP_ROLLOUT_FAIL": "rollback", "TOADTOP_ROLLOUT_STEPS": "1"}) as ep:
        ecs, logs, _ = clients(ep)
        mini_fleet(ep)
        new_id = ecs.update_service(cluster="c", service="web", taskDefinition="web:2")["service"]["deployments"][0]["id"]
        seen = wait_rollout(ecs, "c", "web")
        assert [shape(x) for x in seen] == [[("PRIMARY", "web:1", "COMPLETED", 2), ("ACTIVE", "web:2", "FAILED", 0)]]
        rb = seen[0]["deployments"]
        assert rb[0]["id"] != new_id and rb[1]["id"] == new_id and seen[0]["taskDefinition"].endswith("web:1")
        assert rb[0]["rolloutStateReason"] == f"ECS deployment {rb[0]['id']} completed."
        after = ecs.describe_services(cluster="c", services=["web"])["services"][0]
        assert shape(after) == [("PRIMARY", "web:1", "COMPLETED", 2)] and after["runningCount"] == 2


ENDPOINT: list[str] = []


@contextlib.contextmanager
def server(env: dict[str, str] | None = None):
    proc = subprocess.Popen([sys.executable, str(HERE / "server.py"), "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                            env={**os.environ, **(env or {})})
    try:
        line = proc.stdout.readline().strip()
        assert line.startswith("toadtop-testbed listening on "), line
        yield line.rsplit(" ", 1)[1]
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def check_large_fleet_and_request_counter() -> None:
    """seed.py's large-fleet shape (scaled down) and GET/POST /_toadtop/requests."""
    with server() as endpoint:
        seeded = subprocess.run([sys.executable, str(HERE / "seed.py"), "--endpoint", endpoint, "--quiet",
                                 "--clusters", "2", "--services", "3", "--tasks", "2", "--log-services", "1"],
                                check=True, capture_output=True, text=True)
        large = json.loads(seeded.stdout)["largeFleet"]
        assert (large["services"], large["tasks"]) == (6, 12), large
        ecs, logs, _ = clients(endpoint)
        for cluster in ("fleet-00", "fleet-01"):
            assert len(ecs.list_services(cluster=cluster)["serviceArns"]) == 3
            tasks = ecs.list_tasks(cluster=cluster, serviceName="app-001")["taskArns"]
            assert len(tasks) == 2, tasks
            streams = logs.describe_log_streams(logGroupName=f"/ecs/{cluster}")["logStreams"]
            assert sorted(s["logStreamName"].split("/")[0] for s in streams) == ["app-000", "app-000"], streams
        families = {ecs.describe_services(cluster="fleet-01", services=[f"app-00{i}"])["services"][0]
                    ["taskDefinition"].split("/")[-1].split(":")[0] for i in range(3)}
        assert families == {"fleet-01-app-000", "fleet-01-app-001", "fleet-01-app-002"}, families

        status, _ = post(endpoint, "/_toadtop/requests", {})  # reset
        assert status == 200
        ecs.list_clusters()
        ecs.list_clusters()
        ecs.describe_clusters(clusters=["fleet-00"])
        with urllib.request.urlopen(endpoint + "/_toadtop/requests") as r:
            counts = json.load(r)
        ecs_op = "AmazonEC2ContainerServiceV20141113."
        assert counts == {ecs_op + "ListClusters": 2, ecs_op + "DescribeClusters": 1}, counts


def main() -> None:
    # The server reads its TOADTOP_* settings from its environment: start it without ours.
    for var in [v for v in os.environ if v.startswith("TOADTOP_") or v.startswith("MOTO_ECS_")]:
        del os.environ[var]
    with server() as endpoint:
        ENDPOINT[:] = [endpoint]
        seeded = subprocess.run([sys.executable, str(HERE / "seed.py"), "--endpoint", endpoint, "--quiet"],
                                check=True, capture_output=True, text=True)
        summary = json.loads(seeded.stdout)
        check(endpoint, summary)
    check_env_variants()
    check_large_fleet_and_request_counter()
    print(f"selftest ok (seeded in {summary['seconds']}s)")


if __name__ == "__main__":
    main()
