#!/usr/bin/env bash
# Dry-run speed: times `comeet-import validate` on a generated 1,000,000-row
# CSV (10 columns, about 160 MB) beside two peers that read the same file:
#   (a) bench/peers/check.py, a Python csv.DictReader script checking the
#       required fields and the e-mail pattern;
#   (b) `mlr --icsv --ojson cat` (Miller), a fast CSV tool doing no checks.
# It prints each one's wall time and peak RSS (GNU time -v) and the ratios.
# Target: validate at least 3x faster than both, peak RSS under 64 MiB.
#
# Not run in CI. Usage: bench/validate-vs-peers.sh [ROWS]   (default 1000000)
# Each tool runs RUNS times (default 3); the best wall time and the largest
# peak RSS are kept, since other work on the machine only ever slows a run.
# Installs miller and GNU time with apt-get when they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/usr/local/go/bin:$PATH"

rows="${1:-1000000}"
runs="${RUNS:-3}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

need() { # need COMMAND PACKAGE
  command -v "$1" >/dev/null 2>&1 && return
  echo "installing $2 ..." >&2
  apt-get update -qq >/dev/null && apt-get install -y -qq "$2" >/dev/null
}
need mlr miller
[ -x /usr/bin/time ] || need /usr/bin/time time
command -v python3 >/dev/null || { echo "python3 is needed" >&2; exit 1; }

echo "building comeet-import ..." >&2
go build -o "$work/comeet-import" ./cmd/comeet-import

echo "generating $rows rows ..." >&2
python3 bench/peers/gen.py "$rows" >"$work/candidates.csv"
size=$(stat -c %s "$work/candidates.csv")
echo "input: $rows rows, 10 columns, $((size / 1000000)) MB; $(nproc) CPUs, load average $(cut -d' ' -f1 /proc/loadavg)"
echo

# measure NAME COMMAND...: runs the command RUNS times under GNU time,
# output discarded, and keeps the best wall seconds and the largest peak RSS
# in KiB.
declare -A wall rss
measure() {
  local name="$1"; shift
  local i elapsed secs kib
  for ((i = 0; i < runs; i++)); do
    /usr/bin/time -v -o "$work/$name.time" "$@" >"$work/$name.out" 2>"$work/$name.err" || {
      local rc=$?
      # validate exits 1 when some rows are invalid: that is its answer, not a failure.
      if ! { [ "$name" = validate ] && [ "$rc" = 1 ]; }; then
        echo "$name failed (exit $rc):" >&2; tail -5 "$work/$name.err" >&2; exit 1
      fi
    }
    elapsed=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$work/$name.time")
    secs=$(awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; printf "%.2f", s }' <<<"$elapsed")
    kib=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/$name.time")
    if [ -z "${wall[$name]:-}" ] || awk -v a="$secs" -v b="${wall[$name]}" 'BEGIN { exit !(a < b) }'; then
      wall[$name]=$secs
    fi
    if [ -z "${rss[$name]:-}" ] || [ "$kib" -gt "${rss[$name]}" ]; then
      rss[$name]=$kib
    fi
  done
  printf '%-10s %8s s  peak RSS %6.1f MiB  (best of %d)\n' "$name" "${wall[$name]}" "$(awk -v k="${rss[$name]}" 'BEGIN { print k / 1024 }')" "$runs"
}

# Warm the page cache so that the first tool does not pay for the disk.
cat "$work/candidates.csv" >/dev/null

measure validate "$work/comeet-import" validate --no-ledger --log-level error \
  --report "$work/report.csv" --errors "$work/errors.csv" "$work/candidates.csv"
measure python python3 bench/peers/check.py "$work/candidates.csv"
measure miller mlr --icsv --ojson cat "$work/candidates.csv"

echo
echo "validate: $(grep -v -e '^report:' -e '^rows to fix:' "$work/validate.err" | tail -1)"
echo "python:   $(cat "$work/python.out")"
echo "report:   $(($(wc -l <"$work/report.csv") - 1)) lines"
echo
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a / b }'; }
echo "validate is $(ratio "${wall[python]}" "${wall[validate]}")x faster than python csv.DictReader"
echo "validate is $(ratio "${wall[miller]}" "${wall[validate]}")x faster than mlr --icsv --ojson cat"
echo "validate peak RSS $(awk -v k="${rss[validate]}" 'BEGIN { printf "%.1f", k / 1024 }') MiB (target < 64 MiB)"
