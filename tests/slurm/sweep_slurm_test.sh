#!/usr/bin/env bash
# The same sweep run here and as a Slurm job array on a one-node cluster
# (scripts/slurm-local.sh) gives the same sweep.csv, byte for byte. Skips
# (exit 77, which ctest reports as skipped) with the reason where Slurm cannot
# be started: not root, the packages not installable, the daemons not coming up.
# Usage: sweep_slurm_test.sh FOLIOSIM_BINARY SOURCE_DIR
set -euo pipefail
foliosim="$1"
source_dir="$2"
skip() { echo "SKIPPED: $*" >&2; exit 77; }

[[ $(id -u) -eq 0 ]] || skip "the one-node Slurm cluster needs root"
work="$(mktemp -d /tmp/foliosim-slurm-test.XXXXXX)"
export FOLIOSIM_SLURM_DIR="$work/cluster" FOLIOSIM_SLURM_PORT=16917
cleanup() { "$source_dir/scripts/slurm-local.sh" stop >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT
"$source_dir/scripts/slurm-local.sh" start >"$work/start.log" 2>&1 ||
  skip "Slurm could not be started here: $(tail -1 "$work/start.log")"
eval "$("$source_dir/scripts/slurm-local.sh" env)"

cat >"$work/base.json" <<'JSON'
{ "name": "small", "seed": 1,
  "devices": [ { "name": "d0", "capacity": "1GiB" } ],
  "filesystem": { "type": "xfs", "device": "d0" },
  "workload": { "jobs": [ { "name": "w", "bs": "1MiB", "size": "16MiB", "end_fsync": true } ] },
  "variants": [ { "name": "buffered" },
                { "name": "dontcache", "set": { "workload/jobs/0/mode": "dontcache" } } ] }
JSON
cat >"$work/sweep.json" <<'JSON'
{ "name": "local-vs-slurm", "scenario": "base.json",
  "axes": [ { "path": "devices/0/queue_depth", "values": [4, 32] },
            { "path": "workload/jobs/0/bs", "values": ["64KiB", "1MiB"] } ],
  "seeds": [1, 2, 3] }
JSON

"$foliosim" sweep "$work/sweep.json" -o "$work/local" -j 2
# 24 points in tasks of 5 (the last has 4), at most 2 at once; --wait aggregates when the array is done.
"$foliosim" sweep "$work/sweep.json" -o "$work/slurm" --slurm --array-chunk 5 --max-parallel 2 --wait
grep -q -- "--array=0-4%2" "$work/slurm/slurm/1/sweep.sbatch" || { echo "FAILED: not a 5-task array" >&2; exit 1; }
cmp "$work/local/sweep.csv" "$work/slurm/sweep.csv" || { echo "FAILED: sweep.csv differs" >&2; exit 1; }
[[ $(wc -l <"$work/slurm/sweep.csv") -eq 25 ]] || { echo "FAILED: not 24 rows" >&2; exit 1; }
ls "$work/slurm/slurm/1/"*_4.log >/dev/null || { echo "FAILED: no log of array task 4" >&2; exit 1; }

# --resume after points are lost submits only those; --collect aggregates them.
rm -rf "$work/slurm/points/$(sed -n 2p "$work/slurm/slurm/1/points.txt")"
"$foliosim" sweep --resume "$work/slurm" --slurm --wait | tee "$work/resume.log"
grep -q "1 points in 1 array task" "$work/resume.log" || { echo "FAILED: resume did not submit 1 point" >&2; exit 1; }
"$foliosim" sweep --collect "$work/slurm" >/dev/null
cmp "$work/local/sweep.csv" "$work/slurm/sweep.csv" || { echo "FAILED: sweep.csv differs after resume" >&2; exit 1; }
echo "1 passed, 0 failed"
