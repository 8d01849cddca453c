#!/usr/bin/env bash
# Search benchmark: Pagefind 1.5.2 and unionpress's own search on a generated
# bilingual site, measured in headless Chromium against a ground truth made
# from the search spec (truth.mjs). Prints one table per engine and language,
# then the side-by-side summary.
#
#   bash bench/search/run.sh                 # 10,000 articles, both engines
#   bash bench/search/run.sh 1000            # another size
#   ENGINE=pagefind bash bench/search/run.sh # pagefind | unionpress | both (default)
#   SITE=public bash bench/search/run.sh     # an output folder already built
#   QUERIES="my.zh.txt" bash bench/search/run.sh   # query files, the language from the name
#   COLD=20 bash bench/search/run.sh         # cold runs: 20 of the queries, not all
#   UNIONPRESS=path/to/unionpress bash bench/search/run.sh   # build with that binary
#   NO_BUILD_COST=1 …   # skip timing builds with and without search (BUILD_RUNS=3 each)
#   GEN_ARGS="--zh-text chain" …   # gen_site's options (chain: Chinese as varied as real text)
#
# The generated site (gen_site) is kept in BENCH_DIR (default
# /tmp/unionpress-search-bench/siteN) and built into BENCH_DIR/outN every run
# (so the build is the current unionpress's, with its search index when it
# has one). Pagefind indexes that output with its own binary (the npm
# package's pagefind_extended, the one with Chinese segmentation; extra
# arguments from PAGEFIND_ARGS) into BENCH_DIR/pagefind-N, served at
# /pagefind/; the site itself is left as built. PAGEFIND_REUSE=1 keeps an
# index from an earlier run. Indexing and builds run under /usr/bin/time -v
# for wall time and peak memory. The JSON of every figure and every query
# goes to BENCH_DIR/results/.
#
# unionpress's engine is measured when the output has /search/search.js (and
# skipped, saying so, when it has not): `search(query, { lang })`.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
n=${1:-10000}
work=${BENCH_DIR:-/tmp/unionpress-search-bench}
engine=${ENGINE:-both}
cold=${COLD:-all}
queries=${QUERIES:-"$here/queries.zh.txt $here/queries.en.txt"}
results="$work/results"
mkdir -p "$work" "$results"
case "$engine" in pagefind | unionpress | both) ;; *) echo "ENGINE is pagefind, unionpress or both" >&2; exit 2 ;; esac

# Node packages, pinned by package-lock.json.
if [ ! -d "$here/node_modules/pagefind" ] || [ "$here/package-lock.json" -nt "$here/node_modules/.package-lock.json" ]; then
  npm ci --prefix "$here" --no-audit --no-fund --silent
fi
node "$here/truth.mjs" --self-test >&2

# "wall_s peak_kib" of a /usr/bin/time -v report.
time_figures() {
  awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i] }
    /Maximum resident set size/ { m = $2 } END { printf "%.2f %d\n", s, m }' "$1"
}

build_figures=""
if [ -n "${SITE:-}" ]; then
  out=$(cd "$SITE" && pwd)
  tag="site-$(printf %s "$out" | sha1sum | cut -c1-8)"
else
  target=${CARGO_TARGET_DIR:-$repo/target}/release
  if [ -n "${UNIONPRESS:-}" ]; then
    unionpress=$(realpath "$UNIONPRESS")
    (cd "$repo" && cargo build --release --quiet --example gen_site)
  else
    unionpress="$target/unionpress"
    (cd "$repo" && cargo build --release --quiet --bin unionpress --example gen_site)
  fi
  site="$work/site$n$(printf %s "${GEN_ARGS:-}" | tr -c 'a-z0-9' '-')"
  if [ ! -d "$site/content" ]; then
    # shellcheck disable=SC2086 # GEN_ARGS is a list of options
    "$target/examples/gen_site" --articles "$n" ${GEN_ARGS:-} --out "$site" 2>/dev/null
  fi
  out="$work/out$n"
  rm -rf "$out"
  /usr/bin/time -v -o "$work/build$n.time" "$unionpress" --root "$site" build --out "$out" >/dev/null 2>"$work/build$n.log" || {
    cat "$work/build$n.log" >&2
    exit 1
  }
  build_figures=$(time_figures "$work/build$n.time")
  echo "unionpress build of $n articles ($unionpress): $(awk '{ printf "%.1f s, peak %.0f MiB", $1, $2 / 1024 }' <<<"$build_figures")" >&2
  tag="$n"
  # What search adds to a build: the same site with search off, builds
  # alternating with it (BUILD_RUNS each, default 3) into tmpfs, medians.
  if [ -z "${NO_BUILD_COST:-}" ]; then
    off="$work/site$n-nosearch"
    mkdir -p "$off"
    ln -sfn "$site/content" "$off/content"
    { cat "$site/site.yaml"; echo "search: { enabled: false }"; } >"$off/site.yaml"
    scratch=$(mktemp -d /dev/shm/unionpress-search-cost.XXXXXX)
    for i in $(seq "${BUILD_RUNS:-3}"); do
      for v in on off; do
        root="$site"; [ "$v" = off ] && root="$off"
        rm -rf "$scratch/$v"
        /usr/bin/time -f "$v %e %U %S %M" -a -o "$scratch/times" \
          "$unionpress" --root "$root" build --out "$scratch/$v" >/dev/null 2>&1
      done
    done
    awk '
      function median(a, n,   i, j, t) { for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }; return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
      { k = $1; n[k]++; w[k, n[k]] = $2; c[k, n[k]] = $3 + $4; m[k, n[k]] = $5 / 1024 }
      END {
        for (k in n) { for (i = 1; i <= n[k]; i++) { ww[i] = w[k, i]; cc[i] = c[k, i]; mm[i] = m[k, i] }
          W[k] = median(ww, n[k]); C[k] = median(cc, n[k]); M[k] = median(mm, n[k]) }
        printf "build with and without search (median of %d, tmpfs):\n", n["on"]
        printf "| | wall s | CPU s | peak MiB |\n|---|---:|---:|---:|\n"
        printf "| search off | %.2f | %.2f | %.0f |\n| search on | %.2f | %.2f | %.0f |\n", W["off"], C["off"], M["off"], W["on"], C["on"], M["on"]
        printf "| added | %+.0f%% | %+.0f%% | %+.0f%% |\n", 100 * (W["on"] / W["off"] - 1), 100 * (C["on"] / C["off"] - 1), 100 * (M["on"] / M["off"] - 1)
      }' "$scratch/times" >&2
    rm -rf "$scratch"
  fi
