#!/usr/bin/env python3
"""The fleet snapshot `toadtop --once --output json` prints, the way a typical ops script
does it with boto3: one client, sequential calls, paginators, AWS's batch sizes
(DescribeServices 10, DescribeTasks 100), each distinct task-definition revision
described once. ECS only: no ECR findings, no metrics. Prints the snapshot as JSON.

    python scripts/bench/snapshot_boto3.py http://127.0.0.1:PORT > snapshot.json
"""

from __future__ import annotations

import json
import sys

import boto3


def main() -> None:
    ecs = boto3.client("ecs", endpoint_url=sys.argv[1], region_name="us-east-1")
    arns = [a for page in ecs.get_paginator("list_clusters").paginate() for a in page["clusterArns"]]
    clusters = []
    for i in range(0, len(arns), 100):
        clusters += ecs.describe_clusters(clusters=arns[i:i + 100], include=["STATISTICS"])["clusters"]
    revisions: dict[str, dict] = {}
    for cluster in clusters:
        arn = cluster["clusterArn"]
        svc_arns = [a for page in ecs.get_paginator("list_services").paginate(cluster=arn)
                    for a in page["serviceArns"]]
        services = []
        for i in range(0, len(svc_arns), 10):
            services += ecs.describe_services(cluster=arn, services=svc_arns[i:i + 10])["services"]
        task_arns = [a for status in ("RUNNING", "STOPPED")
                     for page in ecs.get_paginator("list_tasks").paginate(cluster=arn, desiredStatus=status)
                     for a in page["taskArns"]]
        tasks = []
        for i in range(0, len(task_arns), 100):
            tasks += ecs.describe_tasks(cluster=arn, tasks=task_arns[i:i + 100])["tasks"]
        for td in [s["taskDefinition"] for s in services] + [t["taskDefinitionArn"] for t in tasks]:
            if td not in revisions:
                revisions[td] = ecs.describe_task_definition(taskDefinition=td)["taskDefinition"]
        cluster["services"] = services
        cluster["tasks"] = tasks
    json.dump({"clusters": clusters, "taskDefinitions": revisions}, sys.stdout, default=str)


if __name__ == "__main__":
    main()
