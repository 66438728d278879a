//===- CompiledCallsTest.cpp - Runtime functions of compiled code ---------===//
//
// The C-interface matmuls and allocation functions that generated code
// calls, driven with hand-built memref descriptors, and the block cache
// behind them.
//
//===----------------------------------------------------------------------===//
#include <gtest/gtest.h>
#include <kiln/runtime/Allocator.h>
#include <kiln/runtime/CompiledCalls.h>

#include <cstring>
#include <thread>
#include <vector>

using namespace kiln::runtime;

namespace {

/// C = A·B (+ C) by definition, with A(i, p) and B(p, j) given as functions.
template <class T, class FA, class FB>
std::vector<T> reference(int64_t m, int64_t n, int64_t k, FA a, FB b,
                         std::vector<T> c, bool accumulate) {
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j) {
      T acc = accumulate ? c[i * n + j] : T(0);
      for (int64_t p = 0; p < k; ++p)
        acc += a(i, p) * b(p, j);
      c[i * n + j] = acc;
    }
  return c;
}

template <class T>
MemRefDescriptor<T, 2> matrix(std::vector<T> &buf, int64_t rows, int64_t cols,
                              int64_t rowStride, int64_t colStride,
                              int64_t offset = 0) {
  return {buf.data(), buf.data(), offset, {rows, cols}, {rowStride, colStride}};
}

std::vector<float> iota(size_t n, float scale) {
  std::vector<float> v(n);
  for (size_t i = 0; i < n; ++i)
    v[i] = scale * float(int(i % 7) - 3) + 0.25f * float(i % 3);
  return v;
}

TEST(CompiledCalls, MatmulFlagsMatchTheDefinition) {
  const int64_t m = 5, n = 4, k = 3;
  for (int64_t flags = 0; flags < 8; ++flags) {
    bool ta = flags & kMatmulTransposeA, tb = flags & kMatmulTransposeB,
         acc = flags & kMatmulAccumulate;
    std::vector<float> a = iota(m * k, 0.5f), b = iota(k * n, -0.75f),
                       c = iota(m * n, 0.125f);
    // A stored k x m when transposed, B stored n x k.
    auto da = ta ? matrix(a, k, m, m, 1) : matrix(a, m, k, k, 1);
    auto db = tb ? matrix(b, n, k, k, 1) : matrix(b, k, n, n, 1);
    auto dc = matrix(c, m, n, n, 1);
    auto ea = [&](int64_t i, int64_t p) {
      return ta ? a[p * m + i] : a[i * k + p];
    };
    auto eb = [&](int64_t p, int64_t j) {
      return tb ? b[j * k + p] : b[p * n + j];
    };
    std::vector<float> want = reference<float>(m, n, k, ea, eb, c, acc);
    _mlir_ciface_kiln_matmul_f32(&da, &db, &dc, flags);
    for (int64_t i = 0; i < m * n; ++i)
      EXPECT_NEAR(c[i], want[i], 1e-5) << "flags " << flags << " element " << i;
  }
}

TEST(CompiledCalls, MatmulReadsAndWritesStridedViews) {
  // A: every other column of a 4x6 buffer at offset 1; B: a column-major
  // 3x2; C: a transposed (column-major) 4x2 view, accumulated into.
  std::vector<double> abuf(24), bbuf = {1, -2, 3, 0.5, 4, -1},
                                cbuf = {1, 2, 3, 4, 5, 6, 7, 8};
  for (int i = 0; i < 24; ++i)
    abuf[i] = 0.1 * i - 1;
  MemRefDescriptor<double, 2> a = {abuf.data(), abuf.data(), 1, {4, 3}, {6, 2}};
  MemRefDescriptor<double, 2> b = {bbuf.data(), bbuf.data(), 0, {3, 2}, {1, 3}};
  MemRefDescriptor<double, 2> c = {cbuf.data(), cbuf.data(), 0, {4, 2}, {1, 4}};
  std::vector<double> want(8);
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 2; ++j) {
      double acc = cbuf[i + 4 * j];
      for (int p = 0; p < 3; ++p)
        acc += abuf[1 + 6 * i + 2 * p] * bbuf[p + 3 * j];
      want[i + 4 * j] = acc;
    }
  _mlir_ciface_kiln_matmul_f64(&a, &b, &c, kMatmulAccumulate);
  for (int i = 0; i < 8; ++i)
    EXPECT_NEAR(cbuf[i], want[i], 1e-12) << i;
}

TEST(CompiledCalls, BatchMatmulRunsEachBatch) {
  const int64_t batch = 3, m = 2, n = 3, k = 4;
  std::vector<float> a = iota(batch * m * k, 0.3f),
                     b = iota(batch * n * k, 0.7f), c(batch * m * n, 99.0f);
  // B transposed: stored batch x n x k.
  MemRefDescriptor<float, 3> da = {
      a.data(), a.data(), 0, {batch, m, k}, {m * k, k, 1}};
  MemRefDescriptor<float, 3> db = {
      b.data(), b.data(), 0, {batch, n, k}, {n * k, k, 1}};
  MemRefDescriptor<float, 3> dc = {
      c.data(), c.data(), 0, {batch, m, n}, {m * n, n, 1}};
  _mlir_ciface_kiln_batch_matmul_f32(&da, &db, &dc, kMatmulTransposeB);
  for (int64_t t = 0; t < batch; ++t)
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j) {
        float want = 0;
        for (int64_t p = 0; p < k; ++p)
          want += a[t * m * k + i * k + p] * b[t * n * k + j * k + p];
        EXPECT_NEAR(c[t * m * n + i * n + j], want, 1e-5);
      }
}

