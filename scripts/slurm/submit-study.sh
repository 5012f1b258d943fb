#!/usr/bin/env bash
# Submits a study to Slurm as a job array of SHARDS tasks (default 4) and a merge-and-report job that runs when every
# task has succeeded. Prints the two job ids.
#   SHARDS=8 scripts/slurm/submit-study.sh mnist-hyperparameters /shared/me/study-1 [--quick] [--seed 42] [--data /shared/data]
# Extra sbatch options (partition, time limit, account) go in SBATCH_OPTIONS, e.g. SBATCH_OPTIONS="--partition=cpu --time=02:00:00".
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
lab=${1:?usage: submit-study.sh <lab> <shared folder> [lab run options]}
shared=${2:?usage: submit-study.sh <lab> <shared folder> [lab run options]}
shift 2
shards=${SHARDS:-4}
mkdir -p "$shared"
# shellcheck disable=SC2086
array=$(sbatch --parsable ${SBATCH_OPTIONS:-} --chdir="$shared" --array="0-$((shards - 1))" "$here/study-array.sbatch" "$lab" "$shared" "$@")
array=${array%%;*}
# shellcheck disable=SC2086
merge=$(sbatch --parsable ${SBATCH_OPTIONS:-} --chdir="$shared" --dependency="afterok:$array" "$here/merge-report.sbatch" "$lab" "$shared" "$@")
merge=${merge%%;*}
echo "array job $array ($shards tasks), merge-and-report job $merge; the report will be $shared/report/report.html"
