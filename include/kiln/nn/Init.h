//===- Init.h - nn::init: in-place parameter initialisers -------*- C++ -*-===//
//
// libtorch's torch::nn::init with PyTorch's formulas. Each function fills
// its tensor in place under NoGradGuard (so it works on parameters that
// require grad) and returns it.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_NN_INIT_H
#define KILN_NN_INIT_H

#include "kiln/Tensor.h"

#include <tuple>

namespace kiln {

/// The nonlinearities calculate_gain knows (libtorch's torch::kReLU, ...).
enum class Nonlinearity {
  Linear,
  Conv1D,
  Conv2D,
  Conv3D,
  ConvTranspose1D,
  ConvTranspose2D,
  ConvTranspose3D,
  Sigmoid,
  Tanh,
  ReLU,
  LeakyReLU
};
constexpr Nonlinearity kLinear = Nonlinearity::Linear;
constexpr Nonlinearity kConv1D = Nonlinearity::Conv1D;
constexpr Nonlinearity kConv2D = Nonlinearity::Conv2D;
constexpr Nonlinearity kConv3D = Nonlinearity::Conv3D;
constexpr Nonlinearity kConvTranspose1D = Nonlinearity::ConvTranspose1D;
constexpr Nonlinearity kConvTranspose2D = Nonlinearity::ConvTranspose2D;
constexpr Nonlinearity kConvTranspose3D = Nonlinearity::ConvTranspose3D;
constexpr Nonlinearity kSigmoid = Nonlinearity::Sigmoid;
constexpr Nonlinearity kTanh = Nonlinearity::Tanh;
constexpr Nonlinearity kReLU = Nonlinearity::ReLU;
constexpr Nonlinearity kLeakyReLU = Nonlinearity::LeakyReLU;

/// Which fan kaiming_* preserve the variance of.
enum class FanMode { FanIn, FanOut };
constexpr FanMode kFanIn = FanMode::FanIn;
constexpr FanMode kFanOut = FanMode::FanOut;

namespace nn::init {

using NonlinearityType = Nonlinearity;
using FanModeType = FanMode;

/// The recommended gain: 1 for linear, convolutions and sigmoid, 5/3 for
/// tanh, sqrt(2) for ReLU, sqrt(2 / (1 + param^2)) for leaky ReLU.
double calculate_gain(NonlinearityType nonlinearity, double param = 0.01);
/// (fan_in, fan_out): size(1) and size(0) times the receptive field.
std::tuple<int64_t, int64_t>
_calculate_fan_in_and_fan_out(const Tensor &tensor);

Tensor uniform_(Tensor tensor, double low = 0, double high = 1);
Tensor normal_(Tensor tensor, double mean = 0, double std = 1);
Tensor constant_(Tensor tensor, Scalar value);
Tensor zeros_(Tensor tensor);
Tensor ones_(Tensor tensor);
/// The identity matrix (2-D tensors only).
Tensor eye_(Tensor matrix);
/// Uniform in ±gain sqrt(3 / fan) with gain = calculate_gain(nonlinearity,
/// a). A zero-element tensor is left alone, as in PyTorch.
Tensor kaiming_uniform_(Tensor tensor, double a = 0, FanModeType mode = kFanIn,
                        NonlinearityType nonlinearity = kLeakyReLU);
/// Normal with std gain / sqrt(fan).
Tensor kaiming_normal_(Tensor tensor, double a = 0, FanModeType mode = kFanIn,
                       NonlinearityType nonlinearity = kLeakyReLU);
/// Uniform in ±gain sqrt(6 / (fan_in + fan_out)).
Tensor xavier_uniform_(Tensor tensor, double gain = 1.0);
/// Normal with std gain sqrt(2 / (fan_in + fan_out)).
Tensor xavier_normal_(Tensor tensor, double gain = 1.0);

/// A (semi-)orthogonal matrix (rows flattened from the dims after the
/// first), times gain.
Tensor orthogonal_(Tensor tensor, double gain = 1.0);
/// Normal(0, std) with ceil(sparsity * rows) zeros in each column (2-D
/// tensors only).
Tensor sparse_(Tensor tensor, double sparsity, double std = 0.01);
/// The Dirac delta of a convolution weight (3 to 5 dims): input channel i
/// passes unchanged to output channel i.
Tensor dirac_(Tensor tensor);

} // namespace nn::init
} // namespace kiln

#endif // KILN_NN_INIT_H
