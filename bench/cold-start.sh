#!/usr/bin/env bash
# Cold start of the `backprop` command: the wall time of a fresh process running `lab list` and `lab run
# boston-housing` (the full lab), for the installed .NET tool (the ReadyToRun platform package, and the portable JIT
# package for comparison), `dotnet run --project src/Backprop.Cli` and the clone's ./backprop script. Interleaved rounds,
# best and median of each; default runtime settings. Run it in a quiet window (see the developers' guide).
#
#   bash bench/cold-start.sh [rounds [folder]]      (after `dotnet build Backprop.slnx -c Release`)
#
# With a folder, the packed and installed tools are kept there and reused by the next run (so the packing can happen
# before a quiet window and only the timing inside it).
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-5}"
if [ -n "${2:-}" ]; then
  work="$2"; mkdir -p "$work"
else
  work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
fi
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
version=$(sed -n 's|.*<VersionPrefix>\(.*\)</VersionPrefix>.*|\1|p' Directory.Build.props)
case "$(uname -m)" in x86_64) rid=linux-x64 ;; aarch64) rid=linux-arm64 ;; esac

for kind in "$rid" any; do
  [ -x "$work/tools-$kind/backprop" ] && continue
  dotnet pack src/Backprop.Cli/Backprop.Cli.csproj -c Release -o "$work/feed-$kind" -p:ToolPackageRuntimeIdentifiers="$kind" > /dev/null
  # An empty package cache for the install, so no earlier package of the same version is reused.
  NUGET_PACKAGES="$work/nuget" dotnet tool install Backprop.Cli --tool-path "$work/tools-$kind" --add-source "$work/feed-$kind" --version "$version" > /dev/null
done
./backprop lab list > /dev/null      # builds the CLI for the script if needed

declare -A commands=(
  ["tool ($rid, ReadyToRun)"]="$work/tools-$rid/backprop"
  ["tool (any, JIT)"]="$work/tools-any/backprop"
  ["dotnet run --project"]="dotnet run --project src/Backprop.Cli -c Release --"
  ["./backprop script"]="./backprop"
)
names=("tool ($rid, ReadyToRun)" "tool (any, JIT)" "dotnet run --project" "./backprop script")
declare -A times
for round in $(seq "$rounds"); do
  for name in "${names[@]}"; do
    for what in list run; do
      args=(lab list); [ "$what" = run ] && args=(lab run boston-housing --out "$work/run" --force)
      start=$(date +%s%N)
      ${commands[$name]} "${args[@]}" > /dev/null 2>&1
      times["$name/$what"]+="$(( ($(date +%s%N) - start) / 1000000 )) "
    done
  done
done

echo "| command | lab list: best (median) | lab run boston-housing: best (median) |"
echo "|---|---|---|"
for name in "${names[@]}"; do
  row="| $name |"
  for what in list run; do
    read -r best median < <(tr ' ' '\n' <<<"${times[$name/$what]}" | grep . | sort -n | awk '{a[NR]=$1} END {printf "%.2f %.2f\n", a[1]/1000, a[int((NR+1)/2)]/1000}')
    row+=" $best s ($median s) |"
  done
  echo "$row"
done
echo "($rounds interleaved rounds, $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), family $(lscpu | sed -n 's/^CPU family: *//p'))"
