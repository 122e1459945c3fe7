// The page cache model on its own: every expected value below is worked out by
// hand, in the comments, from the kernel behaviour page_cache.hpp describes.
#include <doctest/doctest.h>

#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include "models/page_cache/page_cache.hpp"
#include "tests/models/model_test_support.hpp"

using namespace foliosim::page_cache;
using foliosim::test::KiB;
using foliosim::test::MiB;

namespace {

constexpr std::uint64_t kAll = ~std::uint64_t{0} / 4;

PageCacheParams large_folios() { return PageCacheParams{}; }  // 2 MiB maximum

PageCacheParams small_folios() {
  PageCacheParams p;
  p.large_folios = false;
  return p;
}

// A file's runs as "first+pages/folio_pages" in file order, e.g. "0+4/1 4+2/2".
std::string runs_of(const FileCache& f) {
  std::ostringstream out;
  for (const auto& [first, run] : f.runs()) {
    if (out.tellp() > 0) out << ' ';
    out << run.first_page << '+' << run.pages << '/' << run.folio_pages;
  }
  return out.str();
}

// An LRU list, oldest first, as "file:first+pages".
std::string lru_of(const PageCache& pc, bool active) {
  std::ostringstream out;
  for (const Run* r : pc.lru(active)) {
    if (out.tellp() > 0) out << ' ';
    out << r->file->name() << ':' << r->first_page << '+' << r->pages;
  }
  return out.str();
}

std::uint8_t flags_at(const FileCache& f, std::uint64_t first_page) {
  auto it = f.runs().find(first_page);
  REQUIRE(it != f.runs().end());
  return it->second.flags;
}

bool has_flag(const FileCache& f, std::uint64_t first_page, Flag flag) { return (flags_at(f, first_page) & flag) != 0; }

// Writes back every dirty folio of the file and completes it.
WritebackEnd clean(PageCache& pc, FileCache& f) {
  WritebackEnd total;
  for (const auto& range : pc.start_writeback(f, 0, kAll)) {
    auto e = pc.end_writeback(f, range);
    total.pages += e.pages;
    total.dropped_pages += e.dropped_pages;
  }
  return total;
}

void check_range(const PageRange& r, std::uint64_t first, std::uint64_t pages, std::uint64_t folios) {
  CHECK(r.first_page == first);
  CHECK(r.pages == pages);
  CHECK(r.folios == folios);
}

}  // namespace

// ---------------------------------------------------------------------------
// 1. Folio sizes (fgf_set_order + __filemap_get_folio alignment)
// ---------------------------------------------------------------------------

TEST_CASE("page cache: a 1 MiB write at offset 0 is one 256-page folio") {
  // len 1 MiB: order ilog2(2^20) - 12 = 8, index 0 is aligned: 256 pages.
  PageCache pc(large_folios());
  auto& f = pc.file("f");
  auto w = pc.write(f, 0, 1 * MiB, 0);
  CHECK(w.new_folios == 1);
  CHECK(w.new_pages == 256);
  CHECK(w.existing_pages == 0);
  CHECK(w.newly_dirtied_pages == 256);
  CHECK(runs_of(f) == "0+256/256");
  CHECK(pc.run_count() == 1);
}

TEST_CASE("page cache: a 12 KiB write at offset 0 is an 8 KiB folio then a 4 KiB folio") {
  // len 12 KiB: order ilog2(12288) - 12 = 1 at index 0 -> pages [0,2); then
  // 4 KiB left: order 0 -> page 2. Different sizes: two runs.
  PageCache pc(large_folios());
  auto& f = pc.file("f");
  auto w = pc.write(f, 0, 12 * KiB, 0);
  CHECK(w.new_folios == 2);
  CHECK(w.new_pages == 3);
  CHECK(runs_of(f) == "0+2/2 2+1/1");
  CHECK(pc.run_count() == 2);
}

TEST_CASE("page cache: a 1 MiB write at offset 4 KiB makes folios aligned to their own size") {
  // Pages [1,257). At each index the order follows what is left, then is
  // lowered until the index is aligned to it:
  //   index 1,   256 left: 256 -> 1 (odd index)
  //   index 2,   255 left: 128 -> 2
  //   index 4,   253 left: 128 -> 4
  //   index 8,   249 left: 128 -> 8
  //   index 16,  241 left: 128 -> 16
  //   index 32,  225 left: 128 -> 32
  //   index 64,  193 left: 128 -> 64
  //   index 128, 129 left: 128 -> 128 (aligned)
  //   index 256,   1 left: 1
  // 1+2+4+...+128 + 1 = 256 pages in 9 folios, each a run of its own.
  PageCache pc(large_folios());
  auto& f = pc.file("f");
  auto w = pc.write(f, 4 * KiB, 1 * MiB, 0);
  CHECK(w.new_folios == 9);
  CHECK(w.new_pages == 256);
  CHECK(runs_of(f) == "1+1/1 2+2/2 4+4/4 8+8/8 16+16/16 32+32/32 64+64/64 128+128/128 256+1/1");
  for (const auto& [first, run] : f.runs()) CHECK(run.first_page % run.folio_pages == 0);
  CHECK(pc.run_count() == 9);
  CHECK(pc.cached_pages() == 256);
}

TEST_CASE("page cache: without large folios every folio is one page") {
  PageCache pc(small_folios());
  auto& f = pc.file("f");
  auto w = pc.write(f, 0, 1 * MiB, 0);
  CHECK(w.new_folios == 256);
  CHECK(w.new_pages == 256);
  CHECK(runs_of(f) == "0+256/1");  // consecutive 1-page folios share a run
  auto& g = pc.file("g");
  w = pc.write(g, 4 * KiB, 12 * KiB, 0);
  CHECK(w.new_folios == 3);
  CHECK(runs_of(g) == "1+3/1");
}

