#!/usr/bin/env bash
# The packages as a user gets them: packs Backprop, Backprop.Plots, Backprop.Onnx and the backprop tool into a local
# folder, checks what each holds (dependencies, XML docs, README, license, symbols, ReadyToRun), then — with an empty
# NuGet cache, as on a fresh machine — creates a console project in a temporary folder, adds Backprop from the folder,
# builds and runs a 15-line training program, and installs the tool with `dotnet tool install --tool-path` from the
# folder and runs `backprop lab list`, a --quick lab and `backprop export` on the model the program saved.
#
#   bash scripts/check-packages.sh [--out <folder>]    (after `dotnet build Backprop.slnx -c Release`)
#
# The libraries are packed from the Release build (--no-build); the tool is published ReadyToRun for this machine's
# platform only (a release packs every platform: `dotnet pack src/Backprop.Cli -c Release`). Packages other than
# Backprop's (System.Numerics.Tensors) come from the NuGet registry the machine is configured with.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
work=$(mktemp -d)
feed="$work/feed"
keep_feed=""
if [ "${1:-}" = "--out" ]; then feed="$2"; keep_feed=1; fi
trap 'rm -rf "$work"' EXIT
mkdir -p "$feed"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

case "$(uname -m)" in
  x86_64) rid=linux-x64 ;;
  aarch64) rid=linux-arm64 ;;
  *) echo "check-packages: no tool package for $(uname -m)"; exit 1 ;;
esac

checks=0
for project in Backprop Backprop.Plots Backprop.Onnx; do
  dotnet pack "src/$project/$project.csproj" -c Release --no-build -o "$feed" > "$work/pack.log" || { cat "$work/pack.log"; exit 1; }
done
dotnet pack src/Backprop.Cli/Backprop.Cli.csproj -c Release -o "$feed" -p:ToolPackageRuntimeIdentifiers="$rid" > "$work/pack.log" 2>&1 || { cat "$work/pack.log"; exit 1; }

# What each package holds and depends on.
python3 scripts/check_packages.py "$feed" "$rid"
checks=$((checks + 1))

# A fresh console project, with an empty package cache: Backprop from the folder, everything else from the registry.
export NUGET_PACKAGES="$work/nuget-cache"
app="$work/app"
dotnet new console -o "$app" --framework net10.0 > /dev/null
cat > "$app/nuget.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="backprop-local" value="$feed" />
  </packageSources>
</configuration>
XML
version=$(sed -n 's|.*<VersionPrefix>\(.*\)</VersionPrefix>.*|\1|p' Directory.Build.props)
(cd "$app" && dotnet add package Backprop --version "$version" > "$work/add.log") || { cat "$work/add.log"; exit 1; }
# 15 lines: the package's global usings make `using Backprop;` the only using.
cat > "$app/Program.cs" <<'CS'
using Backprop;

RandomSeed.Set(42);
var (x, y, xTest, yTest) = BostonHousing.Load();
var scaler = new StandardScaler().Fit(x);
(x, xTest) = (scaler.Transform(x), scaler.Transform(xTest));
var model = new Sequential(DType.Float64,
    new Dense(32, activation: "swish", inputShape: [13]), new Dense(16, activation: "swish"), new Dense(1));
model.Compile(optimizer: new SGD(learningRate: 1e-3, momentum: 0.9, nesterov: true), loss: "mse", metrics: ["mae"]);
var history = model.Fit(x, y, epochs: 100, batchSize: 32, verbose: 0);
var test = model.Evaluate(xTest, yTest, verbose: 0);
Console.WriteLine($"trained {history.Epoch.Count} epochs; test MAE {test["mae"]:F2}");
model.Save(args.Length > 0 ? args[0] : "boston.keras");
Console.WriteLine($"saved {(args.Length > 0 ? args[0] : "boston.keras")}");
CS
[ "$(wc -l < "$app/Program.cs")" -le 15 ] || { echo "the program is longer than 15 lines"; exit 1; }
(cd "$app" && dotnet build -c Release > "$work/build.log" 2>&1) || { cat "$work/build.log"; exit 1; }
output=$(cd "$app" && dotnet bin/Release/net10.0/app.dll "$work/boston.keras")
echo "$output"
grep -Eq '^trained 100 epochs; test MAE [0-9]\.[0-9]{2}$' <<<"$output" || { echo "the program did not train"; exit 1; }
# The project resolved Backprop and System.Numerics.Tensors, and nothing else.
python3 - "$app/obj/project.assets.json" <<'PY'
import json, sys
libraries = sorted(name.split("/")[0] for name in json.load(open(sys.argv[1]))["libraries"])
if libraries != ["Backprop", "System.Numerics.Tensors"]:
    sys.exit(f"a project that adds Backprop gets {libraries}, expected Backprop and System.Numerics.Tensors only")
print(f"consumer project: resolved {', '.join(libraries)}")
PY
checks=$((checks + 1))

# The tool, installed from the folder into a fresh tool path.
tools="$work/tools"
dotnet tool install Backprop.Cli --tool-path "$tools" --add-source "$feed" --version "$version" > "$work/tool.log" 2>&1 || { cat "$work/tool.log"; exit 1; }
"$tools/backprop" lab list | tee "$work/labs.txt"
grep -q '^boston-housing ' "$work/labs.txt" || { echo "backprop lab list does not list boston-housing"; exit 1; }
"$tools/backprop" lab run boston-housing --quick --out "$work/run" > "$work/lab.log" || { cat "$work/lab.log"; exit 1; }
tail -1 "$work/lab.log"
for f in report.html results.json; do [ -s "$work/run/$f" ] || { echo "the installed tool's lab left no $f"; exit 1; }; done
"$tools/backprop" export "$work/boston.keras" "$work/boston.onnx"
[ -s "$work/boston.onnx" ] || { echo "backprop export wrote no file"; exit 1; }
set +e
"$tools/backprop" export "$work/missing.keras" 2> "$work/export-error.txt"; status=$?
set -e
[ "$status" = 2 ] && grep -q "does not exist" "$work/export-error.txt" || { echo "backprop export of a missing file: exit $status, $(cat "$work/export-error.txt")"; exit 1; }
checks=$((checks + 1))

[ -n "$keep_feed" ] || rm -rf "$feed"
echo "packages: $checks passed, 0 failed"
