# What the experiments share: a fresh filesystem on a new loop device over a
# fully written image, set up as the kernel reference's runs are, their
# command line and tracefs (root).

import os
import subprocess
import sys
import time

RWF_DONTCACHE = 0x80
MiB = 1 << 20
TRACE = "/sys/kernel/tracing"

MKFS = {"xfs": ["mkfs.xfs", "-f", "-K", "-q"], "ext4": ["mkfs.ext4", "-F", "-q", "-E", "nodiscard,lazy_itable_init=0"]}


def sh(*args):
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout.strip()


# blk-wbt's latency target on the reference's loop devices (its README: queue
# wbt_lat_usec 2000, blk-wbt on), what a new loop device has. A loop device
# keeps its queue's settings across losetup -d, and wbt_drain_restart.py turns
# blk-wbt off: every device attached gets the reference's again.
WBT_LAT_USEC = "2000"


def set_wbt_lat_usec(loop, value):
    """queue/wbt_lat_usec of the loop device at path `loop` (0: blk-wbt off)."""
    with open(f"/sys/block/{os.path.basename(loop)}/queue/wbt_lat_usec", "w") as f:
        f.write(value)


def mounted(fs, image, mnt, body):
    """mkfs `fs` on a new loop device (direct I/O) over `image`, blk-wbt on as
    in the reference, mount it at `mnt`, sync and settle for a second, run
    body(loop device path), clean up."""
    loop = sh("losetup", "--direct-io=on", "-f", "--show", image)
    try:
        set_wbt_lat_usec(loop, WBT_LAT_USEC)
        sh(*MKFS[fs], loop)
        os.makedirs(mnt, exist_ok=True)
        sh("mount", loop, mnt)
        try:
            sh("sync")
            time.sleep(1)
            return body(loop)
        finally:
            sh("umount", mnt)
    finally:
        sh("losetup", "-d", loop)


def with_image(image, body):
    """body() with a 2 GiB `image`, made and fully written (no holes in the host
    file, as the reference's) if missing, and then removed at the end."""
    made = not os.path.exists(image)
    if made:
        sh("dd", "if=/dev/zero", "of=" + image, "bs=1M", "count=2048", "oflag=direct", "status=none")
    try:
        return body()
    finally:
        if made:
            os.remove(image)


def arguments(name, runs):
    """[ext4|xfs] [RUNS] [IMAGE] from the command line (defaults ext4, `runs`,
    /tmp/foliosim-`name`.img), and a mount point of the experiment's own."""
    fs = sys.argv[1] if len(sys.argv) > 1 else "ext4"
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else runs
    image = sys.argv[3] if len(sys.argv) > 3 else f"/tmp/foliosim-{name}.img"
    return fs, runs, image, f"/tmp/foliosim-{name}-mnt"


def pretouch():
    """As the reference: write and delete a throwaway file of 1.5 times the
    largest workload (C1) on another filesystem, so the run's page cache finds memory the
    virtual machine's host has backed (a first touch costs about 12 us a page)."""
    path = "/var/tmp/foliosim-pretouch"
    with open(path, "wb") as f:
        for _ in range(384):
            f.write(b"\0" * MiB)
        f.flush()
        os.fsync(f.fileno())
    os.remove(path)


def tracefs(path, value):
    with open(os.path.join(TRACE, path), "w") as f:
        f.write(value)


def c1_writes(mnt, flags):
    """C1's writes: a new file at `mnt`, 256 calls of 1 MiB (pwritev2 with
    `flags`), then fsync."""
    fd = sequential_writes(mnt, 256, MiB, flags)
    os.fsync(fd)
    os.close(fd)


def sequential_writes(mnt, calls, bs, flags, latencies_us=None):
    """A new file at `mnt` written from its start in `calls` calls of `bs`
    bytes (pwritev2 with `flags`); its descriptor, open. Each call's time
    goes to the list `latencies_us` if given."""
    fd = os.open(mnt + "/f", os.O_CREAT | os.O_WRONLY, 0o644)
    buf = b"\1" * bs
    if latencies_us is None:
        for i in range(calls):
            os.pwritev(fd, [buf], i * bs, flags)
        return fd
    clock = time.perf_counter
    for i in range(calls):
        t = clock()
        os.pwritev(fd, [buf], i * bs, flags)
        latencies_us.append((clock() - t) * 1e6)
    return fd


def thread_kind(comm):
    """A kernel thread's kind by its name (kworker/u, loop, jbd2, ...), else "other"."""
    for prefix in ("kworker/u", "kworker/", "ksoftirqd", "jbd2", "xfsaild", "loop", "kswapd", "rcu"):
        if comm.startswith(prefix):
            return prefix
    return "other"


def trace_lines(events, run, buffer_kb):
    """run() with the tracefs `events` on (event: filter, or None for none),
    in a trace buffer of `buffer_kb` a CPU; the trace's lines."""
    tracefs("tracing_on", "0")
    tracefs("trace", "")
    tracefs("buffer_size_kb", str(buffer_kb))
    for event, where in events.items():
        if where:
            tracefs(f"events/{event}/filter", where)
        tracefs(f"events/{event}/enable", "1")
    tracefs("tracing_on", "1")
    run()
    tracefs("tracing_on", "0")
    for event, where in events.items():
        tracefs(f"events/{event}/enable", "0")
        if where:
            tracefs(f"events/{event}/filter", "0")
    with open(os.path.join(TRACE, "trace")) as f:
        lines = f.read().splitlines()
    tracefs("trace", "")
    return lines


def traced(body):
    """body(), then the trace buffer's size as it was."""
    size_kb = open(os.path.join(TRACE, "buffer_size_kb")).read().split()[0]
    try:
        return body()
    finally:
        tracefs("buffer_size_kb", size_kb)
