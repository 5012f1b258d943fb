#!/usr/bin/env bash
# Peak memory of every data loader, one read per fresh process, and of the fuzz run per format (docs/data-loading.md).
# Usage: bench/data-memory.sh [OUT.jsonl]   (files are made once in ${BACKPROP_MEMORY_FILES:-/tmp/backprop-data-memory})
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-/dev/stdout}"
files="${BACKPROP_MEMORY_FILES:-/tmp/backprop-data-memory}"
dotnet build bench/Backprop.Bench -c Release -v q -nologo >/dev/null
bench=(dotnet bench/Backprop.Bench/bin/Release/net10.0/Backprop.Bench.dll data-memory)
[ -f "$files/cifar-92mb.bin" ] || "${bench[@]}" make "$files"

{
  # Default runtime settings (the machine's memory is the GC's limit).
  for spec in "csv.gz zeros-200mb.csv.gz" "csv.gz zeros-100mb.csv.gz" "csv random-50mb.csv" \
              "idx float32-157mb.idx" "idx.gz uint8-78mb.idx.gz" "npy float64-128mb.npy" \
              "npz stored-128mb.npz" "npz deflated-128mb.npz" "cifar cifar-92mb.bin"; do
    read -r format file <<<"$spec"
    "${bench[@]}" read "$format" "$files/$file"
  done
  if [ -n "${BACKPROP_DATA:-}" ] && [ -f "$BACKPROP_DATA/mnist/train-images-idx3-ubyte.gz" ]; then
    "${bench[@]}" read idx.gz "$BACKPROP_DATA/mnist/train-images-idx3-ubyte.gz"
  fi
  # The issue's reproduction under a 2 GiB and a 1 GiB heap: a result or a DataFormatException, never an OutOfMemoryException.
  DOTNET_GCHeapHardLimit=0x80000000 "${bench[@]}" read csv.gz "$files/zeros-200mb.csv.gz"
  DOTNET_GCHeapHardLimit=0x40000000 "${bench[@]}" read csv.gz "$files/zeros-200mb.csv.gz"
  # The unit tests' 10,000 seeded mutations per format, each format in a fresh process.
  for format in idx idx.gz npy npz npz-deflated csv csv.gz cifar; do
    "${bench[@]}" fuzz "$format" || true
  done
} | tee "$out"
