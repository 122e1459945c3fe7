# What the experiments share: a fresh filesystem on a new loop device over a
# fully written image, set up as the kernel reference's runs are (root).

import os
import subprocess
import time

MKFS = {"xfs": ["mkfs.xfs", "-f", "-K", "-q"], "ext4": ["mkfs.ext4", "-F", "-q", "-E", "nodiscard,lazy_itable_init=0"]}


def sh(*args):
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout.strip()


def mounted(fs, image, mnt, body):
    """mkfs `fs` on a new loop device (direct I/O) over `image`, mount it at
    `mnt`, sync and settle for a second, run body(loop device path), clean up."""
    loop = sh("losetup", "--direct-io=on", "-f", "--show", image)
    try:
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
