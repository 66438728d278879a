//===- TensorData.h - kiln::tensor from nested braced lists -----*- C++ -*-===//
#ifndef KILN_TENSORDATA_H
#define KILN_TENSORDATA_H

#include "kiln/Tensor.h"

#include <initializer_list>
#include <ostream>
#include <vector>

namespace kiln {

namespace detail {

/// A scalar, a (nested) braced list of them, or a vector/ArrayRef of
/// values: `tensor({{1., 2.}, {3., 4.}})`. As in libtorch, each value
/// remembers its C++ type (int is Int, int64_t Long, float Float, double
/// Double, bool Bool); `tensor()` turns integers into int64 and floating
/// values into the default dtype, and a list mixing types or ragged
/// sub-lists is an error.
class TensorDataContainer {
public:
  /// `{}`: an empty list (size 0, the default dtype).
  TensorDataContainer();
  TensorDataContainer(double v) : TensorDataContainer(Scalar(v), kDouble) {}
  TensorDataContainer(float v) : TensorDataContainer(Scalar(v), kFloat) {}
  TensorDataContainer(int v) : TensorDataContainer(Scalar(v), kInt) {}
  TensorDataContainer(int64_t v) : TensorDataContainer(Scalar(v), kLong) {}
  TensorDataContainer(bool v) : TensorDataContainer(Scalar(v), kBool) {}
  TensorDataContainer(std::initializer_list<TensorDataContainer> list);
  TensorDataContainer(const std::vector<double> &v);
  TensorDataContainer(const std::vector<float> &v);
  TensorDataContainer(const std::vector<int> &v);
  TensorDataContainer(const std::vector<int64_t> &v);
  TensorDataContainer(const std::vector<bool> &v);
  TensorDataContainer(ArrayRef<double> v);
  TensorDataContainer(ArrayRef<float> v);
  TensorDataContainer(ArrayRef<int> v);
  TensorDataContainer(ArrayRef<int64_t> v);
  TensorDataContainer(ArrayRef<bool> v);

  bool is_scalar() const { return kind_ == Kind::Scalar; }
  bool is_init_list() const { return kind_ == Kind::InitList; }
  bool is_tensor() const { return kind_ == Kind::Tensor; }
  const Scalar &scalar() const;
  const std::vector<TensorDataContainer> &init_list() const;
  /// The values of a vector/ArrayRef container, as a 1-d tensor.
  const Tensor &tensor() const;
  /// The C++ type of the values (Int for `int`, Double for `double`, ...).
  ScalarType scalar_type() const { return type_; }
  IntArrayRef sizes() const { return sizes_; }

  // kiln's earlier spellings.
  bool isScalar() const { return is_scalar(); }
  const std::vector<TensorDataContainer> &children() const { return list_; }

  /// The tensor these values make (libtorch's convert_to_tensor).
  Tensor convert_to_tensor(const TensorOptions &options) const;

private:
  enum class Kind { Scalar, InitList, Tensor };
  TensorDataContainer(const Scalar &s, ScalarType type)
      : kind_(Kind::Scalar), type_(type), scalar_(s) {}
  template <class T, class V> void initValues(const V &values, ScalarType type);
  void fill(Tensor &out, int64_t &pos) const;

  Kind kind_;
  ScalarType type_;
  std::vector<int64_t> sizes_;
  Scalar scalar_;
  std::vector<TensorDataContainer> list_;
  Tensor tensor_;
};

/// `1.1`, `{1, 2}`, `{{1.5, 2.5}}`: the values as they were written.
std::ostream &operator<<(std::ostream &os, const TensorDataContainer &c);

} // namespace detail

using detail::TensorDataContainer;

Tensor tensor(const TensorDataContainer &data,
              const TensorOptions &options = {});

} // namespace kiln

#endif // KILN_TENSORDATA_H
