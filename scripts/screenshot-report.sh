#!/usr/bin/env bash
# Renders a self-contained report.html to a PNG with headless Chromium, to check how a lab report reads.
# Usage: scripts/screenshot-report.sh <report.html> <out.png> [width] [height]   (default 1200 × 2400)
set -euo pipefail

if [ "$#" -lt 2 ]; then
  echo "usage: $0 <report.html> <out.png> [width] [height]" >&2
  exit 2
fi

report="$1"
out="$2"
width="${3:-1200}"
height="${4:-2400}"

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
profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT

# The report has no external resources, so every network feature stays off.
"$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --hide-scrollbars --user-data-dir="$profile" \
  --window-size="$width,$height" --screenshot="$out_path" "file://$report_path" 2>/dev/null

if [ ! -s "$out_path" ]; then
  echo "error: $browser wrote no screenshot to $out_path" >&2
  exit 1
fi
echo "$out_path"
