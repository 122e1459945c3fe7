#!/usr/bin/env python3
# Who uses the guest's CPUs while a writer runs C2's workload: the writer, the
# loop device's worker, the filesystem's completion work (root; about a minute;
# needs xfsprogs, tracefs and a kernel with RWF_DONTCACHE).
#
# models/README.md ("The device's pace while the writer runs",
# kDeviceOnGuestCpu): the reference's loop device moves C2's 4 KiB dontcache
# requests at 16.5 us each under XFS and 22 us under ext4, and the model has
# one pace for both. Its backing file is on the guest's own ext4, so each
# request is guest CPU (the loop worker's lo_rw_aio, the virtual disk's
# submission and interrupt) beside the writer and the completion work. This
# runs C2's workload (16384 calls of 4 KiB, then fsync; `c1`: C1's 256 calls
# of 1 MiB) per mode on a new loop device and filesystem as the reference
# does (page cache memory pretouched), and prints per run, over the write
# phase: its time, each thread's CPU time by kind (its schedstat, scaled to
# the write phase; the writer's own CPU time over the writes) and their sum
# (the vCPUs busy), and the workqueue functions' run time
# (workqueue_execute_start to _end), each per call.
#
# With FOLIOSIM_HOG=1 in the environment, a busy loop of the experiment's own
# runs beside the writer (a third runnable task on the two vCPUs): where the
# loop device is paced by the CPU the writer leaves free, C2's write phase
# slows.
#
# usage: sudo [FOLIOSIM_HOG=1] python3 scripts/experiments/guest_cpu_share.py [ext4|xfs] [RUNS] [IMAGE] [c2|c1]

import collections
import os
import re
import sys
import time

import kernel_setup
from kernel_setup import RWF_DONTCACHE

FS, RUNS, IMG, MNT = kernel_setup.arguments("cpu", 2)
CALLS, BS = (256, 1 << 20) if sys.argv[4:] == ["c1"] else (16384, 4096)
WRITES_DONE = "foliosim: writes done"
EVENTS = dict.fromkeys(["workqueue/workqueue_execute_start", "workqueue/workqueue_execute_end"])
LINE = re.compile(r"^\s*(?P<task>.+?)-(?P<pid>\d+)\s+\[(?P<cpu>\d+)\].*?\s(?P<ts>\d+\.\d+): "
                  r"(?P<event>workqueue_execute_\w+): work struct (?P<work>(0x)?[0-9a-f]+)(: function (?P<fn>\w+))?")


def thread_runtimes():
    """Every thread's CPU time so far (ns, schedstat) and name, by tid."""
    out = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            for tid in os.listdir(f"/proc/{pid}/task"):
                base = f"/proc/{pid}/task/{tid}"
                ns = int(open(base + "/schedstat").read().split()[0])
                out[int(tid)] = (open(base + "/comm").read().strip(), ns)
        except (FileNotFoundError, ProcessLookupError):
            continue
    return out


def hog():
    """A child that spins until killed (FOLIOSIM_HOG=1), else None."""
    if os.environ.get("FOLIOSIM_HOG") != "1":
        return None
    pid = os.fork()
    if pid == 0:
        while True:
            pass
    return pid


def workload_for(mode):
    def workload(loop):
        flags = RWF_DONTCACHE if mode == "dontcache" else 0
        state = {}

        def run():
            spinner = hog()
            try:
                timed_run()
            finally:
                if spinner:
                    os.kill(spinner, 9)
                    os.waitpid(spinner, 0)

        def timed_run():
            # Other threads' CPU is read between the middles of the two
            # walks of /proc; the writer's own is its CPU over the writes
            # alone (the walks are its CPU too).
            a = time.perf_counter()
            threads0 = thread_runtimes()
            t0, cpu0 = time.perf_counter(), time.thread_time_ns()
            fd = kernel_setup.sequential_writes(MNT, CALLS, BS, flags)
            state["write_s"], state["writer_ns"] = time.perf_counter() - t0, time.thread_time_ns() - cpu0
            c = time.perf_counter()
            threads1 = thread_runtimes()
            kernel_setup.tracefs("trace_marker", WRITES_DONE)
            state["window_s"] = (c + time.perf_counter()) / 2 - (a + t0) / 2
            state["threads"] = (threads0, threads1)
            os.fsync(fd)
            os.close(fd)

        kernel_setup.pretouch()
        lines = kernel_setup.trace_lines(EVENTS, run, 65536)
        return analyse(state, lines)

    return workload


def analyse(state, lines):
    write_s = state["write_s"]
    by_kind = collections.Counter()
    threads0, threads1 = state["threads"]
    for tid, (comm, ns) in threads1.items():
        if tid != os.getpid():
            by_kind[kernel_setup.thread_kind(comm)] += (ns - threads0.get(tid, (comm, 0))[1]) * write_s / state["window_s"]
    by_kind["writer"] = state["writer_ns"]
    # Workqueue functions' run times up to the end of the writes.
    started, fn_us, fn_runs = {}, collections.Counter(), collections.Counter()
    for line in lines:
        if WRITES_DONE in line:
            break
        m = LINE.search(line)
        if not m:
            continue
        key = (m["cpu"], m["work"])
        if m["event"] == "workqueue_execute_start":
            started[key] = (float(m["ts"]), m["fn"])
        elif key in started:
            t, fn = started.pop(key)
            fn_us[fn] += (float(m["ts"]) - t) * 1e6
            fn_runs[fn] += 1
    us = lambda ns: ns / 1e3 / CALLS
    busy = sum(by_kind.values()) / 1e9 / write_s
    print(f"  write phase {write_s * 1e3:.1f} ms ({write_s * 1e6 / CALLS:.1f} us a call); vCPUs busy {busy:.2f}")
    print("  thread CPU a call (us): " + ", ".join(f"{k} {us(v):.2f}" for k, v in by_kind.most_common() if v > 0))
    print("  workqueue functions (us a call, runs): " +
          ", ".join(f"{fn} {v / CALLS:.2f} ({fn_runs[fn]})" for fn, v in fn_us.most_common(6)))


def main():
    def runs():
        for mode in ("dontcache", "buffered"):
            for r in range(RUNS):
                print(f"{FS} {mode} run {r + 1}:")
                kernel_setup.mounted(FS, IMG, MNT, workload_for(mode))

    kernel_setup.with_image(IMG, lambda: kernel_setup.traced(runs))


if __name__ == "__main__":
    main()
