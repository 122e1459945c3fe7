#!/usr/bin/env python3
"""Runs the calibration scenarios and prints, as markdown, measured (the kernel
reference's medians) / simulated / error for every case, filesystem and mode.

    python3 scenarios/calibration/compare.py [--foliosim build/foliosim]
        [--reference /work/shared/kernel-reference/calibration.json] [--set path=value ...]
        [--modes buffered,direct,dontcache]

Peaks are what a sample between two write calls sees (peak_between_writes,
sampled every cachestat_every calls), as the reference sampled cachestat in
its write loop. Standard library only.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PAGE = 4096
STATES = ("cached_bytes", "dirty_bytes", "writeback_bytes")


def run(foliosim, case, out, overrides):
    cmd = [foliosim, "run", os.path.join(HERE, case + ".json"), "-o", out]
    for item in overrides:
        cmd += ["--set", item]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    with open(os.path.join(out, "summary.json")) as f:
        return json.load(f)["variants"]


def write_loop_peaks(variant):
    # What a cachestat sample between write calls can see, as the reference samples.
    seen = variant["peak_between_writes"]
    return [seen[k] // PAGE for k in STATES]


def relative(measured, simulated):
    if measured == 0:
        return "exact" if simulated == 0 else "n/a"
    return f"{(simulated - measured) / measured * 100:+.1f} %"


def exact_or_relative(measured, simulated):
    return "exact" if measured == simulated else relative(measured, simulated)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--foliosim", default=os.path.join(ROOT, "build", "foliosim"))
    parser.add_argument("--reference", default="/work/shared/kernel-reference/calibration.json")
    parser.add_argument("--set", action="append", default=[], help="path=value, passed on to foliosim run")
    parser.add_argument("--modes", default="buffered,direct,dontcache", help="comma-separated modes to list")
    args = parser.parse_args()
    modes = args.modes.split(",")
    with open(args.reference) as f:
        reference = json.load(f)
    measured = {(r["case"], r["fs"], r["mode"]): {k: v["median"] for k, v in r["stats"].items()}
                for r in reference["results"]}

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for case in ("c1", "c2", "c6"):
            out = os.path.join(tmp, case)
            for v in run(args.foliosim, case, out, args.set):
                fs, mode = v["variant"].split("-")
                if mode not in modes:
                    continue
                m = measured[(case.upper(), fs, mode)]
                peak = write_loop_peaks(v)
                after = [v["after_write_phase"][k] // PAGE for k in STATES]
                wall, p50 = v["write_phase_s"] * 1e3, v["write_latency_us"]["p50"]
                fsync = v["fsync_latency_us"]["max"] / 1e3
                dev_mib = v["device_write_bytes"] / 2**20
                # The file's data: what the device wrote less the filesystem's log writes.
                data_mib = (v["device_write_bytes"] - v.get("device_log_write_bytes", 0)) / 2**20
                m_after = [int(m[k]) for k in ("cache_after_write_pages", "dirty_after_write_pages",
                                                "writeback_after_write_pages")]
                rows.append((case.upper(), fs, mode, [
                    f"{m['wall_excl_sampling_ms']:.1f} / {wall:.1f} / {relative(m['wall_excl_sampling_ms'], wall)}",
                    f"{m['lat_p50_us']:.1f} / {p50:.1f} / {relative(m['lat_p50_us'], p50)}",
                    f"{m['dev_written_MiB']:.3f} / {dev_mib:.3f} / {relative(m['dev_written_MiB'], dev_mib)} "
                    + ("(data: exact)" if data_mib == m["app_MiB"] else "(data: differs)"),
                    f"{int(m['dev_write_ios'])} / {v['device_write_requests']} / "
                    + exact_or_relative(m["dev_write_ios"], v["device_write_requests"]),
                    *(f"{int(m[k])} / {p} / {exact_or_relative(m[k], p)}"
                      for k, p in zip(("peak_cache_pages", "peak_dirty_pages", "peak_writeback_pages"), peak)),
                    "{} / {} / {}".format("/".join(map(str, m_after)), "/".join(map(str, after)),
                                          "exact" if m_after == after else "differs"),
                    f"{int(m['cache_after_fsync_pages'])} / {v['page_cache_end_bytes'] // PAGE} / "
                    + exact_or_relative(m["cache_after_fsync_pages"], v["page_cache_end_bytes"] // PAGE),
                    f"{m['fsync_ms']:.1f} / {fsync:.1f} / {relative(m['fsync_ms'], fsync)}",
                ]))

    heads = ["wall ms", "p50 us", "device MiB", "device requests", "peak cached pg", "peak dirty pg",
             "peak writeback pg", "after write cached/dirty/wb pg", "cached after fsync pg", "fsync ms"]
    for columns in (range(0, 4), range(4, 10)):
        print("| case | fs | mode | " + " | ".join(heads[i] for i in columns) + " |")
        print("|---|---|---|" + "---|" * len(columns))
        for case, fs, mode, cells in rows:
            print(f"| {case} | {fs} | {mode} | " + " | ".join(cells[i] for i in columns) + " |")
        print()
    print("Cells: measured / simulated / error.", file=sys.stderr)


if __name__ == "__main__":
    main()
