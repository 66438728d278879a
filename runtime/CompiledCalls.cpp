//===- CompiledCalls.cpp - Runtime functions called by compiled code ------===//
#include "kiln/runtime/CompiledCalls.h"
#include "kiln/runtime/Allocator.h"
#include "kiln/runtime/Kernels.h"
#include "kiln/runtime/Storage.h"

#include <vector>

namespace kiln::runtime {
namespace {

template <class T> constexpr ScalarType dtypeOf() {
  return std::is_same_v<T, float> ? ScalarType::Float : ScalarType::Double;
}

/// One 2-D product; `r` is the index of the matrices' row dimension in the
/// descriptors (0, or 1 with a batch dimension in front).
template <class T, int N>
void matmul2d(const MemRefDescriptor<T, N> *a, const MemRefDescriptor<T, N> *b,
              const MemRefDescriptor<T, N> *c, int64_t batch, int64_t flags) {
  constexpr int r = N - 2;
  auto base = [&](const MemRefDescriptor<T, N> *d) {
    return d->aligned + d->offset + (r ? batch * d->strides[0] : 0);
  };
  int64_t m = c->sizes[r], n = c->sizes[r + 1];
  // Logical A (m x k) and B (k x n): a stored transpose swaps the strides.
  bool ta = flags & kMatmulTransposeA, tb = flags & kMatmulTransposeB;
  int64_t k = ta ? a->sizes[r] : a->sizes[r + 1];
  int64_t ars = a->strides[ta ? r + 1 : r], acs = a->strides[ta ? r : r + 1];
  int64_t brs = b->strides[tb ? r + 1 : r], bcs = b->strides[tb ? r : r + 1];
  bool accumulate = flags & kMatmulAccumulate;
  T *out = base(c);
  int64_t crs = c->strides[r], ccs = c->strides[r + 1];
  if (ccs == 1 || n == 1) {
    // A single row or column may carry any stride there; BLAS wants
    // ldc >= max(1, n).
    int64_t ldc = m == 1 ? std::max<int64_t>(crs, n) : crs;
    gemm(dtypeOf<T>(), m, n, k, base(a), ars, acs, base(b), brs, bcs, out,
         n == 1 ? std::max<int64_t>(ldc, 1) : ldc, accumulate);
    return;
  }
  // A C that is not row-major (a strided view): compute, then scatter.
  std::vector<T> tmp(m * n);
  gemm(dtypeOf<T>(), m, n, k, base(a), ars, acs, base(b), brs, bcs, tmp.data(),
       n, false);
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j) {
      T &dst = out[i * crs + j * ccs];
      dst = accumulate ? dst + tmp[i * n + j] : tmp[i * n + j];
    }
}

template <class T, int N>
void matmulCall(const MemRefDescriptor<T, N> *a,
                const MemRefDescriptor<T, N> *b,
                const MemRefDescriptor<T, N> *c, int64_t flags) {
  int64_t batches = N == 3 ? c->sizes[0] : 1;
  for (int64_t i = 0; i < batches; ++i)
    matmul2d(a, b, c, i, flags);
}

} // namespace

const std::vector<std::pair<const char *, void *>> &compiledCallSymbols() {
  static const std::vector<std::pair<const char *, void *>> symbols = {
      {"_mlir_ciface_kiln_matmul_f32",
       reinterpret_cast<void *>(&_mlir_ciface_kiln_matmul_f32)},
      {"_mlir_ciface_kiln_matmul_f64",
       reinterpret_cast<void *>(&_mlir_ciface_kiln_matmul_f64)},
      {"_mlir_ciface_kiln_batch_matmul_f32",
       reinterpret_cast<void *>(&_mlir_ciface_kiln_batch_matmul_f32)},
      {"_mlir_ciface_kiln_batch_matmul_f64",
       reinterpret_cast<void *>(&_mlir_ciface_kiln_batch_matmul_f64)},
      {"_mlir_memref_to_llvm_alloc",
       reinterpret_cast<void *>(&_mlir_memref_to_llvm_alloc)},
      {"_mlir_memref_to_llvm_free",
       reinterpret_cast<void *>(&_mlir_memref_to_llvm_free)},
  };
  return symbols;
}

} // namespace kiln::runtime

using kiln::runtime::MemRefDescriptor;

extern "C" {
void _mlir_ciface_kiln_matmul_f32(MemRefDescriptor<float, 2> *a,
                                  MemRefDescriptor<float, 2> *b,
                                  MemRefDescriptor<float, 2> *c,
                                  int64_t flags) {
  kiln::runtime::matmulCall(a, b, c, flags);
}
void _mlir_ciface_kiln_matmul_f64(MemRefDescriptor<double, 2> *a,
                                  MemRefDescriptor<double, 2> *b,
                                  MemRefDescriptor<double, 2> *c,
                                  int64_t flags) {
  kiln::runtime::matmulCall(a, b, c, flags);
}
void _mlir_ciface_kiln_batch_matmul_f32(MemRefDescriptor<float, 3> *a,
                                        MemRefDescriptor<float, 3> *b,
                                        MemRefDescriptor<float, 3> *c,
                                        int64_t flags) {
  kiln::runtime::matmulCall(a, b, c, flags);
}
void _mlir_ciface_kiln_batch_matmul_f64(MemRefDescriptor<double, 3> *a,
                                        MemRefDescriptor<double, 3> *b,
                                        MemRefDescriptor<double, 3> *c,
                                        int64_t flags) {
  kiln::runtime::matmulCall(a, b, c, flags);
}

// The block's size sits in a header of kAlignment bytes in front of the
// memory handed out, for the free (which gets only the pointer).
void *_mlir_memref_to_llvm_alloc(uint64_t bytes) {
  using kiln::runtime::kAlignment;
  if (bytes > UINT64_MAX - kAlignment)
    return nullptr;
  try {
    char *block =
        static_cast<char *>(kiln::runtime::allocate(bytes + kAlignment));
    *reinterpret_cast<uint64_t *>(block) = bytes + kAlignment;
    return block + kAlignment;
  } catch (const std::bad_alloc &) {
    return nullptr;
  }
}
void _mlir_memref_to_llvm_free(void *ptr) {
  if (!ptr)
    return;
  char *block = static_cast<char *>(ptr) - kiln::runtime::kAlignment;
  kiln::runtime::deallocate(block, *reinterpret_cast<uint64_t *>(block));
}
}
