#!/usr/bin/env bash
# Issue 10, measured: vanthu serve under load and under kill -9, on
# embedded defaults (SQLite, Bleve, the local folder), born-digital PDFs.
#   bash bench/load.sh            # 50 uploaders + 20 searchers for 30 s, then 6 kill -9 rounds × 40
#   bash bench/load.sh load|kill  # one of the two
set -euo pipefail
cd "$(dirname "$0")/.."
command -v go >/dev/null 2>&1 || export PATH="$PATH:/usr/local/go/bin"
export OMP_THREAD_LIMIT=1
go build -o bin/vanthu ./cmd/vanthu
echo "machine: $(grep -c ^processor /proc/cpuinfo) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo); $(go version | cut -d' ' -f3)"
what=${1:-both}
if [ "$what" = load ] || [ "$what" = both ]; then
  go run ./bench/loadbench -mode load -vanthu bin/vanthu -uploaders 50 -searchers 20 -duration 30s
fi
if [ "$what" = kill ] || [ "$what" = both ]; then
  go run ./bench/loadbench -mode kill -vanthu bin/vanthu -rounds 6 -n 40
fi
