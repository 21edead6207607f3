#!/usr/bin/env python3
"""Checks the testbed end to end: starts server.py on a free port, seeds, asserts via boto3.

    python scripts/testbed/selftest.py      (exit 0 = all good)
"""

from __future__ import annotations

import json
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
    assert len(running) == 6, running
    assert all("/production/" in a for a in running)
    stopped = ecs.list_tasks(cluster="production", desiredStatus="STOPPED")["taskArns"]
    assert len(stopped) == 2, stopped
    assert len(ecs.list_tasks(cluster="production", serviceName="web")["taskArns"]) == 3
    assert len(ecs.list_tasks(cluster="production", serviceName="web", desiredStatus="STOPPED")["taskArns"]) == 1
    assert len(ecs.list_tasks(cluster="production-eu")["taskArns"]) == 1
    arn_filter = ecs.list_tasks(cluster=s["clusters"]["production"]["arn"])["taskArns"]
    assert sorted(arn_filter) == sorted(running)

    # (b) containers / stop codes / exec flags
    tasks = ecs.describe_tasks(cluster="production", tasks=running + stopped)["tasks"]
    assert len(tasks) == 8
    by_id = {t["taskArn"].split("/")[-1]: t for t in tasks}
    for t in tasks:
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
    assert cl["production"]["runningTasksCount"] == 6 and cl["production-eu"]["runningTasksCount"] == 1
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
    u = ecs.update_service(cluster="production", service="web", taskDefinition="laravel-web:1",
                           enableExecuteCommand=False)["service"]
    assert u["taskDefinition"].endswith("task-definition/laravel-web:1")
    assert u["deployments"][0]["taskDefinition"] == u["taskDefinition"]
    w = ecs.describe_services(cluster="production", services=["web"])["services"][0]
    assert w["enableExecuteCommand"] is False
    vt = ecs.describe_tasks(cluster="production", tasks=[victim])["tasks"][0]
    grp = vt["group"].split(":")[1]
    assert ecs.describe_services(cluster="production", services=[grp])["services"][0]["runningCount"] == prod[grp]["desiredCount"] - 1

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

    # reset wipes state (the manual-transition default stays: it is registered, not set)
    post(endpoint, "/moto-api/reset", {})
    assert ecs.list_clusters()["clusterArns"] == []


def main() -> None:
    py = sys.executable
    server = subprocess.Popen([py, str(HERE / "server.py"), "--port", "0"],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        line = server.stdout.readline().strip()
        assert line.startswith("toadtop-testbed listening on "), line
        endpoint = line.rsplit(" ", 1)[1]
        seeded = subprocess.run([py, str(HERE / "seed.py"), "--endpoint", endpoint, "--quiet"],
                                check=True, capture_output=True, text=True)
        summary = json.loads(seeded.stdout)
        check(endpoint, summary)
        print(f"selftest ok (seeded in {summary['seconds']}s)")
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