fi

measure() { # engine label lang query-file [extra measure.mjs arguments]
  local e=$1 label=$2 lang=$3 q=$4
  shift 4
  local json="$results/$(tr -c 'A-Za-z0-9.\n-' _ <<<"$label" | tr -s _)-$lang-$(basename "$q" .txt)-$tag.json"
  echo "== $label, $lang: $(basename "$q") (load average $(cut -d' ' -f1-3 /proc/loadavg))" >&2
  node "$here/measure.mjs" --site "$out" --engine "$e" --label "$label" --lang "$lang" --queries "$q" \
    --cold "$cold" --json "$json" "$@"
  summary_files+=("$json")
}
lang_of() {
  case "$1" in *.zh.txt) echo zh ;; *.en.txt) echo en ;; *) echo "query file names end in .zh.txt or .en.txt: $1" >&2; exit 2 ;; esac
}
summary_files=()

if [ "$engine" != unionpress ]; then
  pf="$work/pagefind-$tag"
  pf_label=pagefind
  if [ -n "${PAGEFIND_ARGS:-}" ]; then
    pf="$pf-$(printf %s "$PAGEFIND_ARGS" | sha1sum | cut -c1-8)"
    pf_label="pagefind $PAGEFIND_ARGS"
  fi
  if [ -z "${PAGEFIND_REUSE:-}" ] || [ ! -f "$pf/pagefind.js" ]; then
    rm -rf "$pf"
    set -f # PAGEFIND_ARGS is split at spaces, never glob-expanded here
    # shellcheck disable=SC2086
    /usr/bin/time -v -o "$pf.time" "$here/node_modules/@pagefind/linux-x64/bin/pagefind_extended" \
      --site "$out" --output-path "$pf" ${PAGEFIND_ARGS:-} >"$pf.log" 2>&1 || {
      cat "$pf.log" >&2
      exit 1
    }
    set +f
  fi
  read -r pf_wall pf_rss < <(time_figures "$pf.time")
  echo "pagefind: $(grep -E 'Indexed [0-9]+ (pages|words)' "$pf.log" | tr -s ' ' | paste -sd, -), $pf_wall s, peak $((pf_rss / 1024)) MiB" >&2
  for q in $queries; do
    measure pagefind "$pf_label" "$(lang_of "$q")" "$q" --pagefind "$pf" --index-wall "$pf_wall" --index-rss "$pf_rss"
  done
fi

if [ "$engine" != pagefind ]; then
  if [ ! -f "$out/search/search.js" ]; then
    echo "unionpress: skipped, $out has no /search/search.js (the build has no search of its own yet)" >&2
  else
    extra=()
    if [ -n "$build_figures" ]; then
      read -r b_wall b_rss <<<"$build_figures"
      extra=(--index-wall "$b_wall" --index-rss "$b_rss") # the whole build, which makes the index
    fi
    for q in $queries; do
      measure unionpress unionpress "$(lang_of "$q")" "$q" "${extra[@]}"
    done
  fi
fi

if [ ${#summary_files[@]} -gt 0 ]; then
  node "$here/measure.mjs" --summary "${summary_files[@]}"
fi
echo "search benchmark: $((SECONDS / 60)) min $((SECONDS % 60)) s in all (load average now $(cut -d' ' -f1-3 /proc/loadavg))" >&2
