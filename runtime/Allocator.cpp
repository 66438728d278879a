//===- Allocator.cpp - Host memory with a cache of large blocks -----------===//
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

} // namespace

bool blockCacheEnabled() { return !KILN_ASAN; }

void *allocate(size_t bytes) {
  size_t size = rounded(bytes);
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
