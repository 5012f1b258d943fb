#!/usr/bin/env bash
# Renders a self-contained report.html (or index.html) to PNG with headless Chromium, to look at how a report reads.
#
# Usage: scripts/screenshot-report.sh [--width W] [--tiles H] <report.html> <out.png>
#
#   By default the capture is the WHOLE report, W pixels wide (default 1280) and as tall as the page.
#   --tiles H   also cuts the page into tiles H pixels tall (out-01.png, out-02.png, …), small enough to view one by one.
#
# The report has no external resources, so every network feature of the browser stays off.
set -euo pipefail

width=1280
tile=""
while [ "$#" -gt 0 ]; do
  case "$1" in
    --width) width="$2"; shift 2 ;;
    --tiles) tile="$2"; shift 2 ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    --) shift; break ;;
    -*) echo "error: unknown option '$1' (see --help)" >&2; exit 2 ;;
    *) break ;;
  esac
done

if [ "$#" -ne 2 ]; then
  echo "usage: $0 [--width W] [--tiles H] <report.html> <out.png>" >&2
  exit 2
fi

report="$1"
out="$2"
if [ ! -f "$report" ]; then
  echo "error: report '$report' does not exist" >&2
  exit 1
fi

browser=""
for candidate in chromium chromium-browser google-chrome; do
  if command -v "$candidate" >/dev/null 2>&1; then
    browser="$candidate"
    break
  fi
done
if [ -z "$browser" ]; then
  echo "error: headless Chromium not found. On Debian install it with:" >&2
  echo "  apt-get update && apt-get install -y chromium" >&2
  exit 1
fi

report_path="$(cd "$(dirname "$report")" && pwd)/$(basename "$report")"
mkdir -p "$(dirname "$out")"
out_path="$(cd "$(dirname "$out")" && pwd)/$(basename "$out")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

chrome() {
  "$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --hide-scrollbars --user-data-dir="$work/profile" "$@" 2>/dev/null
}

# 1. The page's height at this width: a copy of the report that writes its own scrollHeight into the DOM.
measure="$work/measure.html"
sed 's#</body>#<script>document.body.setAttribute("data-height", Math.ceil(document.documentElement.scrollHeight));</script></body>#' \
  "$report_path" > "$measure"
height="$(chrome --window-size="$width,1000" --dump-dom "file://$measure" | grep -o 'data-height="[0-9]*"' | grep -o '[0-9]*' || true)"
if [ -z "$height" ] || [ "$height" -lt 100 ]; then
  echo "error: could not measure the height of $report" >&2
  exit 1
fi

# 2. The whole page in one image.
chrome --window-size="$width,$height" --screenshot="$out_path" "file://$report_path" >/dev/null
if [ ! -s "$out_path" ]; then
  echo "error: $browser wrote no screenshot to $out_path" >&2
  exit 1
fi
echo "$out_path ($width × $height)"

# 3. Tiles: the report in a frame shifted up by k·H, captured through an H-pixel window.
if [ -n "$tile" ]; then
  stem="${out_path%.png}"
  count=$(( (height + tile - 1) / tile ))
  for ((k = 0; k < count; k++)); do
    frame="$work/tile-$k.html"
    printf '<!DOCTYPE html><html><body style="margin:0;overflow:hidden"><iframe src="file://%s" scrolling="no" style="position:absolute;left:0;top:-%dpx;width:%dpx;height:%dpx;border:0"></iframe></body></html>\n' \
      "$report_path" $((k * tile)) "$width" "$height" > "$frame"
    name="$(printf '%s-%02d.png' "$stem" $((k + 1)))"
    chrome --allow-file-access-from-files --window-size="$width,$tile" --screenshot="$name" "file://$frame" >/dev/null
    echo "$name"
  done
fi
