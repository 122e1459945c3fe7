#!/usr/bin/env bash
# Checks that a change leaves every result byte-identical: builds BASE (a git
# ref, default origin/main or main) in a scratch worktree, runs every shipped
# scenario with it and with build/foliosim, and compares every file of the two
# results directories except run_info.json (wall times, host) and the PNGs
# (rasterised by gnuplot from the identical SVG data) and the results marker. The version string is
# the only line allowed to differ. With --sorted-summary, summary.json is
# compared with its keys sorted (the same figures and values in another order);
# --ignore-keys=a,b also drops those per-variant keys (figures the change adds);
# --ignore-columns=a,b drops those columns from every CSV (series the change adds).
#
#   scripts/check_identical.sh [BASE] [--all] [--sorted-summary] [--ignore-keys=..] [--ignore-columns=..]
#   (--all: also the Axboe scenario, minutes)
#
# Exit 0 when identical, 1 with the differing files listed.
set -euo pipefail
cd "$(dirname "$0")/.."
base=""; all=0; sorted=0; ignore=""; columns=""
for arg in "$@"; do
  case "$arg" in
    --all) all=1 ;;
    --sorted-summary) sorted=1 ;;
    --ignore-keys=*) ignore="${arg#--ignore-keys=}"; sorted=1 ;;
    --ignore-columns=*) columns="${arg#--ignore-columns=}" ;;
    *) base="$arg" ;;
  esac
done
[ -n "$base" ] || base=$(git rev-parse --verify -q origin/main >/dev/null && echo origin/main || echo main)
work=$(mktemp -d /tmp/foliosim-identical.XXXXXX)
trap 'rm -rf "$work"' EXIT
# The base's binary is kept by commit, so checking again after a fix does not rebuild it.
sha=$(git rev-parse --verify "$base^{commit}")
base_bin="${TMPDIR:-/tmp}/foliosim-base-$sha/foliosim"
if [ ! -x "$base_bin" ]; then
  echo "check_identical: building $base ($sha)"
  src="$work/base"
  git worktree add --detach -q "$src" "$sha"
  cmake -S "$src" -B "$src/build" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$src/build" -j "${JOBS:-2}" --target foliosim >/dev/null
  mkdir -p "$(dirname "$base_bin")"
  cp "$src/build/foliosim" "$base_bin"
  git worktree remove --force "$src"
fi
scripts/build.sh >/dev/null

scenarios=(scenarios/*.json scenarios/calibration/*.json)
status=0
for s in "${scenarios[@]}"; do
  name=$(basename "$s" .json)
  case "$name" in axboe_*) [ $all -eq 0 ] && continue ;; esac
  "$base_bin" run "$s" -o "$work/a/$name" >/dev/null 2>&1 || echo "check_identical: $s: base run failed"
  build/foliosim run "$s" -o "$work/b/$name" >/dev/null 2>&1 || echo "check_identical: $s: new run failed"
  for dir in a b; do
    find "$work/$dir/$name" -name run_info.json -delete -o -name '*.png' -delete -o -name .foliosim-results -delete
    find "$work/$dir/$name" -type f -exec sed -i -E 's/"foliosim_version": "[^"]*"/"foliosim_version": "X"/' {} +
    if [ $sorted -eq 1 ]; then
      python3 -c 'import json,sys
p, ignore = sys.argv[1], [k for k in sys.argv[2].split(",") if k]
d = json.load(open(p))
for v in d["variants"]:
    for k in ignore: v.pop(k, None)
json.dump(d, open(p, "w"), indent=1, sort_keys=True)' "$work/$dir/$name/summary.json" "$ignore"
    fi
    if [ -n "$columns" ]; then
      find "$work/$dir/$name" -name '*.csv' -print0 | xargs -0 -r python3 -c 'import csv,sys
drop = set(sys.argv[1].split(","))
for p in sys.argv[2:]:
    rows = list(csv.reader(open(p)))
    if not rows: continue
    keep = [i for i, k in enumerate(rows[0]) if k not in drop]
    with open(p, "w", newline="") as f: csv.writer(f, lineterminator="\n").writerows([[r[i] for i in keep] for r in rows])' "$columns"
    fi
  done
  if diff -rq "$work/a/$name" "$work/b/$name" >"$work/diff.txt"; then
    echo "identical: $name"
  else
    status=1
    echo "DIFFERENT: $name"
    sed 's/^/  /' "$work/diff.txt"
  fi
done
exit $status
