#!/usr/bin/env bash
# The photo pipeline against libvips, on this machine: 200 generated
# 3000x2000 photos (examples/gen_site.rs) at three widths (480, 960, 1600).
#
#   bash bench/photos.sh
#
# Prints, each the median of RUNS (default 3) runs of wall time, CPU time
# (user+sys) and peak memory (/usr/bin/time):
# - unionpress, cold (empty photo cache) with the default formats
#   [webp, jpeg], with [jpeg] alone, and (when built with the avif feature,
#   AVIF=1) with [avif, webp, jpeg];
# - unionpress, warm (the cache full: the rebuild encodes nothing);
# - vipsthumbnail (Debian's libvips-tools, installed when missing) run once
#   per width over the 200 photos, JPEG q82 without metadata: the JPEG-only
#   baseline;
# then the bytes a phone (390 CSS px wide at 3x and at 2x) downloads for
# the example site's longest article, JPEG only (before) and with the
# default formats (after), with bench/phone_bytes.py.
#
# The machine may be shared: CPU seconds are the steadier figure.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-3}
work=${BENCH_DIR:-/tmp/unionpress-photos}
mkdir -p "$work"

if ! command -v vipsthumbnail >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libvips-tools
fi
features=()
[ -n "${AVIF:-}" ] && features=(--features avif)
cargo build --release --quiet "${features[@]}" --bin unionpress --example gen_site
target=${CARGO_TARGET_DIR:-target}/release
unionpress=$(realpath "$target/unionpress")

site=$work/site
if [ ! -d "$site/content" ]; then
  "$target/examples/gen_site" --articles 200 --images 200 --out "$site" >/dev/null
fi

# Runs "$@" RUNS times, each after `prepare`; prints "wall cpu rss_mib" medians.
measure() {
  local prepare=$1
  shift
  local walls=() cpus=() rsss=()
  for _ in $(seq "$runs"); do
    $prepare
    if ! /usr/bin/time -o "$work/time" -f "%e %U %S %M" "$@" >/dev/null 2>"$work/err"; then
      echo "failed: $*" >&2
      tail -5 "$work/err" >&2
      exit 1
    fi
    read -r wall user sys rss <"$work/time"
    walls+=("$wall")
    cpus+=("$(echo "$user + $sys" | bc)")
    rsss+=("$((rss / 1024))")
  done
  median() { printf '%s\n' "$@" | sort -n | sed -n "$(( ($# + 1) / 2 ))p"; }
  echo "$(median "${walls[@]}") $(median "${cpus[@]}") $(median "${rsss[@]}")"
}

set_formats() {
  sed -i "s/^images:.*/images: { widths: [480, 960, 1600], quality: 82, formats: $1 }/" "$site/site.yaml"
}
cold() { rm -rf "$site/.unionpress-cache" "$work/public"; }
warm() { rm -rf "$work/public"; }
build=("$unionpress" --root "$site" build --out "$work/public")

printf '%-44s %8s %8s %8s\n' "200 photos x 3 widths" "wall s" "CPU s" "peak MiB"
row() { printf '%-44s %8s %8s %8s\n' "$1" $2; }
set_formats "[jpeg]"
row "unionpress cold, [jpeg]" "$(measure cold "${build[@]}")"
set_formats "[webp, jpeg]"
row "unionpress cold, [webp, jpeg] (default)" "$(measure cold "${build[@]}")"
row "unionpress warm, [webp, jpeg] (default)" "$(measure warm "${build[@]}")"
if [ -n "${AVIF:-}" ]; then
  set_formats "[avif, webp, jpeg]"
  row "unionpress cold, [avif, webp, jpeg]" "$(measure cold "${build[@]}")"
  set_formats "[webp, jpeg]"
fi

# The generated photos are all named photo.jpg: give them distinct names.
vips_in=$work/vips-in
rm -rf "$vips_in"
mkdir -p "$vips_in"
n=0
while IFS= read -r -d '' f; do
  n=$((n + 1))
  ln -s "$f" "$vips_in/$n.jpg"
done < <(find "$site/content" -name photo.jpg -print0 | sort -z)
photos=("$vips_in"/*.jpg)
vips_out=$work/vips
vips_clean() { rm -rf "$vips_out"; mkdir -p "$vips_out"; }
# (/usr/bin/time runs a program, not a shell function.)
vips=(bash -c 'out=$1; shift; for w in 1600 960 480; do
  vipsthumbnail "$@" --size "$w" -o "$out/%s.$w.jpg[Q=82,strip]" || exit 1; done' _ "$vips_out" "${photos[@]}")
row "vipsthumbnail x3 widths, JPEG q82" "$(measure vips_clean "${vips[@]}")"

# The phone's bytes for the example site's longest article.
example=$work/example
rm -rf "$example"
mkdir -p "$example"
cp -r site.yaml content "$example/"
[ -d static ] && cp -r static "$example/"
page=/news/2021-suzhou-review/
echo
printf '%-36s %12s %12s\n' "phone bytes, $page" "390px @3x" "390px @2x"
for formats in "[jpeg]" "[webp, jpeg]"; do
  sed -i "s/^images:.*/images: { widths: [480, 960, 1600], quality: 82, formats: $formats }/" "$example/site.yaml"
  "$unionpress" --root "$example" build --out "$example/public" >/dev/null 2>&1
  at3=$(python3 bench/phone_bytes.py "$example/public" "$page" --dpr 3 | cut -d' ' -f1)
  at2=$(python3 bench/phone_bytes.py "$example/public" "$page" --dpr 2 | cut -d' ' -f1)
  printf '%-36s %12s %12s\n' "$formats" "$at3" "$at2"
done
