#!/usr/bin/env bash
# Measure comeet-import's performance figures side by side, in one go, and
# print one table (figure, target, measured, ratio, met), also written to
# bench/RESULTS.md.
#
#   bash bench/run.sh            the full run (several minutes)
#   bash bench/run.sh --quick    smaller inputs, about a minute; the targets
#                                that depend on size are then indicative
#   bash bench/run.sh --keep     keep the work folder (inputs, reports, logs)
#   bash bench/run.sh --ledger-1m  also the ledger figures at 1,000,000 rows
#                                (filling that ledger alone takes minutes)
#   bash bench/run.sh --only ledger  only the ledger figures (6)
#
# The fake Comeet (bench/fakeserver) runs as a process of its own, so the
# importer's time and memory are its own. Peak memory is the "Maximum
# resident set size" of /usr/bin/time -v. Not part of CI: it takes what it
# takes, and a machine busy with other work makes the timings worse.
set -euo pipefail

QUICK=0
KEEP=0
LEDGER_1M=0
ONLY=""
RESULTS=RESULTS.md # --only ledger writes RESULTS-ledger.md
while [ $# -gt 0 ]; do
	case "$1" in
	--quick) QUICK=1 ;;
	--keep) KEEP=1 ;;
	--ledger-1m) LEDGER_1M=1 ;;
	--only)
		ONLY=${2:-}
		[ "$ONLY" = ledger ] || {
			echo "run.sh: --only takes ledger" >&2
			exit 2
		}
		RESULTS=RESULTS-ledger.md
		shift
		;;
	-h | --help)
		sed -n '2,16p' "$0"
		exit 0
		;;
	*)
		echo "run.sh: unknown argument $1 (want --quick, --keep, --ledger-1m, --only ledger)" >&2
		exit 2
		;;
	esac
	shift
done

ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/comeet-bench.XXXXXX")
BIN="$WORK/bin"
SRV_PID=""

cleanup() {
	if [ -n "$SRV_PID" ]; then kill -TERM "$SRV_PID" 2>/dev/null || true; fi
	if [ "$KEEP" = 1 ]; then echo "work folder kept: $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

# Sizes: full, or --quick.
if [ "$QUICK" = 1 ]; then
	RATE_ROWS=300 MIXED_ROWS=150 LAT_ROWS=500 OVH_ROWS=5000 LEDGER_ROWS=300
	MEM_ROWS=40 BIG_ROWS=100000 GROWTH="10000 100000"
	LEDGER_SCALE="10000"
else
	RATE_ROWS=1000 MIXED_ROWS=600 LAT_ROWS=2000 OVH_ROWS=20000 LEDGER_ROWS=1000
	MEM_ROWS=200 BIG_ROWS=1000000 GROWTH="10000 100000 1000000"
	LEDGER_SCALE="10000 100000"
fi
if [ "$LEDGER_1M" = 1 ]; then
	LEDGER_SCALE="$LEDGER_SCALE 1000000"
fi
RATE_LIMIT="100/2s" RATE_N=100 RATE_PER=2 # the compressed minute
LATENCY_MS=200 LAT_WORKERS=32
OVH_WORKERS=8
MEM_WORKERS=8 RESUME_BYTES=6000000 # 6 MB: just under the 6 MiB limit

log() { echo "[$(date +%H:%M:%S)] $*" >&2; }

need_time() {
	if [ -x /usr/bin/time ]; then return; fi
	log "installing GNU time (apt-get install time)"
	if command -v apt-get >/dev/null; then
		(apt-get install -y time >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y time >/dev/null; }) || true
	fi
	if [ ! -x /usr/bin/time ]; then
		echo "run.sh: /usr/bin/time (GNU time) is needed for peak memory" >&2
		exit 1
	fi
}

build() {
	log "building into $BIN"
	mkdir -p "$BIN"
	(cd "$ROOT" && go build -o "$BIN/comeet-import" ./cmd/comeet-import)
	(cd "$ROOT/bench" && go build -o "$BIN/" ./fakeserver ./vegeta ./gendata ./ledgerfill)
}

# gen DIR ROWS [RESUME_BYTES]: an input with its mapping (and files).
gen() {
	"$BIN/gendata" -dir "$1" -rows "$2" -resume-size "${3:-0}"
}

