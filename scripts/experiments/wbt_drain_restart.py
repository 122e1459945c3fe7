#!/usr/bin/env python3
# What blk-wbt's drains cost a small-block dontcache writer (root; about two
# minutes; needs xfsprogs, tracefs and a kernel with RWF_DONTCACHE).
#
# models/README.md (kDeviceOnGuestCpu): the reference's loop device moves
# C2's 4 KiB dontcache requests at 16.6 us each under XFS and 22 us under
# ext4, and the model has one pace for both. XFS's runs start at blk-wbt's
# 31/16, ext4's at 8/4, and with a write cache a throttled writer waits until
# nothing is left in flight (wbt_rqw_done), so the device restarts from idle
# every wb_normal requests: a restart of about 70 us would give both paces
# (it did not: models/README.md, kDeviceOnGuestCpu).
# This runs C2's workload (16384 calls of 4 KiB, RWF_DONTCACHE, then fsync)
# on a new loop device and filesystem as the reference does (page cache
# memory pretouched), with blk-wbt on as in the reference (`on`) and off
# (queue/wbt_lat_usec 0, `off`), and prints per run the write phase and the
# calls' p50, p90 and p99; then, in a traced run of each (block_rq_issue and
# block_rq_complete of the loop device's writes), how often the device went
# idle between requests, and the time from issue to completion of a request
# issued to an idle device and of one issued behind others.
#
# usage: sudo python3 scripts/experiments/wbt_drain_restart.py [ext4|xfs] [RUNS] [IMAGE]

import os
import re
import statistics
import time

import kernel_setup
from kernel_setup import RWF_DONTCACHE

FS, RUNS, IMG, MNT = kernel_setup.arguments("wbt", 3)
CALLS, BS = 16384, 4096
EVENTS = dict.fromkeys(["block/block_rq_issue", "block/block_rq_complete"])
LINE = re.compile(r"^\s*(?P<task>.+?)-(?P<pid>\d+)\s+\[(?P<cpu>\d+)\].*?\s(?P<ts>\d+\.\d+): "
                  r"(?P<event>block_rq_\w+): (?P<dev>\d+,\d+) (?P<rwbs>\w+) (?:\d+ )?\([^)]*\) "
                  r"(?P<sector>\d+) \+ (?P<n>\d+)")


def percentile(values, p):
    return values[min(len(values) - 1, int(p * len(values)))]


def writes(latencies_us=None):
    fd = kernel_setup.sequential_writes(MNT, CALLS, BS, RWF_DONTCACHE, latencies_us)
    os.fsync(fd)
    os.close(fd)


def set_wbt(loop, on):
    """blk-wbt as the reference has it, or off."""
    kernel_setup.set_wbt_lat_usec(loop, kernel_setup.WBT_LAT_USEC if on else "0")


def timed(on):
    def body(loop):
        set_wbt(loop, on)
        kernel_setup.pretouch()
        latencies = []
        t0 = time.perf_counter()
        writes(latencies)
        wall_ms = (time.perf_counter() - t0) * 1e3
        v = sorted(latencies)
        print(f"  wbt {'on ' if on else 'off'}: {wall_ms:.1f} ms with fsync ({sum(v) / CALLS:.1f} us a call), "
              f"p50 {percentile(v, 0.5):.1f} p90 {percentile(v, 0.9):.1f} p99 {percentile(v, 0.99):.1f} us",
              flush=True)

    return body


def traced(on):
    def body(loop):
        set_wbt(loop, on)
        kernel_setup.pretouch()
        lines = kernel_setup.trace_lines(EVENTS, writes, 65536)
        minor = os.stat(loop).st_rdev & 0xFF
        analyse(lines, f"7,{minor}", on)

    return body


def analyse(lines, dev, on):
    """Requests of the loop device's 4 KiB data writes: issue to complete, by
    whether the device had none in flight when it was issued."""
    inflight = {}  # sector -> (issue time, issued to an idle device)
    idle_us, behind_us, max_inflight = [], [], 0
    for line in lines:
        m = LINE.match(line)
        if not m or m["dev"] != dev or "W" not in m["rwbs"] or int(m["n"]) != 8:
            continue
        ts = float(m["ts"])
        if m["event"] == "block_rq_issue":
            inflight[m["sector"]] = (ts, not inflight)
            max_inflight = max(max_inflight, len(inflight))
        elif m["sector"] in inflight:
            t, idle = inflight.pop(m["sector"])
            (idle_us if idle else behind_us).append((ts - t) * 1e6)

    def spread(values):
        if not values:
            return "none"
        v = sorted(values)
        return f"n {len(v)}, p50 {statistics.median(v):.1f} p90 {percentile(v, 0.9):.1f} us"

    print(f"  traced, wbt {'on ' if on else 'off'}: at most {max_inflight} in flight; issued to an idle device "
          f"({spread(idle_us)}), behind others ({spread(behind_us)})", flush=True)


def main():
    def runs():
        for r in range(RUNS):
            print(f"{FS} run {r + 1}:")
            for on in (True, False):
                kernel_setup.mounted(FS, IMG, MNT, timed(on))
        for on in (True, False):
            kernel_setup.mounted(FS, IMG, MNT, traced(on))

    kernel_setup.with_image(IMG, lambda: kernel_setup.traced(runs))


if __name__ == "__main__":
    main()
