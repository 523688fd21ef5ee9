#!/usr/bin/env bash
# Sets up an existing MinIO for vanthu: the webhook notification target
# pointing at the ingest function (with a queue directory, so that events
# wait on disk while ingest is down), the upload bucket and its
# notification. Needs mc. Usage:
#   MC_HOST_vanthu=http://ACCESS:SECRET@minio:9000 \
#   INGEST_URL=http://vanthu-ingest.vanthu.svc.cluster.local/ INGEST_TOKEN=... \
#   infra/minio-setup.sh [BUCKET]
set -euo pipefail
bucket=${1:-uploads}
: "${MC_HOST_vanthu:?set MC_HOST_vanthu=http://ACCESS:SECRET@host:port}"
: "${INGEST_URL:?set INGEST_URL to the ingest function's address}"
: "${INGEST_TOKEN:?set INGEST_TOKEN to the token ingest expects}"
mc admin config set vanthu notify_webhook:VANTHU \
  endpoint="$INGEST_URL" auth_token="$INGEST_TOKEN" queue_dir=/data/.vanthu-events queue_limit=100000
mc admin service restart vanthu
mc mb --ignore-existing "vanthu/$bucket"
mc event add --ignore-existing "vanthu/$bucket" arn:minio:sqs::VANTHU:webhook --event put
echo "MinIO ready: uploads to $bucket notify $INGEST_URL" >&2
