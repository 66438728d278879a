//===- Indexing.h - Slice, None, Ellipsis and TensorIndex -------*- C++ -*-===//
#ifndef KILN_INDEXING_H
#define KILN_INDEXING_H

#include "kiln/Tensor.h"

#include <optional>

namespace kiln::indexing {

/// Python's `start:stop:step`; absent bounds take the whole dimension.
struct Slice {
  Slice(std::optional<int64_t> start = std::nullopt,
        std::optional<int64_t> stop = std::nullopt, int64_t step = 1)
      : start(start), stop(stop), step(step) {}
  std::optional<int64_t> start, stop;
  int64_t step;
};

struct NoneIndexType {};
struct EllipsisIndexType {};
constexpr NoneIndexType None{};
constexpr EllipsisIndexType Ellipsis{};

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
