//===- TensorData.h - kiln::tensor from nested braced lists -----*- C++ -*-===//
#ifndef KILN_TENSORDATA_H
#define KILN_TENSORDATA_H

#include "kiln/Tensor.h"

#include <initializer_list>
#include <vector>

namespace kiln {

/// A scalar or a (nested) list of them: `tensor({{1., 2.}, {3., 4.}})`.
/// Floating literals give the default dtype (float32), integers int64,
/// booleans bool, as in libtorch.
class TensorDataContainer {
public:
  TensorDataContainer(const Scalar &s) : isScalar_(true), scalar_(s) {}
  TensorDataContainer(double v) : TensorDataContainer(Scalar(v)) {}
  TensorDataContainer(float v) : TensorDataContainer(Scalar(v)) {}
  TensorDataContainer(int v) : TensorDataContainer(Scalar(v)) {}
  TensorDataContainer(int64_t v) : TensorDataContainer(Scalar(v)) {}
  TensorDataContainer(bool v) : TensorDataContainer(Scalar(v)) {}
  TensorDataContainer(std::initializer_list<TensorDataContainer> list)
      : isScalar_(false), children_(list) {}
  TensorDataContainer(const std::vector<double> &v);
  TensorDataContainer(const std::vector<float> &v);
  TensorDataContainer(const std::vector<int64_t> &v);

  bool isScalar() const { return isScalar_; }
  const Scalar &scalar() const { return scalar_; }
  const std::vector<TensorDataContainer> &children() const { return children_; }

private:
  bool isScalar_;
  Scalar scalar_;
  std::vector<TensorDataContainer> children_;
};

Tensor tensor(const TensorDataContainer &data,
              const TensorOptions &options = {});

} // namespace kiln

#endif // KILN_TENSORDATA_H