TEST_CASE("page cache: a 4 MiB write at offset 0 is two 2 MiB folios") {
  // order ilog2(4 MiB) - 12 = 10, capped at max_folio_size 2 MiB (order 9):
  // [0,512) then 2 MiB left -> [512,1024). Same size, one run.
  PageCache pc(large_folios());
  auto& f = pc.file("f");
  auto w = pc.write(f, 0, 4 * MiB, 0);
  CHECK(w.new_folios == 2);
  CHECK(w.new_pages == 1024);
  CHECK(runs_of(f) == "0+1024/512");
  CHECK(pc.run_count() == 1);
}

TEST_CASE("page cache: max_folio_size caps the folio order") {
  // 64 KiB maximum: a 1 MiB write is 16 folios of 16 pages.
  PageCacheParams p;
  p.max_folio_bytes = 64 * KiB;
  PageCache pc(p);
  auto& f = pc.file("f");
  auto w = pc.write(f, 0, 1 * MiB, 0);
  CHECK(w.new_folios == 16);
  CHECK(runs_of(f) == "0+256/16");
}

TEST_CASE("page cache: the folio order follows the bytes left, not the pages touched") {
  // fgf_set_order(len) takes ilog2 of the byte length left from pos; a
  // partial last page does not count as a page.
  PageCache pc(large_folios());

  SUBCASE("14 KiB at offset 0") {
    // 14336 bytes: order 1 -> [0,2); 6144 left at index 2: ilog2 = 12 ->
    // order 0 -> [2]; 2048 left -> [3]. Folios 8K, 4K, 4K (not one 16K).
    auto& f = pc.file("f");
    auto w = pc.write(f, 0, 14 * KiB, 0);
    CHECK(w.new_folios == 3);
    CHECK(w.new_pages == 4);
    CHECK(runs_of(f) == "0+2/2 2+2/1");
  }
  SUBCASE("6 KiB at offset 2 KiB") {
    // len 6144 from pos 2048: order 0 -> [0]; 4096 left at index 1 -> [1].
    auto& f = pc.file("f");
    auto w = pc.write(f, 2 * KiB, 6 * KiB, 0);
    CHECK(w.new_folios == 2);
    CHECK(runs_of(f) == "0+2/1");
  }
  SUBCASE("1 MiB at offset 512") {
    // len 1 MiB from pos 512: order 8 at index 0 -> [0,256); 512 bytes left
    // at index 256 -> [256].
    auto& f = pc.file("f");
    auto w = pc.write(f, 512, 1 * MiB, 0);
    CHECK(w.new_folios == 2);
    CHECK(runs_of(f) == "0+256/256 256+1/1");
  }
  SUBCASE("1023 KiB at offset 0") {
    // 1047552 bytes < 1 MiB: order 7 -> [0,128); 523264 left -> order 6 ->
    // [128,192); 261120 -> 32; 130048 -> 16; 64512 -> 8; 31744 -> 4;
    // 15360 -> 2; 7168 -> 1 at 254; 3072 -> 1 at 255.
    auto& f = pc.file("f");
    auto w = pc.write(f, 0, 1023 * KiB, 0);
    CHECK(w.new_folios == 9);
    CHECK(w.new_pages == 256);
    CHECK(runs_of(f) == "0+128/128 128+64/64 192+32/32 224+16/16 240+8/8 248+4/4 252+2/2 254+2/1");
  }
}

TEST_CASE("page cache: a write into a hole never overlaps the next folio") {
  // Page 3 is cached; a 16 KiB write at 0 has 4 pages left at index 0 but the
  // hole is [0,3): order 1 -> [0,2), then [2]; page 3 is an existing folio.
  PageCache pc(large_folios());
  auto& f = pc.file("f");
  pc.write(f, 12 * KiB, 4 * KiB, 0);
  auto w = pc.write(f, 0, 16 * KiB, 1);
  CHECK(w.new_folios == 2);
  CHECK(w.new_pages == 3);
  CHECK(w.existing_folios == 1);
  CHECK(w.existing_pages == 1);
  CHECK(runs_of(f) == "0+2/2 2+1/1 3+1/1");
}

// ---------------------------------------------------------------------------
// 2. Memory does not grow with bytes
// ---------------------------------------------------------------------------

TEST_CASE("page cache: 64 MiB of sequential 4 KiB writes stay one run") {
  // Each 4 KiB write makes one 1-page folio, file-adjacent to and just
  // younger on the LRU than the last: same state, so it merges.
  PageCache pc(large_folios());
  auto& f = pc.file("f");
  for (std::uint64_t off = 0; off < 64 * MiB; off += 4 * KiB) {
    auto w = pc.write(f, off, 4 * KiB, static_cast<double>(off) * 1e-9);
    REQUIRE(w.new_folios == 1);
  }
  CHECK(pc.run_count() == 1);
  CHECK(f.runs().size() == 1);
  CHECK(runs_of(f) == "0+16384/1");
  CHECK(pc.cached_pages() == 16384);
  CHECK(pc.dirty_pages() == 16384);
  CHECK(f.cached_pages() == 16384);
  CHECK(f.dirty_pages() == 16384);
  CHECK(pc.inactive_pages() == 16384);
  CHECK(pc.lru(false).size() == 1);
  CHECK(pc.lru(true).empty());
  // Written back and completed in one range: still one run, now clean.
  auto ranges = pc.start_writeback(f, 0, kAll);
  REQUIRE(ranges.size() == 1);
  check_range(ranges[0], 0, 16384, 16384);
  pc.end_writeback(f, ranges[0]);
  CHECK(pc.run_count() == 1);
  CHECK(pc.dirty_pages() == 0);
  CHECK(pc.writeback_pages() == 0);
}

