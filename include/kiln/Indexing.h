//===- Indexing.h - Slice, None, Ellipsis and TensorIndex -------*- C++ -*-===//
#ifndef KILN_INDEXING_H
#define KILN_INDEXING_H

#include "kiln/Tensor.h"

#include <cstdint>
#include <optional>

namespace kiln::indexing {

struct NoneIndexType {};
struct EllipsisIndexType {};
constexpr NoneIndexType None{};
constexpr EllipsisIndexType Ellipsis{};

/// A bound of a Slice: an integer, or None/nullopt for "to the edge".
struct SliceBound {
  SliceBound(int64_t v) : value(v) {}
  SliceBound(NoneIndexType) {}
  SliceBound(std::nullopt_t) {}
  SliceBound(std::optional<int64_t> v) : value(v) {}
  std::optional<int64_t> value;
};

/// Python's `start:stop:step`; absent bounds take the whole dimension, as
/// in libtorch's `Slice(None, 3)`.
struct Slice {
  Slice(SliceBound start = None, SliceBound stop = None, int64_t step = 1)
      : start(start.value), stop(stop.value), step(step) {}
  std::optional<int64_t> start, stop;
  int64_t step;
};

/// One entry of `x.index({...})`: an integer, a Slice, None, Ellipsis, or a
/// bool/int64 tensor.
class TensorIndex {
public:
  enum class Kind { Integer, Slice, None, Ellipsis, Tensor, Boolean };
  TensorIndex(int64_t i) : kind_(Kind::Integer), integer_(i) {}
  TensorIndex(int i) : kind_(Kind::Integer), integer_(i) {}
  TensorIndex(bool b) : kind_(Kind::Boolean), integer_(b) {}
  TensorIndex(Slice s) : kind_(Kind::Slice), slice_(s) {}
  TensorIndex(NoneIndexType) : kind_(Kind::None) {}
  TensorIndex(EllipsisIndexType) : kind_(Kind::Ellipsis) {}
  TensorIndex(const char *s);
  TensorIndex(Tensor t) : kind_(Kind::Tensor), tensor_(std::move(t)) {}

  Kind kind() const { return kind_; }
  int64_t integer() const { return integer_; }
  const Slice &slice() const { return slice_; }
  const Tensor &tensor() const { return tensor_; }

private:
  Kind kind_;
  int64_t integer_ = 0;
  Slice slice_;
  Tensor tensor_;
};

} // namespace kiln::indexing

#endif // KILN_INDEXING_H
