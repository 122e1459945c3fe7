#!/usr/bin/env python3
# Which sleeping locks a dontcache writer and the threads beside it wait on
# during C2's workload (root; about a minute; needs tracefs with the lock
# contention events and a kernel with RWF_DONTCACHE).
#
# models/README.md (kDeviceOnGuestCpu): ext4's dontcache writer runs C2 at
# about twice XFS's time a call, and a busy loop beside it does not slow it,
# so free CPU does not set its pace. A candidate: the writer's writepages and
# ext4's unwritten-extent conversion both take the inode's i_data_sem (and
# start journal handles), so they take turns. This runs C2's workload (16384
# calls of 4 KiB, then fsync) on a new loop device and filesystem, page cache
# memory pretouched, with lock:contention_begin (and its kernel stack) and
# lock:contention_end on, and prints per run the write phase and, by thread
# kind the total wait a call, and by kind and by the function that waited
# (the first filesystem or writeback function on the stack) the waits.
#
# usage: sudo python3 scripts/experiments/ext4_lock_turns.py [ext4|xfs] [RUNS] [IMAGE] [dontcache|buffered]

import collections
import os
import re
import sys
import time

import kernel_setup
from kernel_setup import RWF_DONTCACHE

FS, RUNS, IMG, MNT = kernel_setup.arguments("locks", 3)
MODE = sys.argv[4] if len(sys.argv) > 4 else "dontcache"
CALLS, BS = 16384, 4096
WRITES_DONE = "foliosim: writes done"
EVENTS = dict.fromkeys(["lock/contention_begin", "lock/contention_end"])
HEAD = re.compile(r"^\s*(?P<task>.+?)-(?P<pid>\d+)\s+\[(?P<cpu>\d+)\].*?\s(?P<ts>\d+\.\d+): (?P<event>\w+): "
                  r"(?P<rest>.*)$")
FRAME = re.compile(r"^\s*=> (?P<fn>[\w.]+)")
# The frame that names a wait: the first of these prefixes from the top.
OWNERS = ("ext4_", "jbd2", "xfs_", "iomap_", "filemap_", "folio_", "mpage_", "blk_", "loop_", "lo_",
          "write_cache_pages", "writeback_", "do_writepages", "__writeback", "wb_")


def kind(task, pid, writer):
    return "writer" if int(pid) == writer else kernel_setup.thread_kind(task)


def workload(loop):
    flags = RWF_DONTCACHE if MODE == "dontcache" else 0
    state = {}

    def run():
        t0 = time.perf_counter()
        fd = kernel_setup.sequential_writes(MNT, CALLS, BS, flags)
        state["write_s"] = time.perf_counter() - t0
        kernel_setup.tracefs("trace_marker", WRITES_DONE)
        os.fsync(fd)
        os.close(fd)

    kernel_setup.pretouch()
    kernel_setup.tracefs("events/lock/contention_begin/trigger", "stacktrace")
    try:
        lines = kernel_setup.trace_lines(EVENTS, run, 131072)
    finally:
        kernel_setup.tracefs("events/lock/contention_begin/trigger", "!stacktrace")
    analyse(state["write_s"], lines)


def analyse(write_s, lines):
    """Pairs each contention_begin with its task's next contention_end, up to
    the end of the writes; names the wait by its stack's first owner frame."""
    writer = os.getpid()
    open_waits = {}  # pid -> [ts, kind, flags, owner frame or "?"]
    stack_of = None  # the wait whose stack the next frames are
    waits, wait_us, kind_us = collections.Counter(), collections.Counter(), collections.Counter()
    for line in lines:
        if WRITES_DONE in line:
            break
        frame = FRAME.match(line)
        if frame:
            if stack_of and stack_of[3] == "?" and frame["fn"].startswith(OWNERS):
                stack_of[3] = frame["fn"]
            continue
        m = HEAD.match(line)
        if not m:
            continue  # the stack's own header line
        stack_of = None
        if m["event"] == "contention_begin":
            flags = re.search(r"flags=([\w|]+)", m["rest"])
            stack_of = open_waits[m["pid"]] = [float(m["ts"]), kind(m["task"], m["pid"], writer),
                                               flags[1] if flags else "?", "?"]
        elif m["event"] == "contention_end" and m["pid"] in open_waits:
            ts, k, flags, owner = open_waits.pop(m["pid"])
            us = (float(m["ts"]) - ts) * 1e6
            waits[(k, owner, flags)] += 1
            wait_us[(k, owner, flags)] += us
            kind_us[k] += us
    print(f"  write phase {write_s * 1e3:.1f} ms ({write_s * 1e6 / CALLS:.1f} us a call); waits a call, all locks: "
          + ", ".join(f"{k} {us / CALLS:.2f} us" for k, us in kind_us.most_common()))
    for key, total in wait_us.most_common(12):
        k, owner, flags = key
        print(f"  {k:10} {owner:36} {flags:12} {waits[key]:6} waits, {total / 1e3:8.2f} ms "
              f"({total / CALLS:.2f} us a call)")


def main():
    def runs():
        for r in range(RUNS):
            print(f"{FS} {MODE} run {r + 1}:")
            kernel_setup.mounted(FS, IMG, MNT, workload)

    kernel_setup.with_image(IMG, lambda: kernel_setup.traced(runs))


if __name__ == "__main__":
    main()