TEST_CASE("page cache: 64 MiB of sequential 1 MiB writes are one run of 256-page folios") {
  PageCache pc(large_folios());
  auto& f = pc.file("f");
  for (std::uint64_t off = 0; off < 64 * MiB; off += 1 * MiB) pc.write(f, off, 1 * MiB, 0);
  CHECK(pc.run_count() == 1);
  CHECK(runs_of(f) == "0+16384/256");
}

TEST_CASE("page cache: a merge window joins a file's runs while they are within reach, after runs added since") {
  // Window 2: a new run joins its file's run when that is at most 3 steps
  // older on the LRU. Five files, one page at a time (one-page folios); the
  // LRU is written oldest first, and "d0 +1" is d's run at page 0 after the
  // write that joined it.
  PageCacheParams params;
  params.lru_merge_window_runs = 2;
  PageCache pc(params);
  FileCache* f[5];
  for (int i = 0; i < 5; ++i) f[i] = &pc.file(std::string(1, static_cast<char>('a' + i)));
  auto write = [&](int file, std::uint64_t page) { pc.write(*f[file], page * 4 * KiB, 4 * KiB, 0); };
  for (int i = 0; i < 5; ++i) write(i, 0);  // a0 b0 c0 d0 e0: more runs than window + 2
  write(4, 1);                              // e1 is 1 step from e0: e0 +1
  write(3, 1);                              // d1 is 2 steps from d0 (e0 between): d0 +1
  write(3, 2);                              // 2 again (d0 was walked at 2, one run added since): d0 +1
  write(2, 1);                              // c1, 3 steps from c0 (d0 e0 between): c0 +1
  write(0, 1);                              // a1, 5 steps from a0: apart
  write(3, 3);                              // d3, 3 steps (e0 a1 between): d0 +1
  write(1, 1);                              // b1, 5 steps from b0: apart
  // d4 is 4 steps from d0 (e0 a1 b1 between): apart, though d0 was 3 steps
  // from the youngest when last walked; two runs were added since.
  write(3, 4);
  CHECK(runs_of(*f[0]) == "0+1/1 1+1/1");
  CHECK(runs_of(*f[1]) == "0+1/1 1+1/1");
  CHECK(runs_of(*f[2]) == "0+2/1");
  CHECK(runs_of(*f[3]) == "0+4/1 4+1/1");
  CHECK(runs_of(*f[4]) == "0+2/1");
  CHECK(lru_of(pc, false) == "a:0+1 b:0+1 c:0+2 d:0+4 e:0+2 a:1+1 b:1+1 d:4+1");
  CHECK(pc.run_count() == 8);
}

// ---------------------------------------------------------------------------
// 3. Counters, start/end writeback, missing pages
// ---------------------------------------------------------------------------

TEST_CASE("page cache: counters through writeback and rewrite under writeback") {
  PageCache pc(small_folios());
  auto& f = pc.file("f");
  // Pages [0,10), dirty.
  pc.write(f, 0, 40 * KiB, 1);
  CHECK(pc.cached_pages() == 10);
  CHECK(pc.dirty_pages() == 10);
  CHECK(pc.writeback_pages() == 0);

  // max_pages 4: folios [0,4).
  auto r = pc.start_writeback(f, 0, 4);
  REQUIRE(r.size() == 1);
  check_range(r[0], 0, 4, 4);
  CHECK(pc.dirty_pages() == 6);
  CHECK(pc.writeback_pages() == 4);
  CHECK(f.dirty_pages() == 6);
  CHECK(f.writeback_pages() == 4);
  CHECK(pc.cached_pages() == 10);
  CHECK(runs_of(f) == "0+4/1 4+6/1");

  // Rewrite page 2 while under writeback: still under writeback, and dirty.
  auto w = pc.write(f, 8 * KiB, 4 * KiB, 2);
  CHECK(w.existing_pages == 1);
  CHECK(w.new_pages == 0);
  CHECK(w.newly_dirtied_pages == 1);
  CHECK(has_flag(f, 2, kWriteback));
  CHECK(has_flag(f, 2, kDirty));
  CHECK(pc.dirty_pages() == 7);
  CHECK(pc.writeback_pages() == 4);

  // From 0: [0,4) are under writeback, skipped (page 2 too, dirty or not);
  // [4,10) taken.
  r = pc.start_writeback(f, 0, kAll);
  REQUIRE(r.size() == 1);
  check_range(r[0], 4, 6, 6);
  CHECK(pc.dirty_pages() == 1);
  CHECK(pc.writeback_pages() == 10);

  // [0,4) complete: page 2 stays dirty and is no longer under writeback.
  auto e = pc.end_writeback(f, {0, 4});
  CHECK(e.pages == 4);
  CHECK(e.dropped_pages == 0);
  CHECK(pc.writeback_pages() == 6);
  CHECK(pc.dirty_pages() == 1);
  CHECK(has_flag(f, 2, kDirty));
  CHECK_FALSE(has_flag(f, 2, kWriteback));

  // Now page 2 can be written back.
  r = pc.start_writeback(f, 0, kAll);
  REQUIRE(r.size() == 1);
  check_range(r[0], 2, 1, 1);
  CHECK(pc.dirty_pages() == 0);
  CHECK(pc.writeback_pages() == 7);
  CHECK(pc.start_writeback(f, 0, kAll).empty());  // nothing dirty left

  pc.end_writeback(f, {4, 6});
  pc.end_writeback(f, {2, 1});
  CHECK(pc.writeback_pages() == 0);
  CHECK(pc.dirty_pages() == 0);
  CHECK(pc.cached_pages() == 10);
  CHECK(f.cached_pages() == 10);
}

