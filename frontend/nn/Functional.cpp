//===- Functional.cpp - nn::functional
//-------------------------------------===//
#include "kiln/nn/Functional.h"
#include "../OpsCommon.h"
#include "kiln/Trace.h"

namespace kiln::nn::functional {

using autograd::FunctionNode;

namespace {
Tensor reduce(const Tensor &loss, Reduction reduction) {
  switch (reduction) {
  case Reduction::None:
    return loss;
  case Reduction::Sum:
    return loss.sum();
  case Reduction::BatchMean:
    KILN_CHECK(false, "kBatchMean is kl_div's reduction only");
  case Reduction::Mean:
  default:
    return loss.mean();
  }
}
} // namespace

Tensor linear(const Tensor &input, const Tensor &weight, const Tensor &bias) {
  KILN_CHECK(input.dim() >= 1 && input.size(-1) == weight.size(-1),
             "mat1 and mat2 shapes cannot be multiplied (",
             input.numel() / std::max<int64_t>(input.size(-1), 1), "x",
             input.size(-1), " and ", weight.size(-1), "x", weight.size(0),
             ")");
  Tensor y = input.matmul(weight.t());
  return bias.defined() ? y + bias : y;
}

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
  Tensor r = dropout(input, options.p(), options.training());
  if (!options.inplace() || r.is_same(input))
    return r;
  input.copy_(r);
  return input;
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

// --- Activations -------------------------------------------------------------

namespace {
/// `result` written into `input` when the option asks for it in place.
Tensor maybeInplace(const Tensor &input, const Tensor &result, bool inplace) {
  if (!inplace)
    return result;
  input.copy_(result);
  return input;
}
/// log(sigmoid(x)) computed stably, with the gradient sigmoid(-x) (also at
/// x = 0).
Tensor logSigmoid(const Tensor &x) {
  Tensor negative = x < 0;
  return where(negative, x, 0.0) - where(negative, x, -x).exp().log1p();
}
} // namespace

Tensor relu(const Tensor &input, const ReLUFuncOptions &options) {
  if (options.inplace()) {
    input.relu_();
    return input;
  }
  return input.relu();
}

Tensor hardtanh(const Tensor &input, const HardtanhFuncOptions &options) {
  double lo = options.min_val(), hi = options.max_val();
  // PyTorch's gradient passes strictly inside (min_val, max_val).
  Tensor r = where(input <= lo, full({}, lo, input.dtype()),
                   where(input >= hi, full({}, hi, input.dtype()), input));
  return maybeInplace(input, r, options.inplace());
}

Tensor relu6(const Tensor &input, const ReLU6FuncOptions &options) {
  return hardtanh(input, HardtanhFuncOptions().min_val(0).max_val(6).inplace(
                             options.inplace()));
}

Tensor leaky_relu(const Tensor &input, const LeakyReLUFuncOptions &options) {
  Tensor r = where(input > 0, input, input * options.negative_slope());
  return maybeInplace(input, r, options.inplace());
}

namespace {
Tensor eluWith(const Tensor &x, double alpha, double scale, double inputScale) {
  Tensor negative = (x.clamp_max(0) * inputScale).expm1() * alpha;
  return where(x > 0, x, negative) * scale;
}
} // namespace

Tensor elu(const Tensor &input, const ELUFuncOptions &options) {
  return maybeInplace(input, eluWith(input, options.alpha(), 1, 1),
                      options.inplace());
}

Tensor selu(const Tensor &input, const SELUFuncOptions &options) {
  constexpr double alpha = 1.6732632423543772848170429916717;
  constexpr double scale = 1.0507009873554804934193349852946;
  return maybeInplace(input, eluWith(input, alpha, scale, 1),
                      options.inplace());
}

Tensor celu(const Tensor &input, const CELUFuncOptions &options) {
  KILN_CHECK(options.alpha() != 0,
             "ZeroDivisionError: alpha cannot be 0 for CELU");
  return maybeInplace(input,
                      eluWith(input, options.alpha(), 1, 1.0 / options.alpha()),
                      options.inplace());
}

Tensor gelu(const Tensor &input, const GELUFuncOptions &options) {
  const std::string &approximate = options.approximate();
  KILN_CHECK(approximate == "none" || approximate == "tanh",
             "approximate argument must be either none or tanh.");
  if (approximate == "tanh") {
    constexpr double k = 0.7978845608028654; // sqrt(2 / pi)
    Tensor inner = (input + input * input * input * 0.044715) * k;
    return input * 0.5 * (inner.tanh() + 1);
  }
  return input * 0.5 * ((input * 0.7071067811865476).erf() + 1);
}

Tensor silu(const Tensor &input) { return input * input.sigmoid(); }

Tensor softplus(const Tensor &input, const SoftplusFuncOptions &options) {
  double beta = options.beta(), threshold = options.threshold();
  Tensor z = input * beta;
  // The clamp keeps exp() finite where the linear branch is taken.
  Tensor smooth = z.clamp_max(threshold).exp().log1p() / beta;
  return where(z > threshold, input, smooth);
}

Tensor mish(const Tensor &input) { return input * softplus(input).tanh(); }

Tensor glu(const Tensor &input, const GLUFuncOptions &options) {
  KILN_CHECK(input.dim() > 0,
             "glu does not support scalars because halving size must be even");
  int64_t dim = detail::wrapDim(options.dim(), input.dim());
  int64_t n = input.size(dim);
  KILN_CHECK(n % 2 == 0, "Halving dimension must be even, but dimension ", dim,
             " is size ", n);
  return input.narrow(dim, 0, n / 2) *
         input.narrow(dim, n / 2, n / 2).sigmoid();
}

Tensor hardshrink(const Tensor &input, const HardshrinkFuncOptions &options) {
  double lambda = options.lambda();
  return where(input.abs() > lambda, input, 0.0);
}

Tensor softshrink(const Tensor &input, const SoftshrinkFuncOptions &options) {
  double lambda = options.lambda();
  KILN_CHECK(lambda >= 0,
             "lambda must be greater or equal to 0, but found to be ", lambda,
             ".");
  return where(input > lambda, input - lambda,
               where(input < -lambda, input + lambda, 0.0));
}

Tensor softsign(const Tensor &input) { return input / (input.abs() + 1); }

Tensor tanhshrink(const Tensor &input) { return input - input.tanh(); }

Tensor threshold(const Tensor &input, const ThresholdFuncOptions &options) {
  Tensor r = where(input > options.threshold(), input,
                   full({}, options.value(), input.dtype()));
  return maybeInplace(input, r, options.inplace());
}

Tensor logsigmoid(const Tensor &input) { return logSigmoid(input); }

Tensor prelu(const Tensor &input, const Tensor &weight) {
  int64_t channels = input.dim() >= 2 ? input.size(1) : 1;
  KILN_CHECK(weight.numel() == 1 || weight.numel() == channels,
             "Mismatch of parameter numbers and input channel size. Found "
             "parameter numbers = ",
             weight.numel(), " and channel size = ", channels, ".");
  // One weight broadcasts as a 0-dim tensor (the result keeps the input's
  // shape, 0-dim included); per-channel weights line up with dim 1.
  Tensor w;
  if (weight.numel() != 1 || input.dim() >= 2) {
    std::vector<int64_t> shape(std::max<int64_t>(input.dim(), 1), 1);
    if (input.dim() >= 2)
      shape[1] = weight.numel();
    w = weight.reshape(shape);
  } else {
    w = weight.reshape({});
  }
  return where(input >= 0, input, w * input);
}

Tensor rrelu(const Tensor &input, const RReLUFuncOptions &options) {
  double lower = options.lower(), upper = options.upper();
  Tensor r;
  if (options.training()) {
    if (auto *rec = trace::active())
      rec->fail("rrelu in training mode draws random numbers");
    Tensor slope = empty(input.sizes(), input.dtype());
    slope.uniform_(lower, upper);
    r = where(input >= 0, input, input * slope);
  } else {
    r = where(input >= 0, input, input * ((lower + upper) / 2));
  }
  return maybeInplace(input, r, options.inplace());
}

Tensor sigmoid(const Tensor &input) { return input.sigmoid(); }
Tensor tanh(const Tensor &input) { return input.tanh(); }

Tensor softmax(const Tensor &input, const SoftmaxFuncOptions &options) {
  return functional::softmax(
      options.dtype() ? input.to(*options.dtype()) : input, options.dim());
}

Tensor softmin(const Tensor &input, const SoftminFuncOptions &options) {
  Tensor x = options.dtype() ? input.to(*options.dtype()) : input;
  return functional::softmax(-x, options.dim());
}

Tensor log_softmax(const Tensor &input, const LogSoftmaxFuncOptions &options) {
  return functional::log_softmax(
      options.dtype() ? input.to(*options.dtype()) : input, options.dim());
}

// --- Normalization and distances ---------------------------------------------

Tensor normalize(const Tensor &input, NormalizeFuncOptions options) {
  Tensor denom;
  if (input.dim() == 0) {
    // A single value's p-norm is its absolute value.
    denom = input.abs().clamp_min(options.eps());
  } else {
    denom = input.norm(options.p(), {options.dim()}, true)
                .clamp_min(options.eps())
                .expand_as(input);
  }
  Tensor r = input / denom;
  if (options.out()) {
    NoGradGuard noGrad;
    options.out()->copy_(r);
    return *options.out();
  }
  return r;
}

Tensor layer_norm(const Tensor &input, const LayerNormFuncOptions &options) {
  return kiln::layer_norm(input, options.normalized_shape(), options.weight(),
                          options.bias(), options.eps());
}

Tensor batch_norm(const Tensor &input, const Tensor &running_mean,
                  const Tensor &running_var,
                  const BatchNormFuncOptions &options) {
  KILN_CHECK(input.dim() >= 2,
             "batch_norm expects an input of at least 2 dimensions, got ",
             input.dim());
  int64_t channels = input.size(1);
  // Checked, not broadcast: a one-channel input must not update every
  // channel's statistics.
  for (auto [name, t] :
       {std::pair<const char *, const Tensor *>{"weight", &options.weight()},
        {"bias", &options.bias()},
        {"running_mean", &running_mean},
        {"running_var", &running_var}})
    KILN_CHECK(!t->defined() || t->numel() == channels, name,
               " should contain ", channels, " elements not ", t->numel());
  std::vector<int64_t> shape(input.dim(), 1), dims;
  shape[1] = channels;
  for (int64_t d = 0; d < input.dim(); ++d)
    if (d != 1)
      dims.push_back(d);
  Tensor mean, var;
  if (options.training()) {
    int64_t count = input.numel() / std::max<int64_t>(channels, 1);
    KILN_CHECK(count > 1,
               "Expected more than 1 value per channel when training, got "
               "input size ",
               detail::shapeString(input.sizes()));
    mean = input.mean(dims, true);
    var = (input - mean).pow(2).mean(dims, true);
    double momentum = options.momentum().value();
    NoGradGuard noGrad;
    if (running_mean.defined())
      running_mean.mul_(1 - momentum).add_(mean.reshape({channels}) * momentum);
    if (running_var.defined())
      running_var.mul_(1 - momentum)
          .add_(var.reshape({channels}) *
                (momentum * double(count) / double(count - 1)));
  } else {
    KILN_CHECK(running_mean.defined() && running_var.defined(),
               "running_mean and running_var must be defined in evaluation "
               "mode");
    mean = running_mean.reshape(shape);
    var = running_var.reshape(shape);
  }
  Tensor y = (input - mean) / (var + options.eps()).sqrt();
  if (options.weight().defined())
    y = y * options.weight().reshape(shape);
  if (options.bias().defined())
    y = y + options.bias().reshape(shape);
  return y;
}

Tensor cosine_similarity(const Tensor &x1, const Tensor &x2,
                         const CosineSimilarityFuncOptions &options) {
  int64_t dim = options.dim();
  double eps = options.eps();
  Tensor n1 = x1.norm(2, {dim}, true).clamp_min(eps);
  Tensor n2 = x2.norm(2, {dim}, true).clamp_min(eps);
  return ((x1 / n1) * (x2 / n2)).sum({dim});
}

Tensor pairwise_distance(const Tensor &x1, const Tensor &x2,
                         const PairwiseDistanceFuncOptions &options) {
  int64_t lastDim = std::max(x1.dim(), x2.dim()) - 1;
  Tensor d = x1 - x2 + options.eps();
  if (lastDim < 0)
    return d.abs();
  return d.norm(options.p(), {lastDim}, options.keepdim());
}

Tensor one_hot(const Tensor &tensor, int64_t num_classes) {
  KILN_CHECK(tensor.dtype() == kLong,
             "one_hot is only applicable to index tensor.");
  if (num_classes == -1) {
    KILN_CHECK(tensor.numel() > 0,
               "Can not infer total number of classes from empty tensor.");
    num_classes = tensor.max().item<int64_t>() + 1;
  } else {
    KILN_CHECK(num_classes >= 1, "num_classes should be positive");
  }
  if (tensor.numel() > 0) {
    KILN_CHECK(tensor.min().item<int64_t>() >= 0,
               "Class values must be non-negative.");
    KILN_CHECK(tensor.max().item<int64_t>() < num_classes,
               "Class values must be smaller than num_classes.");
  }
  return (tensor.unsqueeze(-1) == arange(num_classes, kLong)).to(kLong);
}

// --- Losses ------------------------------------------------------------------

Tensor l1_loss(const Tensor &input, const Tensor &target,
               const L1LossFuncOptions &options) {
  return reduce((input - target).abs(), options.reduction());
}

namespace {
/// Class indices and log-probabilities with the class dim last, flattened:
/// logp [M, C], target [M], and the target's own shape for kNone.
struct Flattened {
  Tensor logp, target;
  std::vector<int64_t> shape;
};

Flattened flattenClasses(const Tensor &input, const Tensor &target) {
  KILN_CHECK(input.dim() >= 1, "input tensor should be 1D or more, got ",
             input.dim(), "D");
  KILN_CHECK(target.dtype() == kLong, "expected scalar type Long but found ",
             toString(target.dtype()));
  if (input.dim() == 1) {
    KILN_CHECK(target.dim() == 0,
               "1D target tensor expected, multi-target not supported");
    return {input.unsqueeze(0), target.reshape({1}), {}};
  }
  KILN_CHECK(target.dim() == input.dim() - 1,
             input.dim() == 2 ? "1D target tensor expected, multi-target not "
                                "supported"
                              : "Expected target of one dimension less than "
                                "the input");
  KILN_CHECK(input.size(0) == target.size(0), "Expected input batch_size (",
             input.size(0), ") to match target batch_size (", target.size(0),
             ").");
  for (int64_t d = 2; d < input.dim(); ++d)
    KILN_CHECK(input.size(d) == target.size(d - 1),
               "size mismatch (got input: ", detail::shapeString(input.sizes()),
               ", target: ", detail::shapeString(target.sizes()), ")");
  int64_t classes = input.size(1);
  Tensor logp = input;
  if (input.dim() > 2) {
    std::vector<int64_t> perm{0};
    for (int64_t d = 2; d < input.dim(); ++d)
      perm.push_back(d);
    perm.push_back(1);
    logp = input.permute(perm);
  }
  return {logp.reshape({-1, classes}), target.reshape({-1}),
          target.sizes().vec()};
}

/// Per-row loss terms of nll_loss: the weighted negative log-probability
/// of each target, and each row's weight (0 where ignored).
std::pair<Tensor, Tensor> nllTerms(const Flattened &f, const Tensor &weight,
                                   int64_t ignoreIndex) {
  int64_t classes = f.logp.size(1);
  Tensor valid = f.target != ignoreIndex;
  {
    Tensor bad = valid & ((f.target < 0) | (f.target >= classes));
    if (bad.any().item<bool>()) {
      int64_t at = bad.to(kLong).argmax().item<int64_t>();
      KILN_CHECK(false, "Target ", f.target[at].item<int64_t>(),
                 " is out of bounds.");
    }
  }
  Tensor onehot = (arange(classes, kLong).unsqueeze(0) == f.target.unsqueeze(1))
                      .to(f.logp.dtype());
  Tensor rowWeight = valid.to(f.logp.dtype());
  if (weight.defined()) {
    KILN_CHECK(weight.dim() == 1 && weight.numel() == classes,
               "weight tensor should be defined either for all ", classes,
               " classes or no classes but got weight tensor of shape: ",
               detail::shapeString(weight.sizes()));
    rowWeight = rowWeight * (onehot * weight.to(f.logp.dtype())).sum({1});
  }
  // Selected, not multiplied: a -inf log-probability of another class
  // (a masked logit) must not turn the row into 0 * -inf = NaN.
  Tensor picked = -where(onehot.to(kBool), f.logp, 0.0).sum({1}) * rowWeight;
  return {picked, rowWeight};
}

Tensor reduceWeighted(const Tensor &terms, const Tensor &rowWeight,
                      Reduction reduction, IntArrayRef shape) {
  switch (reduction) {
  case Reduction::None:
    return terms.reshape(shape);
  case Reduction::Sum:
    return terms.sum();
  case Reduction::Mean:
    return terms.sum() / rowWeight.sum();
  default:
    KILN_CHECK(false, "kBatchMean is kl_div's reduction only");
  }
}
} // namespace

Tensor nll_loss(const Tensor &input, const Tensor &target,
                const NLLLossFuncOptions &options) {
  Flattened f = flattenClasses(input, target);
  auto [terms, rowWeight] =
      nllTerms(f, options.weight(), options.ignore_index());
  return reduceWeighted(terms, rowWeight, options.reduction(), f.shape);
}

Tensor cross_entropy(const Tensor &input, const Tensor &target,
                     const CrossEntropyFuncOptions &options) {
  int64_t classDim = input.dim() == 1 ? 0 : 1;
  double smoothing = options.label_smoothing();
  KILN_CHECK(smoothing >= 0 && smoothing <= 1,
             "label_smoothing must be between 0.0 and 1.0. Got: ", smoothing);
  Tensor logp = functional::log_softmax(input, classDim);
  int64_t classes = input.size(classDim);
  if (target.is_floating_point()) {
    KILN_CHECK(target.sizes() == input.sizes(), "Expected target size ",
               detail::shapeString(input.sizes()), ", got ",
               detail::shapeString(target.sizes()));
    Tensor t =
        smoothing > 0 ? target * (1 - smoothing) + smoothing / classes : target;
    Tensor terms = logp * t;
    if (options.weight().defined()) {
      std::vector<int64_t> shape(input.dim(), 1);
      shape[classDim] = classes;
      terms = terms * options.weight().reshape(shape);
    }
    return reduce(-terms.sum({classDim}), options.reduction());
  }
  Tensor nll = nll_loss(logp, target,
                        NLLLossFuncOptions(options.reduction())
                            .weight(options.weight())
                            .ignore_index(options.ignore_index()));
  if (smoothing == 0)
    return nll;
  // PyTorch's label smoothing: the uniform part is the (weighted) mean of
  // every class's negative log-probability.
  Flattened f = flattenClasses(logp, target);
  Tensor valid = (f.target != options.ignore_index()).to(logp.dtype());
  Tensor all = f.logp;
  if (options.weight().defined())
    all = all * options.weight().to(logp.dtype()).unsqueeze(0);
  Tensor smooth = -all.sum({1}) * valid;
  Tensor reduced;
  switch (options.reduction()) {
  case Reduction::None:
    reduced = smooth.reshape(f.shape);
    break;
  case Reduction::Sum:
    reduced = smooth.sum();
    break;
  default: {
    Tensor denominator =
        options.weight().defined()
            ? nllTerms(f, options.weight(), options.ignore_index()).second.sum()
            : valid.sum();
    reduced = smooth.sum() / denominator;
  }
  }
  return nll * (1 - smoothing) + reduced * (smoothing / classes);
}

Tensor binary_cross_entropy(const Tensor &input, const Tensor &target,
                            const BinaryCrossEntropyFuncOptions &options) {
  KILN_CHECK(target.sizes() == input.sizes(), "Using a target size (",
             detail::shapeString(target.sizes()),
             ") that is different to the input size (",
             detail::shapeString(input.sizes()),
             ") is deprecated. Please ensure they have the same size.");
  {
    Tensor bad = (input < 0) | (input > 1);
    KILN_CHECK(!bad.any().item<bool>(),
               "all elements of input should be between 0 and 1");
  }
  // PyTorch clamps the logarithms at -100 so that the loss stays finite,
  // and its input gradient is w (x - t) / max(x (1 - x), 1e-12): finite
  // where a saturated sigmoid gives exactly 0 or 1. The value is computed
  // on the detached input (logs of 0 taken safely, so no 0 * inf reaches
  // the target's gradient); the input's gradient is that formula, carried
  // by a term whose value is zero.
  Tensor x = input.detach();
  auto clampedLog = [](const Tensor &v) {
    Tensor positive = v > 0;
    Tensor safe = where(positive, v, 1.0).log().clamp_min(-100);
    return where(positive, safe, -100.0);
  };
  Tensor loss = -(target * clampedLog(x) + (1 - target) * clampedLog(1 - x));
  Tensor inputGrad = ((x - target) / (x * (1 - x)).clamp_min(1e-12)).detach();
  loss = loss + (input - x) * inputGrad;
  if (options.weight().defined())
    loss = loss * options.weight();
  return reduce(loss, options.reduction());
}

Tensor binary_cross_entropy_with_logits(
    const Tensor &input, const Tensor &target,
    const BinaryCrossEntropyWithLogitsFuncOptions &options) {
  KILN_CHECK(target.sizes() == input.sizes(), "Target size (",
             detail::shapeString(target.sizes()),
             ") must be the same as input size (",
             detail::shapeString(input.sizes()), ")");
  Tensor logSig = logSigmoid(input);
  Tensor loss;
  if (options.pos_weight().defined()) {
    Tensor logWeight = (options.pos_weight() - 1) * target + 1;
    loss = (1 - target) * input - logWeight * logSig;
  } else {
    loss = (1 - target) * input - logSig;
  }
  if (options.weight().defined())
    loss = loss * options.weight();
  return reduce(loss, options.reduction());
}

Tensor kl_div(const Tensor &input, const Tensor &target,
              const KLDivFuncOptions &options) {
  Tensor loss;
  if (options.log_target()) {
    loss = target.exp() * (target - input);
  } else {
    // xlogy(t, t) - t * input: 0 where the target is 0.
    Tensor zero = target == 0;
    Tensor safe = where(zero, ones_like(target), target);
    loss = target * safe.log() - target * input;
  }
  if (options.reduction() == Reduction::BatchMean)
    return input.dim() == 0 ? loss.sum() : loss.sum() / input.size(0);
  return reduce(loss, options.reduction());
}

Tensor smooth_l1_loss(const Tensor &input, const Tensor &target,
                      const SmoothL1LossFuncOptions &options,
                      std::optional<double> betaArg) {
  double beta = betaArg ? *betaArg : options.beta().value_or(1.0);
  KILN_CHECK(beta >= 0,
             "smooth_l1_loss does not support negative values for beta.");
  Tensor z = (input - target).abs();
  if (beta == 0)
    return reduce(z, options.reduction());
  Tensor loss = where(z < beta, z * z * (0.5 / beta), z - 0.5 * beta);
  return reduce(loss, options.reduction());
}

Tensor huber_loss(const Tensor &input, const Tensor &target,
                  const HuberLossFuncOptions &options) {
  double delta = options.delta();
  KILN_CHECK(delta > 0, "huber_loss does not support non-positive values for "
                        "delta.");
  Tensor z = (input - target).abs();
  Tensor loss = where(z < delta, z * z * 0.5, (z - 0.5 * delta) * delta);
  return reduce(loss, options.reduction());
}

Tensor soft_margin_loss(const Tensor &input, const Tensor &target,
                        const SoftMarginLossFuncOptions &options) {
  // log(1 + exp(-t x)) = -log(sigmoid(t x))
  return reduce(-logSigmoid(input * target), options.reduction());
}

Tensor margin_ranking_loss(const Tensor &input1, const Tensor &input2,
                           const Tensor &target,
                           const MarginRankingLossFuncOptions &options) {
  KILN_CHECK(input1.dim() == input2.dim() && input1.dim() == target.dim(),
             "margin_ranking_loss : All input tensors should have same "
             "dimension but got sizes: input1: ",
             detail::shapeString(input1.sizes()),
             ", input2: ", detail::shapeString(input2.sizes()),
             ", target: ", detail::shapeString(target.sizes()), " ");
  Tensor loss = (-target * (input1 - input2) + options.margin()).clamp_min(0);
  return reduce(loss, options.reduction());
}

Tensor hinge_embedding_loss(const Tensor &input, const Tensor &target,
                            const HingeEmbeddingLossFuncOptions &options) {
  Tensor marginClamp = (options.margin() - input).clamp_min(0);
  Tensor outputMargin = where(target != 1, marginClamp, 0.0);
  Tensor outputSelf = where(target != -1, input, 0.0);
  return reduce(outputMargin + outputSelf, options.reduction());
}

Tensor poisson_nll_loss(const Tensor &input, const Tensor &target,
                        const PoissonNLLLossFuncOptions &options) {
  Tensor loss = options.log_input()
                    ? input.exp() - target * input
                    : input - target * (input + options.eps()).log();
  if (options.full()) {
    // Stirling's approximation of log(target!), where target > 1.
    Tensor safe = where(target > 1, target, ones_like(target));
    Tensor stirling =
        safe * safe.log() - safe + (safe * (2 * M_PI)).log() * 0.5;
    loss = loss + where(target > 1, stirling, zeros_like(stirling));
  }
  return reduce(loss, options.reduction());
}

Tensor cosine_embedding_loss(const Tensor &input1, const Tensor &input2,
                             const Tensor &target,
                             const CosineEmbeddingLossFuncOptions &options) {
  KILN_CHECK(input1.dim() == input2.dim(),
             "cosine_embedding_loss : All input tensors should have same "
             "dimension but got sizes: input1: ",
             detail::shapeString(input1.sizes()),
             ", input2: ", detail::shapeString(input2.sizes()));
  ScalarType t = get_default_dtype_as_scalartype();
  Tensor x1 = input1.is_floating_point() ? input1 : input1.to(t);
  Tensor x2 = input2.is_floating_point() ? input2 : input2.to(t);
  constexpr double eps = 1e-12;
  int64_t dim = x1.dim() - 1;
  Tensor prod = (x1 * x2).sum({dim});
  Tensor mag1 = (x1 * x1).sum({dim}) + eps;
  Tensor mag2 = (x2 * x2).sum({dim}) + eps;
  Tensor cos = prod / (mag1 * mag2).sqrt();
  Tensor pos = 1 - cos;
  Tensor neg = (cos - options.margin()).clamp_min(0);
  Tensor loss = where(target == 1, pos, 0.0) + where(target == -1, neg, 0.0);
  return reduce(loss, options.reduction());
}

} // namespace kiln::nn::functional

