#!/usr/bin/env bash
# Activity Log import: `scopedown import` against the straightforward Python importer
# (Benchmarks/python_importer.py: json per line, dict aggregation, sqlite3 executemany in one
# transaction), on the same diagnostic-archive files, in the same run (issue 4, "Performance").
#
#   Benchmarks/activity_compare.sh [EVENTS] [--folder]   (default 800000 records, about 2.3 GB)
#
# 1. builds the release binary;
# 2. generates a tenant with `scopedown synth --activity-shape archive` (reused when present) and
#    concatenates its PT1H.json blobs into one diagnostic-archive file (JSON Lines, one record a line);
# 3. measures the I/O floor (cat > /dev/null), the Python importer and `scopedown import` on that
#    same file, each under /usr/bin/time -v, SCOPEDOWN_BENCH_REPEAT times (default 3; into a fresh
#    database each time): the median wall time and the largest peak RSS;
# 4. prints events/s and MB/s of both, the ratio, and peak RSS.
# With --folder it also runs both on the archive folder as Storage writes it (thousands of hourly
# files; `scopedown import` commits each file on its own).
# Environment: SCOPEDOWN_BENCH_OUT (default ./bench-out), SCOPEDOWN_BENCH_KEEP=1 keeps the tenant,
# SCOPEDOWN_BENCH_REPEAT (default 3) runs per measure.
set -u -o pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
EVENTS=800000
FOLDER=0
for a in "$@"; do case "$a" in --folder) FOLDER=1 ;; *) EVENTS=$a ;; esac; done
OUT=${SCOPEDOWN_BENCH_OUT:-$ROOT/bench-out}/activity-$EVENTS
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "error: $TIME is missing (apt-get install time)" >&2; exit 1; }
mkdir -p "$OUT"

echo "building the release binary..." >&2
# the binary as README.md says to build it for use on Linux: the Swift runtime linked in statically
# (it starts in 4 ms instead of 10 and calls the runtime directly)
STATIC=()
[ "$(uname -s)" = Linux ] && STATIC=(--static-swift-stdlib)
(cd "$ROOT" && swift build -c release --product scopedown "${STATIC[@]}" >&2) || { echo "error: release build failed" >&2; exit 1; }
BIN=$ROOT/.build/release/scopedown

TENANT=$OUT/tenant
if [ ! -f "$TENANT/MANIFEST.json" ]; then
  echo "generating $EVENTS Activity Log records..." >&2
  "$BIN" synth --out "$TENANT" --subscriptions 50 --assignments 2000 --events "$EVENTS" --seed 11 \
    --activity-shape archive >/dev/null || { echo "error: synth failed" >&2; exit 1; }
fi
ARCHIVE=$TENANT/activity/insights-activity-logs
ONE=$OUT/PT1H-all.json
[ -f "$ONE" ] || find "$ARCHIVE" -type f -name 'PT1H.json' | sort | xargs cat > "$ONE"
BYTES=$(stat -c %s "$ONE")
FILES=$(find "$ARCHIVE" -type f | wc -l)
RECORDS=$(python3 -c "import json,sys; m=json.load(open(sys.argv[1])); a=m['activity']; print(a['records'] + a.get('duplicateRecords', 0))" "$TENANT/MANIFEST.json")

REPEAT=${SCOPEDOWN_BENCH_REPEAT:-3}

