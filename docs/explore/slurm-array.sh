#!/bin/bash
# A Slurm job array: 16 shards of one exploration, one task each, then a
# job that merges them (submit this, then the merge with a dependency):
#
#   jid=$(sbatch --parsable docs/explore/slurm-array.sh prog.py)
#   sbatch --dependency=afterok:$jid --wrap \
#     "threadsim merge shards/s*.db -o explore.db && threadsim show exploration last --db explore.db"
#
# Each task reads its index from SLURM_ARRAY_TASK_ID and the count from
# SLURM_ARRAY_TASK_COUNT (--shard auto); the shards' outcomes add up to the
# unsharded exploration's.
#SBATCH --job-name=threadsim-explore
#SBATCH --array=1-16
#SBATCH --cpus-per-task=1
#SBATCH --time=01:00:00
set -euo pipefail
prog=${1:?usage: sbatch slurm-array.sh PROGRAM.py}
mkdir -p shards
threadsim explore "$prog" --strategy dfs --preemptions 3 \
  --shard auto --db "shards/s${SLURM_ARRAY_TASK_ID}.db" --fail-on exception,deadlock \
  || [ $? -eq 1 ]   # a failing outcome is a result here; the merge reports it
