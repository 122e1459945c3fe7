#!/usr/bin/env python3
# Where are a dontcache writer's pages under writeback: at the device, or
# completed by it and waiting for the completion workqueue? (root; about 20 s;
# needs xfsprogs, tracefs and a kernel with RWF_DONTCACHE.)
#
# The model's dontcache peaks under writeback on ext4 are below the kernel's
# (models/README.md, "Dontcache run-ahead"): C1 512 pages against 1280 [1280,
# 2816]. This runs C1's workload (256 calls of 1 MiB, RWF_DONTCACHE, fsync)
# on a new loop device and filesystem as the reference does, with tracefs
# recording block_rq_issue / block_rq_complete of the loop device,
# mm_filemap_delete_from_page_cache of its filesystem (a drop-behind folio
# dropped at the end of its writeback) and the workqueue events. It prints
# per run: the peak of data pages issued and not completed by the device, the
# peak of pages completed and not yet dropped, the peak of both together
# (what cachestat counts as under writeback), who dropped the folios, and the
# completion workqueue's delays (queued to running) and run lengths.
#
# usage: sudo python3 scripts/experiments/dontcache_completion_lag.py [ext4|xfs] [RUNS] [IMAGE]

import collections
import os
import re
import statistics

import kernel_setup
from kernel_setup import RWF_DONTCACHE

FS, RUNS, IMG, MNT = kernel_setup.arguments("lag", 3)
EVENTS = ["block/block_rq_issue", "block/block_rq_complete", "filemap/mm_filemap_delete_from_page_cache",
          "workqueue/workqueue_queue_work", "workqueue/workqueue_execute_start", "workqueue/workqueue_execute_end"]
WORK_FUNCTIONS = ("ext4_end_io_rsv_work", "xfs_end_io")
# A trace line: task-pid [cpu] flags timestamp: event: fields.
LINE = re.compile(r"^\s*(?P<task>.+?)-(?P<pid>\d+)\s+\[(?P<cpu>\d+)\].*?\s(?P<ts>\d+\.\d+): "
                  r"(?P<event>\w+): (?P<rest>.*)$")


def traced_workload(loop):
    """C1's dontcache workload on the filesystem at MNT, traced; what analyse() finds."""
    lines = kernel_setup.trace_lines(dict.fromkeys(EVENTS), lambda: kernel_setup.c1_writes(MNT, RWF_DONTCACHE),
                                     65536)
    minor = os.stat(loop).st_rdev & 0xFF
    return analyse(lines, f"7,{minor}", minor)


def analyse(lines, dev_text, minor):
    issued = completed = dropped = 0  # data pages (requests of 64 KiB and more: not the log)
    peak_device = peak_lag = peak_both = 0
    droppers = collections.Counter()
    queued_at, delays_us, runs_us, started = {}, [], [], {}
    for line in lines:
        m = LINE.match(line)
        if not m:
            continue
        event, rest, ts = m["event"], m["rest"], float(m["ts"])
        if event in ("block_rq_issue", "block_rq_complete"):
            if not rest.startswith(dev_text + " ") or " W" not in rest.split("(")[0]:
                continue
            sectors = re.search(r"\+ (\d+)", rest)
            pages = int(sectors[1]) * 512 // 4096 if sectors else 0
            if pages < 16:
                continue
            if event == "block_rq_issue":
                issued += pages
            else:
                completed += pages
        elif event == "mm_filemap_delete_from_page_cache":
            if f"dev 7:{minor} " not in rest:
                continue
            dropped += 1 << int(re.search(r"order=(\d+)", rest)[1])
            droppers[re.sub(r"\d+", "N", m["task"].strip())] += 1
        elif event.startswith("workqueue_"):
            work = re.search(r"work struct[= ](0x)?([0-9a-f]+)", rest)
            key = work[2] if work else None
            if event == "workqueue_queue_work" and any(f in rest for f in WORK_FUNCTIONS):
                queued_at.setdefault(key, ts)
            elif event == "workqueue_execute_start" and any(f in rest for f in WORK_FUNCTIONS):
                if key in queued_at:
                    delays_us.append((ts - queued_at.pop(key)) * 1e6)
                started[key] = ts
            elif event == "workqueue_execute_end" and key in started:
                runs_us.append((ts - started.pop(key)) * 1e6)
            continue
        else:
            continue
        device = issued - completed
        lag = completed - dropped
        peak_device = max(peak_device, device)
        peak_lag = max(peak_lag, lag)
        peak_both = max(peak_both, device + lag)

    def spread(values):
        if not values:
            return "none"
        v = sorted(values)
        return f"n {len(v)} p50 {statistics.median(v):.0f} p90 {v[int(0.9 * (len(v) - 1))]:.0f} max {v[-1]:.0f}"

    return {
        "peak at device (pages)": peak_device,
        "peak completed, not dropped (pages)": peak_lag,
        "peak under writeback (pages)": peak_both,
        "folios dropped by": dict(droppers),
        "workqueue delay us": spread(delays_us),
        "workqueue run us": spread(runs_us),
    }


def main():
    for _ in range(RUNS):
        print(FS, kernel_setup.mounted(FS, IMG, MNT, traced_workload), flush=True)


kernel_setup.traced(lambda: kernel_setup.with_image(IMG, main))
