#!/usr/bin/env bash
# Exercises the benchmark's unionpress adapter with the FAKE search in this
# folder, on a small generated site (not a measurement of anything):
#   bash bench/search/fake/test.sh [N]     # default 300 articles
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
repo=$(cd "$here/../.." && pwd)
n=${1:-300}
work=${BENCH_DIR:-/tmp/unionpress-search-bench}/fake
mkdir -p "$work"
(cd "$repo" && cargo build --release --quiet --bin unionpress --example gen_site)
target=${CARGO_TARGET_DIR:-$repo/target}/release
[ -d "$work/site$n/content" ] || "$target/examples/gen_site" --articles "$n" --out "$work/site$n" 2>/dev/null
rm -rf "$work/out$n" "$work/search$n"
"$target/unionpress" --root "$work/site$n" build --out "$work/out$n" >/dev/null
node "$here/fake/build-index.mjs" "$work/out$n" "$work/search$n"
for lang in zh en; do
  node "$here/measure.mjs" --site "$work/out$n" --engine unionpress --lang "$lang" \
    --queries "$here/queries.$lang.txt" --mount "/search/=$work/search$n" --cold 5 --json "$work/fake-$lang.json"
done
node "$here/measure.mjs" --summary "$work/fake-zh.json" "$work/fake-en.json"
