#!/usr/bin/env bash
# The full kill test: a child process training with BackupAndRestore(saveEveryBatches: 3) is killed with SIGKILL at
# least 50 times at random moments and restarted until it finishes; its final weights must equal an uninterrupted
# run's, bit for bit (tests/Backprop.Tests/Checkpoints/KillTests.cs; CI runs the same test with 3 kills).
# Usage: scripts/kill-test.sh [kills] [seed]   — prints the measured summary line.
set -euo pipefail
cd "$(dirname "$0")/.."
kills="${1:-50}"
seed="${2:-20261206}"
report="$(mktemp)"
dotnet build Backprop.slnx -c Release -v quiet -nologo >/dev/null
BACKPROP_KILL_TEST_KILLS="$kills" BACKPROP_KILL_TEST_SEED="$seed" BACKPROP_KILL_TEST_REPORT="$report" \
  dotnet test tests/Backprop.Tests -c Release --no-build --filter "FullyQualifiedName~KillTests" --logger "console;verbosity=minimal"
cat "$report"
rm -f "$report"
