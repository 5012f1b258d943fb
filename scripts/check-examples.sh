#!/usr/bin/env bash
# Runs every single-file example (examples/*.cs) with .NET 10's `dotnet run <file>.cs` and checks its output: each file
# names what it must print in `// expect: <regex>` lines (grep -E, each must match a line), and must exit 0. A file
# without an expect line fails, so no example goes unchecked. Release configuration, so the #:project references reuse
# the solution's Release build.
set -uo pipefail
cd "$(dirname "$0")/.."
failed=0; passed=0
for file in examples/*.cs; do
  mapfile -t expects < <(sed -n 's|^// expect: ||p' "$file")
  if [ "${#expects[@]}" -eq 0 ]; then echo "$file: no '// expect:' line"; failed=$((failed + 1)); continue; fi
  start=$(date +%s%N)
  output=$(dotnet run -c Release "$file" 2>&1); status=$?
  tenths=$(( ($(date +%s%N) - start) / 100000000 ))
  problem=""
  [ "$status" -ne 0 ] && problem="exit code $status"
  for pattern in "${expects[@]}"; do
    grep -Eq -- "$pattern" <<<"$output" || problem="${problem:+$problem; }no line matches /$pattern/"
  done
  if [ -n "$problem" ]; then
    echo "$file: FAILED ($problem); its output:"; echo "$output" | tail -30 | sed 's/^/    /'
    failed=$((failed + 1))
  else
    echo "$file: ok (${#expects[@]} checks, $((tenths / 10)).$((tenths % 10)) s)"
    passed=$((passed + 1))
  fi
done
echo "examples: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
