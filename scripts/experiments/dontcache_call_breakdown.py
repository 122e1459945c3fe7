#!/usr/bin/env python3
# What a 1 MiB write call spends its time on, buffered and dontcache, and what
# ext4's writepages costs a page in a dontcache kick and in fsync. (root;
# about 30 s; needs xfsprogs, tracefs and a kernel with RWF_DONTCACHE.)
#
# models/README.md ("ext4's writepages cost per block"): C1's dontcache p50s
# put 0.305 us a block into the kick's writepages on ext4, while C1's buffered
# fsync, which runs the same writepages over the file, allows at most 0.03.
# This runs C1's workload (256 calls of 1 MiB, then fsync) per mode on a new
# loop device and filesystem, as the reference does, tracing the writer's own
# pwritev2 and fsync calls, its context switches and ext4's writepages
# (ext4_writepages / ext4_writepages_result), and prints per run the calls'
# p50 time, time on and off the CPU within them, the kick's writepages time,
# and fsync's writepages time per page.
#
# usage: sudo python3 scripts/experiments/dontcache_call_breakdown.py [ext4|xfs] [RUNS] [IMAGE]

import os
import re
import statistics

import kernel_setup
from kernel_setup import MiB, RWF_DONTCACHE

FS, RUNS, IMG, MNT = kernel_setup.arguments("calls", 2)
PID = os.getpid()
EVENTS = {
    "syscalls/sys_enter_pwritev": f"common_pid == {PID}",  # os.pwritev without flags
    "syscalls/sys_exit_pwritev": f"common_pid == {PID}",
    "syscalls/sys_enter_pwritev2": f"common_pid == {PID}",
    "syscalls/sys_exit_pwritev2": f"common_pid == {PID}",
    "syscalls/sys_enter_fsync": f"common_pid == {PID}",
    "syscalls/sys_exit_fsync": f"common_pid == {PID}",
    "ext4/ext4_writepages": f"common_pid == {PID}",
    "ext4/ext4_writepages_result": f"common_pid == {PID}",
    "sched/sched_switch": f"prev_pid == {PID} || next_pid == {PID}",
}
# A trace line's time, event and fields; a system call's entry prints as
# "sys_NAME(args)", its exit as "sys_NAME -> value".
LINE = re.compile(r"\s(?P<ts>\d+\.\d+): (?P<event>\w+)(?P<call>\(| -> |: )(?P<rest>.*)$")


def workload_for(mode):
    def workload(loop):
        kernel_setup.pretouch()
        flags = RWF_DONTCACHE if mode == "dontcache" else 0
        lines = kernel_setup.trace_lines(EVENTS, lambda: kernel_setup.c1_writes(MNT, flags), 16384)
        return analyse(lines)

    return workload


def analyse(lines):
    calls, on_cpu, writepages = [], [], []  # us, per pwritev(2) call
    fsync_writepages_us = fsync_pages = 0
    in_call = in_fsync = False
    call_start = off_since = wp_start = None
    off = wp = 0.0
    wp_off = 0.0  # off the CPU within the current writepages (fsync's waits for blk-wbt and tags)
    for line in lines:
        m = LINE.search(line)
        if not m:
            continue
        ts, event, rest = float(m["ts"]), m["event"], m["rest"]
        if m["call"] != ": ":  # sys_pwritev2( is sys_enter_pwritev, sys_fsync -> is sys_exit_fsync
            event = event.replace("sys_", "sys_enter_" if m["call"] == "(" else "sys_exit_", 1)
            event = event.replace("pwritev2", "pwritev")
        if event == "sys_enter_pwritev":
            in_call, call_start, off, wp = True, ts, 0.0, 0.0
        elif event == "sys_exit_pwritev" and in_call:
            in_call = False
            calls.append((ts - call_start) * 1e6)
            on_cpu.append((ts - call_start - off) * 1e6)
            writepages.append(wp * 1e6)
        elif event == "sys_enter_fsync":
            in_fsync = True
        elif event == "sys_exit_fsync":
            in_fsync = False
        elif event == "sched_switch":
            if f"prev_pid={PID} " in rest:
                off_since = ts
            elif f"next_pid={PID} " in rest and off_since is not None:
                if in_call:
                    off += ts - off_since
                if wp_start is not None:
                    wp_off += ts - off_since
                off_since = None
        elif event == "ext4_writepages":
            wp_start, wp_off = ts, 0.0
        elif event == "ext4_writepages_result" and wp_start is not None:
            if in_call:
                wp += ts - wp_start - wp_off
            elif in_fsync:
                fsync_writepages_us += (ts - wp_start - wp_off) * 1e6
                fsync_pages += int(re.search(r"pages_written (\d+)", rest)[1])
            wp_start = None

    def p50(values):
        return round(statistics.median(values), 1) if values else None

    return {
        "calls": len(calls),
        "p50 call us": p50(calls),
        "p50 on cpu us": p50(on_cpu),
        "p50 off cpu us": p50([c - o for c, o in zip(calls, on_cpu)]),
        "p50 kick writepages on cpu us": p50(writepages),
        "fsync writepages on cpu us/page": round(fsync_writepages_us / fsync_pages, 3) if fsync_pages else None,
    }


def main():
    for _ in range(RUNS):
        for mode in ("buffered", "dontcache"):
            print(FS, mode, kernel_setup.mounted(FS, IMG, MNT, workload_for(mode)), flush=True)


kernel_setup.traced(lambda: kernel_setup.with_image(IMG, main))
