//===- Allocator.h - Host memory for tensors and compiled code ------------===//
//
// Large blocks are kept for reuse once freed: a training step frees and
// re-allocates the same sizes every iteration, and returning them to the
// system makes every step pay page faults on fresh memory. Blocks of at
// least kCachedBlockMin bytes are cached per exact size, up to
// kCacheCapacity bytes in all. Blocks of at most 2 KiB are cached per
// thread, a few per 64-byte size class, and returned at thread exit.
// emptyCache() returns the shared cache and the calling thread's.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_RUNTIME_ALLOCATOR_H
#define KILN_RUNTIME_ALLOCATOR_H

#include <cstddef>

namespace kiln::runtime {

constexpr size_t kCachedBlockMin = size_t(32) << 10;
constexpr size_t kCacheCapacity = size_t(256) << 20;

/// Whether freed large blocks are cached (not under AddressSanitizer, so
/// that it sees every use after free).
bool blockCacheEnabled();

/// `bytes` (rounded up to kAlignment), kAlignment-aligned. Throws
/// std::bad_alloc when out of memory.
void *allocate(size_t bytes);
/// Frees a block of allocate(bytes).
void deallocate(void *block, size_t bytes);
/// Returns every cached block to the system.
void emptyCache();
/// Bytes held in the cache now.
size_t cachedBytes();

} // namespace kiln::runtime

#endif // KILN_RUNTIME_ALLOCATOR_H
