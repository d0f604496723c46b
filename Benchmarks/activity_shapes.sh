#!/usr/bin/env bash
# Activity Log import in every shape `scopedown import` reads, the same synthetic tenant, one run:
# per-byte time of each shape against the diagnostic archive's (issue 11, "the array shape at
# archive speed").
#
#   Benchmarks/activity_shapes.sh [EVENTS]      (default 300000 events)
#
# 1. builds the release binary (or uses SCOPEDOWN_BIN, to measure another build);
# 2. generates `scopedown synth --subscriptions 50 --assignments 2000 --events EVENTS --seed 1
#    --activity-shape both` (half the days as the diagnostic archive, half as az arrays) and writes
#    the az half again in the other shapes (Benchmarks/activity_shapes.py): az arrays indented as
#    the az CLI prints them, one large az array, ARM REST pages, a Log Analytics AzureActivity CSV,
#    the usage-aggregate CSV; and the archive's blobs in one JSON Lines file;
# 3. imports each shape into a new database SCOPEDOWN_BENCH_REPEAT times (default 3), the shapes in
#    turn within each round, under /usr/bin/time: median wall, user and system seconds, peak RSS;
# 4. prints MB/s, ns per byte (wall and CPU) and the ratio of each shape's per-byte time to the
#    archive folder's.
# Environment: SCOPEDOWN_BENCH_OUT (default ./bench-out), SCOPEDOWN_BENCH_KEEP=1 keeps the data,
# SCOPEDOWN_BENCH_REPEAT (default 3), SCOPEDOWN_BIN (a scopedown binary; no build),
# SCOPEDOWN_BENCH_SHAPES (the shapes to run, by name; the first is the reference).
set -u -o pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
EVENTS=${1:-300000}
OUT=${SCOPEDOWN_BENCH_OUT:-$ROOT/bench-out}/shapes-$EVENTS
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "error: $TIME is missing (apt-get install time)" >&2; exit 1; }
mkdir -p "$OUT"

if [ -n "${SCOPEDOWN_BIN:-}" ]; then
  BIN=$SCOPEDOWN_BIN
else
  echo "building the release binary..." >&2
  STATIC=()
  [ "$(uname -s)" = Linux ] && STATIC=(--static-swift-stdlib)
  (cd "$ROOT" && swift build -c release --product scopedown "${STATIC[@]}" >&2) || { echo "error: release build failed" >&2; exit 1; }
  BIN=$ROOT/.build/release/scopedown
fi

TENANT=$OUT/tenant
SHAPES=$OUT/shapes
if [ ! -f "$TENANT/MANIFEST.json" ]; then
  echo "generating $EVENTS Activity Log records..." >&2
  "$BIN" synth --out "$TENANT" --subscriptions 50 --assignments 2000 --events "$EVENTS" --seed 1 \
    --activity-shape both >/dev/null || { echo "error: synth failed" >&2; exit 1; }
  rm -rf "$SHAPES"
fi
if [ ! -f "$SHAPES/usage.csv" ]; then
  echo "writing the other shapes..." >&2
  python3 "$HERE/activity_shapes.py" "$TENANT" "$SHAPES" || { echo "error: activity_shapes.py failed" >&2; exit 1; }
fi

# name path (the archive folder first: the others are compared with it)
CASES=(
  "archive-folder $TENANT/activity/insights-activity-logs"
  "archive-file $SHAPES/archive-one.json"
  "az-folder $TENANT/activity/az"
  "az-file $SHAPES/az-one.json"
  "az-indented-folder $SHAPES/az-pretty"
  "rest-pages-folder $SHAPES/rest"
  "azureactivity-csv $SHAPES/azureactivity.csv"
  "usage-aggregate-csv $SHAPES/usage.csv"
)
# SCOPEDOWN_BENCH_SHAPES="archive-folder az-folder ...": only these (the first is the reference)
if [ -n "${SCOPEDOWN_BENCH_SHAPES:-}" ]; then
  KEEP=()
  for want in $SCOPEDOWN_BENCH_SHAPES; do
    for c in "${CASES[@]}"; do [ "${c%% *}" = "$want" ] && KEEP+=("$c"); done
  done
  CASES=("${KEEP[@]}")
fi
REPEAT=${SCOPEDOWN_BENCH_REPEAT:-3}
RUNS=$OUT/runs.tsv
: > "$RUNS"
for i in $(seq "$REPEAT"); do
  for c in "${CASES[@]}"; do
    set -- $c
    name=$1 path=$2
    rm -f "$OUT/$name.db" "$OUT/$name.db-wal" "$OUT/$name.db-shm"
    tf=$(mktemp)
    if ! "$TIME" -f "%e %U %S %M" -o "$tf" "$BIN" import --db "$OUT/$name.db" "$path" >"$OUT/$name.stdout" 2>"$OUT/$name.stderr"; then
      echo "error: $name failed; see $OUT/$name.stderr" >&2; rm -f "$tf"; exit 1
    fi
    echo "$name $(tail -1 "$tf")" >> "$RUNS"
    rm -f "$tf"
  done
done

printf '| shape | input | files | wall (median) | user | sys | peak RSS | MB/s (wall) | ns/byte wall | ns/byte CPU | per byte vs archive folder (wall / CPU) |\n'
printf '|---|---|---|---|---|---|---|---|---|---|---|\n'
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
REF_WALL=""; REF_CPU=""
for c in "${CASES[@]}"; do
  set -- $c
  name=$1 path=$2
  bytes=$(find "$path" -type f -printf '%s\n' | awk '{ s += $1 } END { print s }')
  files=$(find "$path" -type f | wc -l)
  wall=$(awk -v n="$name" '$1 == n { print $2 }' "$RUNS" | median)
  user=$(awk -v n="$name" '$1 == n { print $3 }' "$RUNS" | median)
  sys=$(awk -v n="$name" '$1 == n { print $4 }' "$RUNS" | median)
  cpu=$(awk -v n="$name" '$1 == n { print $3 + $4 }' "$RUNS" | median)
  rss=$(awk -v n="$name" '$1 == n && $5 > m { m = $5 } END { printf "%.0f", m / 1024 }' "$RUNS")
  nsw=$(awk -v s="$wall" -v b="$bytes" 'BEGIN { printf "%.3f", s * 1e9 / b }')
  nsc=$(awk -v s="$cpu" -v b="$bytes" 'BEGIN { printf "%.3f", s * 1e9 / b }')
  [ -z "$REF_WALL" ] && { REF_WALL=$nsw; REF_CPU=$nsc; }
  printf '| %s | %.1f MB | %s | %s s | %s s | %s s | %s MiB | %.0f | %s | %s | %.2fx / %.2fx |\n' \
    "$name" "$(awk -v b="$bytes" 'BEGIN { print b / 1e6 }')" "$files" "$wall" "$user" "$sys" "$rss" \
    "$(awk -v s="$wall" -v b="$bytes" 'BEGIN { print b / 1e6 / s }')" "$nsw" "$nsc" \
    "$(awk -v a="$nsw" -v r="$REF_WALL" 'BEGIN { print a / r }')" "$(awk -v a="$nsc" -v r="$REF_CPU" 'BEGIN { print a / r }')"
done
echo
echo "every run (shape wall user sys maxrss-KB): $RUNS"
[ "${SCOPEDOWN_BENCH_KEEP:-0}" = 1 ] || rm -rf "$TENANT" "$SHAPES" "$OUT"/*.db