TEST_CASE("page cache: start_writeback returns contiguous ranges and stops at max_pages") {
  PageCache pc(small_folios());
  auto& f = pc.file("f");
  auto& g = pc.file("g");
  // f: [0,2), hole at 2, [3,5), then g written, then [5,6): [3,5) and [5,6)
  // are file-adjacent but not LRU-adjacent, so two runs; one range.
  pc.write(f, 0, 8 * KiB, 0);
  pc.write(f, 12 * KiB, 8 * KiB, 0);
  pc.write(g, 0, 4 * KiB, 0);
  pc.write(f, 20 * KiB, 4 * KiB, 0);
  CHECK(runs_of(f) == "0+2/1 3+2/1 5+1/1");
  auto r = pc.start_writeback(f, 0, kAll);
  REQUIRE(r.size() == 2);
  check_range(r[0], 0, 2, 2);
  check_range(r[1], 3, 3, 3);
  CHECK(pc.writeback_pages() == 5);
  CHECK(g.writeback_pages() == 0);
  CHECK(g.dirty_pages() == 1);
}

TEST_CASE("page cache: start_writeback stops at max_folios, whichever limit comes first") {
  PageCache pc(large_folios());
  auto& f = pc.file("f");
  for (std::uint64_t off = 0; off < 5 * MiB; off += 1 * MiB) pc.write(f, off, 1 * MiB, 0);  // five 256-page folios
  auto r = pc.start_writeback(f, 0, kAll, UINT64_MAX, 3);
  REQUIRE(r.size() == 1);
  check_range(r[0], 0, 768, 3);
  CHECK(pc.writeback_pages() == 768);
  // 300 pages asked (two folios by pages) and at most 3 folios: two.
  r = pc.start_writeback(f, 0, 300, UINT64_MAX, 3);
  REQUIRE(r.size() == 1);
  check_range(r[0], 768, 512, 2);
  CHECK(pc.dirty_pages() == 0);
}

TEST_CASE("page cache: start_writeback takes whole large folios") {
  PageCache pc(large_folios());
  auto& f = pc.file("f");
  pc.write(f, 0, 4 * MiB, 0);  // two 512-page folios
  // write_cache_pages counts nr_to_write down by whole folios: with 1 page
  // asked the first folio goes; with 513 the second is needed too.
  auto r = pc.start_writeback(f, 0, 1);
  REQUIRE(r.size() == 1);
  check_range(r[0], 0, 512, 1);
  CHECK(pc.writeback_pages() == 512);
  CHECK(pc.dirty_pages() == 512);
  CHECK(runs_of(f) == "0+512/512 512+512/512");
  pc.end_writeback(f, r[0]);

  auto& g = pc.file("g");
  pc.write(g, 0, 4 * MiB, 0);
  r = pc.start_writeback(g, 0, 513);
  REQUIRE(r.size() == 1);
  check_range(r[0], 0, 1024, 2);

  // A 64 KiB folio with 4 pages asked: all 16 go.
  auto& h = pc.file("h");
  pc.write(h, 0, 64 * KiB, 0);
  r = pc.start_writeback(h, 0, 4);
  REQUIRE(r.size() == 1);
  check_range(r[0], 0, 16, 1);
}

TEST_CASE("page cache: start_writeback starts at the folio holding from_page") {
  SUBCASE("one-page folios") {
    // One run [0,100): from page 50, pages before 50 are not this pass's.
    PageCache pc(small_folios());
    auto& f = pc.file("f");
    pc.write(f, 0, 400 * KiB, 0);
    auto r = pc.start_writeback(f, 50, kAll);
    REQUIRE(r.size() == 1);
    check_range(r[0], 50, 50, 50);
    CHECK(f.dirty_pages() == 50);
    CHECK(f.writeback_pages() == 50);
    // The rest, from 0 (the range_cyclic wrap).
    r = pc.start_writeback(f, 0, kAll);
    REQUIRE(r.size() == 1);
    check_range(r[0], 0, 50, 50);
  }
  SUBCASE("large folios") {
    // Two 16-page folios in one run [0,32); page 20 lies in the folio
    // [16,32), which is taken whole; [0,16) is not.
    PageCache pc(large_folios());
    auto& f = pc.file("f");
    pc.write(f, 0, 64 * KiB, 0);
    pc.write(f, 64 * KiB, 64 * KiB, 0);
    REQUIRE(runs_of(f) == "0+32/16");
    auto r = pc.start_writeback(f, 20, kAll);
    REQUIRE(r.size() == 1);
    check_range(r[0], 16, 16, 1);
    CHECK(f.dirty_pages() == 16);
  }
}

