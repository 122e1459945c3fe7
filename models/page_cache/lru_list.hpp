// An intrusive doubly-linked LRU list of folio runs: oldest at the front (the
// end reclaim scans), youngest at the back (where new folios go).
#pragma once

#include <cstdint>

namespace foliosim::page_cache {

template <class Node>
class LruList {
 public:
  Node* oldest() const { return front_; }
  Node* youngest() const { return back_; }
  std::uint64_t pages() const { return pages_; }
  std::uint64_t nodes() const { return nodes_; }
  // Insertions so far anywhere but at the oldest end: a bound on how many
  // nodes have come to be younger than any node since (Run::lru_seen_steps).
  std::uint64_t young_inserts() const { return young_inserts_; }
  bool empty() const { return front_ == nullptr; }

  void push_young(Node* n) { insert_before(nullptr, n); }
  void push_old(Node* n) { insert_before(front_, n); }
  // Inserts `n` just younger than `older`.
  void insert_after(Node* older, Node* n) { insert_before(older->lru_next, n); }

  void remove(Node* n) {
    (n->lru_prev ? n->lru_prev->lru_next : front_) = n->lru_next;
    (n->lru_next ? n->lru_next->lru_prev : back_) = n->lru_prev;
    n->lru_prev = n->lru_next = nullptr;
    pages_ -= n->pages;
    --nodes_;
  }
  // A node was split in place of an insertion (PageCache::erase_front).
  void count_young_insert() { ++young_inserts_; }
  // Pages of a node on this list changed by `delta` (split or merge).
  void resize(std::int64_t delta) { pages_ = static_cast<std::uint64_t>(static_cast<std::int64_t>(pages_) + delta); }

 private:
  // Inserts `n` just before `at` (nullptr: at the young end).
  void insert_before(Node* at, Node* n) {
    if (!at || at != front_) ++young_inserts_;  // all but push_old onto a list with nodes
    n->lru_seen_steps = 0;  // its distance to the young end is unknown again
    n->lru_next = at;
    n->lru_prev = at ? at->lru_prev : back_;
    (n->lru_prev ? n->lru_prev->lru_next : front_) = n;
    (at ? at->lru_prev : back_) = n;
    pages_ += n->pages;
    ++nodes_;
  }

  Node* front_ = nullptr;
  Node* back_ = nullptr;
  std::uint64_t pages_ = 0;
  std::uint64_t nodes_ = 0;
  std::uint64_t young_inserts_ = 0;
};

}  // namespace foliosim::page_cache
