#!/usr/bin/env python3
# Does a fresh filesystem's first allocation hold dontcache writeback back? (root;
# about 15 s; needs xfsprogs and a kernel with RWF_DONTCACHE and cachestat.)
#
# The model's filesystem/fresh_mount: the first allocation in an allocation
# group reads its free-space headers, and blk-wbt's close_io then holds
# writeback to wb_background for 100 ms. This runs C1's XFS dontcache
# workload (256 calls of 1 MiB, RWF_DONTCACHE, cachestat after each call) on
# a new loop device and filesystem, "fresh" as mounted, and "warm" after a
# first file written and fsynced 0.5 s before (its metadata read by then),
# three times each, and prints per run: the peak of the file's pages under
# writeback, the write phase in ms, the device reads during the workload and
# wbt_lat_usec. models/README.md ("fresh_mount") has what it printed.
#
# usage: sudo python3 scripts/experiments/dontcache_after_metadata_reads.py [xfs|ext4] [warm|timeline] [IMAGE]
#   xfs (default) or ext4 (mkfs.ext4 -E nodiscard,lazy_itable_init=0, as the
#   reference); warm (default): the fresh against warm runs above; timeline:
#   1 GiB in 4 MiB dontcache calls on a fresh filesystem, twice, printing per
#   64 MiB the peak under writeback, the device reads so far (XFS reads a new
#   allocation group's headers at 256 and 512 MiB), the calls' p50 and the
#   time; IMAGE: a 2 GiB image file to use (made, fully written, if missing;
#   default /tmp/foliosim-closeio.img, removed at the end if made here).

import ctypes
import os
import sys
import time

import kernel_setup
from kernel_setup import MiB, RWF_DONTCACHE

SYS_CACHESTAT = 451  # x86-64
FS = sys.argv[1] if len(sys.argv) > 1 else "xfs"
MODE = sys.argv[2] if len(sys.argv) > 2 else "warm"
IMG = sys.argv[3] if len(sys.argv) > 3 else "/tmp/foliosim-closeio.img"
MNT = "/tmp/foliosim-closeio-mnt"
libc = ctypes.CDLL(None, use_errno=True)


class CachestatRange(ctypes.Structure):
    _fields_ = [("off", ctypes.c_uint64), ("len", ctypes.c_uint64)]


class Cachestat(ctypes.Structure):
    _fields_ = [(n, ctypes.c_uint64) for n in ("cache", "dirty", "writeback", "evicted", "recently_evicted")]


def writeback_pages(fd):
    whole, stat = CachestatRange(0, 0), Cachestat()
    if libc.syscall(SYS_CACHESTAT, fd, ctypes.byref(whole), ctypes.byref(stat), 0) != 0:
        raise OSError(ctypes.get_errno(), "cachestat")
    return stat.writeback


def device_reads(dev):
    return int(open(f"/sys/block/{dev}/stat").read().split()[0])


def mounted(body):
    """A fresh FS on a new loop device over IMG: body(dev name)."""
    return kernel_setup.mounted(FS, IMG, MNT, lambda loop: body(os.path.basename(loop)))


def fresh_or_warm(warm):
    def body(dev):
        if warm:  # a first file's allocation reads the headers, 0.5 s before the workload
            fd = os.open(MNT + "/warm", os.O_CREAT | os.O_WRONLY, 0o644)
            os.pwrite(fd, b"\0" * MiB, 0)
            os.fsync(fd)
            os.close(fd)
            time.sleep(0.5)
        reads_before = device_reads(dev)
        fd = os.open(MNT + "/f", os.O_CREAT | os.O_WRONLY, 0o644)
        buf, peak, start = b"\1" * MiB, 0, time.monotonic()
        for i in range(256):
            os.pwritev(fd, [buf], i * MiB, RWF_DONTCACHE)
            peak = max(peak, writeback_pages(fd))
        wall_ms = round((time.monotonic() - start) * 1000, 1)
        os.fsync(fd)
        os.close(fd)
        wbt = open(f"/sys/block/{dev}/queue/wbt_lat_usec").read().strip()
        return peak, wall_ms, device_reads(dev) - reads_before, wbt

    return mounted(body)


def timeline(dev):
    rows, peak, latencies = [], 0, []
    reads_before, start = device_reads(dev), time.monotonic()
    fd = os.open(MNT + "/f", os.O_CREAT | os.O_WRONLY, 0o644)
    buf = b"\1" * (4 * MiB)
    for i in range(256):
        t = time.monotonic()
        os.pwritev(fd, [buf], i * 4 * MiB, RWF_DONTCACHE)
        latencies.append(time.monotonic() - t)
        peak = max(peak, writeback_pages(fd))
        if (i + 1) % 16 == 0:
            p50_us = round(sorted(latencies)[len(latencies) // 2] * 1e6)
            ms = round((time.monotonic() - start) * 1000, 1)
            rows.append(((i + 1) * 4, peak, device_reads(dev) - reads_before, p50_us, ms))
            peak, latencies = 0, []
    os.fsync(fd)
    os.close(fd)
    return rows


def main():
    if MODE == "timeline":
        for _ in range(2):
            print("MiB written, peak under writeback (pages), device reads, p50 (us), ms")
            for row in mounted(timeline):
                print(*row, flush=True)
    else:
        print("run    (peak writeback pages, write phase ms, device reads, wbt_lat_usec)")
        for _ in range(3):
            for warm in (False, True):
                print("warm " if warm else "fresh", fresh_or_warm(warm), flush=True)


kernel_setup.with_image(IMG, main)