TEST_CASE("page cache: missing_pages counts the holes a write would fill") {
  PageCache pc(small_folios());
  auto& f = pc.file("f");
  CHECK(pc.missing_pages(f, 0, 10 * KiB) == 3);  // pages [0,3)
  pc.write(f, 8 * KiB, 8 * KiB, 0);              // pages [2,4)
  CHECK(pc.missing_pages(f, 0, 16 * KiB) == 2);  // [0,2) missing
  CHECK(pc.missing_pages(f, 4 * KiB, 16 * KiB) == 2);  // [1,5): 1 and 4
  CHECK(pc.missing_pages(f, 8 * KiB, 8 * KiB) == 0);
  CHECK(pc.missing_pages(f, 9 * KiB, 2 * KiB) == 0);    // inside page 2
  CHECK(pc.missing_pages(f, 12 * KiB, 8 * KiB) == 1);   // [3,5): 4
  pc.write(f, 24 * KiB, 4 * KiB, 0);                    // page 6
  // [0,10): cached 2, 3, 6 -> 7 missing; the write allocates exactly those.
  CHECK(pc.missing_pages(f, 0, 40 * KiB) == 7);
  auto w = pc.write(f, 0, 40 * KiB, 1);
  CHECK(w.new_pages == 7);
  CHECK(w.existing_pages == 3);
  CHECK(pc.missing_pages(f, 0, 40 * KiB) == 0);
  CHECK(pc.missing_pages(f, 0, 44 * KiB) == 1);
  CHECK(pc.cached_pages() == 10);

  // A large folio covers the whole of it even for one byte.
  PageCache big(large_folios());
  auto& g = big.file("g");
  big.write(g, 0, 64 * KiB, 0);                           // [0,16)
  CHECK(big.missing_pages(g, 60 * KiB, 8 * KiB) == 1);    // [15,17): 16
  CHECK(big.missing_pages(g, 100, 1) == 0);
}

TEST_CASE("page cache: zeroed and drop-behind pages are counted apart") {
  PageCache pc(large_folios());
  auto& z = pc.file("z");
  pc.write(z, 0, 8 * KiB, 0, false, Origin::kZeroing);  // [0,2), zeroing
  pc.write(z, 8 * KiB, 8 * KiB, 0);                      // [2,4), application
  CHECK(pc.zeroed_pages() == 2);
  CHECK(pc.run_count() == 2);  // same size and state, different origin
  pc.write(z, 16 * KiB, 8 * KiB, 0, true);  // [4,6), drop-behind
  CHECK(pc.dropbehind_pages() == 2);
  CHECK(pc.cached_pages() == 6);
  auto e = clean(pc, z);
  CHECK(e.pages == 6);
  CHECK(e.dropped_pages == 2);
  CHECK(pc.dropbehind_pages() == 0);
  CHECK(pc.cached_pages() == 4);
  auto s = pc.shrink(kAll, kAll);
  CHECK(s.freed_pages == 4);
  CHECK(pc.zeroed_pages() == 0);
  CHECK(pc.cached_pages() == 0);
  CHECK(pc.run_count() == 0);
}

// ---------------------------------------------------------------------------
// 4. LRU order
// ---------------------------------------------------------------------------

TEST_CASE("page cache: shrink frees clean folios oldest first") {
  PageCache pc(small_folios());
  auto& a = pc.file("a");
  auto& b = pc.file("b");
  auto& c = pc.file("c");
  // b[0,4), a[0,4), c[0,4), b[4,8) in that order: b's two runs are
  // file-adjacent but c lies between them on the LRU, so they stay apart.
  pc.write(b, 0, 16 * KiB, 1);
  pc.write(a, 0, 16 * KiB, 2);
  pc.write(c, 0, 16 * KiB, 3);
  pc.write(b, 16 * KiB, 16 * KiB, 4);
  CHECK(lru_of(pc, false) == "b:0+4 a:0+4 c:0+4 b:4+4");
  for (auto* f : {&a, &b, &c}) clean(pc, *f);
  // Writeback without reclaim does not move anything.
  CHECK(lru_of(pc, false) == "b:0+4 a:0+4 c:0+4 b:4+4");
  CHECK(pc.run_count() == 4);
  CHECK(lru_of(pc, true).empty());

  // Want 2: b's pages 0 and 1.
  auto s = pc.shrink(2, 100);
  CHECK(s.freed_pages == 2);
  CHECK(s.freed_folios == 2);
  CHECK(s.scanned_pages == 2);
  CHECK(lru_of(pc, false) == "b:2+2 a:0+4 c:0+4 b:4+4");
  CHECK(runs_of(b) == "2+2/1 4+4/1");

  // Want 3: b[2,4) then a[0].
  s = pc.shrink(3, 100);
  CHECK(s.freed_pages == 3);
  CHECK(lru_of(pc, false) == "a:1+3 c:0+4 b:4+4");
  CHECK(runs_of(b) == "4+4/1");
  CHECK(runs_of(a) == "1+3/1");

  // Want 4: a[1,4) then c[0].
  s = pc.shrink(4, 100);
  CHECK(s.freed_pages == 4);
  CHECK(lru_of(pc, false) == "c:1+3 b:4+4");
  CHECK(a.runs().empty());
  CHECK(pc.cached_pages() == 7);

  s = pc.shrink(100, 100);
  CHECK(s.freed_pages == 7);
  CHECK(s.scanned_pages == 7);
  CHECK(lru_of(pc, false).empty());
  CHECK(pc.cached_pages() == 0);
  CHECK(pc.run_count() == 0);
}

