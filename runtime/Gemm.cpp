//===- Gemm.cpp - Matrix products through OpenBLAS ------------------------===//
#include "kiln/runtime/Kernels.h"

#include <algorithm>
#include <cblas.h>
#include <cstring>
#include <vector>

namespace kiln::runtime {
namespace {

/// A 2-D operand as BLAS sees it: a pointer, a transpose flag and a leading
/// dimension. Operands that are strided in both dimensions are packed.
struct BlasOperand {
  const void *data;
  CBLAS_TRANSPOSE trans;
  int64_t ld;
  std::vector<char> packed;
};

template <class T>
BlasOperand asBlas(const char *base, int64_t rows, int64_t cols,
                   int64_t rowStride, int64_t colStride) {
  BlasOperand op{base, CblasNoTrans, 0, {}};
  if (colStride == 1 || cols == 1) {
    op.ld = rows == 1 ? std::max<int64_t>(cols, 1)
                      : std::max<int64_t>(rowStride, cols);
    if (rows == 1 || rowStride >= cols)
      return op;
  }
  if (rowStride == 1 || rows == 1) {
    op.trans = CblasTrans;
    op.ld = cols == 1 ? std::max<int64_t>(rows, 1)
                      : std::max<int64_t>(colStride, rows);
    if (cols == 1 || colStride >= rows)
      return op;
  }
  op.packed.resize(rows * cols * sizeof(T));
  T *dst = reinterpret_cast<T *>(op.packed.data());
  const T *src = reinterpret_cast<const T *>(base);
  for (int64_t i = 0; i < rows; ++i)
    for (int64_t j = 0; j < cols; ++j)
      dst[i * cols + j] = src[i * rowStride + j * colStride];
  op.data = dst;
  op.trans = CblasNoTrans;
  op.ld = std::max<int64_t>(cols, 1);
  return op;
}

template <class T>
void gemmBlas(int64_t m, int64_t n, int64_t k, const void *a, int64_t ars,
              int64_t acs, const void *b, int64_t brs, int64_t bcs, T *c,
              int64_t ldc, bool accumulate) {
  if (m == 0 || n == 0)
    return;
  if (k == 0) {
    if (!accumulate)
      for (int64_t i = 0; i < m; ++i)
        std::memset(c + i * ldc, 0, sizeof(T) * n);
    return;
  }
  BlasOperand A = asBlas<T>(static_cast<const char *>(a), m, k, ars, acs);
  BlasOperand B = asBlas<T>(static_cast<const char *>(b), k, n, brs, bcs);
  T beta = accumulate ? 1 : 0;
  if constexpr (std::is_same_v<T, float>)
    cblas_sgemm(CblasRowMajor, A.trans, B.trans, m, n, k, 1.0f,
                static_cast<const float *>(A.data), A.ld,
                static_cast<const float *>(B.data), B.ld, beta, c, ldc);
  else
    cblas_dgemm(CblasRowMajor, A.trans, B.trans, m, n, k, 1.0,
                static_cast<const double *>(A.data), A.ld,
                static_cast<const double *>(B.data), B.ld, beta, c, ldc);
}

} // namespace

void gemm(ScalarType dtype, int64_t m, int64_t n, int64_t k, const void *a,
          int64_t aRowStride, int64_t aColStride, const void *b,
          int64_t bRowStride, int64_t bColStride, void *c, int64_t ldc,
          bool accumulate) {
  dispatchType(dtype, [&](auto t) {
    using T = decltype(t);
    if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double>) {
      gemmBlas<T>(m, n, k, a, aRowStride, aColStride, b, bRowStride, bColStride,
                  static_cast<T *>(c), ldc, accumulate);
    } else if constexpr (!std::is_same_v<T, bool>) {
      const T *x = static_cast<const T *>(a), *y = static_cast<const T *>(b);
      T *o = static_cast<T *>(c);
      for (int64_t i = 0; i < m; ++i)
        for (int64_t j = 0; j < n; ++j) {
          T acc = accumulate ? o[i * ldc + j] : T(0);
          for (int64_t p = 0; p < k; ++p)
            acc += x[i * aRowStride + p * aColStride] *
                   y[p * bRowStride + j * bColStride];
          o[i * ldc + j] = acc;
        }
    }
  });
}

void matmul(const StridedView &a, const StridedView &b,
            const StridedView &out) {
  if (a.dtype == ScalarType::Bool)
    return;
  bool batched = a.dim() == 3;
  int r = batched ? 1 : 0;
  int64_t batch = batched ? a.sizes[0] : 1;
  int64_t m = a.sizes[r], k = a.sizes[r + 1], n = b.sizes[r + 1];
  size_t es = elementSize(a.dtype);
  for (int64_t i = 0; i < batch; ++i) {
    const char *pa = static_cast<const char *>(a.data) +
                     (batched ? i * a.strides[0] * es : 0);
    const char *pb = static_cast<const char *>(b.data) +
                     (batched ? i * b.strides[0] * es : 0);
    char *po = static_cast<char *>(out.data) + i * m * n * es;
    gemm(a.dtype, m, n, k, pa, a.strides[r], a.strides[r + 1], pb, b.strides[r],
         b.strides[r + 1], po, std::max<int64_t>(n, 1), false);
  }
}

} // namespace kiln::runtime
