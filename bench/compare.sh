#!/usr/bin/env bash
# Side-by-side speed of vanthu against the tools a user would otherwise run,
# in one run on the same pages (BENCHMARKS.md records the figures):
#   scans:         vanthu extract  vs  tesseract CLI (one process per core,
#                  OMP_THREAD_LIMIT=1)  vs  OCRmyPDF (one process per core,
#                  --jobs 1, as its docs advise for many small files)
#   born-digital:  vanthu extract  vs  pdftotext
# Usage: [DPI=300] bench/compare.sh [N_SCANS] [N_PDFS]    (defaults 40 and 40)
# Scans are generated at DPI (300 by default): at 200 dpi vanthu upscales
# the page before OCR (slower, more accurate) and the CLI does not.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-40}
M=${2:-40}
CORES=$(nproc)
OUT=bench/out
mkdir -p "$OUT"
command -v go >/dev/null 2>&1 || export PATH="$PATH:/usr/local/go/bin"
go build -o bin/vanthu ./cmd/vanthu
command -v ocrmypdf >/dev/null || { echo "ocrmypdf missing: apt-get install ocrmypdf" >&2; exit 1; }

scans="$OUT/scans"; pdfs="$OUT/pdfs"
if [ ! -f "$scans/truth.jsonl" ]; then
  rm -rf "$scans"; bin/vanthu corpus --out "$scans" --n "$N" --seed 77 --formats png --dpi "${DPI:-300}" 2>/dev/null
fi
if [ ! -f "$pdfs/truth.jsonl" ]; then
  rm -rf "$pdfs"; bin/vanthu corpus --out "$pdfs" --n "$M" --seed 78 --formats pdf 2>/dev/null
fi
# Single-page PNG scans only (multi-page documents were written as TIFF).
ls "$scans"/*.png > "$OUT/scans.list"
pages=$(wc -l < "$OUT/scans.list")
pdfpages=$(python3 -c "import json,sys;print(sum(json.loads(l)['pages'] for l in open('$pdfs/truth.jsonl')))")

t() { # name, command...: wall seconds and peak RSS (KiB) of the whole run
  local name=$1; shift
  /usr/bin/time -f "%e %M" -o "$OUT/time.$name" "$@" > /dev/null 2> "$OUT/err.$name" || true
  read -r secs rss < "$OUT/time.$name"
  echo "$name $secs $rss"
}

echo "# $pages scanned pages (PNG, ${DPI:-300} dpi), $pdfpages born-digital pages, $CORES cores" | tee "$OUT/results.txt"
{
  t tesseract-cli bash -c "xargs -P $CORES -I{} env OMP_THREAD_LIMIT=1 tesseract {} - -l vie < $OUT/scans.list"
  t vanthu-scans bin/vanthu extract -q --jobs "$CORES" --workers "$CORES" $(cat "$OUT/scans.list")
  t ocrmypdf bash -c "mkdir -p $OUT/ocrmypdf; xargs -P $CORES -I{} sh -c 'OMP_THREAD_LIMIT=1 ocrmypdf -q -l vie --jobs 1 --image-dpi 300 --output-type pdf --optimize 0 {} $OUT/ocrmypdf/\$(basename {}).pdf' < $OUT/scans.list"
  t pdftotext bash -c "ls $pdfs/*.pdf | xargs -P $CORES -I{} pdftotext {} -"
  t vanthu-pdfs bin/vanthu extract -q --jobs "$CORES" --workers "$CORES" "$pdfs"
} | while read -r name secs rss; do
  n=$pages; [[ $name == pdftotext || $name == vanthu-pdfs ]] && n=$pdfpages
  ppm=$(python3 -c "print(round($n/$secs*60,1))")
  printf "%-14s %8.2f s %10.1f pages/min %8.0f MiB peak\n" "$name" "$secs" "$ppm" "$(python3 -c "print($rss/1024)")"
done | tee -a "$OUT/results.txt"
