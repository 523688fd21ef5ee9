#!/usr/bin/env bash
# Search, side by side (issue 4): the synthetic archive into Bleve and into
# PostgreSQL full-text search (unaccent + GIN) in one run.
#   bash bench/search.sh [DOCUMENTS]   (default 100000)
# Starts the local PostgreSQL cluster if it is down (Debian's pg_ctlcluster)
# and uses a database of its own, vanthu_bench, which it recreates.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100000}
if ! command -v pg_ctlcluster >/dev/null; then
	echo "bench/search.sh: PostgreSQL is not installed (apt-get install postgresql)" >&2
	exit 1
fi
ver=$(ls /usr/lib/postgresql | sort -n | tail -1)
pg_ctlcluster "$ver" main status >/dev/null 2>&1 || pg_ctlcluster "$ver" main start
me=$(id -un)
as_pg() { if [ "$me" = postgres ]; then "$@"; else su postgres -c "$(printf '%q ' "$@")"; fi; }
as_pg psql -qtAc "SELECT 1 FROM pg_roles WHERE rolname='$me'" | grep -q 1 || as_pg createuser --superuser "$me"
as_pg dropdb --if-exists vanthu_bench
as_pg createdb -O "$me" vanthu_bench
nproc_=$(nproc)
echo "machine: $nproc_ cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo); PostgreSQL $ver; $(go version | cut -d' ' -f3)"
go run ./bench/searchbench -n "$n" -pg "host=/var/run/postgresql dbname=vanthu_bench"
