#!/usr/bin/env bash
# Search, side by side (issues 4 and 17): the same synthetic archive into
# Bleve, PostgreSQL full-text search (unaccent + GIN), OpenSearch on one node
# (1 shard, no replica) and OpenSearch on three nodes (3 shards, 1 replica).
#   bash bench/search.sh [DOCUMENTS]   (default 100000)
# Starts the local PostgreSQL cluster if it is down (Debian's pg_ctlcluster)
# and uses a database of its own, vanthu_bench, which it recreates and drops
# at the end. The engines are measured one after the other, each in a phase of
# its own: an OpenSearch cluster (scripts/opensearch, VANTHU_ES_HEAP per node,
# 2g by default) runs only during its phase and is stopped, its data removed,
# before the next starts, so no engine shares the cores with another's JVMs.
# ENGINES (default "bleve,pg opensearch1 opensearch3") picks the phases.
# The machine may be shared: before each engine's load the tool waits up to
# QUIET (default 10m, a Go duration; 0 does not wait) for the CPU to be idle,
# and each column says how busy the machine was while it was measured.
# Each phase prints its own table; the side-by-side table comes last.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100000}
engines=${ENGINES:-bleve,pg opensearch1 opensearch3}
export VANTHU_ES_HEAP=${VANTHU_ES_HEAP:-2g}
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

work=$(mktemp -d "${TMPDIR:-/tmp}/vanthu-searchbench.XXXXXX")
# stop_opensearch stops the nodes of the running phase (their pids, one a
# line, in the pidfile scripts/opensearch wrote), waits until they are gone
# and removes their data: a 1M-document index is gigabytes.
stop_opensearch() {
	[ -s "$work/os.pid" ] || return 0
	local pid
	while read -r pid; do kill "$pid" 2>/dev/null || true; done < "$work/os.pid"
	for _ in $(seq 1 60); do
		local alive=0
		while read -r pid; do kill -0 "$pid" 2>/dev/null && alive=1; done < "$work/os.pid"
		[ "$alive" = 0 ] && break
		sleep 1
	done
	while read -r pid; do kill -9 "$pid" 2>/dev/null || true; done < "$work/os.pid"
	: > "$work/os.pid"
	rm -rf "$work/os"
}
finish() {
	stop_opensearch
	rm -rf "$work"
	as_pg dropdb --if-exists vanthu_bench || true
}
trap finish EXIT
trap 'exit 130' INT TERM

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo); PostgreSQL $ver; $(go version | cut -d' ' -f3); $(java -version 2>&1 | head -1)"
go build -o "$work/searchbench" ./bench/searchbench
saved=()
for phase in $engines; do
	flags=()
	case "$phase" in
	opensearch1 | opensearch3)
		nodes=1
		[ "$phase" = opensearch3 ] && nodes=3
		urls=$(OPENSEARCH_NODES=$nodes OPENSEARCH_DIR="$work/os" VANTHU_ES_PIDFILE="$work/os.pid" bash scripts/opensearch)
		echo "$phase: $nodes node(s) × $VANTHU_ES_HEAP heap at $urls"
		flags=("-$phase" "$urls")
		;;
	esac
	"$work/searchbench" -n "$n" -pg "host=/var/run/postgresql dbname=vanthu_bench" -dir "$work/bleve" \
		-quiet "${QUIET:-10m}" -pids "$work/os.pid" -engines "$phase" "${flags[@]}" -save "$work/$phase.json"
	stop_opensearch
	saved+=("$work/$phase.json")
	echo
done
echo "side by side, $n documents:"
"$work/searchbench" -table "${saved[@]}"