# run NAME [PRE] -- command...  -> sets WALL (median s of REPEAT runs), RSS (largest MiB) and WALLS
# (every run); PRE is a shell command run before each (removing the database).
run() {
  local name=$1 pre=:
  shift
  if [ "$1" != "--" ]; then pre=$1; shift; fi
  shift
  local tf; tf=$(mktemp)
  local walls=() rss=0 i
  for i in $(seq "$REPEAT"); do
    sh -c "$pre"
    "$TIME" -v -o "$tf" "$@" >"$OUT/$name.stdout" 2>"$OUT/$name.stderr"
    local rc=$?
    if [ $rc -ne 0 ]; then echo "error: $name failed (exit $rc); see $OUT/$name.stderr" >&2; rm -f "$tf"; exit 1; fi
    local e; e=$(grep 'Elapsed (wall clock)' "$tf" | awk '{print $NF}')
    walls+=("$(awk -F: '{ if (NF == 3) print $1 * 3600 + $2 * 60 + $3; else print $1 * 60 + $2 }' <<<"$e")")
    local r; r=$(awk '/Maximum resident set size/ { printf "%.0f", $NF / 1024 }' "$tf")
    [ "$r" -gt "$rss" ] && rss=$r
  done
  rm -f "$tf"
  WALLS="${walls[*]}"
  WALL=$(printf '%s\n' "${walls[@]}" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
  RSS=$rss
}

rate() { awk -v n="$1" -v s="$2" 'BEGIN { if (s > 0) printf "%.0f", n / s; else print "-" }'; }
mbs() { awk -v b="$1" -v s="$2" 'BEGIN { if (s > 0) printf "%.1f", b / 1e6 / s; else print "-" }'; }

echo "input: $ONE: $BYTES bytes, $RECORDS records (the $FILES PT1H.json blobs of $ARCHIVE, concatenated)"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo), load average $(cut -d' ' -f1-3 /proc/loadavg)"

echo "each figure: the median of $REPEAT runs (every run in brackets)"
run cat -- sh -c "cat '$ONE' > /dev/null"
printf '%-34s %8.2f s  %9s events/s  %8s MB/s  %6s MiB\n' "I/O floor (cat > /dev/null)" "$WALL" "$(rate "$RECORDS" "$WALL")" "$(mbs "$BYTES" "$WALL")" "$RSS"; echo "    [$WALLS]"

run python "rm -f '$OUT/python.db'" -- python3 "$HERE/python_importer.py" "$ONE" --db "$OUT/python.db"
PY_WALL=$WALL
printf '%-34s %8.2f s  %9s events/s  %8s MB/s  %6s MiB\n' "python importer" "$WALL" "$(rate "$RECORDS" "$WALL")" "$(mbs "$BYTES" "$WALL")" "$RSS"; echo "    [$WALLS]"

run scopedown "rm -f '$OUT/scopedown.db'" -- "$BIN" import --db "$OUT/scopedown.db" "$ONE"
SD_WALL=$WALL
printf '%-34s %8.2f s  %9s events/s  %8s MB/s  %6s MiB\n' "scopedown import" "$WALL" "$(rate "$RECORDS" "$WALL")" "$(mbs "$BYTES" "$WALL")" "$RSS"; echo "    [$WALLS]"

awk -v p="$PY_WALL" -v s="$SD_WALL" 'BEGIN { if (s > 0) printf "ratio: scopedown is %.1fx the python importer (median wall times, same file, same run)\n", p / s }'
grep -E '^  rows:' "$OUT/scopedown.stdout" | head -1

if [ "$FOLDER" = 1 ]; then
  echo "folder: $FILES files"
  run python-folder "rm -f '$OUT/python.db'" -- python3 "$HERE/python_importer.py" "$ARCHIVE" --db "$OUT/python.db"
  printf '%-34s %8.2f s  %9s events/s  %8s MB/s  %6s MiB\n' "python importer (folder)" "$WALL" "$(rate "$RECORDS" "$WALL")" "$(mbs "$BYTES" "$WALL")" "$RSS"; echo "    [$WALLS]"
  PYF_WALL=$WALL
  run scopedown-folder "rm -f '$OUT/scopedown.db'" -- "$BIN" import --db "$OUT/scopedown.db" "$ARCHIVE"
  printf '%-34s %8.2f s  %9s events/s  %8s MB/s  %6s MiB\n' "scopedown import (folder)" "$WALL" "$(rate "$RECORDS" "$WALL")" "$(mbs "$BYTES" "$WALL")" "$RSS"; echo "    [$WALLS]"
  awk -v p="$PYF_WALL" -v s="$WALL" 'BEGIN { if (s > 0) printf "ratio (folder): scopedown is %.1fx the python importer\n", p / s }'
fi
[ "${SCOPEDOWN_BENCH_KEEP:-0}" = 1 ] || rm -rf "$TENANT" "$ONE" "$OUT/python.db" "$OUT/scopedown.db"
