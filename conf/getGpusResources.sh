#!/usr/bin/env bash
# GPU discovery script for Spark (spark.executor.resource.gpu.discoveryScript, conf/spark-gpu.properties):
# prints the GPUs this executor may use as Spark's ResourceInformation JSON, e.g.
#   {"name": "gpu", "addresses": ["0","1"]}
# from nvidia-smi. Under YARN or Kubernetes GPU isolation, nvidia-smi lists only the container's GPUs.
set -euo pipefail
if ! command -v nvidia-smi >/dev/null 2>&1; then
  echo "getGpusResources.sh: nvidia-smi not found; is the NVIDIA driver installed on this node?" >&2
  exit 1
fi
ADDRESSES=$(nvidia-smi --query-gpu=index --format=csv,noheader | tr -d ' ' | sed '/^$/d' | sed 's/.*/"&"/' | paste -sd, -)
echo "{\"name\": \"gpu\", \"addresses\": [${ADDRESSES}]}"