# start_server ARGS...: a fresh fake Comeet; sets SRV_PID and SRV_URL.
start_server() {
	local urlfile="$WORK/server.url"
	rm -f "$urlfile"
	"$BIN/fakeserver" -url-file "$urlfile" "$@" >"$WORK/server.out" 2>&1 &
	SRV_PID=$!
	for _ in $(seq 100); do
		[ -s "$urlfile" ] && break
		sleep 0.05
	done
	SRV_URL=$(cat "$urlfile")
}

# stop_server: stops it and sets SRV_STATS to its closing counts line.
stop_server() {
	kill -TERM "$SRV_PID"
	wait "$SRV_PID" || true
	SRV_PID=""
	SRV_STATS=$(tail -n 1 "$WORK/server.out")
}

# stat NAME: a value from SRV_STATS ("requests=1000 throttled=0 ...").
stat() { tr ' ' '\n' <<<"$SRV_STATS" | sed -n "s/^$1=//p"; }

# timed NAME CMD...: runs CMD under /usr/bin/time -v, stderr to
# $WORK/NAME.log; sets WALL (s), CPU (user + system, s) and RSS (KiB). A
# non-zero exit is reported but does not end the benchmark.
timed() {
	local name=$1
	shift
	local tv="$WORK/$name.time"
	if ! /usr/bin/time -v -o "$tv" "$@" >"$WORK/$name.out" 2>"$WORK/$name.log"; then
		log "$name exited non-zero; see $WORK/$name.log (use --keep)"
	fi
	RSS=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$tv")
	CPU=$(sed -n 's/.*\(User\|System\) time (seconds): //p' "$tv" | awk '{ s += $1 } END { print s }')
	WALL=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$tv" |
		awk -F: '{ if (NF == 3) print $1*3600 + $2*60 + $3; else print $1*60 + $2 }')
}

summary_of() { grep -h "rows in" "$WORK/$1.log" | tail -n 1; }

# import_into NAME DIR [FLAGS...]: comeet-import import of DIR's input.
import_into() {
	local name=$1 dir=$2
	shift 2
	timed "$name" "$BIN/comeet-import" import --base-url "$SRV_URL" \
		--mapping "$dir/mapping.csv" --files-dir "$dir/files" \
		--report "$WORK/$name.report.csv" --errors "$WORK/$name.errors.csv" "$@" "$dir/candidates.csv"
}

validate_run() {
	local name=$1 dir=$2
	shift 2
	timed "$name" "$BIN/comeet-import" validate --mapping "$dir/mapping.csv" \
		--report "$WORK/$name.report.csv" --errors "$WORK/$name.errors.csv" "$@" "$dir/candidates.csv"
}

ROWS_MD=()
MET_ALL=1
# row FIGURE TARGET MEASURED RATIO MET(yes/no/info)
row() {
	local met=$5
	case "$met" in
	yes) met="yes" ;;
	no)
		met="**NO**"
		MET_ALL=0
		;;
	*) met="–" ;;
	esac
	ROWS_MD+=("| $1 | $2 | $3 | $4 | $met |")
}
calc() { awk "BEGIN { printf \"$1\", $2 }"; }
yes_if() { awk "BEGIN { exit !($1) }" && echo yes || echo no; }
mib() { calc "%.1f" "$1 / 1024"; }

figure_rate() {
	log "1. rate budget: $RATE_ROWS rows at $RATE_LIMIT (default settings: ledger, workers, margin)"
	gen "$WORK/rate" "$RATE_ROWS"
	local ideal ratio
	ideal=$(calc "%.1f" "$RATE_ROWS / ($RATE_N / $RATE_PER)")
	start_server -rate "$RATE_LIMIT"
	import_into rate "$WORK/rate" --rate "$RATE_LIMIT" --ledger "$WORK/rate.ledger.db"
	stop_server
	ratio=$(calc "%.3f" "$WALL / $ideal")
	row "1. Rate budget: $RATE_ROWS rows at $RATE_LIMIT" "≤ 1.03 × ideal ($ideal s)" "$WALL s" "$ratio × ideal" "$(yes_if "$ratio <= 1.03")"
	row "1. Rate budget: 429 answers" "0" "$(stat throttled)" "–" "$(yes_if "$(stat throttled) == 0")"
	row "1. Rate budget: shortest span of $((RATE_N + 1)) requests; longest pause (info)" "> ${RATE_PER} s; ~$(calc "%.0f" "1000 * $RATE_PER / $RATE_N") ms" "$(stat closest_window); $(stat longest_gap)" "$(summary_of rate | sed -n 's/.*, \([0-9]*%\) of the allowed rate.*/\1 of the allowed rate/p')" info

	log "1. (info) the same without the ledger: the pacing alone"
	start_server -rate "$RATE_LIMIT"
	import_into ratenoledger "$WORK/rate" --rate "$RATE_LIMIT" --no-ledger
	stop_server
	ratio=$(calc "%.3f" "$WALL / $ideal")
	row "1. Rate budget without the ledger (info)" "≤ 1.03 × ideal ($ideal s)" "$WALL s, $(stat throttled) × 429" "$ratio × ideal" info
}

