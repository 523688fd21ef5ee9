#!/usr/bin/env bash
# Brings up a local Kubernetes cluster with Knative Serving and Eventing,
# MinIO, PostgreSQL and Elasticsearch, builds the images and deploys
# charts/vanthu. For users with a machine that runs containers; it was NOT
# run where vanthu is developed (no container engine there).
#
# Needs: docker (or podman), kind, kubectl, helm, mc; network access to the
# Knative release manifests and the container registries named below.
# Versions are pinned; change them together.
set -euo pipefail
cd "$(dirname "$0")/.."
KNATIVE=${KNATIVE:-v1.16.0}
REGISTRY=${REGISTRY:-localhost:5001}
NS=vanthu

kind create cluster --name vanthu --wait 120s
# Knative Serving with Kourier, Eventing with the in-memory channel and the
# multi-tenant channel-based broker.
kubectl apply -f "https://github.com/knative/serving/releases/download/knative-$KNATIVE/serving-crds.yaml"
kubectl apply -f "https://github.com/knative/serving/releases/download/knative-$KNATIVE/serving-core.yaml"
kubectl apply -f "https://github.com/knative/net-kourier/releases/download/knative-$KNATIVE/kourier.yaml"
kubectl patch configmap/config-network -n knative-serving --type merge \
  -p '{"data":{"ingress-class":"kourier.ingress.networking.knative.dev"}}'
kubectl apply -f "https://github.com/knative/eventing/releases/download/knative-$KNATIVE/eventing-crds.yaml"
kubectl apply -f "https://github.com/knative/eventing/releases/download/knative-$KNATIVE/eventing-core.yaml"
kubectl apply -f "https://github.com/knative/eventing/releases/download/knative-$KNATIVE/in-memory-channel.yaml"
kubectl apply -f "https://github.com/knative/eventing/releases/download/knative-$KNATIVE/mt-channel-broker.yaml"
kubectl wait --for=condition=Available deployment --all -n knative-serving --timeout=300s
kubectl wait --for=condition=Available deployment --all -n knative-eventing --timeout=300s

kubectl create namespace "$NS" --dry-run=client -o yaml | kubectl apply -f -
# Backing services (PostgreSQL and Elasticsearch are used from issues 4 and 5 on).
helm repo add bitnami https://charts.bitnami.com/bitnami >/dev/null
helm upgrade --install minio bitnami/minio -n "$NS" --set auth.rootUser=vanthu \
  --set auth.rootPassword="$(head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n')"
helm upgrade --install postgresql bitnami/postgresql -n "$NS"
helm upgrade --install elasticsearch bitnami/elasticsearch -n "$NS" --set master.replicaCount=1 \
  --set data.replicaCount=1 --set coordinating.replicaCount=0 --set ingest.enabled=false

# Secrets, then the images and the chart.
pass=$(kubectl get secret -n "$NS" minio -o jsonpath='{.data.root-password}' | base64 -d)
token=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
kubectl create secret generic vanthu-minio -n "$NS" \
  --from-literal=url="http://vanthu:$pass@minio.$NS.svc.cluster.local:9000" --dry-run=client -o yaml | kubectl apply -f -
kubectl create secret generic vanthu-ingest -n "$NS" --from-literal=token="$token" --dry-run=client -o yaml | kubectl apply -f -
# The bearer token Prometheus scrapes /metrics with.
mtoken=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
kubectl create secret generic vanthu-metrics -n "$NS" --from-literal=token="$mtoken" --dry-run=client -o yaml | kubectl apply -f -
docker build -f infra/Dockerfile.ocr -t "$REGISTRY/vanthu-ocr:dev" .
docker build -f infra/Dockerfile.static -t "$REGISTRY/vanthu:dev" .
kind load docker-image --name vanthu "$REGISTRY/vanthu-ocr:dev" "$REGISTRY/vanthu:dev"
helm upgrade --install vanthu charts/vanthu -n "$NS" \
  --set images.ocr="$REGISTRY/vanthu-ocr:dev" --set images.static="$REGISTRY/vanthu:dev"

# MinIO's webhook target at the ingest function.
kubectl port-forward -n "$NS" svc/minio 9000:9000 >/dev/null &
pf=$!
trap 'kill $pf' EXIT
sleep 3
MC_HOST_vanthu="http://vanthu:$pass@127.0.0.1:9000" INGEST_URL="http://vanthu-ingest.$NS.svc.cluster.local/" \
  INGEST_TOKEN="$token" infra/minio-setup.sh uploads
echo "Deployed. Upload: mc cp scan.pdf vanthu/uploads/ ; records appear under uploads/vanthu/records/." >&2
