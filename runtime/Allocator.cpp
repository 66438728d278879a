//===- Allocator.cpp - Host memory with caches of blocks ------------------===//
//
// Large blocks (32 KiB and more) are kept in one shared cache per exact
// size: a training step frees and re-allocates the same sizes every
// iteration. Small blocks (up to 2 KiB) are kept per thread, a few per
// 64-byte size class: scalars and small temporaries are allocated on every
// op, and aligned_alloc's path through malloc costs more than the op.
//
//===----------------------------------------------------------------------===//
#include "kiln/runtime/Allocator.h"
#include "kiln/runtime/Storage.h"

#include <cstdlib>
#include <mutex>
#include <new>
#include <unordered_map>
#include <vector>

// Under AddressSanitizer freed blocks go back to the system at once, so a
// use after free is reported instead of hidden by the cache.
#if defined(__SANITIZE_ADDRESS__)
#define KILN_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define KILN_ASAN 1
#endif
#endif
#ifndef KILN_ASAN
#define KILN_ASAN 0
#endif

namespace kiln::runtime {
namespace {

size_t rounded(size_t bytes) {
  return bytes == 0 ? kAlignment
                    : (bytes + kAlignment - 1) / kAlignment * kAlignment;
}

struct BlockCache {
  std::mutex mutex;
  std::unordered_map<size_t, std::vector<void *>> free;
  size_t bytes = 0;
};

/// Never destroyed: tensors with static storage duration may be freed after
/// any other static object.
BlockCache &cache() {
  static BlockCache *c = new BlockCache;
  return *c;
}

constexpr size_t kSmallMax = 2048, kSmallClasses = kSmallMax / kAlignment,
                 kSmallPerClass = 16;

/// This thread's small blocks. Trivially destructible, so it stays usable
/// while other thread-local and static objects are destroyed (tensors can
/// be freed then); SmallCacheFlusher returns the blocks at thread exit.
struct SmallCache {
  void *blocks[kSmallClasses][kSmallPerClass];
  unsigned count[kSmallClasses];
  bool flushed; // The thread is exiting: blocks go back to the system.
};
thread_local SmallCache smallCache;

struct SmallCacheFlusher {
  ~SmallCacheFlusher() {
    for (size_t c = 0; c < kSmallClasses; ++c)
      for (unsigned i = 0; i < smallCache.count[c]; ++i)
        std::free(smallCache.blocks[c][i]);
    smallCache = {};
    smallCache.flushed = true;
  }
};
thread_local SmallCacheFlusher smallCacheFlusher;

/// The size class of a rounded small size.
size_t smallClass(size_t size) { return size / kAlignment - 1; }

} // namespace

bool blockCacheEnabled() { return !KILN_ASAN; }

void *allocate(size_t bytes) {
  size_t size = rounded(bytes);
  if (size <= kSmallMax && blockCacheEnabled()) {
    SmallCache &c = smallCache;
    size_t k = smallClass(size);
    if (c.count[k] > 0)
      return c.blocks[k][--c.count[k]];
  }
  if (size >= kCachedBlockMin && blockCacheEnabled()) {
    BlockCache &c = cache();
    std::lock_guard<std::mutex> lock(c.mutex);
    auto it = c.free.find(size);
    if (it != c.free.end() && !it->second.empty()) {
      void *block = it->second.back();
      it->second.pop_back();
      c.bytes -= size;
      return block;
    }
  }
  void *block = std::aligned_alloc(kAlignment, size);
  if (!block) {
    // The cache may hold what the system lacks.
    emptyCache();
    block = std::aligned_alloc(kAlignment, size);
  }
  if (!block)
    throw std::bad_alloc();
  return block;
}

void deallocate(void *block, size_t bytes) {
  if (!block)
    return;
  size_t size = rounded(bytes);
  if (size <= kSmallMax && blockCacheEnabled()) {
    (void)&smallCacheFlusher; // Constructs it: it flushes at thread exit.
    SmallCache &c = smallCache;
    size_t k = smallClass(size);
    if (!c.flushed && c.count[k] < kSmallPerClass) {
      c.blocks[k][c.count[k]++] = block;
      return;
    }
  }
  if (size >= kCachedBlockMin && blockCacheEnabled()) {
    BlockCache &c = cache();
    std::lock_guard<std::mutex> lock(c.mutex);
    if (c.bytes + size <= kCacheCapacity) {
      c.free[size].push_back(block);
      c.bytes += size;
      return;
    }
  }
  std::free(block);
}

void emptyCache() {
  // This thread's small blocks, then the shared large ones.
  SmallCache &small = smallCache;
  for (size_t k = 0; k < kSmallClasses; ++k) {
    for (unsigned i = 0; i < small.count[k]; ++i)
      std::free(small.blocks[k][i]);
    small.count[k] = 0;
  }
  BlockCache &c = cache();
  std::lock_guard<std::mutex> lock(c.mutex);
  for (auto &[size, blocks] : c.free)
    for (void *block : blocks)
      std::free(block);
  c.free.clear();
  c.bytes = 0;
}

size_t cachedBytes() {
  BlockCache &c = cache();
  std::lock_guard<std::mutex> lock(c.mutex);
  return c.bytes;
}

} // namespace kiln::runtime
