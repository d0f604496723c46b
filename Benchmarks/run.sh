#!/usr/bin/env bash
# scopedown benchmark harness (issue 5). Not part of the package's targets: nothing here slows
# `swift build` or CI.
#
#   Benchmarks/run.sh [small|medium|large]...      (default: small)
#
# For each size it builds the release binary, generates a synthetic tenant with `scopedown synth`
# (real built-in roles and catalog from ../shared/azure when present), then measures with
# /usr/bin/time -v (wall time, peak RSS) and writes one TSV row per measure to
# Benchmarks/results/<size>.tsv (gitignored; docs/performance.md holds the committed figures):
#   synth generation; the I/O floor (cat of the Activity Log); `scopedown import` of each inventory
#   kind and of the Activity Log; the straightforward Python importer on the same files; effective,
#   who-can, explain and blast-radius cold (first run) and warm (median of N runs); usage; recommend.
# Commands that are not implemented (or fail) are recorded as "n/a" with the reason.
#
# Sizes: small 50 subs / 2,000 assignments / 200k events; medium 500 / 20,000 / 2M;
# large 2,000 / 100,000 / 20M (archive shape, tens of GB: run it only on a machine you can spare).
# Environment: SCOPEDOWN_BENCH_OUT (default ./bench-out), SCOPEDOWN_BENCH_REPEAT (default 5),
# SCOPEDOWN_SHARED (default ../shared), SCOPEDOWN_BENCH_KEEP=1 keeps generated tenants.
set -u -o pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
OUT=${SCOPEDOWN_BENCH_OUT:-$ROOT/bench-out}
RESULTS=$HERE/results
REPEAT=${SCOPEDOWN_BENCH_REPEAT:-5}
SHARED=${SCOPEDOWN_SHARED:-$ROOT/../shared}/azure
TIME=/usr/bin/time
mkdir -p "$RESULTS" "$OUT"

if [ ! -x "$TIME" ]; then echo "error: $TIME is missing (apt-get install time)" >&2; exit 1; fi
sizes=("$@")
[ ${#sizes[@]} -eq 0 ] && sizes=(small)
for s in "${sizes[@]}"; do
  case "$s" in tiny|small|medium|large) ;; *) echo "usage: $0 [small|medium|large]..." >&2; exit 64 ;; esac
done

echo "building the release binary..." >&2
# the binary as README.md says to build it for use on Linux: the Swift runtime linked in statically
# (it starts in 4 ms instead of 10 and calls the runtime directly)
STATIC=()
[ "$(uname -s)" = Linux ] && STATIC=(--static-swift-stdlib)
(cd "$ROOT" && swift build -c release --product scopedown "${STATIC[@]}" >&2) || { echo "error: release build failed" >&2; exit 1; }
BIN=$ROOT/.build/release/scopedown

# --- helpers -----------------------------------------------------------------------------------

# seconds from /usr/bin/time's "h:mm:ss" or "m:ss.ss"
to_seconds() { awk -F: '{ if (NF == 3) print $1 * 3600 + $2 * 60 + $3; else print $1 * 60 + $2 }' <<<"$1"; }

# measure SIZE MEASURE INPUT BYTES ITEMS -- command...
# Appends: size measure input bytes items wall_s MB/s items/s peak_rss_MiB status command cpu_s
measure() {
  local size=$1 name=$2 input=$3 bytes=$4 items=$5; shift 6
  local tf; tf=$(mktemp); local ef; ef=$(mktemp)
  "$TIME" -v -o "$tf" "$@" >"$OUT/last.stdout" 2>"$ef"
  local rc=$?
  local wall rss status
  wall=$(to_seconds "$(grep 'Elapsed (wall clock)' "$tf" | awk '{print $NF}')")
  rss=$(grep 'Maximum resident set size' "$tf" | awk '{print $NF}')
  local cpu; cpu=$(awk -F: '/User time|System time/ { s += $2 } END { printf "%.2f", s }' "$tf")
  # exit 2 means "findings" for scopedown commands: the command worked.
  if [ $rc -eq 0 ] || [ $rc -eq 2 ]; then status=ok; else
    # The first error message, without the file name in front of it.
    local reason; reason=$(grep -m1 -o 'error: .*' "$ef" || grep -v '^\s*$' "$ef" | head -1)
    status="n/a (exit $rc: $(echo "$reason" | tr '\t' ' ' | cut -c1-100))"
  fi
  local mbs="-" ips="-"
  if [ "$status" = ok ] && [ "$bytes" != "-" ]; then mbs=$(awk -v b="$bytes" -v w="$wall" 'BEGIN { printf "%.1f", (w > 0 ? b / 1e6 / w : 0) }'); fi
  if [ "$status" = ok ] && [ "$items" != "-" ]; then ips=$(awk -v n="$items" -v w="$wall" 'BEGIN { printf "%.0f", (w > 0 ? n / w : 0) }'); fi
  local rss_mib; rss_mib=$(awk -v k="$rss" 'BEGIN { printf "%.1f", k / 1024 }')
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$size" "$name" "$input" "$bytes" "$items" "$wall" "$mbs" "$ips" \
    "$rss_mib" "$status" "$(echo "$*" | sed "s|$ROOT/||g; s|$OUT/||g")" "$cpu" >>"$TSV"
  echo "  $name: ${wall}s, ${rss_mib} MiB peak, $status" >&2
  rm -f "$tf" "$ef"
  LAST_WALL=$wall; LAST_STATUS=$status
}

