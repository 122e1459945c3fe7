#!/usr/bin/env python3
"""Runs the calibration scenarios and prints, per case, filesystem, mode and
figure, the kernel's median [min, max] over its runs, the simulated value and
whether it is in range, then how many figures are in range.

    python3 scenarios/calibration/compare.py [--foliosim build/foliosim]
        [--reference FILE ...] [--set path=value ...] [--cases c1,c2,c6]
        [--modes buffered,direct,dontcache]

The default reference is the project's copy of the kernel reference,
tests/data/kernel-reference/calibration.json; give --reference twice (say v1
and v2) to put them side by side. Each variant runs at every start state the
kernel's runs showed (blk-wbt's wb_normal at the first write, the bdi's write
bandwidth estimate, from the references' `initial_state`); a figure is in
range when the simulated value at every start state lies in [min, max].
Peaks and waves are what a sample between two write calls sees, as the
reference sampled cachestat in its write loop. Standard library only.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
DEFAULT_REFERENCE = os.path.join(ROOT, "tests", "data", "kernel-reference", "calibration.json")
PAGE = 4096
MIB = 2**20
QUEUE_DEPTH = 128  # the reference loop device's nr_requests (c*.json say so too)


def pages(bytes_):
    return bytes_ // PAGE


# (figure, reference key, simulated value from a variant's summary, judged):
# the judged ones are the figures the calibration is held to; the others are
# printed for information.
FIGURES = [
    ("write phase ms", "wall_excl_sampling_ms", lambda v: v["write_phase_s"] * 1e3, True),
    ("fsync ms", "fsync_ms", lambda v: v["fsync_latency_us"]["max"] / 1e3, True),
    ("p50 us", "lat_p50_us", lambda v: v["write_latency_us"]["p50"], True),
    ("p90 us", "lat_p90_us", lambda v: v["write_latency_us"]["p90"], False),
    ("p99 us", "lat_p99_us", lambda v: v["write_latency_us"]["p99"], True),
    ("p99.9 us", "lat_p999_us", lambda v: v["write_latency_us"]["p999"], False),
    ("peak cached pg", "peak_cache_pages", lambda v: pages(v["peak_between_writes"]["cached_bytes"]), True),
    ("peak dirty pg", "peak_dirty_pages", lambda v: pages(v["peak_between_writes"]["dirty_bytes"]), True),
    ("peak writeback pg", "peak_writeback_pages", lambda v: pages(v["peak_between_writes"]["writeback_bytes"]), True),
    ("after write cached pg", "cache_after_write_pages", lambda v: pages(v["after_write_phase"]["cached_bytes"]),
     True),
    ("after write dirty pg", "dirty_after_write_pages", lambda v: pages(v["after_write_phase"]["dirty_bytes"]),
     True),
    ("after write writeback pg", "writeback_after_write_pages",
     lambda v: pages(v["after_write_phase"]["writeback_bytes"]), True),
    ("cached after fsync pg", "cache_after_fsync_pages", lambda v: pages(v["page_cache_end_bytes"]), True),
    ("device write requests", "dev_write_ios", lambda v: v["device_write_requests"], True),
    ("device MiB", "dev_written_MiB", lambda v: v["device_write_bytes"] / MIB, False),
    ("first wb wave pg", "wb_wave_first_pages",
     lambda v: pages(v["writeback_waves_between_writes"]["first_bytes"]), True),
    ("wb wave (mode) pg", "wb_wave_mode_pages",
     lambda v: pages(v["writeback_waves_between_writes"]["most_frequent_bytes"]), True),
]


def wbt_wb_normal(step, queue_depth=QUEUE_DEPTH):
    """blk-wbt's wb_normal at a scale step (rq_depth_calc_max_depth, calc_wb_limits), to read the
    reference's recorded wb_normal back as the step a scenario takes."""
    depth = min(16, queue_depth)
    if step > 0:
        depth = 1 + ((depth - 1) >> step)
    elif step < 0:
        depth = min(1 + ((depth - 1) << -step), 3 * queue_depth // 4)
    return depth if depth <= 2 else (depth + 1) // 2


def scale_step_for(wb_normal):
    for step in range(-16, 17):
        if wbt_wb_normal(step) == wb_normal:
            return step
    sys.exit(f"compare.py: no blk-wbt scale step gives wb_normal {wb_normal} on a {QUEUE_DEPTH}-deep queue")


def start_states(rows):
    """The distinct start states the kernel's runs showed for one case/fs/mode, as --set overrides."""
    states = set()
    for row in rows:
        initial = row.get("initial_state")
        if not initial:
            continue
        bw_kib = initial["wb_write_bw_kBps_at_start"]
        for wb_normal in {initial["wbt_wb_normal_at_start"]["min"], initial["wbt_wb_normal_at_start"]["max"]}:
            for kib in {bw_kib["min"], bw_kib["max"]}:
                states.add((scale_step_for(wb_normal), int(kib)))
    return sorted(states, reverse=True) or [None]


def run_variant(foliosim, case, variant, state, overrides, tmp):
    out = os.path.join(tmp, f"{case}-{variant}-{len(os.listdir(tmp))}")
    cmd = [foliosim, "run", os.path.join(HERE, case + ".json"), "-o", out, "--variant", variant]
    if state is not None:
        step, kib = state
        cmd += ["--set", f"devices/0/initial_wbt_scale_step={step}",
                "--set", f"devices/0/initial_write_bandwidth={kib}KiBps"]
    for item in overrides:
        cmd += ["--set", item]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    with open(os.path.join(out, "summary.json")) as f:
        return json.load(f)["variants"][0]


def variant_names(case):
    with open(os.path.join(HERE, case + ".json")) as f:
        return [v["name"] for v in json.load(f)["variants"]]


def number(x):
    if isinstance(x, int) or float(x).is_integer() and abs(x) >= 100:
        return str(int(round(x)))
    return f"{x:.3g}" if abs(x) < 10 else f"{x:.1f}"


def in_range(stats, simulated):
    # The reference rounds to the unit's last digit; a simulated figure equal
    # to a bound within that rounding is inside.
    slack = 1e-9 * max(1.0, abs(stats["max"]))
    return all(stats["min"] - slack <= s <= stats["max"] + slack for s in simulated)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--foliosim", default=os.path.join(ROOT, "build", "foliosim"))
    parser.add_argument("--reference", action="append", help=f"kernel reference (default {DEFAULT_REFERENCE})")
    parser.add_argument("--set", action="append", default=[], help="path=value, passed on to foliosim run")
    parser.add_argument("--cases", default="c1,c2,c6", help="comma-separated cases to run")
    parser.add_argument("--modes", default="buffered,direct,dontcache", help="comma-separated modes to run")
    args = parser.parse_args()
    references = args.reference or [DEFAULT_REFERENCE]
    tables = []
    for path in references:
        with open(path) as f:
            tables.append({(r["case"], r["fs"], r["mode"]): r for r in json.load(f)["results"]})
    modes = args.modes.split(",")

    head = "| case | fs | mode | figure | simulated |"
    rule = "|---|---|---|---|---|"
    for path in references:
        name = os.path.relpath(path, ROOT)
        head += f" {name}: median [min, max] | in range |"
        rule += "---|---|"
    print(head)
    print(rule)
    counts = [{True: [0, 0], False: [0, 0]} for _ in references]
    with tempfile.TemporaryDirectory() as tmp:
        for case in args.cases.split(","):
            for variant in variant_names(case):
                fs, mode = variant.split("-")
                key = (case.upper(), fs, mode)
                if mode not in modes or not any(key in t for t in tables):
                    continue
                states = start_states([t[key] for t in tables if key in t])
                runs = [run_variant(args.foliosim, case, variant, s, args.set, tmp) for s in states]
                for figure, ref_key, simulate, judged in FIGURES:
                    if not any(key in t and ref_key in t[key]["stats"] for t in tables):
                        continue
                    simulated = [simulate(v) for v in runs]
                    cells = [f"| {key[0]} | {fs} | {mode} | {figure}{'' if judged else ' (info)'} | "
                             + " / ".join(number(s) for s in simulated) + " |"]
                    for i, t in enumerate(tables):
                        stats = t.get(key, {}).get("stats", {}).get(ref_key)
                        if stats is None:
                            cells.append(" — | — |")
                            continue
                        ok = in_range(stats, simulated)
                        counts[i][judged][0] += ok
                        counts[i][judged][1] += 1
                        cells.append(f" {number(stats['median'])} [{number(stats['min'])}, {number(stats['max'])}]"
                                     f" | {'yes' if ok else 'no'} |")
                    print("".join(cells))
    print()
    for path, count in zip(references, counts):
        judged, info = count[True], count[False]
        print(f"{os.path.relpath(path, ROOT)}: {judged[0]} of {judged[1]} judged figures in range "
              f"({100 * judged[0] / max(judged[1], 1):.0f} %), {info[0]} of {info[1]} others")
    print("Simulated: one value per start state the kernel showed (blk-wbt step and bdi bandwidth at the "
          "first write), most scaled-down first.", file=sys.stderr)


if __name__ == "__main__":
    main()
