// An allocator for node containers (std::map) that keeps freed nodes on a
// free list and hands them out again: a map that gains and loses a node
// every call (the page cache's runs, a device's waiting requests) then costs
// no malloc and free each time (issue #18). Memory is reused, never returned.
#pragma once

#include <cstddef>
#include <functional>
#include <iterator>
#include <map>
#include <new>
#include <utility>

namespace foliosim {

template <class T>
class NodePoolAllocator {
 public:
  using value_type = T;
  NodePoolAllocator() noexcept = default;
  template <class U>
  NodePoolAllocator(const NodePoolAllocator<U>&) noexcept {}  // NOLINT(google-explicit-constructor): rebinding

  T* allocate(std::size_t n) {
    static_assert(sizeof(T) >= sizeof(void*), "a free node holds the next one");
    if (n == 1 && free_ != nullptr) {
      void* node = free_;
      free_ = *static_cast<void**>(node);
      return static_cast<T*>(node);
    }
    return static_cast<T*>(::operator new(n * sizeof(T)));
  }
  void deallocate(T* p, std::size_t n) noexcept {
    if (n != 1) {
      ::operator delete(p);
      return;
    }
    *reinterpret_cast<void**>(p) = free_;
    free_ = p;
  }

 private:
  inline static void* free_ = nullptr;  // one list per node type
};

template <class T, class U>
bool operator==(const NodePoolAllocator<T>&, const NodePoolAllocator<U>&) noexcept {
  return true;
}
template <class T, class U>
bool operator!=(const NodePoolAllocator<T>&, const NodePoolAllocator<U>&) noexcept {
  return false;
}

// std::map with pooled nodes.
template <class Key, class Value, class Compare = std::less<Key>>
using PooledMap = std::map<Key, Value, Compare, NodePoolAllocator<std::pair<const Key, Value>>>;

// Gives the node at `it` the key `key`, which must keep the node's place
// between its neighbours: the same node moves, none is freed and made.
template <class Map>
void rekey(Map& map, typename Map::iterator it, const typename Map::key_type& key) {
  const auto next = std::next(it);
  auto node = map.extract(it);
  node.key() = key;
  map.insert(next, std::move(node));
}

}  // namespace foliosim
