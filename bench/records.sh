#!/usr/bin/env bash
# Records, side by side (issue 5): SQLite and PostgreSQL in one run —
# records written per second from extraction records, and the API's
# latency listing an incoming register of N entries.
#   bash bench/records.sh [N]   (default 100000)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100000}
url=$(bash scripts/postgres vanthu_bench)
ver=$(ls /usr/lib/postgresql | sort -n | tail -1)
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo); PostgreSQL $ver; $(go version | cut -d' ' -f3)"
go run ./bench/recordsbench -n "$n" -pg "$url"
