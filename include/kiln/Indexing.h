//===- Indexing.h - Slice, None, Ellipsis and TensorIndex -------*- C++ -*-===//
#ifndef KILN_INDEXING_H
#define KILN_INDEXING_H

#include "kiln/Tensor.h"

#include <cstdint>
#include <limits>
#include <optional>
#include <ostream>
#include <vector>

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

/// libtorch's stand-ins for an absent slice bound.
constexpr int64_t INDEX_MIN = std::numeric_limits<int64_t>::min();
constexpr int64_t INDEX_MAX = std::numeric_limits<int64_t>::max();

/// Python's `start:stop:step`. As in libtorch, absent bounds read back as
/// 0 and INDEX_MAX (INDEX_MAX and INDEX_MIN for a negative step), and the
/// step as 1.
class Slice {
public:
  Slice(SliceBound start = None, SliceBound stop = None,
        SliceBound step = None) {
    step_ = step.value.value_or(1);
    KILN_CHECK(step_ != 0, "slice step cannot be zero");
    start_ = start.value.value_or(step_ < 0 ? INDEX_MAX : 0);
    stop_ = stop.value.value_or(step_ < 0 ? INDEX_MIN : INDEX_MAX);
  }
  int64_t start() const { return start_; }
  int64_t stop() const { return stop_; }
  int64_t step() const { return step_; }

private:
  int64_t start_, stop_, step_;
};

/// `start:stop:step`, as libtorch prints it.
std::ostream &operator<<(std::ostream &os, const Slice &s);

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
  bool is_none() const { return kind_ == Kind::None; }
  bool is_ellipsis() const { return kind_ == Kind::Ellipsis; }
  bool is_integer() const { return kind_ == Kind::Integer; }
  bool is_boolean() const { return kind_ == Kind::Boolean; }
  bool is_slice() const { return kind_ == Kind::Slice; }
  bool is_tensor() const { return kind_ == Kind::Tensor; }
  int64_t integer() const { return integer_; }
  bool boolean() const { return integer_ != 0; }
  const Slice &slice() const { return slice_; }
  const Tensor &tensor() const { return tensor_; }

private:
  Kind kind_;
  int64_t integer_ = 0;
  Slice slice_;
  Tensor tensor_;
};

/// `None`, `...`, `0`, `true`, `1:3:1` or the tensor, as libtorch prints.
std::ostream &operator<<(std::ostream &os, const TensorIndex &i);
/// `(i0, i1, ...)`.
std::ostream &operator<<(std::ostream &os, const std::vector<TensorIndex> &v);

} // namespace kiln::indexing

namespace kiln {
/// `at::index(t, {i, j})`: the same as `t.index({i, j})`.
inline Tensor index(const Tensor &self,
                    ArrayRef<indexing::TensorIndex> indices) {
  return self.index(indices);
}
/// `at::index_put_(t, {i, j}, v)`: the same as `t.index_put_({i, j}, v)`.
inline const Tensor &index_put_(const Tensor &self,
                                ArrayRef<indexing::TensorIndex> indices,
                                const Tensor &value, bool accumulate = false) {
  return self.index_put_(indices, value, accumulate);
}
} // namespace kiln

#endif // KILN_INDEXING_H