# figure_rate_mixed: the rate figure for a run that creates, updates and
# adds files at once (import --update), every request from the same budget:
# a first run creates two thirds of the rows; then a third of those get a
# new phone (a PATCH), a third a changed CV (a file added), a third both,
# and the last third of the rows are new (creates). The fake keeps its rate
# window across both runs; 0 throttled is the target.
figure_rate_mixed() {
	local dir="$WORK/mixed" old=$((MIXED_ROWS * 2 / 3)) i script ideal ratio requests throttled
	log "1. mixed run: $old rows created, then updated, files added and $((MIXED_ROWS - old)) created at $RATE_LIMIT"
	gen "$dir" "$MIXED_ROWS" 2000
	cp "$dir/candidates.csv" "$dir/all.csv"
	head -n $((old + 1)) "$dir/all.csv" >"$dir/candidates.csv"
	start_server -rate "$RATE_LIMIT"
	import_into mixedfirst "$dir" --rate "$RATE_LIMIT" --ledger "$WORK/mixed.ledger.db"
	script="$WORK/mixed.sed"
	: >"$script"
	for ((i = 0; i < old; i++)); do
		# Phones are +972-52-%07d of the 0-based row (bench/gen).
		if ((i % 3 != 1)); then printf 's/,+972-52-%07d,/,+972-52-9%06d,/\n' "$i" "$i" >>"$script"; fi
		if ((i % 3 != 0)); then printf 'x' >>"$(printf '%s/files/cv_%06d.pdf' "$dir" "$i")"; fi
	done
	sed -f "$script" "$dir/all.csv" >"$dir/candidates.csv"
	import_into mixed "$dir" --rate "$RATE_LIMIT" --ledger "$WORK/mixed.ledger.db" --update
	stop_server
	requests=$(summary_of mixed | sed -n 's/.*; \([0-9]*\) requests.*/\1/p')
	throttled=$(summary_of mixed | sed -n 's/.*, \([0-9]*\) throttled.*/\1/p')
	ideal=$(calc "%.1f" "${requests:-0} / ($RATE_N / $RATE_PER)")
	ratio=$(calc "%.3f" "$WALL / ($ideal + 0.001)")
	# The target is the mixed run's own; the server's count covers the
	# creating run before it too (a plain create run: figure 1's pacing).
	row "1. Mixed run at $RATE_LIMIT: $(summary_of mixed | sed -n 's/.*; \([0-9]* requests ([^)]*)\).*/\1/p')" "0 × 429" "$WALL s, ${throttled:-?} × 429 ($(stat throttled) at the server with the creating run)" "$ratio × ideal ($ideal s)" "$(yes_if "${throttled:-1} == 0 && ${requests:-0} > 0")"
}

figure_latency() {
	log "2. latency hiding: $LAT_ROWS rows, ${LATENCY_MS} ms answers, $LAT_WORKERS workers"
	gen "$WORK/latency" "$LAT_ROWS"
	start_server -latency "${LATENCY_MS}ms"
	import_into latency "$WORK/latency" --rate none --concurrency "$LAT_WORKERS" --no-ledger
	stop_server
	local ideal rps ratio
	ideal=$(calc "%.0f" "$LAT_WORKERS / ($LATENCY_MS / 1000)")
	rps=$(calc "%.1f" "$LAT_ROWS / $WALL")
	ratio=$(calc "%.3f" "$rps / $ideal")
	row "2. Latency hiding: $LAT_ROWS rows, ${LATENCY_MS} ms, --concurrency $LAT_WORKERS" "≥ 0.9 × $ideal rows/s" "$rps rows/s" "$ratio × ideal" "$(yes_if "$ratio >= 0.9")"
}

