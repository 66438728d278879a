//===- OpsCommon.h - Helpers shared by the eager op files -------*- C++ -*-===//
#ifndef KILN_FRONTEND_OPSCOMMON_H
#define KILN_FRONTEND_OPSCOMMON_H

#include "kiln/Tensor.h"
#include "kiln/autograd/GradMode.h"
#include "kiln/autograd/Node.h"
#include "kiln/runtime/Kernels.h"

#include <vector>

namespace kiln::detail {

/// Most dimensions a kiln tensor may have.
constexpr int64_t kMaxDims = 16;

std::vector<int64_t> contiguousStrides(IntArrayRef sizes);
/// A new contiguous, uninitialised tensor.
Tensor emptyTensor(IntArrayRef sizes, ScalarType dtype);
/// Throws kiln::Error for the libtorch dtypes kiln has names for but does
/// not store (kInt, kByte, kHalf, ...).
void checkSupportedType(ScalarType t);
/// A tensor aliasing `base`'s memory with new geometry (no history).
Tensor makeAlias(const Tensor &base, std::vector<int64_t> sizes,
                 std::vector<int64_t> strides, int64_t offset);
/// Normalises a possibly negative dim, with PyTorch's error.
int64_t wrapDim(int64_t dim, int64_t ndim);
/// NumPy broadcasting of two shapes, with PyTorch's error.
std::vector<int64_t> broadcastShapes(IntArrayRef a, IntArrayRef b);
/// `t`'s memory seen with `shape` (broadcast dims get stride 0).
runtime::StridedView broadcastView(const Tensor &t, IntArrayRef shape);
/// Sums a broadcast gradient back to `shape`.
Tensor sumTo(const Tensor &grad, IntArrayRef shape);
/// PyTorch's result type of a binary op (wrapped numbers and 0-dim
/// tensors do not raise the category of dimensioned tensors).
ScalarType resultType(const Tensor &a, const Tensor &b);
/// `t` as `dtype`, differentiably; `t` itself when already that type.
Tensor castTo(const Tensor &t, ScalarType dtype);
/// Throws PyTorch's error if `self` may not be written in place.
void checkInplace(const Tensor &self);
/// Writes `value` (broadcast) into `self` and bumps its version; takes over
/// value's history when it has one.
const Tensor &commitInplace(const Tensor &self, const Tensor &value);
/// Formats a shape like PyTorch: [2, 3].
std::string shapeString(IntArrayRef sizes);

} // namespace kiln::detail

#endif // KILN_FRONTEND_OPSCOMMON_H
