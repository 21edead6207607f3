"""Test-only: change an image's scan findings while a client watches, as ECR's continuous
(enhanced) scanning does when a new CVE is published for an image already pushed. moto
keeps the first answer it gave for an image id and never changes it, and
/moto-api/static/ecr/scan-finding-results only queues answers for ids not yet asked
about, so a finding cannot be added mid-run without this. Hooked from server.py.

    POST /_toadtop/findings  {"region": "us-east-1", "repository": "laravel-app",
                              "tag": "v1.5.0" (or "digest": "sha256:..."),
                              "add": [{"name": "CVE-2024-9999", "severity": "CRITICAL"}],
                              "set": [{"name": "CVE-2024-2511", "severity": "CRITICAL"}]}

Each added finding is a copy of the image's first enhanced finding with the name
(packageVulnerabilityDetails.vulnerabilityId, title) and severity replaced, put into every
answer moto holds or has queued for that image; findingSeverityCounts (when present) count
it. Each "set" entry re-scores the image's enhanced findings of that name, as Inspector
does when a CVE's severity is revised (added later, for `raised_findings`: moto cannot
change a held answer either); findingSeverityCounts follow. Answers {"image": digest, "answers": N}; 400 when there is no such image or moto holds
no enhanced answer for it (the server's bad-request answer: ValueError).
"""

from __future__ import annotations

import copy
import hashlib
from typing import Any

from moto.core import DEFAULT_ACCOUNT_ID
from moto.ecr.models import ecr_backends


def add_findings(body: dict[str, Any]) -> dict[str, Any]:
    backend = ecr_backends[DEFAULT_ACCOUNT_ID][body.get("region", "us-east-1")]
    try:
        repo = backend._get_repository(body["repository"], None)
        image = repo._get_image(body.get("tag"), body.get("digest"))
    except Exception as e:  # moto's RepositoryNotFound/ImageNotFound
        raise ValueError(f"no such image: {e}") from e
    answers = list(image.scan_finding_results.values()) + list(image.scan_finding_results_queue)
    answers += [r for r in backend.scan_finding_results if r.get("repositoryName") == repo.name
                and image.image_digest in (r["imageId"].get("imageDigest"), None)
                and r["imageId"].get("imageTag") in (image.image_tag, None)]
    edited: dict[int, Any] = {}  # by id(): a queued answer may also be a held one
    for answer in answers:
        scan = answer.get("imageScanFindings", {})
        if scan.get("enhancedFindings") and id(answer) not in edited:
            edited[id(answer)] = answer
    if not edited:
        raise ValueError(f"no enhanced findings held for {repo.name}@{image.image_digest}")
    for answer in edited.values():
        scan = answer["imageScanFindings"]
        for f in body.get("add", []):
            new = copy.deepcopy(scan["enhancedFindings"][0])
            name, severity = str(f["name"]), str(f["severity"])
            new["severity"] = severity
            new["title"] = new["description"] = f"{name} (added by /_toadtop/findings)"
            new["findingArn"] = new["findingArn"].rsplit("/", 1)[0] + "/" + hashlib.md5(name.encode()).hexdigest()
            new["packageVulnerabilityDetails"]["vulnerabilityId"] = name
            new["packageVulnerabilityDetails"]["vendorSeverity"] = severity
            scan["enhancedFindings"].append(new)
            if "findingSeverityCounts" in scan:
                scan["findingSeverityCounts"][severity] = scan["findingSeverityCounts"].get(severity, 0) + 1
        for f in body.get("set", []):
            for old in scan["enhancedFindings"]:
                if old["packageVulnerabilityDetails"]["vulnerabilityId"] == f["name"]:
                    counts = scan.get("findingSeverityCounts")
                    if counts is not None:
                        counts[old["severity"]] = counts.get(old["severity"], 1) - 1
                        counts[str(f["severity"])] = counts.get(str(f["severity"]), 0) + 1
                    old["severity"] = old["packageVulnerabilityDetails"]["vendorSeverity"] = str(f["severity"])
    return {"image": image.image_digest, "answers": len(edited)}