namespace kiln {
Tensor layer_norm(const Tensor &input, IntArrayRef normalized_shape,
                  const Tensor &weight, const Tensor &bias, double eps,
                  bool /*cudnn_enable*/) {
  int64_t k = static_cast<int64_t>(normalized_shape.size());
  bool ok = k >= 1 && input.dim() >= k;
  for (int64_t i = 0; ok && i < k; ++i)
    ok = input.size(input.dim() - k + i) == normalized_shape[i];
  KILN_CHECK(
      ok, "Given normalized_shape=", detail::shapeString(normalized_shape),
      ", expected input with shape [*",
      [&] {
        std::string s;
        for (int64_t d : normalized_shape)
          s += ", " + std::to_string(d);
        return s;
      }(),
      "], but got input of size", detail::shapeString(input.sizes()));
  std::vector<int64_t> dims;
  for (int64_t d = input.dim() - k; d < input.dim(); ++d)
    dims.push_back(d);
  Tensor mean = input.mean(dims, true);
  Tensor centered = input - mean;
  Tensor var = (centered * centered).mean(dims, true);
  Tensor y = centered / (var + eps).sqrt();
  if (weight.defined())
    y = y * weight;
  if (bias.defined())
    y = y + bias;
  return y;
}
} // namespace kiln
