#!/usr/bin/env python3
"""A `foliosim record` recording of a calibration case against the kernel reference.

    python3 scenarios/calibration/recorded_vs_reference.py RECORDED_DIR CASE [--reference FILE]

Prints, per variant and figure, the reference's median [min, max], the
recording's, whether the recorded median lies inside the reference range and
whether the two ranges overlap, then the counts: how far this machine's kernel
is from the one the defaults were fitted on (tests/data/kernel-reference/).
"""
import argparse
import json
import os
import sys

MIB = 1 << 20
# (reference figure, summary.json path of the recording, scale from the recording's unit)
FIGURES = [
    ('wall_excl_sampling_ms', '/write_phase_s', 1e3), ('fsync_ms', '/fsync_latency_us/max', 1e-3),
    ('lat_p50_us', '/write_latency_us/p50', 1), ('lat_p90_us', '/write_latency_us/p90', 1),
    ('lat_p99_us', '/write_latency_us/p99', 1), ('lat_p999_us', '/write_latency_us/p999', 1),
    ('lat_max_us', '/write_latency_us/max', 1),
    ('peak_cache_pages', '/peak_between_writes/cached_bytes', 1 / 4096),
    ('peak_dirty_pages', '/peak_between_writes/dirty_bytes', 1 / 4096),
    ('peak_writeback_pages', '/peak_between_writes/writeback_bytes', 1 / 4096),
    ('cache_after_write_pages', '/after_write_phase/cached_bytes', 1 / 4096),
    ('dirty_after_write_pages', '/after_write_phase/dirty_bytes', 1 / 4096),
    ('writeback_after_write_pages', '/after_write_phase/writeback_bytes', 1 / 4096),
    ('cache_after_fsync_pages', '/after_fsync/cached_bytes', 1 / 4096),
    ('dev_written_MiB', '/device_write_bytes', 1 / MIB),
    ('dev_written_during_write_phase_MiB', '/after_write_phase/device_write_bytes', 1 / MIB),
    ('dev_write_ios', '/device_write_requests', 1),
]


def at(value, pointer):
    for key in pointer.strip('/').split('/'):
        value = value[key]
    return value


def g(x):
    return '%.4g' % x


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('recorded_dir')
    parser.add_argument('case', help='C1, C2 or C6')
    parser.add_argument('--reference', default=os.path.join(here, '../../tests/data/kernel-reference/calibration.json'))
    args = parser.parse_args()
    reference = json.load(open(args.reference))
    recorded = json.load(open(os.path.join(args.recorded_dir, 'summary.json')))
    total = inside = overlap = 0
    for variant in recorded['variants']:
        fs, mode = variant['variant'].split('-')
        matches = [r for r in reference['results'] if r['fs'] == fs and r['case'] == args.case and r['mode'] == mode]
        if not matches:
            sys.exit('%s: no %s %s %s in %s' % (args.recorded_dir, args.case, fs, mode, args.reference))
        stats = matches[0]['stats']
        print('\n%s: reference %s (median [min, max]) against recorded (%d repetitions)' %
              (variant['variant'], args.case, variant['repetitions']))
        print('%-36s %-30s %-30s %s' % ('figure', 'reference', 'recorded', 'median inside / ranges overlap'))
        for name, pointer, scale in FIGURES:
            if name not in stats:
                continue
            ref, rec = stats[name], at(variant, pointer)
            med, lo, hi = rec['median'] * scale, rec['min'] * scale, rec['max'] * scale
            is_inside = ref['min'] - 1e-9 <= med <= ref['max'] + 1e-9
            overlaps = lo <= ref['max'] + 1e-9 and hi >= ref['min'] - 1e-9
            total += 1
            inside += is_inside
            overlap += overlaps
            print('%-36s %-30s %-30s %s / %s' % (name, '%s [%s, %s]' % (g(ref['median']), g(ref['min']), g(ref['max'])),
                                                  '%s [%s, %s]' % (g(med), g(lo), g(hi)),
                                                  'yes' if is_inside else 'NO', 'yes' if overlaps else 'NO'))
    print('\nrecorded medians inside the reference range: %d of %d; ranges overlapping: %d of %d' %
          (inside, total, overlap, total))


if __name__ == '__main__':
    main()
