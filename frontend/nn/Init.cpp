//===- Init.cpp - nn::init ------------------------------------------------===//
#include "kiln/nn/Init.h"
#include "kiln/autograd/GradMode.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <vector>

namespace kiln::nn::init {

double calculate_gain(NonlinearityType nonlinearity, double param) {
  switch (nonlinearity) {
  case kTanh:
    return 5.0 / 3.0;
  case kReLU:
    return std::sqrt(2.0);
  case kLeakyReLU:
    return std::sqrt(2.0 / (1 + param * param));
  default:
    return 1.0;
  }
}

std::tuple<int64_t, int64_t>
_calculate_fan_in_and_fan_out(const Tensor &tensor) {
  KILN_CHECK(tensor.dim() >= 2, "Fan in and fan out can not be computed for "
                                "tensor with fewer than 2 dimensions");
  int64_t receptive = 1;
  for (int64_t d = 2; d < tensor.dim(); ++d)
    receptive *= tensor.size(d);
  return {tensor.size(1) * receptive, tensor.size(0) * receptive};
}

Tensor uniform_(Tensor tensor, double low, double high) {
  NoGradGuard noGrad;
  tensor.uniform_(low, high);
  return tensor;
}

Tensor normal_(Tensor tensor, double mean, double std) {
  NoGradGuard noGrad;
  tensor.normal_(mean, std);
  return tensor;
}

Tensor constant_(Tensor tensor, Scalar value) {
  NoGradGuard noGrad;
  tensor.fill_(value);
  return tensor;
}

Tensor zeros_(Tensor tensor) { return constant_(std::move(tensor), 0); }
Tensor ones_(Tensor tensor) { return constant_(std::move(tensor), 1); }

Tensor eye_(Tensor matrix) {
  KILN_CHECK(matrix.dim() == 2, "Only tensors with 2 dimensions are supported");
  NoGradGuard noGrad;
  matrix.zero_();
  int64_t n = std::min(matrix.size(0), matrix.size(1));
  for (int64_t i = 0; i < n; ++i)
    matrix.select(0, i).select(0, i).fill_(1);
  return matrix;
}

namespace {
/// gain / sqrt(fan), or nullopt for a zero-element tensor (left as is).
std::optional<double> kaimingStd(const Tensor &tensor, double a, FanMode mode,
                                 Nonlinearity nonlinearity) {
  auto [fanIn, fanOut] = _calculate_fan_in_and_fan_out(tensor);
  if (tensor.numel() == 0)
    return std::nullopt;
  double fan = double(mode == kFanIn ? fanIn : fanOut);
  return calculate_gain(nonlinearity, a) / std::sqrt(fan);
}
} // namespace

Tensor kaiming_uniform_(Tensor tensor, double a, FanModeType mode,
                        NonlinearityType nonlinearity) {
  if (auto sd = kaimingStd(tensor, a, mode, nonlinearity)) {
    double bound = std::sqrt(3.0) * *sd;
    return uniform_(std::move(tensor), -bound, bound);
  }
  return tensor;
}

Tensor kaiming_normal_(Tensor tensor, double a, FanModeType mode,
                       NonlinearityType nonlinearity) {
  if (auto sd = kaimingStd(tensor, a, mode, nonlinearity))
    return normal_(std::move(tensor), 0, *sd);
  return tensor;
}

Tensor xavier_uniform_(Tensor tensor, double gain) {
  auto [fanIn, fanOut] = _calculate_fan_in_and_fan_out(tensor);
  double bound = gain * std::sqrt(6.0 / double(fanIn + fanOut));
  return uniform_(std::move(tensor), -bound, bound);
}

Tensor xavier_normal_(Tensor tensor, double gain) {
  auto [fanIn, fanOut] = _calculate_fan_in_and_fan_out(tensor);
  double sd = gain * std::sqrt(2.0 / double(fanIn + fanOut));
  return normal_(std::move(tensor), 0, sd);
}

Tensor orthogonal_(Tensor tensor, double gain) {
  KILN_CHECK(tensor.dim() >= 2,
             "Only tensors with 2 or more dimensions are supported");
  if (tensor.numel() == 0)
    return tensor;
  NoGradGuard noGrad;
  int64_t rows = tensor.size(0), cols = tensor.numel() / rows;
  // QR of a normal matrix (transposed to be tall), by modified
  // Gram-Schmidt in double; Q's columns are signed by R's diagonal, as
  // PyTorch does, so that the result is uniformly distributed.
  bool tall = rows >= cols;
  int64_t m = tall ? rows : cols, n = tall ? cols : rows;
  Tensor a = randn({m, n}, kFloat64).contiguous();
  double *q = a.data_ptr<double>();
  for (int64_t j = 0; j < n; ++j) {
    for (int64_t k = 0; k < j; ++k) {
      double dot = 0;
      for (int64_t i = 0; i < m; ++i)
        dot += q[i * n + k] * q[i * n + j];
      for (int64_t i = 0; i < m; ++i)
        q[i * n + j] -= dot * q[i * n + k];
    }
    double norm = 0;
    for (int64_t i = 0; i < m; ++i)
      norm += q[i * n + j] * q[i * n + j];
    norm = std::sqrt(norm);
    // R's diagonal is the (positive) norm: the sign correction keeps it.
    for (int64_t i = 0; i < m; ++i)
      q[i * n + j] /= norm;
  }
  Tensor result = tall ? a : a.t();
  tensor.copy_(
      (result * gain).reshape(tensor.sizes()).to(tensor.scalar_type()));
  return tensor;
}

Tensor sparse_(Tensor tensor, double sparsity, double std) {
  KILN_CHECK(tensor.dim() == 2, "Only tensors with 2 dimensions are supported");
  NoGradGuard noGrad;
  int64_t rows = tensor.size(0), cols = tensor.size(1);
  auto numZeros = static_cast<int64_t>(std::ceil(sparsity * double(rows)));
  tensor.normal_(0, std);
  for (int64_t c = 0; c < cols; ++c) {
    // The first numZeros rows of a random permutation.
    Tensor keys = rand({rows}, kFloat64).contiguous();
    const double *k = keys.data_ptr<double>();
    std::vector<int64_t> order(static_cast<size_t>(rows));
    for (int64_t i = 0; i < rows; ++i)
      order[static_cast<size_t>(i)] = i;
    std::sort(order.begin(), order.end(),
              [&](int64_t x, int64_t y) { return k[x] < k[y]; });
    for (int64_t i = 0; i < numZeros; ++i)
      tensor.select(1, c).select(0, order[static_cast<size_t>(i)]).fill_(0);
  }
  return tensor;
}

Tensor dirac_(Tensor tensor) {
  KILN_CHECK(tensor.dim() >= 3 && tensor.dim() <= 5,
             "Only tensors with 3, 4, or 5 dimensions are supported");
  NoGradGuard noGrad;
  tensor.zero_();
  int64_t n = std::min(tensor.size(0), tensor.size(1));
  for (int64_t i = 0; i < n; ++i) {
    Tensor t = tensor.select(0, i).select(0, i);
    for (int64_t d = 0; d < t.dim(); ++d)
      t = t.select(0, t.size(0) / 2);
    t.fill_(1);
  }
  return tensor;
}

} // namespace kiln::nn::init