TEST_CASE("page cache: a second access activates, and shrink refills the inactive list") {
  PageCache pc(small_folios());
  auto& x = pc.file("x");
  auto& y = pc.file("y");
  pc.write(x, 0, 16 * KiB, 1);
  pc.write(y, 0, 16 * KiB, 2);
  clean(pc, x);
  clean(pc, y);
  CHECK(lru_of(pc, false) == "x:0+4 y:0+4");

  // First access to clean inactive page 1 of x: PG_referenced (and dirty);
  // it keeps its place on the LRU.
  auto w = pc.write(x, 4 * KiB, 4 * KiB, 3);
  CHECK(w.existing_pages == 1);
  CHECK(w.newly_dirtied_pages == 1);
  CHECK(flags_at(x, 1) == (kDirty | kReferenced));
  CHECK(lru_of(pc, false) == "x:0+1 x:1+1 x:2+2 y:0+4");
  CHECK(pc.active_pages() == 0);

  // Second access: referenced and inactive -> active, referenced cleared.
  w = pc.write(x, 4 * KiB, 4 * KiB, 4);
  CHECK(w.newly_dirtied_pages == 0);
  CHECK(flags_at(x, 1) == (kDirty | kActive));
  CHECK(lru_of(pc, true) == "x:1+1");
  CHECK(lru_of(pc, false) == "x:0+1 x:2+2 y:0+4");
  CHECK(pc.active_pages() == 1);
  CHECK(pc.inactive_pages() == 7);

  auto r = pc.start_writeback(x, 0, kAll);
  REQUIRE(r.size() == 1);
  check_range(r[0], 1, 1, 1);
  pc.end_writeback(x, r[0]);
  CHECK(flags_at(x, 1) == kActive);

  // Inactive 7 >= active 1: no refill; the oldest inactive folio goes.
  auto s = pc.shrink(1, 100);
  CHECK(s.freed_pages == 1);
  CHECK(lru_of(pc, false) == "x:2+2 y:0+4");
  CHECK(lru_of(pc, true) == "x:1+1");

  // y accessed twice: active after x[1].
  pc.write(y, 0, 16 * KiB, 5);
  pc.write(y, 0, 16 * KiB, 6);
  clean(pc, y);
  CHECK(lru_of(pc, true) == "x:1+1 y:0+4");
  CHECK(lru_of(pc, false) == "x:2+2");

  // inactive 2 < active 5: move (5-2+1)/2 = 2 pages' worth from the old end
  // of the active list: x[1] (1 page) -> inactive 3, active 4; still low:
  // (4-3+1)/2 = 1 page: y[0] -> inactive 4, active 3. Deactivated folios go
  // to the young end of the inactive list. Then the oldest inactive, x[2],
  // is freed, never an active one.
  s = pc.shrink(1, 100);
  CHECK(s.freed_pages == 1);
  CHECK(lru_of(pc, false) == "x:3+1 x:1+1 y:0+1");
  CHECK(lru_of(pc, true) == "y:1+3");
  CHECK(flags_at(x, 1) == 0);
  CHECK(flags_at(y, 0) == 0);
  CHECK(flags_at(y, 1) == kActive);
  CHECK(pc.active_pages() == 3);
  CHECK(pc.inactive_pages() == 3);

  // Everything: the inactive 3, then refills of 2 (y[1,3)) and 1 (y[3]).
  s = pc.shrink(100, 100);
  CHECK(s.freed_pages == 6);
  CHECK(pc.cached_pages() == 0);
  CHECK(pc.active_pages() == 0);
  CHECK(pc.inactive_pages() == 0);
}

// ---------------------------------------------------------------------------
// 5. Reclaim and dirty / under-writeback folios
// ---------------------------------------------------------------------------

TEST_CASE("page cache: shrink sets dirty and writeback folios aside and frees them after writeback") {
  PageCache pc(small_folios());
  auto& d = pc.file("d");
  auto& w = pc.file("w");
  auto& c = pc.file("c");
  pc.write(d, 0, 16 * KiB, 1);  // dirty
  pc.write(w, 0, 16 * KiB, 2);
  pc.start_writeback(w, 0, kAll);  // under writeback
  pc.write(c, 0, 16 * KiB, 3);
  clean(pc, c);  // clean
  CHECK(lru_of(pc, false) == "d:0+4 w:0+4 c:0+4");

  // d: dirty, PG_reclaim, to the young end; w: the same; c[0,2) freed.
  auto s = pc.shrink(2, 100);
  CHECK(s.scanned_pages == 10);
  CHECK(s.scanned_folios == 10);
  CHECK(s.freed_pages == 2);
  CHECK(s.freed_folios == 2);
  CHECK(s.dirty_pages == 4);
  CHECK(s.writeback_pages == 4);
  CHECK(lru_of(pc, false) == "c:2+2 d:0+4 w:0+4");
  CHECK(flags_at(d, 0) == (kDirty | kReclaim));
  CHECK(flags_at(w, 0) == (kWriteback | kReclaim));
  CHECK(pc.dirty_pages() == 4);
  CHECK(pc.writeback_pages() == 4);

  // Ask for everything: c[2,4) is freed, d and w are seen once each (one
  // pass over the list, as shrink_inactive_list isolates each folio once),
  // and are still not freed.
  s = pc.shrink(100, 100);
  CHECK(s.freed_pages == 2);
  CHECK(s.scanned_pages == 10);
  CHECK(s.dirty_pages == 4);
  CHECK(s.writeback_pages == 4);
  CHECK(lru_of(pc, false) == "d:0+4 w:0+4");
  CHECK(pc.cached_pages() == 8);

  // w's writeback ends: clean with PG_reclaim -> oldest end, flag cleared.
  auto e = pc.end_writeback(w, {0, 4});
  CHECK(e.pages == 4);
  CHECK(flags_at(w, 0) == 0);
  CHECK(lru_of(pc, false) == "w:0+4 d:0+4");
  s = pc.shrink(4, 100);
  CHECK(s.freed_pages == 4);
  CHECK(s.scanned_pages == 4);
  CHECK(s.dirty_pages == 0);
  CHECK(w.runs().empty());

  // d goes under writeback, and a clean folio n is added after it.
  auto r = pc.start_writeback(d, 0, kAll);
  REQUIRE(r.size() == 1);
  auto& n = pc.file("n");
  pc.write(n, 0, 4 * KiB, 5);
  clean(pc, n);
  CHECK(lru_of(pc, false) == "d:0+4 n:0+1");
  // Scan limit 4: just d, under writeback, set aside behind n.
  s = pc.shrink(4, 4);
  CHECK(s.freed_pages == 0);
  CHECK(s.writeback_pages == 4);
  CHECK(s.dirty_pages == 0);
  CHECK(lru_of(pc, false) == "n:0+1 d:0+4");
  // Its writeback ends: back to the oldest end, freed before n.
  pc.end_writeback(d, r[0]);
  CHECK(lru_of(pc, false) == "d:0+4 n:0+1");
  s = pc.shrink(4, 100);
  CHECK(s.freed_pages == 4);
  CHECK(lru_of(pc, false) == "n:0+1");
  CHECK(pc.cached_pages() == 1);
}

