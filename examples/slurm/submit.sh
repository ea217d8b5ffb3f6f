#!/bin/bash
# Runs a virtual trial on a Slurm cluster: an array of SHARDS tasks, then one merge job that
# waits for all of them (afterok). Usage:
#   examples/slurm/submit.sh TRIAL.toml OUT_DIR SHARDS [extra sbatch options...]
# OUT_DIR must be on a file system every node sees. Set K2BONE to the binary's path if `k2bone`
# is not on the nodes' PATH, N / SEED to override the trial file's n_per_arm / seed.
# Prints the merge job's id (wait for it with `squeue -j ID` or `sbatch --wait`).
set -euo pipefail
[ $# -ge 3 ] || { echo "usage: $0 TRIAL.toml OUT_DIR SHARDS [sbatch options]" >&2; exit 2; }
trial=$(realpath "$1"); out=$(realpath -m "$2"); shards=$3; shift 3
[[ "$shards" =~ ^[1-9][0-9]*$ ]] || { echo "SHARDS must be a positive integer, got '$shards'" >&2; exit 2; }
here=$(dirname "$(realpath "$0")")
mkdir -p "$out"
export TRIAL="$trial" OUT="$out" SHARDS="$shards"
array=$(sbatch --parsable --chdir="$out" --array=0-$((shards - 1)) --export=ALL "$@" "$here/trial-array.sbatch")
merge=$(sbatch --parsable --chdir="$out" --dependency=afterok:"${array%%;*}" --export=ALL "$@" "$here/merge.sbatch")
echo "$merge"
