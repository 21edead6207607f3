#!/usr/bin/env python3
"""Seed a Laravel fleet into a running testbed server (scripts/testbed/server.py).

    python scripts/testbed/seed.py --endpoint http://127.0.0.1:PORT [--scale N] [--quiet]
        [--fleet large | --clusters N --services N --tasks N] [--log-services N]

Prints a JSON summary of everything created to stdout (tests assert against it).
--scale N: 1 (default) is the fleet below; N > 1 adds N-1 benchmark clusters
bench-1..bench-(N-1), each with 10 services x 2 running tasks.
--fleet large: adds 10 clusters fleet-00..fleet-09 x 50 services x 10 running tasks
(500 services, 5,000 tasks) to the fleet below, for the soak and the benchmarks
(scripts/bench/). --clusters/--services/--tasks set the shape instead (services and tasks
are per cluster / per service). Each service has its own task-definition family (as real
fleets do: a snapshot describes one revision per service); its awslogs group is
/ecs/<cluster>, stream prefix the service name. --log-services N (default 2): the first N
services of each fleet cluster get a log stream per task with a few Laravel lines.
--quiet: progress messages on stderr are suppressed (the summary is always printed).

Fleet: clusters production / staging / production-eu (the last exists to catch code
that trusts moto's substring cluster filter; it also runs app, the reference setup's
read-only php whose writable paths are only image VOLUMEs). Production and staging use their own
task-definition families (laravel-web, laravel-web-staging, ...) because the awslogs
group differs (/ecs/laravel-production vs /ecs/laravel-staging).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
import urllib.request
from datetime import datetime, timezone
from typing import Any

import boto3
from botocore.config import Config

REGION = "us-east-1"
ENVS = {  # cluster -> (family suffix, log group, APP_ENV, desired counts)
    "production": ("", "/ecs/laravel-production", "production", {"web": 3, "worker": 2, "scheduler": 1}),
    "staging": ("-staging", "/ecs/laravel-staging", "staging", {"web": 1, "worker": 1, "scheduler": 1}),
}
EXEC_ENABLED = {"web": True, "worker": True, "scheduler": False}
VOLUMES = {  # volume name -> mount path (readonlyRootFilesystem needs these writable)
    "tmp": "/tmp", "opt-php": "/opt/php", "storage": "/var/www/html/storage",
    "bootstrap-cache": "/var/www/html/bootstrap/cache",
    "var-lib-amazon": "/var/lib/amazon", "var-log-amazon": "/var/log/amazon",
}
NGINX_VOLUMES = {"nginx-cache": "/var/cache/nginx", "nginx-run": "/var/run"}


class Seeder:
    def __init__(self, endpoint: str, quiet: bool) -> None:
        self.endpoint = endpoint.rstrip("/")
        self.quiet = quiet
        for var in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE"):  # a missing profile would fail Session()
            os.environ.pop(var, None)
        # One session, one client per service; no retries (a local server either answers or not).
        session = boto3.session.Session(aws_access_key_id="test", aws_secret_access_key="test",
                                        region_name=REGION)
        cfg = Config(retries={"max_attempts": 1, "mode": "standard"})
        mk = lambda name: session.client(name, endpoint_url=self.endpoint, config=cfg)  # noqa: E731
        self.ec2, self.ecs, self.ecr, self.logs, self.ssm, self.cloudwatch = (
            mk("ec2"), mk("ecs"), mk("ecr"), mk("logs"), mk("ssm"), mk("cloudwatch"))
        self.account = mk("sts").get_caller_identity()["Account"]
        self.now = time.time()
        self.summary: dict[str, Any] = {
            "endpoint": self.endpoint, "region": REGION, "account": self.account,
            "notes": "production: families laravel-web|laravel-worker|laravel-scheduler, log group "
                     "/ecs/laravel-production; staging: same families with suffix -staging, log group "
                     "/ecs/laravel-staging; production-eu: web on laravel-web (latest) and app on laravel-app "
                     "(agent paths only as image VOLUMEs, see imageVolumes).",
            "clusters": {}, "taskDefinitions": {}, "logGroups": {},
        }

    def log(self, msg: str) -> None:
        if not self.quiet:
            print(f"seed: {msg}", file=sys.stderr, flush=True)

    def testbed(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        """POST to the server's test-only endpoint (/_toadtop/task|service)."""
        req = urllib.request.Request(f"{self.endpoint}{path}", data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req) as resp:
            return json.load(resp)

    def post_json(self, path: str, body: dict[str, Any]) -> None:
        req = urllib.request.Request(f"{self.endpoint}{path}", data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
        urllib.request.urlopen(req).read()

    # --- network: moto needs an existing subnet + security group for awsvpc -----------
    def network(self) -> None:
        vpc = self.ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        self.ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": True})
        subnets = [self.ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24",
                                          AvailabilityZone=f"us-east-1{az}")["Subnet"]["SubnetId"]
                   for i, az in ((1, "a"), (2, "b"))]
        sg = self.ec2.create_security_group(GroupName="laravel-app", Description="laravel tasks",
                                            VpcId=vpc)["GroupId"]
        self.net = {"awsvpcConfiguration": {"subnets": subnets, "securityGroups": [sg],
                                            "assignPublicIp": "DISABLED"}}
        self.summary["network"] = {"vpc": vpc, "subnets": subnets, "securityGroup": sg}

    # --- ECR --------------------------------------------------------------------------
    def ecr_images(self) -> None:
        repo = self.ecr.create_repository(
            repositoryName="laravel-app", imageTagMutability="IMMUTABLE",
            imageScanningConfiguration={"scanOnPush": True})["repository"]
        self.repo_uri = repo["repositoryUri"]
        images = []
        for tag in ("v1.4.0", "v1.4.1", "v1.5.0"):
            # Distinct config digests -> distinct manifests -> distinct image digests.
            cfg = self.image_config(tag)
            layer = "sha256:" + hashlib.sha256(f"layer-{tag}".encode()).hexdigest()
            manifest = json.dumps({
                "schemaVersion": 2,
                "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
                "config": {"mediaType": "application/vnd.docker.container.image.v1+json",
                           "size": 7023, "digest": cfg},
                "layers": [{"mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip",
                            "size": 32654, "digest": layer}],
            })
            img = self.ecr.put_image(repositoryName="laravel-app", imageManifest=manifest,
                                     imageTag=tag)["image"]
            images.append({"tag": tag, "digest": img["imageId"]["imageDigest"]})
        # Exact enhanced (Inspector) findings for v1.5.0; must be queued before the scan is read.
        # moto hands out one queued result per distinct imageId shape requested (its key is
        # the request's imageId JSON), so queue one for a by-tag and one for a by-digest read.
        v150 = images[-1]
        self.post_json("/moto-api/static/ecr/scan-finding-results", {"region": REGION, "results": [
            self.findings(v150, {"imageTag": v150["tag"]}),
            self.findings(v150, {"imageDigest": v150["digest"]})]})
        for img in images:  # DescribeImageScanFindings needs a started scan (else ScanNotFound)
            self.ecr.start_image_scan(repositoryName="laravel-app", imageId={"imageTag": img["tag"]})
        self.summary["ecr"] = {
            "repository": "laravel-app", "uri": self.repo_uri, "scanOnPush": True, "images": images,
            "scanned": [i["tag"] for i in images],
            "findings": {"v1.5.0": {"CRITICAL": 1, "HIGH": 1, "MEDIUM": 1},
                         "others": "moto default: one HIGH CVE-9999-9999"},
        }

    # --- the reference setup's image VOLUMEs (issue 12) --------------------------------
    # The app image declares its writable paths as VOLUME lines, ECS Exec's agent paths
    # among them, so they are in the image config (config.Volumes), not only in mount points.
    IMAGE_VOLUMES = ["/opt/php", "/tmp", "/var/lib/amazon", "/var/log/amazon",
                     "/var/www/html/bootstrap/cache", "/var/www/html/storage"]
    NGINX_AGENT_REASON = "Failed to start ExecuteCommandAgent: mkdir /var/lib/amazon: read-only file system"

    def image_config(self, tag: str, arch: str = "amd64", volumes: list[str] | None = None) -> str:
        """Stores an image config blob (server's /_toadtop/ecr-blob) and returns its digest."""
        config = {
            "architecture": arch, "os": "linux", "created": "2026-11-20T10:00:00Z",
            "config": {"User": "www-data", "WorkingDir": "/var/www/html",
                       "Entrypoint": ["/usr/bin/supervisord", "-c", "/etc/supervisord.conf"],
                       "Env": [f"APP_VERSION={tag}"],
                       "Volumes": {v: {} for v in (self.IMAGE_VOLUMES if volumes is None else volumes)}},
            "rootfs": {"type": "layers", "diff_ids": ["sha256:" + hashlib.sha256(f"diff-{tag}-{arch}".encode()).hexdigest()]},
        }
        return self.testbed("/_toadtop/ecr-blob", {"content": json.dumps(config)})["digest"]

    def image_volume_service(self) -> None:
        """production-eu/app, as the reference setup runs: php with a read-only root and no
        mount points at all (every writable path is an image VOLUME), its agent RUNNING;
        nginx (not from ECR) read-only without the agent's paths, its agent STOPPED."""
        _, group, env, _ = ENVS["production"]
        php = self.php(env, group, "app", "v1.5.0", None)
        php["mountPoints"] = []
        nginx = {
            "name": "nginx", "image": "nginx:stable-alpine", "essential": True,
            "cpu": 256, "memory": 512, "readonlyRootFilesystem": True,
            "portMappings": [{"containerPort": 443, "protocol": "tcp"}],
            "mountPoints": [{"sourceVolume": v, "containerPath": p} for v, p in NGINX_VOLUMES.items()],
            "logConfiguration": {"logDriver": "awslogs", "options": {
                "awslogs-group": group, "awslogs-region": REGION, "awslogs-stream-prefix": "app"}},
        }
        td = self.register("laravel-app", [php, nginx], list(NGINX_VOLUMES), env)
        self.service("production-eu", "app", td, 1, True)
        task = self.summary["clusters"]["production-eu"]["services"]["app"]["tasks"][0]
        digest = next(i["digest"] for i in self.summary["ecr"]["images"] if i["tag"] == "v1.5.0")
        nginx_digest = "sha256:" + hashlib.sha256(b"nginx:stable-alpine").hexdigest()
        self.edit_task("production-eu", "app", task, containers=[
            {"name": "php", "imageDigest": digest},
            {"name": "nginx", "imageDigest": nginx_digest, "managedAgents": [
                {"name": "ExecuteCommandAgent", "lastStatus": "STOPPED", "reason": self.NGINX_AGENT_REASON,
                 "lastStartedAt": self.now - 600}]},
        ])
        self.events("production-eu", "app", [(450, "(service app) has reached a steady state.")],
                    deployments=self.completed("production-eu", "app"))
        self.summary["imageVolumes"] = {
            "cluster": "production-eu", "service": "app", "task": task["id"], "imageDigest": digest,
            "volumes": self.IMAGE_VOLUMES, "stoppedAgent": {"container": "nginx", "reason": self.NGINX_AGENT_REASON},
            "notes": "php: readonlyRootFilesystem, no mountPoints; laravel-app images' config blobs declare "
                     "the VOLUMEs (GET through GetDownloadUrlForLayer)",
        }

    def findings(self, image: dict[str, str], image_id: dict[str, str]) -> dict[str, Any]:
        def finding(sev: str, score: float, cve: str, pkg: str, ver: str, fixed: str, title: str) -> dict[str, Any]:
            return {
                "awsAccountId": self.account, "severity": sev, "score": score, "status": "ACTIVE",
                "type": "PACKAGE_VULNERABILITY", "title": title, "description": title,
                "findingArn": f"arn:aws:inspector2:{REGION}:{self.account}:finding/{hashlib.md5(cve.encode()).hexdigest()}",
                "firstObservedAt": self.now - 86400, "lastObservedAt": self.now - 600,
                "updatedAt": self.now - 600, "fixAvailable": "YES", "exploitAvailable": "NO",
                "packageVulnerabilityDetails": {
                    "vulnerabilityId": cve, "source": "NVD", "vendorSeverity": sev,
                    "sourceUrl": f"https://nvd.nist.gov/vuln/detail/{cve}",
                    "referenceUrls": [f"https://nvd.nist.gov/vuln/detail/{cve}"],
                    "cvss": [{"baseScore": score, "scoringVector": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
                              "source": "NVD", "version": "3.1"}],
                    "vulnerablePackages": [{"name": pkg, "version": ver, "fixedInVersion": fixed,
                                            "packageManager": "OS", "arch": "X86_64"}],
                },
                "remediation": {"recommendation": {"text": f"Upgrade {pkg} to {fixed}"}},
                "resources": [{"id": f"arn:aws:ecr:{REGION}:{self.account}:repository/laravel-app/{image['digest']}",
                               "type": "AWS_ECR_CONTAINER_IMAGE", "details": {"awsEcrContainerImage": {
                                   "repositoryName": "laravel-app", "imageHash": image["digest"],
                                   "imageTags": [image["tag"]], "registry": self.account,
                                   "architecture": "amd64", "platform": "ALPINE_LINUX_3_20"}}}],
            }
        return {
            "registryId": self.account, "repositoryName": "laravel-app",
            "imageId": image_id,
            "imageScanStatus": {"status": "ACTIVE", "description": "Continuous scan is selected for image."},
            "imageScanFindings": {
                "imageScanCompletedAt": self.now - 600, "vulnerabilitySourceUpdatedAt": self.now - 600,
                "findingSeverityCounts": {"CRITICAL": 1, "HIGH": 1, "MEDIUM": 1},
                "enhancedFindings": [
                    finding("CRITICAL", 9.8, "CVE-2024-4577", "php83", "8.3.7-r0", "8.3.8-r0",
                            "CVE-2024-4577 - php83 argument injection"),
                    finding("HIGH", 7.5, "CVE-2024-2511", "openssl", "3.1.4-r5", "3.1.4-r6",
                            "CVE-2024-2511 - openssl"),
                    finding("MEDIUM", 5.3, "CVE-2023-42366", "busybox", "1.36.1-r15", "1.36.1-r16",
                            "CVE-2023-42366 - busybox"),
                ],
            },
        }

    # --- enhanced scanning (Inspector) on the app repository --------------------------
    def enhanced_scanning(self) -> None:
        """The registry scans laravel-app with Inspector (ENHANCED, continuous), as the
        reference setup does. Like real ECR under enhanced scanning, moto's DescribeImages
        carries no imageScanFindingsSummary (moto never sends one), so the severities exist
        only in DescribeImageScanFindings. v1.4.0, an older build, gets two CRITICAL and one
        HIGH as enhancedFindings WITHOUT findingSeverityCounts (the counts must come from the
        findings); v1.5.0's (ecr_images) carry both; v1.4.1 keeps moto's basic default (a
        scan from before the switch), so the basic path stays covered."""
        self.ecr.put_registry_scanning_configuration(scanType="ENHANCED", rules=[{
            "scanFrequency": "CONTINUOUS_SCAN",
            "repositoryFilters": [{"filter": "laravel-app", "filterType": "WILDCARD"}]}])
        v140 = next(i for i in self.summary["ecr"]["images"] if i["tag"] == "v1.4.0")

        def retarget(f: dict[str, Any], cve: str, pkg: str, ver: str, fixed: str, score: float) -> None:
            f.update(score=score, title=f"{cve} - {pkg}", description=f"{cve} - {pkg}",
                     findingArn=f["findingArn"].rsplit("/", 1)[0] + "/" + hashlib.md5(cve.encode()).hexdigest())
            d = f["packageVulnerabilityDetails"]
            d.update(vulnerabilityId=cve, sourceUrl=f"https://nvd.nist.gov/vuln/detail/{cve}",
                     referenceUrls=[f"https://nvd.nist.gov/vuln/detail/{cve}"])
            d["cvss"][0]["baseScore"] = score
            d["vulnerablePackages"][0].update(name=pkg, version=ver, fixedInVersion=fixed)
            f["remediation"]["recommendation"]["text"] = f"Upgrade {pkg} to {fixed}"

        results = []
        for image_id in ({"imageTag": "v1.4.0"}, {"imageDigest": v140["digest"]}):
            res = self.findings(v140, image_id)  # v1.5.0's shape, made v1.4.0's below
            scan = res["imageScanFindings"]
            del scan["findingSeverityCounts"]
            php, openssl = scan["enhancedFindings"][:2]
            php["packageVulnerabilityDetails"]["vulnerablePackages"][0]["version"] = "8.3.6-r0"
            openssl2 = json.loads(json.dumps(php))
            retarget(openssl2, "CVE-2024-5535", "openssl", "3.1.4-r5", "3.1.6-r0", 9.1)
            scan["enhancedFindings"] = [php, openssl2, openssl]
            results.append(res)
        self.post_json("/moto-api/static/ecr/scan-finding-results", {"region": REGION, "results": results})
        ecr = self.summary["ecr"]
        ecr["scanning"] = {"scanType": "ENHANCED", "scanFrequency": "CONTINUOUS_SCAN",
                           "describeImagesSummary": False}
        ecr["findings"]["v1.4.0"] = {"CRITICAL": 2, "HIGH": 1}
        ecr["findings"]["others"] = "v1.4.1: moto's basic default, one HIGH CVE-9999-9999"

    # --- SSM parameters referenced by the task definitions' secrets -----------------
    # Every php container (both environments) names these; see php() for how each is
    # referenced (ARN, bare hierarchical name, bare top-level name, Secrets Manager ARN).
    # One is referenced but never created: production's worker also reads
    # /laravel/production/HORIZON_LICENSE_KEY, which does not exist (a secret_missing alert;
    # ECS would fail its next task with ResourceInitializationError).
    SSM_SECRETS = {  # key -> type
        "DB_PASSWORD": "SecureString", "REDIS_PASSWORD": "SecureString",
        "MAIL_PASSWORD": "SecureString", "SENTRY_DSN": "String",
    }
    MISSING_PARAMETER = "/laravel/production/HORIZON_LICENSE_KEY"

    def parameters(self) -> None:
        names, values = [], []
        for env in ENVS.values():
            for key, kind in self.SSM_SECRETS.items():
                name = f"/laravel/{env[2]}/{key}"
                value = f"s3cr3t-{env[2]}-{key.lower()}"
                self.ssm.put_parameter(Name=name, Value=value, Type=kind)
                names.append(name)
                values.append(value)
            # A top-level (non-hierarchical) name, referenced bare.
            name, value = f"laravel-{env[2]}-pusher-secret", f"s3cr3t-{env[2]}-pusher"
            self.ssm.put_parameter(Name=name, Value=value, Type="SecureString")
            names.append(name)
            values.append(value)
        # DB_PASSWORD was rotated once in production: version 2.
        self.ssm.put_parameter(Name="/laravel/production/DB_PASSWORD", Value="s3cr3t-production-db_password-2",
                               Type="SecureString", Overwrite=True)
        values.append("s3cr3t-production-db_password-2")
        self.summary["ssmParameters"] = names
        self.summary["secrets"] = {
            # Values exist only so tests can check they never show up in toadtop's output.
            "values": values,
            "missing": self.MISSING_PARAMETER,
            "missingIn": {"cluster": "production", "service": "worker", "container": "php",
                          "name": "HORIZON_LICENSE_KEY"},
            "versions": {"/laravel/production/DB_PASSWORD": 2},
            "types": {**self.SSM_SECRETS, "PUSHER_APP_SECRET": "SecureString"},
            "secretsManager": {k: self.secrets_manager_arn(e[2]) for k, e in ENVS.items()},
        }

    def secrets_manager_arn(self, env: str) -> str:
        """A Secrets Manager secret (JSON, key STRIPE_SECRET); not created: toadtop lists
        these without checking them."""
        return f"arn:aws:secretsmanager:{REGION}:{self.account}:secret:laravel/{env}/stripe-AbCdEf"

    # --- task definitions ---------------------------------------------------------------
    def php(self, env: str, log_group: str, prefix: str, tag: str, command: list[str] | None) -> dict[str, Any]:
        c: dict[str, Any] = {
            "name": "php", "image": f"{self.repo_uri}:{tag}", "essential": True,
            "cpu": 768, "memory": 1536, "readonlyRootFilesystem": True,
            "mountPoints": [{"sourceVolume": v, "containerPath": p, "readOnly": False}
                            for v, p in VOLUMES.items()],
            "environment": [
                {"name": "APP_ENV", "value": env}, {"name": "APP_DEBUG", "value": "false"},
                {"name": "APP_KEY", "value": "base64:3q2+7w0Yl8Vq9c1mZtqk0Yg8m1b6o0Zr4xY2cJ5cF0A="},
                {"name": "APP_URL", "value": f"https://{'' if env == 'production' else 'staging.'}example.com"},
                {"name": "DB_HOST", "value": f"laravel-{env}.cluster-c9akciq32.us-east-1.rds.amazonaws.com"},
                {"name": "DB_DATABASE", "value": "laravel"}, {"name": "DB_USERNAME", "value": "laravel"},
                {"name": "QUEUE_CONNECTION", "value": "sqs"}, {"name": "LOG_CHANNEL", "value": "stderr"},
                {"name": "AWS_SECRET_ACCESS_KEY", "value": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"},
            ],
            "secrets": [{"name": k, "valueFrom": f"arn:aws:ssm:{REGION}:{self.account}:parameter/laravel/{env}/{k}"}
                        for k in ("DB_PASSWORD", "REDIS_PASSWORD", "MAIL_PASSWORD")] + [
                {"name": "SENTRY_DSN", "valueFrom": f"/laravel/{env}/SENTRY_DSN"},
                {"name": "PUSHER_APP_SECRET", "valueFrom": f"laravel-{env}-pusher-secret"},
                {"name": "STRIPE_SECRET", "valueFrom": f"{self.secrets_manager_arn(env)}:STRIPE_SECRET::"},
            ] + ([{"name": "HORIZON_LICENSE_KEY", "valueFrom": self.MISSING_PARAMETER}]
                 if env == "production" and prefix == "worker" else []),
            "logConfiguration": {"logDriver": "awslogs", "options": {
                "awslogs-group": log_group, "awslogs-region": REGION, "awslogs-stream-prefix": prefix}},
        }
        if command:
            c["command"] = command
        else:  # php-fpm: health checked; nginx waits for it
            c["healthCheck"] = {"command": ["CMD-SHELL", "php-fpm-healthcheck || exit 1"],
                                "interval": 30, "timeout": 5, "retries": 3, "startPeriod": 60}
        return c

    def register(self, family: str, containers: list[dict[str, Any]], volumes: list[str], env: str) -> str:
        # No placementConstraints: moto accepts them, but ECS does not support them on Fargate.
        td = self.ecs.register_task_definition(
            family=family, networkMode="awsvpc", requiresCompatibilities=["FARGATE"],
            cpu="1024", memory="2048", containerDefinitions=containers,
            taskRoleArn=f"arn:aws:iam::{self.account}:role/laravel-task",
            executionRoleArn=f"arn:aws:iam::{self.account}:role/ecsTaskExecutionRole",
            volumes=[{"name": v} for v in volumes],  # no host: Fargate ephemeral storage
            runtimePlatform={"cpuArchitecture": "X86_64", "operatingSystemFamily": "LINUX"},
            ephemeralStorage={"sizeInGiB": 30},
            tags=[{"key": "app", "value": "laravel"}, {"key": "team", "value": "platform"},
                  {"key": "environment", "value": env}],
        )["taskDefinition"]["taskDefinitionArn"]
        self.summary["taskDefinitions"].setdefault(family, []).append(td)
        return td

    def task_definitions(self, cluster: str) -> dict[str, str]:
        suffix, group, env, _ = ENVS[cluster]
        nginx = {
            "name": "nginx", "image": "nginx:stable-alpine", "essential": True,
            "cpu": 256, "memory": 512, "readonlyRootFilesystem": True,
            "portMappings": [{"containerPort": 443, "protocol": "tcp"}],
            "mountPoints": [{"sourceVolume": v, "containerPath": p} for v, p in NGINX_VOLUMES.items()],
            "dependsOn": [{"containerName": "php", "condition": "HEALTHY"}],
            "logConfiguration": {"logDriver": "awslogs", "options": {
                "awslogs-group": group, "awslogs-region": REGION, "awslogs-stream-prefix": "web"}},
        }
        web_vols = list(VOLUMES) + list(NGINX_VOLUMES)
        if cluster == "production":  # revision 1 (older image) exists; the service runs revision 2
            self.register(f"laravel-web{suffix}", [self.php(env, group, "web", "v1.4.1", None), nginx], web_vols, env)
        return {
            "web": self.register(f"laravel-web{suffix}", [self.php(env, group, "web", "v1.5.0", None), nginx], web_vols, env),
            "worker": self.register(f"laravel-worker{suffix}", [self.php(
                env, group, "worker", "v1.5.0", ["php", "artisan", "queue:work", "--sleep=3", "--tries=3"])], list(VOLUMES), env),
            "scheduler": self.register(f"laravel-scheduler{suffix}", [self.php(
                env, group, "scheduler", "v1.5.0", ["php", "artisan", "schedule:work"])], list(VOLUMES), env),
        }

    # --- clusters, services, tasks --------------------------------------------------------
    def cluster(self, name: str) -> dict[str, Any]:
        arn = self.ecs.create_cluster(clusterName=name, settings=[
            {"name": "containerInsights", "value": "enabled"}])["cluster"]["clusterArn"]
        entry = {"arn": arn, "services": {}}
        self.summary["clusters"][name] = entry
        return entry

    def service(self, cluster: str, name: str, td: str, desired: int, exec_on: bool) -> dict[str, Any]:
        svc = self.ecs.create_service(
            cluster=cluster, serviceName=name, taskDefinition=td, desiredCount=desired,
            launchType="FARGATE", networkConfiguration=self.net, enableExecuteCommand=exec_on,
            propagateTags="SERVICE", deploymentConfiguration={
                "deploymentCircuitBreaker": {"enable": True, "rollback": True},
                "maximumPercent": 200, "minimumHealthyPercent": 100},
        )["service"]
        deployment = svc["deployments"][0]["id"]
        entry = {"arn": svc["serviceArn"], "taskDefinition": td, "desiredCount": desired,
                 "enableExecuteCommand": exec_on, "deploymentId": deployment, "tasks": [], "events": []}
        self.summary["clusters"][cluster]["services"][name] = entry
        if desired:
            self.run(cluster, name, desired)
        return entry

    def run(self, cluster: str, name: str, count: int) -> list[dict[str, Any]]:
        """Start tasks the way the service scheduler would (ECS sets group/startedBy)."""
        entry = self.summary["clusters"][cluster]["services"][name]
        tasks = self.ecs.run_task(
            cluster=cluster, taskDefinition=entry["taskDefinition"], count=count,
            launchType="FARGATE", networkConfiguration=self.net, group=f"service:{name}",
            startedBy=entry["deploymentId"], enableExecuteCommand=entry["enableExecuteCommand"],
        )["tasks"]
        out = [self.task_entry(t) for t in tasks]
        entry["tasks"].extend(out)
        return out

    @staticmethod
    def task_entry(t: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": t["taskArn"].split("/")[-1], "arn": t["taskArn"],
            "lastStatus": t["lastStatus"], "desiredStatus": t["desiredStatus"],
            "healthStatus": t.get("healthStatus"), "stopCode": t.get("stopCode"),
            "stoppedReason": t.get("stoppedReason") or None,
            "containers": [{k: c.get(k) for k in ("name", "lastStatus", "exitCode", "healthStatus", "reason")
                            if c.get(k) is not None} for c in t["containers"]],
        }

    def edit_task(self, cluster: str, service: str, task: dict[str, Any], **fields: Any) -> None:
        edited = self.testbed("/_toadtop/task", {"region": REGION, "cluster": cluster, "task": task["id"], **fields})
        task.update(self.task_entry(edited))

    def events(self, cluster: str, service: str, messages: list[tuple[int, str]], **extra: Any) -> None:
        """messages: (seconds ago, text). Stored newest first by the server."""
        self.testbed("/_toadtop/service", {
            "region": REGION, "cluster": cluster, "service": service,
            "events": [{"message": m, "createdAt": self.now - ago} for ago, m in messages], **extra})
        entry = self.summary["clusters"][cluster]["services"][service]
        entry["events"] = [m for _, m in sorted(messages)]
        if "deployments" in extra:
            entry["rolloutState"] = extra["deployments"].get("rolloutState")

    def completed(self, cluster: str, service: str) -> dict[str, Any]:
        dep = self.summary["clusters"][cluster]["services"][service]["deploymentId"]
        return {"rolloutState": "COMPLETED", "rolloutStateReason": f"ECS deployment {dep} completed."}

    def fleet(self) -> None:
        for cluster, (_, group, env, desired) in ENVS.items():
            tds = self.task_definitions(cluster)
            self.cluster(cluster)
            for svc in ("web", "worker", "scheduler"):
                self.service(cluster, svc, tds[svc], desired[svc], EXEC_ENABLED[svc])
            if cluster == "production":
                self.production_eu = tds["web"]

        # production-eu: name contains "production" (moto's substring filter would leak it).
        self.cluster("production-eu")
        self.service("production-eu", "web", self.production_eu, 1, True)

        p = self.summary["clusters"]["production"]["services"]
        stop_at = self.now - 900
        # A worker whose php exited 1 (an alert), and a web task the scheduler stopped (not one).
        worker = self.run("production", "worker", 1)[0]
        self.edit_task("production", "worker", worker, lastStatus="STOPPED", desiredStatus="STOPPED",
                       stopCode="EssentialContainerExited", stoppedReason="Essential container in task exited",
                       createdAt=stop_at - 3600, startedAt=stop_at - 3540,
                       stoppingAt=stop_at - 5, stoppedAt=stop_at, executionStoppedAt=stop_at,
                       containers=[{"name": "php", "lastStatus": "STOPPED", "exitCode": 1,
                                    "reason": "Essential container in task exited"}])
        web = self.run("production", "web", 1)[0]
        reason = f"Scaling activity initiated by (deployment {p['web']['deploymentId']})"
        self.edit_task("production", "web", web, lastStatus="STOPPED", desiredStatus="STOPPED",
                       stopCode="ServiceSchedulerInitiated", stoppedReason=reason,
                       createdAt=stop_at - 7200, startedAt=stop_at - 7140,
                       stoppingAt=stop_at + 55, stoppedAt=stop_at + 60, executionStoppedAt=stop_at + 60,
                       containers=[{"name": "php", "lastStatus": "STOPPED", "exitCode": 0},
                                   {"name": "nginx", "lastStatus": "STOPPED", "exitCode": 0}])
        # One running web task whose php container fails its health check.
        sick = p["web"]["tasks"][0]
        self.edit_task("production", "web", sick, healthStatus="UNHEALTHY",
                       containers=[{"name": "php", "healthStatus": "UNHEALTHY"}])

        running = [t["id"] for t in p["web"]["tasks"] if t["desiredStatus"] == "RUNNING"]
        self.events("production", "web", [
            (60, "(service web) has reached a steady state."),
            (400, f"(service web) has started 1 tasks: (task {running[-1]})."),
            (840, f"(service web) has stopped 1 running tasks: (task {web['id']})."),
            (1200, f"(service web) (task {sick['id']}) failed container health checks. \u001b[31mred\u001b[0m"),
            (21600, "(service web) has reached a steady state."),
        ], deployments=self.completed("production", "web"))
        self.events("production", "worker", [
            (120, "(service worker) has reached a steady state."),
            (600, f"(service worker) has started 1 tasks: (task {p['worker']['tasks'][0]['id']})."),
            (60, "(service worker) was unable to place a task because no container instance "
                  "met all of its requirements."),
            (895, f"(service worker) has stopped 1 running tasks: (task {worker['id']})."),
        ], deployments=self.completed("production", "worker"))
        self.events("production", "scheduler", [(300, "(service scheduler) has reached a steady state.")],
                    deployments=self.completed("production", "scheduler"))
        for svc in ("worker", "scheduler"):
            self.events("staging", svc, [(200, f"(service {svc}) has reached a steady state.")],
                        deployments=self.completed("staging", svc))
        # staging web: a failed rollout (circuit breaker) -> a deployment-state alert.
        sweb = self.summary["clusters"]["staging"]["services"]["web"]
        self.events("staging", "web", [
            (100, "(service web) deployment failed: tasks failed to start."),
            (700, f"(service web) has started 1 tasks: (task {sweb['tasks'][0]['id']})."),
        ], deployments={"rolloutState": "FAILED", "rolloutStateReason":
                        "ECS deployment circuit breaker: tasks failed to start."})
        self.events("production-eu", "web", [(500, "(service web) has reached a steady state.")],
                    deployments=self.completed("production-eu", "web"))

    def standalone_tasks(self) -> None:
        """Tasks of no service in production, as the reference setup has them: CI's migration
        runs (group family:laravel-web, startedBy github-actions, RUN_MIGRATIONS=1): one that
        FAILED (php exit 1, an alert) and an earlier one that succeeded; and a scheduled
        `schedule:run` one-off that is running. Each with its log streams. Summary:
        clusters.production.standalone (task entries plus group/startedBy/what)."""
        _, group, env, _ = ENVS["production"]
        p = self.summary["clusters"]["production"]["services"]
        migrate = {"containerOverrides": [{"name": "php", "command": ["php", "artisan", "migrate", "--force"],
                                           "environment": [{"name": "RUN_MIGRATIONS", "value": "1"}]}]}
        schedule = {"containerOverrides": [{"name": "php", "command": ["php", "artisan", "schedule:run"]}]}
        out = self.summary["clusters"]["production"]["standalone"] = []
        # (what, task definition, group, startedBy, overrides, (started, stopped) seconds ago, php exit, log lines)
        for what, td, grp, by, overrides, (start, stop), code, lines in (
            ("failed-migration", p["web"]["taskDefinition"], "family:laravel-web", "github-actions", migrate,
             (300, 240), 1, ["Migrating: 2024_11_02_101500_add_invoice_number_to_orders",
                              f"[{datetime.fromtimestamp(self.now - 241, timezone.utc):%Y-%m-%d %H:%M:%S}] "
                              f"{env}.ERROR: SQLSTATE[42S21]: Column already exists: 1060 Duplicate column "
                              "name 'invoice_number' {\"exception\":\"[object] (Illuminate\\\\Database"
                              "\\\\QueryException(code: 42S21))\"}"]),
            ("migration", p["web"]["taskDefinition"], "family:laravel-web", "github-actions", migrate,
             (2700, 2640), 0, ["Migrating: 2024_10_28_090000_create_refunds_table",
                               "Migrated:  2024_10_28_090000_create_refunds_table (41.2ms)"]),
            ("schedule-run", p["scheduler"]["taskDefinition"], "family:laravel-scheduler",
             "events-rule/laravel-schedule-run", schedule, (30, None), None,
             ["Running scheduled command: '/usr/local/bin/php' 'artisan' 'invoices:remind' > '/dev/null' 2>&1"]),
        ):
            t = self.ecs.run_task(cluster="production", taskDefinition=td, count=1, launchType="FARGATE",
                                  networkConfiguration=self.net, group=grp, startedBy=by,
                                  overrides=overrides)["tasks"][0]
            entry = {**self.task_entry(t), "group": grp, "startedBy": by, "what": what}
            fields: dict[str, Any] = {"createdAt": self.now - start - 30, "startedAt": self.now - start}
            if stop is not None:
                stopped = self.now - stop
                fields.update(lastStatus="STOPPED", desiredStatus="STOPPED", stopCode="EssentialContainerExited",
                              stoppedReason="Essential container in task exited", stoppingAt=stopped - 2,
                              stoppedAt=stopped, executionStoppedAt=stopped,
                              containers=[{"name": c["name"], "lastStatus": "STOPPED",
                                           "exitCode": code if c["name"] == "php" else 0}
                                          for c in t["containers"]])
            self.edit_task("production", "", entry, **fields)
            out.append(entry)
            prefix = "scheduler" if grp.endswith("scheduler") else "web"
            for c in t["containers"]:
                stream = f"{prefix}/{c['name']}/{entry['id']}"
                self.logs.create_log_stream(logGroupName=group, logStreamName=stream)
                if c["name"] == "php":
                    base = int((self.now - start + 5) * 1000)
                    self.logs.put_log_events(logGroupName=group, logStreamName=stream, logEvents=[
                        {"timestamp": base + i * 1000, "message": m} for i, m in enumerate(lines)])
                self.summary["logGroups"][group][stream] = len(lines) if c["name"] == "php" else 0

    def large_fleet(self, clusters: int, services: int, tasks: int, log_services: int) -> None:
        """clusters x services x tasks running tasks (see the module doc)."""
        started = time.monotonic()
        shape: dict[str, Any] = {"clusters": {}, "services": clusters * services,
                                 "tasks": clusters * services * tasks, "logServices": {}}
        for c in range(clusters):
            cluster = f"fleet-{c:02d}"
            group = f"/ecs/{cluster}"
            self.cluster(cluster)
            self.logs.create_log_group(logGroupName=group)
            names = []
            for s in range(services):
                name = f"app-{s:03d}"
                family = f"{cluster}-{name}"
                cmd = None if s % 3 == 0 else ["php", "artisan", "queue:work", "--sleep=3"]
                td = self.register(family, [self.php("production", group, name, "v1.5.0", cmd)],
                                   list(VOLUMES), "production")
                entry = self.service(cluster, name, td, tasks, s % 2 == 0)
                names.append(name)
                if s < log_services:
                    self.fleet_logs(group, name, [t["id"] for t in entry["tasks"]])
                    shape["logServices"].setdefault(cluster, []).append(name)
            shape["clusters"][cluster] = {"logGroup": group, "services": names}
            self.log(f"{cluster}: {services} services x {tasks} tasks "
                     f"({time.monotonic() - started:.0f}s so far)")
        shape["seconds"] = round(time.monotonic() - started, 2)
        self.summary["largeFleet"] = shape

    def fleet_logs(self, group: str, service: str, task_ids: list[str]) -> None:
        base = int((self.now - 120) * 1000)
        for tid in task_ids:
            stream = f"{service}/php/{tid}"
            self.logs.create_log_stream(logGroupName=group, logStreamName=stream)
            lines = self.log_lines("scheduler" if service.endswith("0") else "worker", tid, "production")
            self.logs.put_log_events(logGroupName=group, logStreamName=stream, logEvents=[
                {"timestamp": base + i * 1000, "message": m} for i, m in enumerate(lines)])

    def bench(self, n: int) -> None:
        td = self.summary["taskDefinitions"]["laravel-worker"][-1]
        for i in range(1, n):
            name = f"bench-{i}"
            self.cluster(name)
            for s in range(10):
                self.service(name, f"svc-{s:02d}", td, 2, False)

    # --- CloudWatch Logs ----------------------------------------------------------------
    def log_lines(self, kind: str, task_id: str, env: str) -> list[str]:
        def ts(ago: float) -> str:
            return datetime.fromtimestamp(self.now - ago, timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
        if kind == "nginx":
            stamp = datetime.fromtimestamp(self.now - 30, timezone.utc).strftime("%d/%b/%Y:%H:%M:%S +0000")
            return [f'10.0.1.{n} - - [{stamp}] "{req}" {code} {size} "-" "{ua}"' for n, (req, code, size, ua) in enumerate([
                ("GET /health HTTP/1.1", 200, 2, "ELB-HealthChecker/2.0"),
                ("GET /dashboard HTTP/2.0", 200, 18342, "Mozilla/5.0 (X11; Linux x86_64)"),
                ("POST /api/orders HTTP/2.0", 500, 512, "okhttp/4.12.0"),
                ("GET /wp-login.php HTTP/1.1", 404, 162, "curl/8.5.0"),
            ], start=10)]
        error = (
            f"[{ts(50)}] {env}.ERROR: SQLSTATE[HY000] [2002] Connection refused (Connection: mysql, SQL: "
            "select * from `users` where `id` = 1 limit 1) {\"userId\":1,\"exception\":\"[object] "
            "(Illuminate\\\\Database\\\\QueryException(code: 2002): SQLSTATE[HY000] [2002] Connection refused at "
            "/var/www/html/vendor/laravel/framework/src/Illuminate/Database/Connection.php:825)\n"
            "[stacktrace]\n"
            "#0 /var/www/html/vendor/laravel/framework/src/Illuminate/Database/Connection.php(779): "
            "Illuminate\\\\Database\\\\Connection->runQueryCallback()\n"
            "#1 /var/www/html/vendor/laravel/framework/src/Illuminate/Database/Connection.php(398): "
            "Illuminate\\\\Database\\\\Connection->run()\n"
            "#2 /var/www/html/app/Http/Controllers/DashboardController.php(21): "
            "Illuminate\\\\Database\\\\Eloquent\\\\Builder->first()\n"
            "#3 {main}\n"
            "[previous exception] [object] (PDOException(code: 2002): SQLSTATE[HY000] [2002] Connection refused at "
            "/var/www/html/vendor/laravel/framework/src/Illuminate/Database/Connectors/Connector.php:65)\"} []"
        )
        jsonl = json.dumps({"message": "Order placed", "context": {"order_id": 4711, "total": "59.90"},
                            "level": 200, "level_name": "INFO", "channel": env,
                            "datetime": datetime.fromtimestamp(self.now - 40, timezone.utc).isoformat(), "extra": {}})
        if kind == "worker":
            return [
                "   INFO  Processing jobs from the [default] queue.",
                f"  {ts(45)} App\\Jobs\\SendInvoiceMail ........................ RUNNING",
                f"  {ts(44)} App\\Jobs\\SendInvoiceMail .................. 312.45ms DONE",
                f"  {ts(43)} App\\Jobs\\SyncInventory ........................... RUNNING",
                f"  {ts(42)} App\\Jobs\\SyncInventory .................... 1.2s \u001b[31mFAIL\u001b[39m",
                # Without awslogs-multiline-pattern every line is its own event: the
                # stack trace arrives as separate events and must be joined again.
                *error.split("\n"), jsonl,
            ]
        if kind == "scheduler":
            return [f"  {ts(60)} Running ['artisan' horizon:snapshot] ........ 210ms DONE",
                    f"[{ts(59)}] {env}.INFO: Scheduled command finished {{\"command\":\"horizon:snapshot\"}}"]
        return [
            f"[{datetime.fromtimestamp(self.now - 70, timezone.utc).strftime('%d-%b-%Y %H:%M:%S')}] NOTICE: fpm is running, pid 1",
            f"[{ts(60)}] {env}.INFO: User logged in {{\"user_id\":42}}",
            error, jsonl,
            f"[{ts(35)}] {env}.WARNING: Cache miss rate high {{\"rate\":0.42}}",
            f"[{ts(34)}] {env}.INFO: Bestellung für Jürgen bestätigt ✓ 注文 {{\"locale\":\"de\"}}",
            f"[{ts(33)}] {env}.WARNING: \u001b]0;pwned\u0007Title change \u001b[2Jattempt in user agent {{}}",
            f"[{ts(32)}] {env}.DEBUG: Webhook payload " + "x" * 20000 + " {}",
        ]

    def logs_fleet(self) -> None:
        streams = []  # (group, stream, kind, env)
        for cluster, (_, group, env, _) in ENVS.items():
            self.logs.create_log_group(logGroupName=group)
            self.logs.put_retention_policy(logGroupName=group, retentionInDays=30)
            self.summary["logGroups"][group] = {}
            svcs = self.summary["clusters"][cluster]["services"]
            for t in svcs["web"]["tasks"]:
                streams += [(group, f"web/php/{t['id']}", "php", env), (group, f"web/nginx/{t['id']}", "nginx", env)]
            for t in svcs["worker"]["tasks"]:
                streams.append((group, f"worker/php/{t['id']}", "worker", env))
            for t in svcs["scheduler"]["tasks"]:
                streams.append((group, f"scheduler/php/{t['id']}", "scheduler", env))
        for t in self.summary["clusters"]["production-eu"]["services"]["web"]["tasks"]:
            streams.append(("/ecs/laravel-production", f"web/php/{t['id']}", "php", "production"))
        for group, stream, kind, env in streams:
            lines = self.log_lines(kind, stream.rsplit("/", 1)[1], env)
            self.logs.create_log_stream(logGroupName=group, logStreamName=stream)
            base = int((self.now - 80) * 1000)
            self.logs.put_log_events(logGroupName=group, logStreamName=stream, logEvents=[
                {"timestamp": base + i * 1000, "message": m} for i, m in enumerate(lines)])
            self.summary["logGroups"][group][stream] = len(lines)

    # --- CloudWatch metrics -----------------------------------------------------------
    def metrics(self) -> None:
        """CPUUtilization / MemoryUtilization (AWS/ECS, ClusterName + ServiceName) for every
        fleet service (not the bench clusters): one datapoint per 5 minutes over the last
        hour, newest at `now`. production worker is hot (CPU peaks at 97%, above the default
        alert threshold of 90); everything else stays between 20 and 60%."""
        summary: dict[str, Any] = {"namespace": "AWS/ECS", "periodSeconds": 300, "points": 12,
                                   "statistic": "Maximum", "clusters": {}}
        for cluster, entry in self.summary["clusters"].items():
            for n, svc in enumerate(entry["services"]):
                hot = cluster == "production" and svc == "worker"
                # Deterministic, service-specific shapes: moderate values in [20, 60].
                cpu = [20.0 + (7 * n + 11 * k) % 41 for k in range(12)]
                mem = [30.0 + (5 * n + 13 * k) % 31 for k in range(12)]
                if hot:
                    cpu = [70.0 + (3 * k) % 20 for k in range(12)]
                    cpu[4] = 97.0
                dims = [{"Name": "ClusterName", "Value": cluster}, {"Name": "ServiceName", "Value": svc}]
                data = [{"MetricName": name, "Dimensions": dims, "Unit": "Percent", "Value": v,
                         "Timestamp": datetime.fromtimestamp(self.now - (11 - k) * 300, timezone.utc)}
                        for name, series in (("CPUUtilization", cpu), ("MemoryUtilization", mem))
                        for k, v in enumerate(series)]  # k = 0 is the oldest
                self.cloudwatch.put_metric_data(Namespace="AWS/ECS", MetricData=data)
                summary["clusters"].setdefault(cluster, {})[svc] = {
                    "cpuMax": max(cpu), "memoryMax": max(mem), "cpu": cpu, "memory": mem}
        self.summary["metrics"] = summary

    def finish(self) -> None:
        # Counts per service so tests need not recount.
        for c in self.summary["clusters"].values():
            for s in c["services"].values():
                s["runningCount"] = sum(t["desiredStatus"] == "RUNNING" for t in s["tasks"])
                s["stoppedCount"] = len(s["tasks"]) - s["runningCount"]


def main() -> None:
    ap = argparse.ArgumentParser(description="Seed a Laravel fleet into the toadtop testbed.")
    ap.add_argument("--endpoint", required=True)
    ap.add_argument("--scale", type=int, default=1)
    ap.add_argument("--quiet", action="store_true")
    ap.add_argument("--fleet", choices=["large"], help="10 clusters x 50 services x 10 tasks")
    ap.add_argument("--clusters", type=int, default=0, help="large-fleet clusters")
    ap.add_argument("--services", type=int, default=50, help="services per large-fleet cluster")
    ap.add_argument("--tasks", type=int, default=10, help="running tasks per large-fleet service (<= 10)")
    ap.add_argument("--log-services", type=int, default=2, help="large-fleet services per cluster with logs")
    args = ap.parse_args()
    if args.fleet == "large" and not args.clusters:
        args.clusters = 10
    if not 0 <= args.tasks <= 10:
        ap.error("--tasks: RunTask starts at most 10 tasks a call; 0..10")
    started = time.monotonic()
    s = Seeder(args.endpoint, args.quiet)
    for step in (s.network, s.ecr_images, s.enhanced_scanning, s.parameters, s.fleet, s.image_volume_service,
                 s.logs_fleet, s.standalone_tasks, s.metrics):
        s.log(step.__name__)
        step()
    if args.scale > 1:
        s.log(f"bench x{args.scale - 1}")
        s.bench(args.scale)
    if args.clusters:
        s.log(f"large fleet {args.clusters} x {args.services} x {args.tasks}")
        s.large_fleet(args.clusters, args.services, args.tasks, args.log_services)
    s.finish()
    s.summary["seconds"] = round(time.monotonic() - started, 2)
    s.log(f"done in {s.summary['seconds']}s")
    json.dump(s.summary, sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