TEST(CompiledCalls, EmptyInnerDimensionZeroesOrKeepsC) {
  std::vector<float> a(1), b(1), c = {1, 2, 3, 4};
  auto da = matrix(a, 2, 0, 1, 1), db = matrix(b, 0, 2, 2, 1);
  auto dc = matrix(c, 2, 2, 2, 1);
  _mlir_ciface_kiln_matmul_f32(&da, &db, &dc, kMatmulAccumulate);
  EXPECT_EQ(c, (std::vector<float>{1, 2, 3, 4}));
  _mlir_ciface_kiln_matmul_f32(&da, &db, &dc, 0);
  EXPECT_EQ(c, (std::vector<float>{0, 0, 0, 0}));
}

TEST(CompiledCalls, SymbolsAreListedByName) {
  bool alloc = false, matmul = false;
  for (auto [name, address] : compiledCallSymbols()) {
    EXPECT_NE(address, nullptr) << name;
    alloc |= std::strcmp(name, "_mlir_memref_to_llvm_alloc") == 0;
    matmul |= std::strcmp(name, "_mlir_ciface_kiln_matmul_f32") == 0;
  }
  EXPECT_TRUE(alloc);
  EXPECT_TRUE(matmul);
}

TEST(Allocator, LargeBlocksAreReusedFromTheSharedCache) {
  if (!blockCacheEnabled())
    GTEST_SKIP() << "no block cache under AddressSanitizer";
  emptyCache();
  EXPECT_EQ(cachedBytes(), 0u);
  const size_t large = kCachedBlockMin * 3 + 5;
  void *p = allocate(large);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % 64, 0u);
  std::memset(p, 1, large);
  deallocate(p, large);
  EXPECT_GE(cachedBytes(), large);
  void *q = allocate(large);
  EXPECT_EQ(q, p); // the cached block, same rounded size
  EXPECT_EQ(cachedBytes(), 0u);
  deallocate(q, large);

  // Small blocks are kept by the thread, not in the shared cache.
  size_t shared = cachedBytes();
  void *small = allocate(100);
  deallocate(small, 100);
  EXPECT_EQ(cachedBytes(), shared);
  emptyCache();
  EXPECT_EQ(cachedBytes(), 0u);
}

TEST(Allocator, SmallBlocksAreReusedPerThreadAndSizeClass) {
  if (!blockCacheEnabled())
    GTEST_SKIP() << "no block cache under AddressSanitizer";
  emptyCache();
  void *a = allocate(100); // the 128-byte class
  EXPECT_EQ(reinterpret_cast<uintptr_t>(a) % 64, 0u);
  std::memset(a, 7, 100);
  deallocate(a, 100);
  EXPECT_EQ(allocate(120), a); // same class
  void *b = allocate(100);
  EXPECT_NE(b, a);
  deallocate(a, 120);
  deallocate(b, 100);
  void *other = allocate(300); // another class: a fresh block
  EXPECT_NE(other, a);
  EXPECT_NE(other, b);
  deallocate(other, 300);
  // A block freed by another thread goes to that thread's cache, which
  // returns it to the system when the thread exits.
  void *moved = allocate(64);
  std::thread([&] { deallocate(moved, 64); }).join();
  emptyCache();
}

TEST(Allocator, CacheIsBounded) {
  if (!blockCacheEnabled())
    GTEST_SKIP() << "no block cache under AddressSanitizer";
  emptyCache();
  const size_t block = kCacheCapacity / 4 + 64;
  std::vector<void *> blocks;
  for (int i = 0; i < 5; ++i)
    blocks.push_back(allocate(block));
  for (void *b : blocks)
    deallocate(b, block);
  EXPECT_LE(cachedBytes(), kCacheCapacity);
  EXPECT_EQ(cachedBytes(), 3 * ((block + 63) / 64 * 64));
  emptyCache();
}

TEST(Allocator, CompiledCodeAllocationsRoundTrip) {
  if (!blockCacheEnabled())
    GTEST_SKIP() << "no block cache under AddressSanitizer";
  emptyCache();
  void *p = _mlir_memref_to_llvm_alloc(kCachedBlockMin * 2);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % 64, 0u);
  std::memset(p, 0, kCachedBlockMin * 2);
  _mlir_memref_to_llvm_free(p);
  EXPECT_GE(cachedBytes(), kCachedBlockMin * 2);
  void *q = _mlir_memref_to_llvm_alloc(kCachedBlockMin * 2);
  EXPECT_EQ(q, p);
  _mlir_memref_to_llvm_free(q);
  _mlir_memref_to_llvm_free(nullptr);
  void *tiny = _mlir_memref_to_llvm_alloc(8);
  _mlir_memref_to_llvm_free(tiny);
  emptyCache();
}

} // namespace
