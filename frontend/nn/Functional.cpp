//===- Functional.cpp - nn::functional
//-------------------------------------===//
#include "kiln/nn/Functional.h"
#include "../OpsCommon.h"
#include "kiln/Trace.h"

namespace kiln::nn::functional {

using autograd::FunctionNode;

Tensor linear(const Tensor &input, const Tensor &weight, const Tensor &bias) {
  KILN_CHECK(input.dim() >= 1 && input.size(-1) == weight.size(-1),
             "mat1 and mat2 shapes cannot be multiplied (",
             input.numel() / std::max<int64_t>(input.size(-1), 1), "x",
             input.size(-1), " and ", weight.size(-1), "x", weight.size(0),
             ")");
  Tensor y = input.matmul(weight.t());
  return bias.defined() ? y + bias : y;
}

Tensor relu(const Tensor &input) { return input.relu(); }
Tensor sigmoid(const Tensor &input) { return input.sigmoid(); }
Tensor tanh(const Tensor &input) { return input.tanh(); }

Tensor dropout(const Tensor &input, double p, bool training) {
  KILN_CHECK(p >= 0 && p <= 1,
             "dropout probability has to be between 0 and 1, but got ", p);
  if (!training || p == 0)
    return input;
  if (p == 1)
    return input * zeros_like(input);
  if (auto *r = trace::active())
    r->fail("dropout in training mode draws random numbers");
  Tensor mask = empty(input.sizes(), input.dtype());
  runtime::fillBernoulli(mask.impl().view(), 1 - p);
  return input * (mask / (1 - p));
}

Tensor dropout(const Tensor &input, const DropoutFuncOptions &options) {
  return dropout(input, options.p(), options.training());
}

Tensor log_softmax(const Tensor &input, int64_t dim) {
  // Shifting by the (constant) max keeps exp() in range.
  Tensor shift = std::get<0>(input.max(dim, true)).detach();
  Tensor shifted = input - shift;
  return shifted - shifted.exp().sum({dim}, true).log();
}

Tensor softmax(const Tensor &input, int64_t dim) {
  Tensor shift = std::get<0>(input.max(dim, true)).detach();
  Tensor e = (input - shift).exp();
  return e / e.sum({dim}, true);
}

namespace {
Tensor reduce(const Tensor &loss, Reduction reduction) {
  switch (reduction) {
  case Reduction::None:
    return loss;
  case Reduction::Sum:
    return loss.sum();
  case Reduction::Mean:
  default:
    return loss.mean();
  }
}
} // namespace

Tensor mse_loss(const Tensor &input, const Tensor &target,
                const MSELossFuncOptions &options) {
  Reduction reduction = options.reduction();
  Tensor diff = [&] {
    NoGradGuard noGrad;
    trace::DifferentiableScope traced;
    return input - target;
  }();
  Tensor loss = [&] {
    NoGradGuard noGrad;
    trace::DifferentiableScope traced;
    return reduce(diff * diff, reduction);
  }();
  if (autograd::anyRequiresGrad({&input, &target})) {
    auto node =
        autograd::makeNode("MseLossBackward0", {input, target}, nullptr);
    size_t sd = node->save(diff);
    std::vector<int64_t> shapeIn = input.sizes().vec();
    std::vector<int64_t> shapeTarget = target.sizes().vec();
    // diff has the promoted dtype; each input's gradient has its own dtype
    // (PyTorch's engine casts them), as a float32 Linear's output needs.
    ScalarType typeIn = input.dtype(), typeTarget = target.dtype();
    double scale = reduction == Reduction::Mean ? 2.0 / diff.numel() : 2.0;
    node->setRule([=](FunctionNode &n, const variable_list &g) {
      Tensor d = n.saved(sd);
      Tensor gi = g[0] * scale * d;
      return variable_list{
          n.needsInputGrad(0)
              ? detail::castTo(detail::sumTo(gi, shapeIn), typeIn)
              : Tensor(),
          n.needsInputGrad(1)
              ? detail::castTo(detail::sumTo(-gi, shapeTarget), typeTarget)
              : Tensor()};
    });
    autograd::setHistory(loss, node);
  }
  return loss;
}

Tensor nll_loss(const Tensor &logProbs, const Tensor &target,
                Reduction reduction) {
  KILN_CHECK(logProbs.dim() == 2,
             "kiln's nll_loss expects input of shape "
             "[N, C], got ",
             detail::shapeString(logProbs.sizes()));
  KILN_CHECK(target.dtype() == kLong, "expected scalar type Long but found ",
             toString(target.dtype()));
  KILN_CHECK(target.dim() == 1 && target.size(0) == logProbs.size(0),
             "Expected input batch_size (", logProbs.size(0),
             ") to match target batch_size (",
             target.dim() ? target.size(0) : 0, ").");
  int64_t classes = logProbs.size(1);
  {
    Tensor bad = (target < 0) | (target >= classes);
    KILN_CHECK(!bad.any().item<bool>(),
               "Target out of bounds: every target "
               "must be in [0, ",
               classes, ")");
  }
  Tensor onehot = arange(classes).unsqueeze(0) == target.unsqueeze(1);
  Tensor picked = -(logProbs * onehot.to(logProbs.dtype())).sum({1});
  return reduce(picked, reduction);
}

Tensor cross_entropy(const Tensor &input, const Tensor &target,
                     const CrossEntropyFuncOptions &options) {
  Tensor logp = functional::log_softmax(input, 1);
  if (target.is_floating_point()) {
    KILN_CHECK(target.sizes() == input.sizes(),
               "cross_entropy: probability targets must have the input's "
               "shape");
    return reduce(-(logp * target).sum({1}), options.reduction());
  }
  return nll_loss(logp, target, options.reduction());
}

} // namespace kiln::nn::functional
