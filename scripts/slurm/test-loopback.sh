#!/usr/bin/env bash
# The Slurm path for real: installs Debian's slurm-wlm and munge (as root) if missing, starts a one-node cluster on
# loopback with its own configuration, ports, spool and logs in a temporary folder (nothing in /etc/slurm is touched),
# submits a 4-task job array of `lab run mnist-hyperparameters --quick` with the dependent merge-and-report job
# (scripts/slurm/submit-study.sh), runs the same study in one process, and checks that the two reports' figures are
# bit-identical (only wall times may differ). Stops the daemons it started by their pids.
#   bash scripts/slurm/test-loopback.sh            (after `dotnet build Backprop.slnx -c Release`)
# Exit 0: equal; 1: a difference or a failed job; 3: Slurm cannot be installed or started here.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
lab=${LAB:-mnist-hyperparameters}
dll="$repo/src/Backprop.Cli/bin/Release/net10.0/Backprop.Cli.dll"
[ -f "$dll" ] || { echo "build first: dotnet build Backprop.slnx -c Release"; exit 1; }
[ "$(id -u)" = 0 ] || { echo "slurm loopback test: needs root (apt-get, munged, slurmd)"; exit 3; }
if [ -z "${BACKPROP_DATA:-}" ] && [ -d "$repo/../shared/data" ]; then export BACKPROP_DATA="$(cd "$repo/../shared/data" && pwd)"; fi
started=$(date +%s)

if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge >/dev/null) || { echo "slurm loopback test: slurm-wlm/munge not installable"; exit 3; }
fi

work=$(mktemp -d /tmp/backprop-slurm-XXXXXX)
chmod 755 "$work"
pids=()
cleanup() {
  for pidfile in "$work/slurmd.pid" "$work/slurmctld.pid" ${started_munge:+/run/munge/munged.pid}; do
    if [ -f "$pidfile" ]; then kill "$(cat "$pidfile")" 2>/dev/null || true; fi
  done
  sleep 1
  rm -rf "$work"
}
trap cleanup EXIT

# munge: reuse a running munged (its socket answers), else start one.
started_munge=
if ! munge -n </dev/null 2>/dev/null | unmunge >/dev/null 2>&1; then
  mkdir -p /etc/munge /var/log/munge /run/munge /var/lib/munge
  [ -f /etc/munge/munge.key ] || dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key 2>/dev/null
  chown -R munge:munge /etc/munge /var/log/munge /run/munge /var/lib/munge
  chmod 400 /etc/munge/munge.key
  runuser -u munge -- munged --force
  started_munge=1
  sleep 1
fi

# Two free TCP ports, so a cluster someone else runs on this machine is not disturbed.
read -r ctld_port slurmd_port < <(python3 -c 'import socket
s=[socket.socket() for _ in range(2)]
[x.bind(("127.0.0.1",0)) for x in s]
print(*[x.getsockname()[1] for x in s])')
host=$(hostname)
cpus=$(nproc)
mem=$(( $(awk '/MemTotal/ {print int($2/1024)}' /proc/meminfo) - 1024 ))
mkdir -p "$work/spool/ctld" "$work/spool/d" "$work/log" "$work/shared"
cat > "$work/slurm.conf" <<CONF
ClusterName=backprop-test
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
ReturnToService=2
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmdSpoolDir=$work/spool/d
StateSaveLocation=$work/spool/ctld
SlurmUser=root
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
SlurmctldLogFile=$work/log/slurmctld.log
SlurmdLogFile=$work/log/slurmd.log
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=main Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$work/slurm.conf"
slurmctld -f "$SLURM_CONF"
sleep 2
slurmd -f "$SLURM_CONF"
for _ in $(seq 1 30); do
  if sinfo -h -o %t 2>/dev/null | grep -q idle; then break; fi
  sleep 1
done
sinfo -h -o %t | grep -q idle || { echo "slurm loopback test: the node did not come up"; tail -5 "$work/log/"*.log; exit 3; }
echo "slurm: one-node cluster up on 127.0.0.1:$ctld_port ($(sinfo -V)), $(( $(date +%s) - started )) s after start"

# The study as a 4-task array plus the dependent merge-and-report job, each task in its own store.
export BACKPROP="dotnet $dll"
export BACKPROP_STORE="$work/unused-default.db"
submitted=$(SHARDS=4 bash "$repo/scripts/slurm/submit-study.sh" "$lab" "$work/shared" --quick --seed 42)
echo "$submitted"
merge_job=$(echo "$submitted" | sed -n 's/.*merge-and-report job \([0-9]*\).*/\1/p')
for _ in $(seq 1 600); do
  if [ -z "$(squeue -h 2>/dev/null)" ]; then break; fi
  sleep 1
done
state=$(scontrol show job "$merge_job" 2>/dev/null | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p')
for log in "$work/shared"/backprop-*.log; do echo "--- $(basename "$log")"; tail -3 "$log"; done
[ "$state" = COMPLETED ] || { echo "slurm loopback test: the merge-and-report job ended $state"; exit 1; }
shard_tasks=$(ls "$work/shared/stores"/shard-*.db | wc -l)
echo "slurm: $shard_tasks shard stores merged, report at $work/shared/report; $(( $(date +%s) - started )) s after start"

# The same study in one process, then the figures of the two results.json side by side.
$BACKPROP lab run "$lab" --quick --seed 42 --threads 1 --store "$work/single.db" --out "$work/single" > "$work/single.log"
python3 - "$work/single/results.json" "$work/shared/report/results.json" <<'PY'
import json, sys
def figures(path):
    root = json.load(open(path))
    return {
        "results": {k: v for k, v in root["results"].items() if not k.startswith("timing.")},
        "published": [r for r in root["published"] if not r["quantity"].startswith("seconds per epoch")],
        "config": root["config"], "headlines": root["headlines"],
    }
single, merged = figures(sys.argv[1]), figures(sys.argv[2])
if single != merged:
    diff = [k for k in single["results"] if single["results"][k] != merged["results"].get(k)]
    sys.exit(f"slurm loopback test: the merged report differs from the single-process run: {diff[:5]}")
print(f"slurm loopback test: the 4-task array + merge equals the single-process run: {len(single['results'])} figures and {len(single['published'])} comparisons identical")
PY
echo "slurm loopback test passed in $(( $(date +%s) - started )) s"
