// HugePageAllocator: the allocator for large arrays read at random (hash tables and per-id
// arrays of millions of entries). An allocation of 2 MiB or more is aligned to 2 MiB and advised
// to the kernel as huge pages (Linux madvise), so that a random read in it seldom misses the
// TLB (each miss is a page walk) and a fresh array faults in 512 times fewer pages. Elsewhere,
// or when the kernel declines, it is the plain allocator.
#pragma once

#include <cstddef>
#include <cstdlib>
#include <new>
#include <vector>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace kvsim {

template <typename T>
class HugePageAllocator {
 public:
  using value_type = T;

  HugePageAllocator() = default;
  template <typename U>
  HugePageAllocator(const HugePageAllocator<U>&) {}

  T* allocate(size_t n) {
    const size_t bytes = n * sizeof(T);
    if (bytes < kHuge) return static_cast<T*>(::operator new(bytes));
    const size_t rounded = (bytes + kHuge - 1) / kHuge * kHuge;
    void* p = std::aligned_alloc(kHuge, rounded);
    if (p == nullptr) throw std::bad_alloc();
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    madvise(p, rounded, MADV_HUGEPAGE);  // advice only: refused, the pages are small
#endif
    return static_cast<T*>(p);
  }

  void deallocate(T* p, size_t n) {
    if (n * sizeof(T) < kHuge) {
      ::operator delete(p);
    } else {
      std::free(p);
    }
  }

  template <typename U>
  bool operator==(const HugePageAllocator<U>&) const { return true; }

 private:
  static constexpr size_t kHuge = size_t{2} << 20;
};

// A vector in huge pages when large.
template <typename T>
using HugeVector = std::vector<T, HugePageAllocator<T>>;

}  // namespace kvsim
