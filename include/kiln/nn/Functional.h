//===- Functional.h - nn::functional ----------------------------*- C++ -*-===//
//
// libtorch's torch::nn::functional with its option structs: `XOptions` in
// kiln::nn (shared with the modules) and `XFuncOptions` aliases in
// nn::functional. The ops are compositions of differentiable tensor ops, so
// autograd and kiln::compile need no rules of their own.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_NN_FUNCTIONAL_H
#define KILN_NN_FUNCTIONAL_H

#include "kiln/Arg.h"
#include "kiln/Tensor.h"

#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace kiln {

/// Loss reductions (libtorch's torch::kNone, kMean, kSum; kBatchMean is
/// kl_div's).
enum class Reduction { None, Mean, Sum, BatchMean };
constexpr Reduction kNone = Reduction::None;
constexpr Reduction kMean = Reduction::Mean;
constexpr Reduction kSum = Reduction::Sum;
constexpr Reduction kBatchMean = Reduction::BatchMean;

namespace nn {

// --- Losses ------------------------------------------------------------------

/// Options of a loss that only has a reduction.
#define KILN_REDUCTION_OPTIONS(Name)                                           \
  struct Name {                                                                \
    typedef Reduction reduction_t;                                             \
    Name(Reduction reduction = kMean) : reduction_(reduction) {}               \
    KILN_ARG(Reduction, reduction);                                            \
  }
KILN_REDUCTION_OPTIONS(MSELossOptions);
KILN_REDUCTION_OPTIONS(L1LossOptions);
KILN_REDUCTION_OPTIONS(SoftMarginLossOptions);
#undef KILN_REDUCTION_OPTIONS

struct CrossEntropyLossOptions {
  typedef Reduction reduction_t;
  CrossEntropyLossOptions(Reduction reduction = kMean)
      : reduction_(reduction) {}
  /// Per-class weights (shape [C]).
  KILN_ARG(Tensor, weight) = {};
  KILN_ARG(int64_t, ignore_index) = -100;
  KILN_ARG(Reduction, reduction);
  KILN_ARG(double, label_smoothing) = 0.0;
};

struct NLLLossOptions {
  typedef Reduction reduction_t;
  NLLLossOptions(Reduction reduction = kMean) : reduction_(reduction) {}
  KILN_ARG(Tensor, weight) = {};
  KILN_ARG(int64_t, ignore_index) = -100;
  KILN_ARG(Reduction, reduction);
};

struct BCELossOptions {
  typedef Reduction reduction_t;
  BCELossOptions(Reduction reduction = kMean) : reduction_(reduction) {}
  /// Broadcast against the elementwise loss.
  KILN_ARG(Tensor, weight) = {};
  KILN_ARG(Reduction, reduction);
};
using BinaryCrossEntropyOptions = BCELossOptions;

struct BCEWithLogitsLossOptions {
  typedef Reduction reduction_t;
  BCEWithLogitsLossOptions(Reduction reduction = kMean)
      : reduction_(reduction) {}
  KILN_ARG(Tensor, weight) = {};
  KILN_ARG(Reduction, reduction);
  /// Weight of the positive term, broadcast along the classes.
  KILN_ARG(Tensor, pos_weight) = {};
};
using BinaryCrossEntropyWithLogitsOptions = BCEWithLogitsLossOptions;

struct KLDivLossOptions {
  typedef Reduction reduction_t;
  KLDivLossOptions(Reduction reduction = kMean) : reduction_(reduction) {}
  KILN_ARG(Reduction, reduction);
  KILN_ARG(bool, log_target) = false;
};

struct SmoothL1LossOptions {
  typedef Reduction reduction_t;
  SmoothL1LossOptions(Reduction reduction = kMean) : reduction_(reduction) {}
  KILN_ARG(Reduction, reduction);
  KILN_ARG(std::optional<double>, beta) = std::nullopt;
};

struct HuberLossOptions {
  typedef Reduction reduction_t;
  HuberLossOptions(Reduction reduction = kMean) : reduction_(reduction) {}
  KILN_ARG(Reduction, reduction);
  KILN_ARG(double, delta) = 1.0;
};

struct MarginRankingLossOptions {
  typedef Reduction reduction_t;
  KILN_ARG(double, margin) = 0;
  KILN_ARG(Reduction, reduction) = kMean;
};

struct HingeEmbeddingLossOptions {
  typedef Reduction reduction_t;
  KILN_ARG(double, margin) = 1.0;
  KILN_ARG(Reduction, reduction) = kMean;
};

struct PoissonNLLLossOptions {
  typedef Reduction reduction_t;
  KILN_ARG(bool, log_input) = true;
  KILN_ARG(bool, full) = false;
  KILN_ARG(double, eps) = 1e-8;
  KILN_ARG(Reduction, reduction) = kMean;
};

struct CosineEmbeddingLossOptions {
  typedef Reduction reduction_t;
  KILN_ARG(double, margin) = 0.0;
  KILN_ARG(Reduction, reduction) = kMean;
};

// --- Activations -------------------------------------------------------------

/// Options of an activation that only has `inplace`.
#define KILN_INPLACE_OPTIONS(Name)                                             \
  struct Name {                                                                \
    Name(bool inplace = false) : inplace_(inplace) {}                          \
    KILN_ARG(bool, inplace);                                                   \
  }
KILN_INPLACE_OPTIONS(ReLUOptions);
KILN_INPLACE_OPTIONS(ReLU6Options);
KILN_INPLACE_OPTIONS(SELUOptions);
KILN_INPLACE_OPTIONS(SiLUOptions);
#undef KILN_INPLACE_OPTIONS

struct LeakyReLUOptions {
  KILN_ARG(double, negative_slope) = 1e-2;
  KILN_ARG(bool, inplace) = false;
};
struct ELUOptions {
  KILN_ARG(double, alpha) = 1.0;
  KILN_ARG(bool, inplace) = false;
};
struct CELUOptions {
  KILN_ARG(double, alpha) = 1.0;
  KILN_ARG(bool, inplace) = false;
};
struct GELUOptions {
  /// "none" (exact, with erf) or "tanh".
  KILN_ARG(std::string, approximate) = "none";
};
struct GLUOptions {
  GLUOptions(int64_t dim = -1) : dim_(dim) {}
  KILN_ARG(int64_t, dim);
};
struct HardshrinkOptions {
  HardshrinkOptions(double lambda = 0.5) : lambda_(lambda) {}
  KILN_ARG(double, lambda);
};
struct SoftshrinkOptions {
  SoftshrinkOptions(double lambda = 0.5) : lambda_(lambda) {}
  KILN_ARG(double, lambda);
};
struct HardtanhOptions {
  KILN_ARG(double, min_val) = -1.0;
  KILN_ARG(double, max_val) = 1.0;
  KILN_ARG(bool, inplace) = false;
};
struct SoftplusOptions {
  KILN_ARG(double, beta) = 1.0;
  KILN_ARG(double, threshold) = 20.0;
};
struct ThresholdOptions {
  ThresholdOptions(double threshold, double value)
      : threshold_(threshold), value_(value) {}
  KILN_ARG(double, threshold);
  KILN_ARG(double, value);
  KILN_ARG(bool, inplace) = false;
};
struct RReLUOptions {
  KILN_ARG(double, lower) = 1.0 / 8.0;
  KILN_ARG(double, upper) = 1.0 / 3.0;
  KILN_ARG(bool, inplace) = false;
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
using L1LossFuncOptions = L1LossOptions;
using CrossEntropyFuncOptions = CrossEntropyLossOptions;
using NLLLossFuncOptions = NLLLossOptions;
using BinaryCrossEntropyFuncOptions = BinaryCrossEntropyOptions;
using BinaryCrossEntropyWithLogitsFuncOptions =
    BinaryCrossEntropyWithLogitsOptions;
using KLDivFuncOptions = KLDivLossOptions;
using SmoothL1LossFuncOptions = SmoothL1LossOptions;
using HuberLossFuncOptions = HuberLossOptions;
using SoftMarginLossFuncOptions = SoftMarginLossOptions;
using MarginRankingLossFuncOptions = MarginRankingLossOptions;
using HingeEmbeddingLossFuncOptions = HingeEmbeddingLossOptions;
using PoissonNLLLossFuncOptions = PoissonNLLLossOptions;
using CosineEmbeddingLossFuncOptions = CosineEmbeddingLossOptions;
using ReLUFuncOptions = ReLUOptions;
using ReLU6FuncOptions = ReLU6Options;
using SELUFuncOptions = SELUOptions;
using LeakyReLUFuncOptions = LeakyReLUOptions;
using ELUFuncOptions = ELUOptions;
using CELUFuncOptions = CELUOptions;
using GELUFuncOptions = GELUOptions;
using GLUFuncOptions = GLUOptions;
using HardshrinkFuncOptions = HardshrinkOptions;
using SoftshrinkFuncOptions = SoftshrinkOptions;
using HardtanhFuncOptions = HardtanhOptions;
using SoftplusFuncOptions = SoftplusOptions;
using ThresholdFuncOptions = ThresholdOptions;

struct DropoutFuncOptions {
  DropoutFuncOptions(double p = 0.5) : p_(p) {}
  KILN_ARG(double, p);
  KILN_ARG(bool, training) = true;
  KILN_ARG(bool, inplace) = false;
};
struct RReLUFuncOptions {
  KILN_ARG(double, lower) = 1.0 / 8.0;
  KILN_ARG(double, upper) = 1.0 / 3.0;
  KILN_ARG(bool, training) = false;
  KILN_ARG(bool, inplace) = false;
};
/// softmax / softmin / log_softmax along `dim`, optionally computed in
/// `dtype`.
#define KILN_SOFTMAX_OPTIONS(Name)                                             \
  struct Name {                                                                \
    Name(int64_t dim) : dim_(dim) {}                                           \
    KILN_ARG(int64_t, dim);                                                    \
    KILN_ARG(std::optional<ScalarType>, dtype) = std::nullopt;                 \
  }
KILN_SOFTMAX_OPTIONS(SoftmaxFuncOptions);
KILN_SOFTMAX_OPTIONS(SoftminFuncOptions);
KILN_SOFTMAX_OPTIONS(LogSoftmaxFuncOptions);
#undef KILN_SOFTMAX_OPTIONS
struct NormalizeFuncOptions {
  KILN_ARG(double, p) = 2.0;
  KILN_ARG(int64_t, dim) = 1;
  KILN_ARG(double, eps) = 1e-12;
  /// When set, the result is also written into it.
  KILN_ARG(std::optional<Tensor>, out) = std::nullopt;
};
struct CosineSimilarityFuncOptions {
  KILN_ARG(int64_t, dim) = 1;
  KILN_ARG(double, eps) = 1e-8;
};
struct PairwiseDistanceFuncOptions {
  KILN_ARG(double, p) = 2.0;
  KILN_ARG(double, eps) = 1e-6;
  KILN_ARG(bool, keepdim) = false;
};
struct LayerNormFuncOptions {
  LayerNormFuncOptions(std::vector<int64_t> normalized_shape)
      : normalized_shape_(std::move(normalized_shape)) {}
  KILN_ARG(std::vector<int64_t>, normalized_shape);
  KILN_ARG(Tensor, weight) = {};
  KILN_ARG(Tensor, bias) = {};
  KILN_ARG(double, eps) = 1e-5;
};
struct BatchNormFuncOptions {
  KILN_ARG(Tensor, weight) = {};
  KILN_ARG(Tensor, bias) = {};
  KILN_ARG(bool, training) = false;
  /// Running statistics update: (1 - momentum) * old + momentum * batch.
  KILN_ARG(std::optional<double>, momentum) = 0.1;
  KILN_ARG(double, eps) = 1e-5;
};

// --- Linear and activations --------------------------------------------------

/// y = x W^T + b (b may be undefined).
Tensor linear(const Tensor &input, const Tensor &weight,
              const Tensor &bias = {});
Tensor relu(const Tensor &input, const ReLUFuncOptions &options = {});
Tensor relu6(const Tensor &input, const ReLU6FuncOptions &options = {});
Tensor leaky_relu(const Tensor &input,
                  const LeakyReLUFuncOptions &options = {});
Tensor elu(const Tensor &input, const ELUFuncOptions &options = {});
Tensor selu(const Tensor &input, const SELUFuncOptions &options = {});
Tensor celu(const Tensor &input, const CELUFuncOptions &options = {});
Tensor gelu(const Tensor &input, const GELUFuncOptions &options = {});
Tensor silu(const Tensor &input);
Tensor mish(const Tensor &input);
Tensor glu(const Tensor &input, const GLUFuncOptions &options = {});
Tensor hardshrink(const Tensor &input,
                  const HardshrinkFuncOptions &options = {});
Tensor softshrink(const Tensor &input,
                  const SoftshrinkFuncOptions &options = {});
Tensor hardtanh(const Tensor &input, const HardtanhFuncOptions &options = {});
Tensor softplus(const Tensor &input, const SoftplusFuncOptions &options = {});
Tensor softsign(const Tensor &input);
Tensor tanhshrink(const Tensor &input);
Tensor threshold(const Tensor &input, const ThresholdFuncOptions &options);
Tensor logsigmoid(const Tensor &input);
/// max(0, x) + weight * min(0, x); weight has one element or one per
/// channel (dim 1).
Tensor prelu(const Tensor &input, const Tensor &weight);
/// Randomized leaky ReLU: in training the negative slope of each element is
/// drawn from U(lower, upper); otherwise it is (lower + upper) / 2.
Tensor rrelu(const Tensor &input, const RReLUFuncOptions &options = {});
Tensor sigmoid(const Tensor &input);
Tensor tanh(const Tensor &input);
/// Zeroes elements with probability p in training, scaling the rest by
/// 1/(1-p).
Tensor dropout(const Tensor &input, const DropoutFuncOptions &options = {});
Tensor dropout(const Tensor &input, double p, bool training);
Tensor softmax(const Tensor &input, int64_t dim);
Tensor softmax(const Tensor &input, const SoftmaxFuncOptions &options);
Tensor softmin(const Tensor &input, const SoftminFuncOptions &options);
Tensor log_softmax(const Tensor &input, int64_t dim);
Tensor log_softmax(const Tensor &input, const LogSoftmaxFuncOptions &options);

// --- Normalization and distances ---------------------------------------------

/// x / max(||x||_p along dim, eps).
Tensor normalize(const Tensor &input, NormalizeFuncOptions options = {});
Tensor layer_norm(const Tensor &input, const LayerNormFuncOptions &options);
/// Batch normalization over dim 1 with the given running statistics (used,
/// or updated in place when training).
Tensor batch_norm(const Tensor &input, const Tensor &running_mean,
                  const Tensor &running_var,
                  const BatchNormFuncOptions &options = {});
Tensor cosine_similarity(const Tensor &x1, const Tensor &x2,
                         const CosineSimilarityFuncOptions &options = {});
Tensor pairwise_distance(const Tensor &x1, const Tensor &x2,
                         const PairwiseDistanceFuncOptions &options = {});
/// Class indices (int64) to one-hot rows (int64); num_classes -1 infers
/// max + 1.
Tensor one_hot(const Tensor &tensor, int64_t num_classes = -1);

// --- Losses ------------------------------------------------------------------

/// Mean squared error; the gradient node is MseLossBackward0.
Tensor mse_loss(const Tensor &input, const Tensor &target,
                const MSELossFuncOptions &options = {});
Tensor l1_loss(const Tensor &input, const Tensor &target,
               const L1LossFuncOptions &options = {});
/// `target` holds class indices (int64, shape [N] or [N, d1, ...]) or class
/// probabilities (the input's shape).
Tensor cross_entropy(const Tensor &input, const Tensor &target,
                     const CrossEntropyFuncOptions &options = {});
Tensor nll_loss(const Tensor &input, const Tensor &target,
                const NLLLossFuncOptions &options = {});
/// `input` holds probabilities.
Tensor binary_cross_entropy(const Tensor &input, const Tensor &target,
                            const BinaryCrossEntropyFuncOptions &options = {});
/// `input` holds logits; computed stably.
Tensor binary_cross_entropy_with_logits(
    const Tensor &input, const Tensor &target,
    const BinaryCrossEntropyWithLogitsFuncOptions &options = {});
/// `input` holds log-probabilities.
Tensor kl_div(const Tensor &input, const Tensor &target,
              const KLDivFuncOptions &options = {});
Tensor smooth_l1_loss(const Tensor &input, const Tensor &target,
                      const SmoothL1LossFuncOptions &options = {},
                      std::optional<double> beta = std::nullopt);
Tensor huber_loss(const Tensor &input, const Tensor &target,
                  const HuberLossFuncOptions &options = {});
Tensor soft_margin_loss(const Tensor &input, const Tensor &target,
                        const SoftMarginLossFuncOptions &options = {});
Tensor margin_ranking_loss(const Tensor &input1, const Tensor &input2,
                           const Tensor &target,
                           const MarginRankingLossFuncOptions &options = {});
Tensor hinge_embedding_loss(const Tensor &input, const Tensor &target,
                            const HingeEmbeddingLossFuncOptions &options = {});
Tensor poisson_nll_loss(const Tensor &input, const Tensor &target,
                        const PoissonNLLLossFuncOptions &options = {});
Tensor
cosine_embedding_loss(const Tensor &input1, const Tensor &input2,
                      const Tensor &target,
                      const CosineEmbeddingLossFuncOptions &options = {});

} // namespace functional
} // namespace nn
} // namespace kiln

#endif // KILN_NN_FUNCTIONAL_H
