//===- Loops.h - Strided iteration shared by the CPU kernels ----*- C++ -*-===//
//
// Private to the runtime. Walks N operands of one shape row by row after
// merging dimensions that are contiguous in every operand, so a contiguous
// operation becomes a single tight (vectorizable) row.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_RUNTIME_LOOPS_H
#define KILN_RUNTIME_LOOPS_H

#include "kiln/runtime/Kernels.h"

#include <array>
#include <cstdint>
#include <vector>

namespace kiln::runtime {

/// Iterates `N` views of the shape `sizes`; calls
/// `body(std::array<char*,N> ptrs, std::array<int64_t,N> byteStrides, n)`
/// once per innermost row.
template <size_t N, class Body>
void forEachRow(const std::vector<int64_t> &sizes,
                const std::array<const StridedView *, N> &views, Body &&body) {
  // Collapse: drop size-1 dims, merge dims contiguous in every operand.
  int64_t dims[16][N + 1];
  int nd = 0;
  for (size_t d = 0; d < sizes.size(); ++d) {
    if (sizes[d] == 1)
      continue;
    if (sizes[d] == 0)
      return;
    bool merge = nd > 0;
    for (size_t k = 0; k < N && merge; ++k)
      merge = dims[nd - 1][k + 1] == views[k]->strides[d] * sizes[d];
    if (merge) {
      dims[nd - 1][0] *= sizes[d];
      for (size_t k = 0; k < N; ++k)
        dims[nd - 1][k + 1] = views[k]->strides[d];
      continue;
    }
    dims[nd][0] = sizes[d];
    for (size_t k = 0; k < N; ++k)
      dims[nd][k + 1] = views[k]->strides[d];
    ++nd;
  }
  std::array<char *, N> base;
  std::array<int64_t, N> elem;
  for (size_t k = 0; k < N; ++k) {
    base[k] = static_cast<char *>(views[k]->data);
    elem[k] = static_cast<int64_t>(elementSize(views[k]->dtype));
  }
  std::array<int64_t, N> inner;
  if (nd == 0) {
    for (size_t k = 0; k < N; ++k)
      inner[k] = elem[k];
    body(base, inner, int64_t(1));
    return;
  }
  for (size_t k = 0; k < N; ++k)
    inner[k] = dims[nd - 1][k + 1] * elem[k];
  int64_t rowLen = dims[nd - 1][0];
  int outer = nd - 1;
  int64_t counter[16] = {0};
  while (true) {
    std::array<char *, N> p;
    for (size_t k = 0; k < N; ++k) {
      int64_t off = 0;
      for (int d = 0; d < outer; ++d)
        off += counter[d] * dims[d][k + 1];
      p[k] = base[k] + off * elem[k];
    }
    body(p, inner, rowLen);
    int d = outer - 1;
    for (; d >= 0; --d) {
      if (++counter[d] < dims[d][0])
        break;
      counter[d] = 0;
    }
    if (d < 0)
      break;
  }
}

} // namespace kiln::runtime

#endif // KILN_RUNTIME_LOOPS_H