# repeat SIZE MEASURE N -- command... : first run recorded as "cold", median of N more as "warm"
repeat_measure() {
  local size=$1 name=$2 n=$3; shift 4
  measure "$size" "$name (cold)" - - - -- "$@"
  [ "$LAST_STATUS" = ok ] || return
  local walls=() rss_max=0 i
  for ((i = 0; i < n; i++)); do
    local tf; tf=$(mktemp)
    "$TIME" -v -o "$tf" "$@" >/dev/null 2>&1
    walls+=("$(to_seconds "$(grep 'Elapsed (wall clock)' "$tf" | awk '{print $NF}')")")
    local r; r=$(grep 'Maximum resident set size' "$tf" | awk '{print $NF}')
    [ "$r" -gt "$rss_max" ] && rss_max=$r
    rm -f "$tf"
  done
  local median; median=$(printf '%s\n' "${walls[@]}" | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2) }')
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$size" "$name (warm, median of $n)" - - - "$median" - - \
    "$(awk -v k="$rss_max" 'BEGIN { printf "%.1f", k / 1024 }')" ok "$(echo "$*" | sed "s|$ROOT/||g; s|$OUT/||g")" - >>"$TSV"
  echo "  $name warm: median ${median}s" >&2
}

bytes_of() { du -sb "$@" 2>/dev/null | awk '{ s += $1 } END { printf "%.0f\n", s }'; }

# --- one size ----------------------------------------------------------------------------------