figure_overhead() {
	log "3. overhead: $OVH_ROWS rows, vegeta vs import, $OVH_WORKERS workers each"
	gen "$WORK/overhead" "$OVH_ROWS"
	start_server
	"$BIN/vegeta" -url "$SRV_URL" -rows "$OVH_ROWS" -workers "$OVH_WORKERS" >"$WORK/vegeta.out"
	stop_server
	local vrps
	vrps=$(sed -n 's/.*rows_per_s=\([0-9.]*\).*/\1/p' "$WORK/vegeta.out")
	start_server # a fresh one, the same program and flags: no conflicts
	import_into overhead "$WORK/overhead" --rate none --concurrency "$OVH_WORKERS" --no-ledger
	stop_server
	local rps ratio
	rps=$(calc "%.0f" "$OVH_ROWS / $WALL")
	ratio=$(calc "%.3f" "$rps / $vrps")
	row "3. Overhead: $OVH_ROWS rows, --no-ledger, $OVH_WORKERS workers" "≥ 0.5 × vegeta ($(calc "%.0f" "$vrps") rows/s)" "$rps rows/s" "$ratio × vegeta" "$(yes_if "$ratio >= 0.5")"

	log "3. (info) the same with the ledger: $LEDGER_ROWS rows"
	gen "$WORK/ledger" "$LEDGER_ROWS"
	start_server
	import_into withledger "$WORK/ledger" --rate none --concurrency "$OVH_WORKERS" --ledger "$WORK/withledger.db"
	stop_server
	rps=$(calc "%.0f" "$LEDGER_ROWS / $WALL")
	row "3. Overhead with the ledger (info): $LEDGER_ROWS rows" "–" "$rps rows/s" "$(calc "%.1f" "1000 * $WALL / $LEDGER_ROWS") ms/row" info
}

figure_memory() {
	log "4. memory: $MEM_ROWS rows with a $RESUME_BYTES-byte resume each, $MEM_WORKERS workers"
	gen "$WORK/memory" "$MEM_ROWS" "$RESUME_BYTES"
	start_server
	import_into memory "$WORK/memory" --rate none --concurrency "$MEM_WORKERS" --ledger "$WORK/memory.ledger.db"
	stop_server
	local created
	created=$(stat created)
	row "4. Memory: import $MEM_ROWS × 6 MB resumes, --concurrency $MEM_WORKERS ($created created)" "< 48 MiB peak RSS" "$(mib "$RSS") MiB" "$(calc "%.2f" "$RSS / 1024 / 48") × cap" "$(yes_if "$RSS < 48 * 1024 && $created == $MEM_ROWS")"
}

figure_growth() {
	local n name us
	for n in $GROWTH $BIG_ROWS; do
		[ -d "$WORK/v$n" ] && continue
		log "5. validate $n rows"
		gen "$WORK/v$n" "$n"
		name="validate$n"
		validate_run "$name" "$WORK/v$n"
		us=$(calc "%.2f" "1000000 * $WALL / $n")
		eval "WALL_$n=$WALL RSS_$n=$RSS US_$n=$us"
		rm -f "$WORK/v$n/candidates.csv" "$WORK/$name.report.csv"
	done
	local big_rss
	big_rss=$(eval echo "\$RSS_$BIG_ROWS")
	row "4. Memory: validate $BIG_ROWS rows" "< 64 MiB peak RSS" "$(mib "$big_rss") MiB" "$(calc "%.2f" "$big_rss / 1024 / 64") × cap" "$(yes_if "$big_rss < 64 * 1024")"
	local base_us base_rss
	for n in $GROWTH; do
		local w r u
		w=$(eval echo "\$WALL_$n") r=$(eval echo "\$RSS_$n") u=$(eval echo "\$US_$n")
		[ -z "${base_us:-}" ] && base_us=$u base_rss=$r
		row "5. Cost growth: validate $n rows" "linear time, flat memory" "$w s, $(mib "$r") MiB" "$u µs/row ($(calc "%.2f" "$u / $base_us") × first), RSS $(calc "%.2f" "$r / $base_rss") × first" \
			"$(yes_if "$u <= 2 * $base_us && $r < 64 * 1024")"
	done
}

