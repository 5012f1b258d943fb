#!/usr/bin/env bash
# Kills a --quick lab run with SIGKILL at random moments and checks that every folder it leaves is either complete
# (report.html whole, results.json valid JSON with its comparison) or clearly marked incomplete (named
# <out>.incomplete-<pid>). The tests do three kills; this does as many as asked (default 40).
#
# Usage: scripts/kill-test-run-folders.sh [kills] [lab]        (default: 40 boston-housing)
# Needs a built CLI (dotnet build -c Release) and python3; reads data through BACKPROP_DATA like the tests.
set -euo pipefail
cd "$(dirname "$0")/.."

kills="${1:-40}"
lab="${2:-boston-housing}"
dll="src/Backprop.Cli/bin/Release/net10.0/Backprop.Cli.dll"
if [ ! -f "$dll" ]; then
  echo "error: $dll is missing; run 'dotnet build Backprop.slnx -c Release' first" >&2
  exit 1
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# How long an undisturbed run takes, so the kills spread over all of it (start-up, training, writing the files).
start=$(date +%s%N)
dotnet "$dll" lab run "$lab" --quick --out "$work/reference" > /dev/null
full_ms=$(( ($(date +%s%N) - start) / 1000000 ))
echo "an undisturbed --quick $lab run takes ${full_ms} ms; killing $kills runs at random moments within $((full_ms * 11 / 10)) ms"

complete=0; marked=0; absent=0; bad=0
for ((i = 1; i <= kills; i++)); do
  out="$work/run-$i"
  delay_ms=$(( RANDOM * 32768 + RANDOM ))
  delay_ms=$(( delay_ms % (full_ms * 11 / 10) ))
  dotnet "$dll" lab run "$lab" --quick --out "$out" > /dev/null 2>&1 &
  pid=$!
  sleep "$(printf '%d.%03d' $((delay_ms / 1000)) $((delay_ms % 1000)))"
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true

  verdict="absent"
  for entry in "$work"/run-"$i" "$work"/run-"$i".*; do
    [ -e "$entry" ] || continue
    name="$(basename "$entry")"
    if [ "$name" = "run-$i" ]; then
      if python3 - "$entry" <<'PY'
import json, sys
folder = sys.argv[1]
html = open(f"{folder}/report.html", encoding="utf-8").read()
results = json.load(open(f"{folder}/results.json", encoding="utf-8"))
import os
ok = html.endswith("</html>\n") and results.get("published") and not os.path.exists(f"{folder}/INCOMPLETE.txt")
sys.exit(0 if ok else 1)
PY
      then verdict="complete"; else verdict="BAD: $name looks complete but is not"; fi
    elif [[ "$name" =~ ^run-$i\.(incomplete|replaced)-[0-9]+$ ]]; then
      [ "$verdict" = "absent" ] && verdict="marked incomplete"
    else
      verdict="BAD: unexpected $name"
    fi
  done

  case "$verdict" in
    complete) complete=$((complete + 1)) ;;
    "marked incomplete") marked=$((marked + 1)) ;;
    absent) absent=$((absent + 1)) ;;
    *) bad=$((bad + 1)); echo "kill $i at ${delay_ms} ms: $verdict" ;;
  esac
done

echo "$kills kills: $complete complete, $marked marked incomplete, $absent left no folder, $bad bad"
[ "$bad" -eq 0 ]
