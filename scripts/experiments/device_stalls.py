#!/usr/bin/env python3
# How often, and how long, the loop device stalls below the block layer (root;
# about 10 s; needs losetup).
#
# The O_DIRECT p99.9 of the kernel reference sits far above the body (C2 XFS
# 852 us on a 137 us p50): the model's devices/*/stall_rate and stall_mean
# (models/README.md, "Latency spread"). This writes the raw loop device (direct
# I/O, over a fully written image, as the reference's) with O_DIRECT at queue
# depth 1, 2000 calls of 1 MiB then 20000 of 4 KiB, times each call, and prints
# the percentiles and, per threshold, the calls that far above the median: how
# many a second of the run and their mean excess. Stalls of the host show as
# the same rate in time for both sizes.
#
# usage: sudo python3 scripts/experiments/device_stalls.py [RUNS] [IMAGE]

import mmap
import os
import statistics
import sys
import time

import kernel_setup

RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 3
IMAGE = sys.argv[2] if len(sys.argv) > 2 else "/tmp/foliosim-stalls.img"
IMAGE_BYTES = 2 << 30


def timed_writes(fd, bs, count):
    """Microseconds of each of `count` O_DIRECT writes of `bs`, in order over the device; the run's seconds."""
    buf = mmap.mmap(-1, bs)  # page-aligned, as O_DIRECT needs
    buf.write(b"\1" * bs)
    times_us = []
    start = time.perf_counter()
    for i in range(count):
        t0 = time.perf_counter_ns()
        os.pwritev(fd, [buf], (i * bs) % IMAGE_BYTES)
        times_us.append((time.perf_counter_ns() - t0) / 1000)
    return times_us, time.perf_counter() - start


def report(bs, times_us, wall_s):
    s = sorted(times_us)
    q = lambda p: s[min(len(s) - 1, int(p * len(s)))]
    median = q(0.5)
    print(f"{bs >> 10} KiB: {len(s)} calls in {wall_s:.2f} s, p50 {median:.0f} p90 {q(.9):.0f} p99 {q(.99):.0f}"
          f" p99.9 {q(.999):.0f} max {s[-1]:.0f} us")
    for above_us in (200, 500, 1000, 2000):
        excess = [t - median for t in times_us if t - median > above_us]
        mean = statistics.mean(excess) if excess else 0
        rate = len(excess) / wall_s
        print(f"  over p50 + {above_us} us: {len(excess)} ({rate:.1f} a second), mean excess {mean:.0f} us")


def run(loop):
    fd = os.open(loop, os.O_WRONLY | os.O_DIRECT)
    try:
        for bs, count in ((1 << 20, 2000), (4096, 20000)):
            report(bs, *timed_writes(fd, bs, count))
    finally:
        os.close(fd)


def main():
    for r in range(RUNS):
        print(f"run {r + 1}")
        loop = kernel_setup.sh("losetup", "--direct-io=on", "-f", "--show", IMAGE)
        try:
            run(loop)
        finally:
            kernel_setup.sh("losetup", "-d", loop)


kernel_setup.with_image(IMAGE, main)
