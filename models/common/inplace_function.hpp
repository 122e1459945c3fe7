// A move-only std::function that keeps a callable of up to `Size` bytes in
// itself: calling through it never allocates, and neither does making one
// whose captures fit (issue #18: a device request's completion callback is
// made once a request, millions of times a run). Larger callables go to the
// heap, as std::function's do.
#pragma once

#include <cstddef>
#include <new>
#include <type_traits>
#include <utility>

namespace foliosim {

template <class Signature, std::size_t Size = 64>
class InplaceFunction;

template <class R, class... Args, std::size_t Size>
class InplaceFunction<R(Args...), Size> {
 public:
  InplaceFunction() = default;
  template <class F, class = std::enable_if_t<!std::is_same_v<std::decay_t<F>, InplaceFunction>>>
  InplaceFunction(F&& f) {  // NOLINT(google-explicit-constructor): as std::function's
    using T = std::decay_t<F>;
    if constexpr (fits<T>()) {
      new (buffer_) T(std::forward<F>(f));
    } else {
      new (buffer_) T*(new T(std::forward<F>(f)));
    }
    ops_ = &kOps<T>;
  }
  InplaceFunction(InplaceFunction&& other) noexcept { take(other); }
  InplaceFunction& operator=(InplaceFunction&& other) noexcept {
    if (this != &other) {
      reset();
      take(other);
    }
    return *this;
  }
  InplaceFunction(const InplaceFunction&) = delete;
  InplaceFunction& operator=(const InplaceFunction&) = delete;
  ~InplaceFunction() { reset(); }

  R operator()(Args... args) const { return ops_->call(buffer_, std::forward<Args>(args)...); }
  explicit operator bool() const { return ops_ != nullptr; }

 private:
  struct Ops {
    R (*call)(void* buffer, Args&&... args);
    void (*move)(void* from, void* to);  // move-constructs into `to` and destroys `from`
    void (*destroy)(void* buffer);
  };
  template <class T>
  static constexpr bool fits() {
    return sizeof(T) <= Size && alignof(T) <= alignof(std::max_align_t) && std::is_nothrow_move_constructible_v<T>;
  }
  template <class T>
  static T& target(void* buffer) {
    if constexpr (fits<T>()) {
      return *std::launder(reinterpret_cast<T*>(buffer));
    } else {
      return **std::launder(reinterpret_cast<T**>(buffer));
    }
  }
  template <class T>
  static constexpr Ops kOps = {
      [](void* buffer, Args&&... args) -> R { return target<T>(buffer)(std::forward<Args>(args)...); },
      [](void* from, void* to) {
        if constexpr (fits<T>()) {
          new (to) T(std::move(target<T>(from)));
          target<T>(from).~T();
        } else {
          new (to) T*(&target<T>(from));
        }
      },
      [](void* buffer) {
        if constexpr (fits<T>()) {
          target<T>(buffer).~T();
        } else {
          delete &target<T>(buffer);
        }
      }};

  void take(InplaceFunction& other) {
    if (!other.ops_) return;
    other.ops_->move(other.buffer_, buffer_);
    ops_ = other.ops_;
    other.ops_ = nullptr;
  }
  void reset() {
    if (ops_) ops_->destroy(buffer_);
    ops_ = nullptr;
  }

  alignas(std::max_align_t) mutable unsigned char buffer_[Size];
  const Ops* ops_ = nullptr;
};

}  // namespace foliosim
