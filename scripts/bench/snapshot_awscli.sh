#!/usr/bin/env bash
# The fleet snapshot `toadtop --once --output json` prints, done the way an operator scripts
# it with the AWS CLI: one `aws` process per call, one call after the other, AWS's batch
# sizes (describe-services 10, describe-tasks 100), and each distinct task-definition
# revision described once. Clusters, services, tasks and revisions end up as JSON files in
# OUT_DIR (default: a temp dir, removed). ECS only: no ECR findings, no metrics.
#   AWS=/usr/bin/aws scripts/bench/snapshot_awscli.sh http://127.0.0.1:PORT [OUT_DIR]
set -euo pipefail
aws="${AWS:-aws}"
endpoint="$1"
out="${2:-$(mktemp -d)}"
[[ -n "${2:-}" ]] || trap 'rm -rf "$out"' EXIT
mkdir -p "$out"
call() { "$aws" --endpoint-url "$endpoint" --output json ecs "$@"; }

mapfile -t clusters < <(call list-clusters --query 'clusterArns[]' --output text | tr '\t' '\n')
call describe-clusters --include STATISTICS --clusters "${clusters[@]}" >"$out/clusters.json"
declare -A revisions=()
for c in "${clusters[@]}"; do
  name="${c##*/}"
  mapfile -t services < <(call list-services --cluster "$c" --query 'serviceArns[]' --output text | tr '\t' '\n')
  for ((i = 0; i < ${#services[@]}; i += 10)); do
    call describe-services --cluster "$c" --services "${services[@]:i:10}" >"$out/services-$name-$i.json"
    for td in $(jq -r '.services[].taskDefinition' "$out/services-$name-$i.json"); do revisions[$td]=1; done
  done
  tasks=()
  for status in RUNNING STOPPED; do
    mapfile -t -O "${#tasks[@]}" tasks < <(call list-tasks --cluster "$c" --desired-status "$status" \
      --query 'taskArns[]' --output text | tr '\t' '\n' | grep . || true)
  done
  for ((i = 0; i < ${#tasks[@]}; i += 100)); do
    call describe-tasks --cluster "$c" --tasks "${tasks[@]:i:100}" >"$out/tasks-$name-$i.json"
    for td in $(jq -r '.tasks[].taskDefinitionArn' "$out/tasks-$name-$i.json"); do revisions[$td]=1; done
  done
done
n=0
for td in "${!revisions[@]}"; do
  call describe-task-definition --task-definition "$td" >"$out/taskdef-$((n++)).json"
done
echo "awscli snapshot: ${#clusters[@]} clusters, ${#revisions[@]} revisions" >&2
