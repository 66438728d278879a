//===- TensorImpl.h - What a Tensor handle points at ------------*- C++ -*-===//
#ifndef KILN_TENSORIMPL_H
#define KILN_TENSORIMPL_H

#include "kiln/runtime/Kernels.h"
#include "kiln/runtime/Storage.h"

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

namespace kiln {
namespace autograd {
class Node;
} // namespace autograd

/// A strided view of a storage plus the autograd metadata of the tensor.
/// Views share `storage` (and with it the version counter) with their base.
struct TensorImpl {
  runtime::Storage storage;
  ScalarType dtype = kFloat;
  std::vector<int64_t> sizes;
  std::vector<int64_t> strides;
  int64_t offset = 0;

  /// Set by the user on leaves; non-leaves require grad through gradFn.
  bool requiresGrad = false;
  /// The node that produced this tensor (null for leaves).
  std::shared_ptr<autograd::Node> gradFn;
  /// Which output of gradFn this tensor is.
  uint32_t outputNr = 0;
  /// Accumulated gradient (leaves, or non-leaves with retain_grad()).
  std::shared_ptr<TensorImpl> grad;
  /// The AccumulateGrad node of a leaf, shared by all its uses in a graph.
  std::weak_ptr<autograd::Node> gradAccumulator;
  /// True when this tensor aliases memory of another tensor (a view).
  bool isView = false;
  /// For a view: the tensor at the root of its chain of views, so that
  /// in-place writes to a view of a leaf that requires grad are refused.
  std::weak_ptr<TensorImpl> viewBase;
  /// A view made under no_grad of a tensor that requires grad: it reports
  /// requires_grad() (as libtorch's views do) but is a leaf without an
  /// accumulator, so no gradient reaches it or its base through it.
  bool noGradViewOfGradTensor = false;
  /// A Python-style number wrapped as a 0-dim tensor (type promotion).
  bool isWrappedNumber = false;
  bool retainsGrad = false;

  /// Times a Tensor handle that held this impl was re-pointed elsewhere
  /// (`w = other`): a compiled function that captured this tensor from a
  /// variable can tell that the variable now names another tensor.
  uint32_t rebinds = 0;
  /// Creation order: the tracer tells tensors made during a trace from
  /// those that existed before it.
  uint64_t serial = nextSerial();

  static uint64_t nextSerial() {
    static std::atomic<uint64_t> counter{0};
    return counter.fetch_add(1, std::memory_order_relaxed) + 1;
  }

  int64_t numel() const {
    int64_t n = 1;
    for (int64_t s : sizes)
      n *= s;
    return n;
  }
  void *data() const {
    return static_cast<char *>(storage->data()) + offset * elementSize(dtype);
  }
  runtime::StridedView view() const {
    return runtime::StridedView{data(), dtype, sizes, strides};
  }
};

} // namespace kiln

#endif // KILN_TENSORIMPL_H
