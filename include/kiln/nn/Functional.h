//===- Functional.h - nn::functional ----------------------------*- C++ -*-===//
#ifndef KILN_NN_FUNCTIONAL_H
#define KILN_NN_FUNCTIONAL_H

#include "kiln/Arg.h"
#include "kiln/Tensor.h"

#include <variant>

namespace kiln {

/// Loss reductions (libtorch's torch::kNone, kMean, kSum).
enum class Reduction { None, Mean, Sum };
constexpr Reduction kNone = Reduction::None;
constexpr Reduction kMean = Reduction::Mean;
constexpr Reduction kSum = Reduction::Sum;

namespace nn {

struct MSELossOptions {
  MSELossOptions(Reduction reduction = kMean) : reduction_(reduction) {}
  KILN_ARG(Reduction, reduction);
};

struct CrossEntropyLossOptions {
  CrossEntropyLossOptions(Reduction reduction = kMean)
      : reduction_(reduction) {}
  KILN_ARG(Reduction, reduction);
};

struct DropoutOptions {
  DropoutOptions(double p = 0.5) : p_(p) {}
  KILN_ARG(double, p);
  KILN_ARG(bool, inplace) = false;
};

namespace functional {

// Aliases, as in libtorch, so that a chained builder
// (`MSELossFuncOptions().reduction(kSum)`) still has the type the
// function takes.
using MSELossFuncOptions = MSELossOptions;
using CrossEntropyFuncOptions = CrossEntropyLossOptions;
struct DropoutFuncOptions {
  DropoutFuncOptions(double p = 0.5) : p_(p) {}
  KILN_ARG(double, p);
  KILN_ARG(bool, training) = true;
  KILN_ARG(bool, inplace) = false;
};

/// y = x W^T + b (b may be undefined).
Tensor linear(const Tensor &input, const Tensor &weight,
              const Tensor &bias = {});
Tensor relu(const Tensor &input);
Tensor sigmoid(const Tensor &input);
Tensor tanh(const Tensor &input);
/// Zeroes elements with probability p in training, scaling the rest by
/// 1/(1-p).
Tensor dropout(const Tensor &input, const DropoutFuncOptions &options = {});
Tensor dropout(const Tensor &input, double p, bool training);
Tensor softmax(const Tensor &input, int64_t dim);
Tensor log_softmax(const Tensor &input, int64_t dim);
/// Mean squared error; the gradient node is MseLossBackward0.
Tensor mse_loss(const Tensor &input, const Tensor &target,
                const MSELossFuncOptions &options = {});
/// `target` holds class indices (int64, shape [N]) or class probabilities
/// (same shape as input).
Tensor cross_entropy(const Tensor &input, const Tensor &target,
                     const CrossEntropyFuncOptions &options = {});
Tensor nll_loss(const Tensor &log_probs, const Tensor &target,
                Reduction reduction = kMean);

} // namespace functional
} // namespace nn
} // namespace kiln

#endif // KILN_NN_FUNCTIONAL_H