# figure_ledger_scale: the nightly re-run of a file whose N rows are all in
# the ledger (written by ledgerfill, through the ledger package, on a
# tmpfs), next to validate --no-ledger of the same file (the floor). The
# target: within 3 × the floor at 100,000 rows; under 30 s and 200 MiB at
# 1,000,000 (--ledger-1m).
figure_ledger_scale() {
	local n dir floor floorcpu ratio fill
	for n in $LEDGER_SCALE; do
		dir="$WORK/L$n"
		log "6. re-run: $n rows, all in the ledger"
		gen "$dir" "$n"
		validate_run "floor$n" "$dir" --no-ledger
		floor=$WALL floorcpu=$CPU
		row "6. validate --no-ledger, $n rows (the floor)" "–" "$WALL s (cpu $CPU s), $(mib "$RSS") MiB" "$(calc "%.2f" "1000000 * $WALL / $n") µs/row" info
		fill="${FILL_DIR:-/dev/shm}/comeet-bench-L$n.$$.db"
		"$BIN/ledgerfill" -ledger "$fill" -rows "$n" >"$WORK/fill$n.out"
		mv "$fill" "$WORK/L$n.db"
		row "6. ledgerfill: $n entries (info)" "–" "$(sed -n 's/.*elapsed=//p' "$WORK/fill$n.out")" "$(sed -n 's/.*bytes_per_row=\([0-9]*\).*/\1/p' "$WORK/fill$n.out") bytes/row" info
		start_server
		import_into "rerun$n" "$dir" --rate none --ledger "$WORK/L$n.db"
		stop_server
		ratio=$(calc "%.2f" "$WALL / $floor")
		local target="≤ 3 × floor" met
		met=$(yes_if "$ratio <= 3")
		if [ "$n" -ge 1000000 ]; then
			target="< 30 s, < 200 MiB"
			met=$(yes_if "$WALL < 30 && $RSS < 200 * 1024")
		elif [ "$n" -lt 100000 ]; then
			met=info
		fi
		row "6. re-run, all $n rows in the ledger ($(stat requests) sent)" "$target" "$WALL s (cpu $CPU s), $(mib "$RSS") MiB" "$ratio × floor (cpu $(calc "%.2f" "$CPU / $floorcpu") ×)" "$met"
		rm -f "$dir/candidates.csv" "$WORK"/*"$n".report.csv "$WORK/L$n.db"
	done
}

main() {
	need_time
	build
	local load start
	load=$(cut -d' ' -f1-3 /proc/loadavg)
	start=$(date +%s)
	if [ "$ONLY" != ledger ]; then
		figure_rate
		figure_rate_mixed
		figure_latency
		figure_overhead
		figure_memory
		figure_growth
	fi
	figure_ledger_scale
	local took=$(($(date +%s) - start))
	{
		echo "| Figure | Target | Measured | Ratio | Met |"
		echo "|---|---|---|---|---|"
		printf '%s\n' "${ROWS_MD[@]}"
	} >"$WORK/table.md"
	local mode="full"
	[ "$LEDGER_1M" = 1 ] && mode="$mode, with --ledger-1m"
	[ "$QUICK" = 1 ] && mode="quick (--quick: smaller inputs)"
	{
		echo "# Performance figures"
		echo
		echo "Measured by \`bash bench/run.sh\` on $(date -u +%Y-%m-%d), $mode run, in ${took} s."
		echo "Machine: $(nproc) CPUs ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)), $(go version | cut -d' ' -f3), load average at start $load."
		echo "The fake Comeet runs as a separate process; peak RSS is the importer's own (GNU time)."
		echo
		cat "$WORK/table.md"
		echo
		echo "Import summaries:"
		echo
		for name in rate ratenoledger mixedfirst mixed latency overhead withledger memory; do
			if [ -f "$WORK/$name.log" ]; then echo "- $name: $(summary_of "$name")"; fi
		done
		for n in $LEDGER_SCALE; do echo "- rerun$n: $(summary_of "rerun$n")"; done
		if [ -f "$WORK/vegeta.out" ]; then echo "- vegeta: $(cat "$WORK/vegeta.out")"; fi
	} >"$ROOT/bench/$RESULTS"
	cat "$WORK/table.md"
	echo
	echo "written to bench/$RESULTS"
	[ "$MET_ALL" = 1 ] || echo "some targets were missed" >&2
}

main
