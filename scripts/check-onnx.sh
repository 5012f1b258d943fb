#!/usr/bin/env bash
# Runs the official ONNX checker (Debian's python3-onnx, onnx 1.12.0: onnx.checker with full_check, i.e. strict shape
# inference) on every model the ONNX export tests produce: each layer type alone, the labs' models and the CNNs.
#
# Usage: bash scripts/check-onnx.sh [DIR]
#   DIR: a folder of .onnx files, e.g. the one .ci/run fills by running the tests with BACKPROP_ONNX_EXPORT_DIR=DIR.
#        Without it, the script builds and runs tests/Backprop.Onnx.Tests to export them into a temporary folder.
# Installs python3-onnx from Debian's packages when /usr/bin/python3 lacks it (root or sudo needed); exits 3 when it
# cannot, 1 when a model fails, 0 when all pass. The library never depends on Python.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! /usr/bin/python3 -c 'import onnx' 2>/dev/null; then
  echo "python3-onnx is missing; installing it from Debian's packages." >&2
  if [ "$(id -u)" -ne 0 ]; then sudo=(sudo); else sudo=(); fi
  export DEBIAN_FRONTEND=noninteractive
  if ! { "${sudo[@]}" apt-get update -qq && "${sudo[@]}" apt-get install -y -qq --no-install-recommends python3-onnx; } >&2 \
    || ! /usr/bin/python3 -c 'import onnx' 2>/dev/null; then
    echo "python3-onnx could not be installed here: the ONNX checker did not run." >&2
    exit 3
  fi
fi

if [ $# -ge 1 ]; then
  models="$1"
else
  models=$(mktemp -d "${TMPDIR:-/tmp}/backprop-onnx.XXXXXX")
  trap 'rm -rf "$models"' EXIT
  dotnet build tests/Backprop.Onnx.Tests -c Release >&2
  BACKPROP_ONNX_EXPORT_DIR="$models" dotnet test tests/Backprop.Onnx.Tests -c Release --no-build >&2
fi

/usr/bin/python3 scripts/check_onnx.py "$models"