TEST_CASE("page cache: writeback end rotates a reclaim folio ahead of older clean ones") {
  PageCache pc(small_folios());
  auto& o = pc.file("o");
  auto& d = pc.file("d");
  pc.write(d, 0, 8 * KiB, 1);  // dirty, oldest
  pc.write(o, 0, 8 * KiB, 2);
  clean(pc, o);
  // Scan limit 2: only d is scanned (set aside young), nothing freed.
  auto s = pc.shrink(2, 2);
  CHECK(s.scanned_pages == 2);
  CHECK(s.freed_pages == 0);
  CHECK(lru_of(pc, false) == "o:0+2 d:0+2");
  clean(pc, d);  // writeback starts and ends: rotated to the oldest end
  CHECK(lru_of(pc, false) == "d:0+2 o:0+2");
  s = pc.shrink(2, 100);
  CHECK(s.freed_pages == 2);
  CHECK(lru_of(pc, false) == "o:0+2");
}

TEST_CASE("page cache: scan_limit_pages bounds scanned_pages") {
  PageCache pc(small_folios());
  auto& d = pc.file("d");
  auto& c = pc.file("c");
  pc.write(d, 0, 40 * KiB, 1);  // 10 dirty
  pc.write(c, 0, 80 * KiB, 2);  // 20, cleaned below
  clean(pc, c);

  // Budget 6 of d's 10: d[0,6) is scanned and set aside, d[6,10) is now the
  // oldest.
  auto s = pc.shrink(10, 6);
  CHECK(s.scanned_pages == 6);
  CHECK(s.dirty_pages == 6);
  CHECK(s.freed_pages == 0);
  CHECK(lru_of(pc, false) == "d:6+4 c:0+20 d:0+6");

  // d[6,10) (4), set aside just younger than d[0,6): same state, file- and
  // LRU-adjacent, so they merge again; then 2 of c.
  s = pc.shrink(10, 6);
  CHECK(s.scanned_pages == 6);
  CHECK(s.dirty_pages == 4);
  CHECK(s.freed_pages == 2);
  CHECK(lru_of(pc, false) == "c:2+18 d:0+10");

  // Clean only: the scan limit still bounds what is freed.
  s = pc.shrink(10, 3);
  CHECK(s.scanned_pages == 3);
  CHECK(s.freed_pages == 3);
  CHECK(lru_of(pc, false) == "c:5+15 d:0+10");
}

TEST_CASE("page cache: shrink scans each folio at most once a call") {
  // Only 10 dirty pages on the LRU and a scan limit of 64: they are found
  // once, not counted again on each lap round the list.
  PageCache pc(small_folios());
  auto& d = pc.file("d");
  pc.write(d, 0, 40 * KiB, 1);
  auto s = pc.shrink(32, 64);
  CHECK(s.scanned_pages == 10);
  CHECK(s.scanned_folios == 10);
  CHECK(s.dirty_pages == 10);
  CHECK(s.freed_pages == 0);
  CHECK(pc.dirty_pages() == 10);
  CHECK(runs_of(d) == "0+10/1");
}

// ---------------------------------------------------------------------------
// 6. Drop-behind
// ---------------------------------------------------------------------------

TEST_CASE("page cache: drop-behind marks new folios only and frees them when clean") {
  PageCache pc(small_folios());
  auto& f = pc.file("f");
  auto& g = pc.file("g");

  pc.write(f, 0, 16 * KiB, 1, true);  // f[0,4) new: marked
  CHECK(pc.dropbehind_pages() == 4);
  CHECK(has_flag(f, 0, kDropbehind));

  // g[0,4) cached normally; a drop-behind write of [0,8) uses [0,4) as it is
  // (not marked) and marks only the new [4,8).
  pc.write(g, 0, 16 * KiB, 1);
  auto w = pc.write(g, 0, 32 * KiB, 2, true);
  CHECK(w.existing_pages == 4);
  CHECK(w.new_pages == 4);
  CHECK_FALSE(has_flag(g, 0, kDropbehind));
  CHECK(has_flag(g, 4, kDropbehind));
  CHECK(pc.dropbehind_pages() == 8);

  // A normal write of a marked folio clears the mark: f[0].
  pc.write(f, 0, 4 * KiB, 3);
  CHECK_FALSE(has_flag(f, 0, kDropbehind));
  CHECK(pc.dropbehind_pages() == 7);
  // A drop-behind write of a marked folio keeps it: f[1].
  pc.write(f, 4 * KiB, 4 * KiB, 3, true);
  CHECK(has_flag(f, 1, kDropbehind));
  CHECK(pc.dropbehind_pages() == 7);

  // f under writeback; f[3] redirtied by a drop-behind write meanwhile.
  auto r = pc.start_writeback(f, 0, kAll);
  REQUIRE(r.size() == 1);
  check_range(r[0], 0, 4, 4);
  pc.write(f, 12 * KiB, 4 * KiB, 4, true);
  // (Its second access also made it referenced.)
  CHECK(flags_at(f, 3) == (kDirty | kWriteback | kDropbehind | kReferenced));

  // End: f[0] (unmarked) stays clean; f[1,3) (marked, clean) are freed;
  // f[3] (marked but dirty) stays.
  auto e = pc.end_writeback(f, r[0]);
  CHECK(e.pages == 4);
  CHECK(e.dropped_pages == 2);
  CHECK(runs_of(f) == "0+1/1 3+1/1");
  CHECK(f.cached_pages() == 2);
  CHECK(pc.dropbehind_pages() == 5);  // g[4,8) and f[3]
  CHECK(flags_at(f, 3) == (kDirty | kDropbehind | kReferenced));
  e = clean(pc, f);
  CHECK(e.dropped_pages == 1);
  CHECK(runs_of(f) == "0+1/1");
  CHECK(pc.dropbehind_pages() == 4);

  // g: [4,8) under writeback, page 5 rewritten by a normal write: it loses
  // the mark and survives; 4, 6 and 7 are freed.
  r = pc.start_writeback(g, 0, kAll);
  REQUIRE(r.size() == 1);
  check_range(r[0], 0, 8, 8);
  pc.write(g, 20 * KiB, 4 * KiB, 5);
  CHECK(has_flag(g, 5, kWriteback));
  CHECK_FALSE(has_flag(g, 5, kDropbehind));
  e = pc.end_writeback(g, r[0]);
  CHECK(e.pages == 8);
  CHECK(e.dropped_pages == 3);
  CHECK(runs_of(g) == "0+4/1 5+1/1");
  CHECK(pc.dropbehind_pages() == 0);
  CHECK(pc.cached_pages() == 1 + 5);
  CHECK(pc.dirty_pages() == 1);
  CHECK(pc.writeback_pages() == 0);
}