run_size() {
  local size=$1 subs assignments events custom
  case "$size" in
    tiny) subs=5; assignments=200; events=20000; custom=5 ;;  # smoke test of the harness itself
    small) subs=50; assignments=2000; events=200000; custom=50 ;;
    medium) subs=500; assignments=20000; events=2000000; custom=500 ;;
    large) subs=2000; assignments=100000; events=20000000; custom=2000 ;;
  esac
  TSV=$RESULTS/$size.tsv
  {
    echo "# scopedown benchmark, size $size ($subs subscriptions, $assignments assignments, $events events, $custom custom roles)"
    echo "# machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo), $(swift --version 2>&1 | head -1), SQLite $(sqlite3 --version 2>/dev/null | awk '{print $1}' || echo '?'), $(python3 --version 2>&1)"
    echo "# git: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null) $(git -C "$ROOT" status --porcelain 2>/dev/null | grep -q . && echo '(uncommitted changes)')"
    printf 'size\tmeasure\tinput\tbytes\titems\twall_s\tMB_per_s\titems_per_s\tpeak_rss_MiB\tstatus\tcommand\tcpu_s\n'
  } >"$TSV"
  local dir=$OUT/$size
  local tenant=$dir/tenant db=$dir/scopedown.db
  rm -rf "$dir"; mkdir -p "$dir"
  local extra=()
  if [ -f "$SHARED/builtin-roles.json" ] && [ -f "$SHARED/provider-operations.json" ]; then
    extra=(--roles "$SHARED/builtin-roles.json" --catalog "$SHARED/provider-operations.json")
  fi
  # About 3 KB per event plus the databases: refuse to start what the disk cannot hold.
  local need_kb=$((events * 33 / 10 + 200000)) free_kb
  free_kb=$(df -Pk "$OUT" | awk 'NR == 2 { print $4 }')
  if [ "$free_kb" -lt "$need_kb" ]; then
    echo "error: $size needs about $((need_kb / 1048576 + 1)) GiB free in $OUT, only $((free_kb / 1048576)) GiB: set SCOPEDOWN_BENCH_OUT to a larger disk" >&2
    return 1
  fi
  echo "[$size] generating the tenant..." >&2
  measure "$size" "synth generation" "tenant" - "$events" -- "$BIN" synth --out "$tenant" --subscriptions "$subs" \
    --assignments "$assignments" --events "$events" --custom-roles "$custom" --seed 1 --activity-shape archive "${extra[@]}"
  local generated; generated=$(bytes_of "$tenant")
  # Fill in the bytes written (and MB/s) of the generation row now that they are known.
  awk -F'\t' -v OFS='\t' -v b="$generated" '$2 == "synth generation" { $4 = b; if ($10 == "ok" && $6 > 0) $7 = sprintf("%.1f", b / 1e6 / $6) } { print }' \
    "$TSV" >"$TSV.tmp" && mv "$TSV.tmp" "$TSV"

  local archive=$tenant/activity/insights-activity-logs
  local abytes; abytes=$(bytes_of "$archive")
  local records; records=$(python3 -c "import json,sys; m=json.load(open(sys.argv[1])); print(m['activity']['records'] + m['activity']['duplicateRecords'])" "$tenant/MANIFEST.json")

  echo "[$size] I/O floor..." >&2
  measure "$size" "I/O floor: cat activity log" "archive" "$abytes" "$records" -- \
    sh -c "find '$archive' -type f -name PT1H.json -print0 | xargs -0 cat > /dev/null"

  echo "[$size] importing the inventory, kind by kind..." >&2
  rm -f "$db"
  local kind path
  for spec in "catalog:catalog" "roles:roles" "management groups:management-groups.json" "subscriptions:subscriptions.json" \
              "resource graph:resourcegraph" "directory:directory" "group members:groups" \
              "role assignments:role-assignments" "pim eligible:pim" "deny assignments:deny-assignments.json"; do
    kind=${spec%%:*}; path=$tenant/${spec#*:}
    [ -e "$path" ] || continue
    measure "$size" "import: $kind" "${spec#*:}" "$(bytes_of "$path")" - -- "$BIN" import --db "$db" "$path"
  done

  echo "[$size] importing the Activity Log..." >&2
  measure "$size" "import: activity log (archive)" "archive" "$abytes" "$records" -- "$BIN" import --db "$db" "$archive"
  local swift_wall=$LAST_WALL swift_status=$LAST_STATUS

  echo "[$size] the straightforward Python importer on the same files..." >&2
  measure "$size" "python importer (json + dict + sqlite3)" "archive" "$abytes" "$records" -- \
    python3 "$HERE/python_importer.py" "$archive" --db "$dir/python-usage.db"
  local py_wall=$LAST_WALL
  if [ "$swift_status" = ok ]; then
    local ratio; ratio=$(awk -v p="$py_wall" -v s="$swift_wall" 'BEGIN { printf "%.1f", (s > 0 ? p / s : 0) }')
    local floor; floor=$(awk -F'\t' '$2 ~ /^I\/O floor/ { print $6 }' "$TSV")
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$size" "ratio: scopedown import vs python (x faster)" archive - - - - \
      "$ratio" - ok "python wall / scopedown wall" - >>"$TSV"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$size" "ratio: scopedown import vs I/O floor (x slower)" archive - - - - \
      "$(awk -v f="$floor" -v s="$swift_wall" 'BEGIN { printf "%.1f", (f > 0 ? s / f : 0) }')" - ok "scopedown wall / cat wall" - >>"$TSV"
  else
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$size" "ratio: scopedown import vs python (x faster)" archive - - - - - - \
      "n/a (import not available)" - - >>"$TSV"
  fi

  # Query arguments from the generated tenant: a user with an assignment, a resource in its
  # subscription, a sensitive operation.
  local q; q=$(python3 - "$tenant" <<'PY'
import glob, json, os, sys
root = sys.argv[1]
# A user with an assignment at a subscription or resource group, and a resource scope below it
# (taken from resource-level assignments: every scope there is a real resource of the tenant).
fallback = None
for f in sorted(glob.glob(os.path.join(root, "role-assignments/subscriptions/*.json"))):
    rows = json.load(open(f))
    resources = sorted(r["scope"] for r in rows if "/providers/" in r["scope"])
    for a in rows:
        if a["principalType"] != "User" or "/providers/" in a["scope"]:
            continue
        fallback = fallback or (a["principalId"], a["scope"])
        below = [s for s in resources if s.lower().startswith(a["scope"].lower() + "/")]
        if below:
            print(a["principalId"]); print(below[0]); sys.exit(0)
if fallback:
    print(fallback[0]); print(fallback[1])
PY
)
  local principal scope action=Microsoft.Authorization/roleAssignments/write
  principal=$(sed -n 1p <<<"$q"); scope=$(sed -n 2p <<<"$q")
  echo "[$size] queries (principal $principal, scope $scope)..." >&2
  repeat_measure "$size" "effective" "$REPEAT" -- "$BIN" effective --db "$db" --principal "$principal" --scope "$scope" --format json
  repeat_measure "$size" "who-can" "$REPEAT" -- "$BIN" who-can --db "$db" --action "$action" --scope "$scope" --format json
  repeat_measure "$size" "explain" "$REPEAT" -- "$BIN" explain --db "$db" --principal "$principal" --action "$action" --scope "$scope"
  repeat_measure "$size" "blast-radius" "$REPEAT" -- "$BIN" blast-radius --db "$db" --principal "$principal" --format json
  echo "[$size] usage over the whole tenant..." >&2
  measure "$size" "usage (whole tenant)" "db" "$(bytes_of "$db")" - -- "$BIN" usage --db "$db" --format json
  echo "[$size] recommend over the whole tenant..." >&2
  measure "$size" "recommend (whole tenant)" "db" "$(bytes_of "$db")" - -- "$BIN" recommend --db "$db" --format json

  echo >&2
  column -t -s $'\t' < <(grep -v '^#' "$TSV" | cut -f1-10) >&2 || cat "$TSV" >&2
  echo "results: $TSV" >&2
  if [ "${SCOPEDOWN_BENCH_KEEP:-0}" != 1 ]; then rm -rf "$tenant" "$dir/python-usage.db"; fi
}

for s in "${sizes[@]}"; do run_size "$s"; done
