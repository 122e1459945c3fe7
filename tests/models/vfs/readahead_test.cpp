// Readahead windows (mm/readahead.c) worked out by hand.
#include <doctest/doctest.h>

#include "models/vfs/readahead.hpp"

using namespace foliosim::vfs;

TEST_CASE("readahead: get_init_ra_size and get_next_ra_size with a 32-page (128 KiB) maximum") {
  // roundup_pow_of_two(req): x4 up to max/32, x2 up to max/4, else the max.
  CHECK(initial_window_pages(1, 32) == 4);
  CHECK(initial_window_pages(3, 32) == 8);  // 4 > 32/32, <= 32/4
  CHECK(initial_window_pages(8, 32) == 16);
  CHECK(initial_window_pages(16, 32) == 32);
  CHECK(initial_window_pages(256, 256) == 256);
  // x4 below max/16, x2 up to max/2, else the max.
  CHECK(next_window_pages(1, 32) == 4);
  CHECK(next_window_pages(4, 32) == 8);
  CHECK(next_window_pages(16, 32) == 32);
  CHECK(next_window_pages(32, 32) == 32);
  // A request larger than the readahead grows the maximum up to one device request.
  CHECK(window_max_pages(32, 320, 8) == 32);
  CHECK(window_max_pages(32, 320, 256) == 256);
  CHECK(window_max_pages(32, 320, 1000) == 320);
  CHECK(window_max_pages(32, 16, 256) == 32);
}

TEST_CASE("readahead: a sequential 4 KiB reader's windows, a random miss, a stream's trace") {
  ReadaheadState ra;
  // First read at the start of the file: 4 pages, 3 of them ahead; the marker on page 1.
  ReadWindow w = sync_readahead(ra, 0, 1, 32, 0);
  CHECK(w.first_page == 0);
  CHECK(w.pages == 4);
  CHECK(ra.async_size == 3);
  CHECK(ra.marker() == 1);
  // Reaching the marker: the next window, twice as large, all of it ahead.
  w = async_readahead(ra, 32);
  CHECK(w.first_page == 4);
  CHECK(w.pages == 8);
  CHECK(ra.marker() == 4);
  w = async_readahead(ra, 32);
  CHECK(w.first_page == 12);
  CHECK(w.pages == 16);
  w = async_readahead(ra, 32);
  CHECK(w.first_page == 28);
  CHECK(w.pages == 32);
  // A miss right after the previous read: a new window there.
  ra.prev_pos_bytes = 100 * 4096;
  w = sync_readahead(ra, 100, 1, 32, 0);
  CHECK(w.first_page == 100);
  CHECK(w.pages == 4);
  // A miss elsewhere, nothing cached before it: the request alone, the state kept.
  const ReadaheadState before = ra;
  w = sync_readahead(ra, 500, 2, 32, 1);
  CHECK(w.first_page == 500);
  CHECK(w.pages == 2);
  CHECK(ra.start == before.start);
  CHECK(ra.size == before.size);
  // ... unless more pages than asked are cached right before it: a stream.
  w = sync_readahead(ra, 700, 1, 32, 10);
  CHECK(w.first_page == 700);
  CHECK(w.pages == 11);
  CHECK(ra.async_size == 1);
  // Readahead off: the request alone.
  ReadaheadState off;
  w = sync_readahead(off, 0, 3, 0, 0);
  CHECK(w.pages == 3);
}
