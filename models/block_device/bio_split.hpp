// Where the block layer cuts a bio into requests (bio_split_rw_at,
// block/blk-merge.c): at the queue's max_sectors (max_request_size) and
// before the segment that would pass its max_segments. A segment is one
// physically contiguous piece of the I/O's memory (a bio_vec).
#pragma once

#include <algorithm>
#include <cstdint>

namespace foliosim::block_device {

// The queue's limits on one request.
struct RequestLimits {
  std::uint64_t max_bytes;     // queue/max_sectors_kb
  std::uint64_t max_segments;  // queue/max_segments

  // Whether a request of `bytes` in `segments` may grow by another of
  // `more_bytes` in `more_segments` (ll_back_merge_fn, ll_merge_requests_fn:
  // both sums within the limits; adjacent segments are not joined).
  bool merge_fits(std::uint64_t bytes, std::uint64_t segments, std::uint64_t more_bytes,
                  std::uint64_t more_segments) const {
    return bytes + more_bytes <= max_bytes && segments + more_segments <= max_segments;
  }
};

// The segments [at, at + bytes) of a stretch of memory touches, the stretch
// being pieces of `segment_bytes` each from its start (a piece cut by a split
// counts in both requests).
inline std::uint64_t segments_touched(std::uint64_t at, std::uint64_t bytes, std::uint64_t segment_bytes) {
  return bytes == 0 ? 0 : (at + bytes - 1) / segment_bytes - at / segment_bytes + 1;
}

// The bytes from `at` of a stretch in pieces of `segment_bytes` that fit in a
// request already holding `held_bytes` in `held_segments`: up to the byte
// limit, or to the end of the last segment the segment limit allows; 0 when
// the request is full.
inline std::uint64_t bytes_that_fit(const RequestLimits& limits, std::uint64_t at, std::uint64_t segment_bytes,
                                    std::uint64_t held_bytes, std::uint64_t held_segments) {
  if (held_bytes >= limits.max_bytes || held_segments >= limits.max_segments) return 0;
  const std::uint64_t segment_end = (at / segment_bytes + limits.max_segments - held_segments) * segment_bytes;
  return std::min(limits.max_bytes - held_bytes, segment_end - at);
}

// Cuts I/O of `length_bytes` whose memory is `segments` pieces of equal size
// into requests; calls piece(at, bytes, segments) for each, in order. Empty
// I/O (a flush) is one request of no segment.
template <class Fn>
void split_bio(const RequestLimits& limits, std::uint64_t length_bytes, std::uint64_t segments, Fn&& piece) {
  if (length_bytes == 0) {
    piece(std::uint64_t{0}, std::uint64_t{0}, std::uint64_t{0});
    return;
  }
  const std::uint64_t segment_bytes = (length_bytes + std::max<std::uint64_t>(1, segments) - 1) /
                                      std::max<std::uint64_t>(1, segments);
  for (std::uint64_t at = 0; at < length_bytes;) {
    const std::uint64_t bytes = std::min(length_bytes - at, bytes_that_fit(limits, at, segment_bytes, 0, 0));
    piece(at, bytes, segments_touched(at, bytes, segment_bytes));
    at += bytes;
  }
}

}  // namespace foliosim::block_device