TEST_CASE("page cache: dontcache ioends completing in order free the front of their run, which keeps its place") {
  PageCache pc(small_folios());
  auto& f = pc.file("f");
  auto& g = pc.file("g");
  // f: four 4-page drop-behind writes, all under writeback as one run;
  // then g's run, younger on the inactive list.
  std::vector<PageRange> ioends;
  for (std::uint64_t i = 0; i < 4; ++i) {
    pc.write(f, i * 16 * KiB, 16 * KiB, 1, true);
    const auto r = pc.start_writeback(f, i * 4, 4);
    REQUIRE(r.size() == 1);
    ioends.push_back(r[0]);
  }
  pc.write(g, 0, 8 * KiB, 1);
  CHECK(runs_of(f) == "0+16/1");
  CHECK(lru_of(pc, false) == "f:0+16 g:0+2");
  // The first ioend ends: its 4 pages are freed, the run starts at page 4
  // and stays older than g's.
  auto e = pc.end_writeback(f, ioends[0]);
  CHECK(e.pages == 4);
  CHECK(e.dropped_pages == 4);
  CHECK(runs_of(f) == "4+12/1");
  CHECK(lru_of(pc, false) == "f:4+12 g:0+2");
  CHECK(f.cached_pages() == 12);
  CHECK(f.writeback_pages() == 12);
  CHECK(pc.writeback_pages() == 12);
  CHECK(pc.dropbehind_pages() == 12);
  CHECK(pc.cached_pages() == 14);
  // A write past them while the rest is under writeback, then the others end.
  pc.write(f, 64 * KiB, 16 * KiB, 2, true);
  for (std::size_t i = 1; i < 4; ++i) pc.end_writeback(f, ioends[i]);
  CHECK(runs_of(f) == "16+4/1");
  CHECK(lru_of(pc, false) == "g:0+2 f:16+4");
  CHECK(f.cached_pages() == 4);
  CHECK(f.dirty_pages() == 4);
  CHECK(pc.writeback_pages() == 0);
  CHECK(pc.dropbehind_pages() == 4);
  CHECK(pc.totals().runs == 2);
}

// ---------------------------------------------------------------------------
// 7. Dirty files in the order they were dirtied
// ---------------------------------------------------------------------------

TEST_CASE("page cache: dirty_files are ordered by when each file became dirty") {
  PageCache pc(small_folios());
  auto& p = pc.file("p");
  auto& q = pc.file("q");
  auto& r = pc.file("r");
  auto names = [&pc] {
    std::string s;
    for (auto* f : pc.dirty_files()) s += f->name();
    return s;
  };
  CHECK(names().empty());
  pc.write(q, 0, 8 * KiB, 1.0);
  pc.write(p, 0, 8 * KiB, 2.0);
  pc.write(r, 0, 8 * KiB, 3.0);
  CHECK(names() == "qpr");
  CHECK(q.dirtied_when_s() == 1.0);

  // More writes while q is dirty, new folios or existing ones: no change.
  pc.write(q, 0, 4 * KiB, 5.0);
  pc.write(q, 40 * KiB, 4 * KiB, 6.0);
  CHECK(q.dirtied_when_s() == 1.0);
  CHECK(names() == "qpr");

  // Part of q written back: still dirty, still 1.0.
  pc.start_writeback(q, 0, 1);
  CHECK(q.dirtied_when_s() == 1.0);
  CHECK(names() == "qpr");

  // All of q taken for writeback: q is clean (no dirty pages) even though
  // the writeback has not ended.
  pc.start_writeback(q, 0, kAll);
  CHECK(q.dirty_pages() == 0);
  CHECK(names() == "pr");

  // Redirtied at 7 (a folio under writeback): dirtied_when restarts.
  pc.write(q, 0, 4 * KiB, 7.0);
  CHECK(q.dirtied_when_s() == 7.0);
  CHECK(names() == "prq");

  // p cleaned through writeback, then dirtied again at 8 by a new folio.
  clean(pc, p);
  CHECK(names() == "rq");
  pc.write(p, 100 * KiB, 4 * KiB, 8.0);
  CHECK(p.dirtied_when_s() == 8.0);
  CHECK(names() == "rqp");
}
