#!/usr/bin/env bash
# Peak memory over a long run: vanthu extract on one scanned PDF of N pages
# (default 500), sampling its resident set every 2 s. Flat means no leak:
# gosseract's GetBoundingBoxesVerbose leaks its result iterator and word
# strings in C++, which this measures.
# Usage: bench/rss.sh [PAGES]
set -euo pipefail
cd "$(dirname "$0")/.."
PAGES=${1:-500}
OUT=bench/out
mkdir -p "$OUT"
command -v go >/dev/null 2>&1 || export PATH="$PATH:/usr/local/go/bin"
go build -o bin/vanthu ./cmd/vanthu
go run ./bench/longpdf -out "$OUT/long.pdf" -pages "$PAGES"
bin/vanthu extract -q --max-pages "$PAGES" "$OUT/long.pdf" > "$OUT/long.jsonl" &
pid=$!
start=$(date +%s)
: > "$OUT/rss.tsv"
while kill -0 $pid 2>/dev/null; do
  rss=$(awk '/VmRSS/{print $2}' /proc/$pid/status 2>/dev/null || echo 0)
  echo -e "$(( $(date +%s) - start ))\t$rss" >> "$OUT/rss.tsv"
  sleep 2
done
wait $pid || true
python3 - "$OUT/rss.tsv" "$PAGES" <<'PY'
import sys
rows=[tuple(map(int,l.split())) for l in open(sys.argv[1]) if l.strip() and l.split()[1]!='0']
n=len(rows); secs=rows[-1][0] if rows else 0
def at(f): return rows[min(n-1,int(n*f))][1]/1024
print(f"{sys.argv[2]} pages in {secs} s ({int(sys.argv[2])/max(secs,1)*60:.1f} pages/min); RSS MiB at 10% {at(.1):.0f}, 50% {at(.5):.0f}, 90% {at(.9):.0f}, peak {max(r[1] for r in rows)/1024:.0f}")
PY
