#!/usr/bin/env bash
# Renders the screenshots in this folder with the player's own --render, from
# the sample slides in slides/. Photos for the honour roll are drawn here with
# ImageMagick when it is installed (else the cards show their placeholders).
#   docs/screens/make-screens.sh [BUILD_DIR]   (default: build/default)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
player="${1:-$root/build/default}/bin/signage-player"
slides="$here/slides"
now="2026-11-23T08:30"

if command -v convert >/dev/null; then
  n=0
  for c in "#d9e6f2:#5b8db8" "#f2e0d9:#b86b5b" "#e0f2d9:#6bb85b"; do
    n=$((n + 1))
    convert -size 600x800 gradient:"${c%%:*}"-"${c##*:}" \
      -fill '#3b2a20' -draw 'circle 300,300 300,160' \
      -fill '#2d4a6b' -draw 'ellipse 300,760 230,220 180,360' "$slides/p$n.jpg"
  done
fi

render() {  # name slide [extra args...]
  local name="$1" slide="$2"
  shift 2
  "$player" --render "$slides/$slide" --now "$now" --size 1920x1080 \
    --out "$here/$name-landscape.png" "$@"
  "$player" --render "$slides/$slide" --now "$now" --size 1080x1920 \
    --out "$here/$name-portrait.png" "$@"
}
render text text.json
render image-contain image-contain.json
render image-cover image-cover.json
render core-values core-values.json
render honor-roll-p1 honor-roll.json --page 0
render honor-roll-p2 honor-roll.json --page 1
render red-black red-black.json
render emergency emergency.json
render notice notice.json
render qr qr.json
render screen core-values.json --screen --settings "$slides/settings.json" \
  --ticker "因管网维修，11月25日（周三）8:00—18:00幸福社区1—12栋停水，请提前储水。" \
  --ticker "文明养犬，出门牵绳，及时清理犬只粪便。"
render screen-honor-roll honor-roll.json --screen --settings "$slides/settings.json" \
  --ticker "冬季用电安全提示：不私拉乱接电线，电动自行车不进楼道、不入户充电。"

rm -f "$slides"/p*.jpg
if command -v optipng >/dev/null; then optipng -quiet -o2 "$here"/*.png; fi
