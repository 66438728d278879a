//===- Modules.h - Layers, containers and losses ----------------*- C++ -*-===//
#ifndef KILN_NN_MODULES_H
#define KILN_NN_MODULES_H

#include "kiln/nn/Functional.h"
#include "kiln/nn/Module.h"

#include <functional>

namespace kiln::nn {

struct LinearOptions {
  LinearOptions(int64_t in_features, int64_t out_features)
      : in_features_(in_features), out_features_(out_features) {}
  KILN_ARG(int64_t, in_features);
  KILN_ARG(int64_t, out_features);
  KILN_ARG(bool, bias) = true;
};

/// y = x W^T + b with PyTorch's initialisation: W and b uniform in
/// [-1/sqrt(in_features), 1/sqrt(in_features)].
class LinearImpl : public Cloneable<LinearImpl> {
public:
  LinearImpl(int64_t in_features, int64_t out_features)
      : LinearImpl(LinearOptions(in_features, out_features)) {}
  explicit LinearImpl(const LinearOptions &options);
  Tensor forward(const Tensor &input);
  /// (Re)creates weight and bias with PyTorch's initialisation.
  void reset() override;
  void reset_parameters();
  void pretty_print(std::ostream &os) const override;

  LinearOptions options;
  Tensor weight;
  Tensor bias;
};
KILN_MODULE(Linear);

class ReLUImpl : public Cloneable<ReLUImpl> {
public:
  explicit ReLUImpl(const ReLUOptions &options = {}) : options(options) {}
  void reset() override {}
  Tensor forward(Tensor input) { return functional::relu(input, options); }
  void pretty_print(std::ostream &os) const override;
  ReLUOptions options;
};
KILN_MODULE(ReLU);

/// max(0, x) + negative_slope * min(0, x).
class LeakyReLUImpl : public Cloneable<LeakyReLUImpl> {
public:
  explicit LeakyReLUImpl(const LeakyReLUOptions &options = {})
      : options(options) {}
  void reset() override {}
  Tensor forward(Tensor input) {
    return functional::leaky_relu(input, options);
  }
  void pretty_print(std::ostream &os) const override;
  LeakyReLUOptions options;
};
KILN_MODULE(LeakyReLU);

class GELUImpl : public Cloneable<GELUImpl> {
public:
  explicit GELUImpl(GELUOptions options = {}) : options(std::move(options)) {}
  void reset() override {}
  Tensor forward(const Tensor &input) {
    return functional::gelu(input, options);
  }
  void pretty_print(std::ostream &os) const override;
  GELUOptions options;
};
KILN_MODULE(GELU);

/// The module options of Softmax / LogSoftmax: the dimension.
struct SoftmaxOptions {
  SoftmaxOptions(int64_t dim) : dim_(dim) {}
  KILN_ARG(int64_t, dim);
};
struct LogSoftmaxOptions {
  LogSoftmaxOptions(int64_t dim) : dim_(dim) {}
  KILN_ARG(int64_t, dim);
};

class SoftmaxImpl : public Cloneable<SoftmaxImpl> {
public:
  explicit SoftmaxImpl(int64_t dim) : SoftmaxImpl(SoftmaxOptions(dim)) {}
  explicit SoftmaxImpl(const SoftmaxOptions &options) : options(options) {}
  void reset() override {}
  Tensor forward(const Tensor &input) {
    return functional::softmax(input, options.dim());
  }
  void pretty_print(std::ostream &os) const override;
  SoftmaxOptions options;
};
KILN_MODULE(Softmax);

class LogSoftmaxImpl : public Cloneable<LogSoftmaxImpl> {
public:
  explicit LogSoftmaxImpl(int64_t dim)
      : LogSoftmaxImpl(LogSoftmaxOptions(dim)) {}
  explicit LogSoftmaxImpl(const LogSoftmaxOptions &options)
      : options(options) {}
  void reset() override {}
  Tensor forward(const Tensor &input) {
    return functional::log_softmax(input, options.dim());
  }
  void pretty_print(std::ostream &os) const override;
  LogSoftmaxOptions options;
};
KILN_MODULE(LogSoftmax);

/// Returns its input; takes (and ignores) any constructor arguments, as
/// libtorch's.
class IdentityImpl : public Cloneable<IdentityImpl> {
public:
  template <class... Args> explicit IdentityImpl(const Args &...) {}
  void reset() override {}
  Tensor forward(const Tensor &input) { return input; }
};
KILN_MODULE(Identity);

struct FlattenOptions {
  KILN_ARG(int64_t, start_dim) = 1;
  KILN_ARG(int64_t, end_dim) = -1;
};

/// Flattens dimensions start_dim..end_dim into one.
class FlattenImpl : public Cloneable<FlattenImpl> {
public:
  explicit FlattenImpl(const FlattenOptions &options = {}) : options(options) {}
  void reset() override {}
  Tensor forward(const Tensor &input) {
    return input.flatten(options.start_dim(), options.end_dim());
  }
  void pretty_print(std::ostream &os) const override;
  FlattenOptions options;
};
KILN_MODULE(Flatten);

class SigmoidImpl : public Cloneable<SigmoidImpl> {
public:
  void reset() override {}
  Tensor forward(const Tensor &input) { return input.sigmoid(); }
};
KILN_MODULE(Sigmoid);

class TanhImpl : public Cloneable<TanhImpl> {
public:
  void reset() override {}
  Tensor forward(const Tensor &input) { return input.tanh(); }
};
KILN_MODULE(Tanh);

class DropoutImpl : public Cloneable<DropoutImpl> {
public:
  explicit DropoutImpl(const DropoutOptions &options = {});
  void reset() override {}
  explicit DropoutImpl(double p) : DropoutImpl(DropoutOptions(p)) {}
  Tensor forward(const Tensor &input);
  void pretty_print(std::ostream &os) const override;
  DropoutOptions options;
};
KILN_MODULE(Dropout);

class MSELossImpl : public Cloneable<MSELossImpl> {
public:
  explicit MSELossImpl(const MSELossOptions &options = {}) : options(options) {}
  void reset() override {}
  Tensor forward(const Tensor &input, const Tensor &target);
  MSELossOptions options;
};
KILN_MODULE(MSELoss);

class L1LossImpl : public Cloneable<L1LossImpl> {
public:
  explicit L1LossImpl(const L1LossOptions &options = {}) : options(options) {}
  void reset() override {}
  Tensor forward(const Tensor &input, const Tensor &target) {
    return functional::l1_loss(input, target, options);
  }
  L1LossOptions options;
};
KILN_MODULE(L1Loss);

/// The negative log likelihood of class indices given log-probabilities.
class NLLLossImpl : public Cloneable<NLLLossImpl> {
public:
  explicit NLLLossImpl(const NLLLossOptions &options = {}) : options(options) {
    reset();
  }
  /// Registers the class weights (if any) as the buffer "weight".
  void reset() override;
  Tensor forward(const Tensor &input, const Tensor &target) {
    return functional::nll_loss(input, target, options);
  }
  NLLLossOptions options;
  Tensor weight;
};
KILN_MODULE(NLLLoss);

/// Binary cross entropy of probabilities.
class BCELossImpl : public Cloneable<BCELossImpl> {
public:
  explicit BCELossImpl(const BCELossOptions &options = {}) : options(options) {
    reset();
  }
  void reset() override;
  Tensor forward(const Tensor &input, const Tensor &target) {
    return functional::binary_cross_entropy(input, target, options);
  }
  BCELossOptions options;
};
KILN_MODULE(BCELoss);

/// Binary cross entropy of logits (a sigmoid then BCELoss, computed
/// stably).
class BCEWithLogitsLossImpl : public Cloneable<BCEWithLogitsLossImpl> {
public:
  explicit BCEWithLogitsLossImpl(const BCEWithLogitsLossOptions &options = {})
      : options(options) {
    reset();
  }
  void reset() override;
  Tensor forward(const Tensor &input, const Tensor &target) {
    return functional::binary_cross_entropy_with_logits(input, target, options);
  }
  BCEWithLogitsLossOptions options;
  Tensor weight;
  Tensor pos_weight;
};
KILN_MODULE(BCEWithLogitsLoss);

class CrossEntropyLossImpl : public Cloneable<CrossEntropyLossImpl> {
public:
  explicit CrossEntropyLossImpl(const CrossEntropyLossOptions &options = {})
      : options(options) {
    reset();
  }
  /// Registers the class weights (if any) as the buffer "weight".
  void reset() override;
  /// The loss with all the options (weight, ignore_index, reduction,
  /// label_smoothing).
  Tensor forward(const Tensor &input, const Tensor &target);
  CrossEntropyLossOptions options;
  Tensor weight;
};
KILN_MODULE(CrossEntropyLoss);

// --- More activations ------------------------------------------------------

/// An activation module without options: `Name()` calling `functional::fn`.
#define KILN_PLAIN_ACTIVATION(Name, fn)                                        \
  class Name##Impl : public Cloneable<Name##Impl> {                            \
  public:                                                                      \
    void reset() override {}                                                   \
    Tensor forward(const Tensor &input) { return functional::fn(input); }      \
  };                                                                           \
  KILN_MODULE(Name)
KILN_PLAIN_ACTIVATION(LogSigmoid, logsigmoid);
KILN_PLAIN_ACTIVATION(Softsign, softsign);
KILN_PLAIN_ACTIVATION(Tanhshrink, tanhshrink);
#undef KILN_PLAIN_ACTIVATION

/// An activation module whose forward is `functional::fn(input, options)`;
/// pretty_print is defined in Modules.cpp.
#define KILN_OPTIONS_ACTIVATION(Name, fn)                                      \
  class Name##Impl : public Cloneable<Name##Impl> {                            \
  public:                                                                      \
    explicit Name##Impl(const Name##Options &options_ = {})                    \
        : options(options_) {}                                                 \
    void reset() override {}                                                   \
    Tensor forward(Tensor input) { return functional::fn(input, options); }    \
    void pretty_print(std::ostream &os) const override;                        \
    Name##Options options;                                                     \
  };                                                                           \
  KILN_MODULE(Name)
KILN_OPTIONS_ACTIVATION(ELU, elu);
KILN_OPTIONS_ACTIVATION(SELU, selu);
KILN_OPTIONS_ACTIVATION(CELU, celu);
KILN_OPTIONS_ACTIVATION(GLU, glu);
KILN_OPTIONS_ACTIVATION(ReLU6, relu6);
KILN_OPTIONS_ACTIVATION(Softplus, softplus);
KILN_OPTIONS_ACTIVATION(Softshrink, softshrink);
KILN_OPTIONS_ACTIVATION(Hardshrink, hardshrink);
#undef KILN_OPTIONS_ACTIVATION

/// x * sigmoid(x). libtorch's SiLU takes no options.
class SiLUImpl : public Cloneable<SiLUImpl> {
public:
  void reset() override {}
  Tensor forward(const Tensor &input) { return functional::silu(input); }
};
KILN_MODULE(SiLU);

/// x * tanh(softplus(x)).
class MishImpl : public Cloneable<MishImpl> {
public:
  void reset() override {}
  Tensor forward(const Tensor &input) { return functional::mish(input); }
};
KILN_MODULE(Mish);

/// Clamps to [min_val, max_val]; max_val must exceed min_val (checked by
/// reset(), as in libtorch).
class HardtanhImpl : public Cloneable<HardtanhImpl> {
public:
  explicit HardtanhImpl(const HardtanhOptions &options = {});
  void reset() override;
  Tensor forward(Tensor input) { return functional::hardtanh(input, options); }
  void pretty_print(std::ostream &os) const override;
  HardtanhOptions options;
};
KILN_MODULE(Hardtanh);

/// x where x > threshold, else value.
class ThresholdImpl : public Cloneable<ThresholdImpl> {
public:
  ThresholdImpl(double threshold, double value)
      : ThresholdImpl(ThresholdOptions(threshold, value)) {}
  explicit ThresholdImpl(const ThresholdOptions &options) : options(options) {}
  void reset() override {}
  Tensor forward(Tensor input) { return functional::threshold(input, options); }
  void pretty_print(std::ostream &os) const override;
  ThresholdOptions options;
};
KILN_MODULE(Threshold);

struct SoftminOptions {
  SoftminOptions(int64_t dim) : dim_(dim) {}
  KILN_ARG(int64_t, dim);
};

/// softmax(-x) along dim.
class SoftminImpl : public Cloneable<SoftminImpl> {
public:
  explicit SoftminImpl(int64_t dim) : SoftminImpl(SoftminOptions(dim)) {}
  explicit SoftminImpl(const SoftminOptions &options) : options(options) {}
  void reset() override {}
  Tensor forward(const Tensor &input) {
    return functional::softmin(input,
                               functional::SoftminFuncOptions(options.dim()));
  }
  void pretty_print(std::ostream &os) const override;
  SoftminOptions options;
};
KILN_MODULE(Softmin);

struct PReLUOptions {
  /// 1 (one slope shared by all channels) or the number of channels.
  KILN_ARG(int64_t, num_parameters) = 1;
  KILN_ARG(double, init) = 0.25;
};

/// max(0, x) + weight * min(0, x) with a learned slope `weight`.
class PReLUImpl : public Cloneable<PReLUImpl> {
public:
  explicit PReLUImpl(const PReLUOptions &options = {});
  void reset() override;
  Tensor forward(const Tensor &input) {
    return functional::prelu(input, weight);
  }
  void pretty_print(std::ostream &os) const override;
  PReLUOptions options;
  Tensor weight;
};
KILN_MODULE(PReLU);

// --- Distances ---------------------------------------------------------------

using CosineSimilarityOptions = functional::CosineSimilarityFuncOptions;
using PairwiseDistanceOptions = functional::PairwiseDistanceFuncOptions;

class CosineSimilarityImpl : public Cloneable<CosineSimilarityImpl> {
public:
  explicit CosineSimilarityImpl(const CosineSimilarityOptions &options = {})
      : options(options) {}
  void reset() override {}
  Tensor forward(const Tensor &input1, const Tensor &input2) {
    return functional::cosine_similarity(input1, input2, options);
  }
  CosineSimilarityOptions options;
};
KILN_MODULE(CosineSimilarity);

/// The p-norm of input1 - input2 + eps along the last dimension.
class PairwiseDistanceImpl : public Cloneable<PairwiseDistanceImpl> {
public:
  explicit PairwiseDistanceImpl(const PairwiseDistanceOptions &options = {})
      : options(options) {}
  void reset() override {}
  Tensor forward(const Tensor &input1, const Tensor &input2) {
    return functional::pairwise_distance(input1, input2, options);
  }
  PairwiseDistanceOptions options;
};
KILN_MODULE(PairwiseDistance);

// --- Normalization -----------------------------------------------------------

struct LayerNormOptions {
  LayerNormOptions(std::vector<int64_t> normalized_shape)
      : normalized_shape_(std::move(normalized_shape)) {}
  KILN_ARG(std::vector<int64_t>, normalized_shape);
  KILN_ARG(double, eps) = 1e-5;
  /// Learned per-element weight (ones) and bias (zeros).
  KILN_ARG(bool, elementwise_affine) = true;
};

/// Normalizes over the last normalized_shape.size() dimensions.
class LayerNormImpl : public Cloneable<LayerNormImpl> {
public:
  LayerNormImpl(std::vector<int64_t> normalized_shape)
      : LayerNormImpl(LayerNormOptions(std::move(normalized_shape))) {}
  explicit LayerNormImpl(LayerNormOptions options);
  void reset() override;
  /// weight to ones and bias to zeros.
  void reset_parameters();
  Tensor forward(const Tensor &input);
  void pretty_print(std::ostream &os) const override;
  LayerNormOptions options;
  Tensor weight;
  Tensor bias;
};
KILN_MODULE(LayerNorm);

struct BatchNormOptions {
  /* implicit */ BatchNormOptions(int64_t num_features)
      : num_features_(num_features) {}
  KILN_ARG(int64_t, num_features);
  KILN_ARG(double, eps) = 1e-5;
  /// The running statistics' update factor; nullopt for a cumulative
  /// average (1 / num_batches_tracked).
  KILN_ARG(std::optional<double>, momentum) = 0.1;
  KILN_ARG(bool, affine) = true;
  KILN_ARG(bool, track_running_stats) = true;
};
using BatchNorm1dOptions = BatchNormOptions;

/// Batch normalization over dim 1 of [N, C] or [N, C, L] input: batch
/// statistics in training (updating running_mean / running_var /
/// num_batches_tracked), the running statistics in evaluation (or batch
/// statistics when track_running_stats is false).
class BatchNorm1dImpl : public Cloneable<BatchNorm1dImpl> {
public:
  explicit BatchNorm1dImpl(int64_t num_features)
      : BatchNorm1dImpl(BatchNormOptions(num_features)) {}
  explicit BatchNorm1dImpl(const BatchNormOptions &options);
  void reset() override;
  /// Zeroes running_mean and num_batches_tracked, fills running_var with
  /// ones.
  void reset_running_stats();
  /// reset_running_stats(), then weight to ones and bias to zeros.
  void reset_parameters();
  Tensor forward(const Tensor &input);
  void pretty_print(std::ostream &os) const override;
  BatchNormOptions options;
  Tensor weight;
  Tensor bias;
  Tensor running_mean;
  Tensor running_var;
  Tensor num_batches_tracked;
};
KILN_MODULE(BatchNorm1d);

// --- Shapes ------------------------------------------------------------------

struct UnflattenOptions {
  UnflattenOptions(int64_t dim, std::vector<int64_t> sizes)
      : dim_(dim), sizes_(std::move(sizes)) {}
  KILN_ARG(int64_t, dim);
  /// The sizes dimension `dim` unfolds into (one may be -1).
  KILN_ARG(std::vector<int64_t>, sizes);
};

/// Splits dimension `dim` into `sizes` (named tensors are not supported).
class UnflattenImpl : public Cloneable<UnflattenImpl> {
public:
  UnflattenImpl(int64_t dim, std::vector<int64_t> sizes)
      : UnflattenImpl(UnflattenOptions(dim, std::move(sizes))) {}
  explicit UnflattenImpl(UnflattenOptions options)
      : options(std::move(options)) {}
  void reset() override {}
  Tensor forward(const Tensor &input);
  void pretty_print(std::ostream &os) const override;
  UnflattenOptions options;
};
KILN_MODULE(Unflatten);

// --- More losses -------------------------------------------------------------

/// A loss module of two tensors whose forward is `functional::fn(input,
/// target, options)`.
#define KILN_LOSS_MODULE(Name, fn)                                             \
  class Name##Impl : public Cloneable<Name##Impl> {                            \
  public:                                                                      \
    explicit Name##Impl(const Name##Options &options_ = {})                    \
        : options(options_) {}                                                 \
    void reset() override {}                                                   \
    Tensor forward(const Tensor &input, const Tensor &target) {                \
      return functional::fn(input, target, options);                           \
    }                                                                          \
    Name##Options options;                                                     \
  };                                                                           \
  KILN_MODULE(Name)
KILN_LOSS_MODULE(KLDivLoss, kl_div);
KILN_LOSS_MODULE(SmoothL1Loss, smooth_l1_loss);
KILN_LOSS_MODULE(HuberLoss, huber_loss);
KILN_LOSS_MODULE(SoftMarginLoss, soft_margin_loss);
KILN_LOSS_MODULE(HingeEmbeddingLoss, hinge_embedding_loss);
KILN_LOSS_MODULE(PoissonNLLLoss, poisson_nll_loss);
#undef KILN_LOSS_MODULE

/// A loss module of three tensors (input1, input2, target).
#define KILN_LOSS3_MODULE(Name, fn)                                            \
  class Name##Impl : public Cloneable<Name##Impl> {                            \
  public:                                                                      \
    explicit Name##Impl(const Name##Options &options_ = {})                    \
        : options(options_) {}                                                 \
    void reset() override {}                                                   \
    Tensor forward(const Tensor &input1, const Tensor &input2,                 \
                   const Tensor &target) {                                     \
      return functional::fn(input1, input2, target, options);                  \
    }                                                                          \
    Name##Options options;                                                     \
  };                                                                           \
  KILN_MODULE(Name)
KILN_LOSS3_MODULE(MarginRankingLoss, margin_ranking_loss);
KILN_LOSS3_MODULE(CosineEmbeddingLoss, cosine_embedding_loss);
#undef KILN_LOSS3_MODULE

/// A module with a Tensor -> Tensor forward, type-erased (libtorch's
/// AnyModule, restricted to single-tensor modules).
class AnyModule {
public:
  /// An empty AnyModule.
  AnyModule() = default;
  template <class M> AnyModule(std::shared_ptr<M> module) : module_(module) {
    forward_ = [m = module.get()](const Tensor &x) { return m->forward(x); };
    rebind_ = [](std::shared_ptr<Module> copy) {
      auto typed = std::dynamic_pointer_cast<M>(copy);
      KILN_CHECK(typed != nullptr, "clone() of a ", copy->name(),
                 " returned a module of another type");
      return AnyModule(typed);
    };
  }
  template <class M>
  AnyModule(const ModuleHolder<M> &holder) : AnyModule(holder.ptr()) {}
  /// A module given by value (`AnyModule(MyImpl(3))`) is moved to the heap.
  template <class M, std::enable_if_t<std::is_base_of_v<Module, M>, int> = 0>
  AnyModule(M &&module)
      : AnyModule(std::make_shared<std::decay_t<M>>(std::forward<M>(module))) {}

  Tensor forward(const Tensor &x) const {
    KILN_CHECK(!is_empty(), "Cannot call forward() on an empty AnyModule");
    return forward_(x);
  }
  /// forward() converted to `Return` (libtorch's `forward<Return>`).
  template <class Return = Tensor> Return forward(const Tensor &x) const {
    return Return(forward(x));
  }
  const std::shared_ptr<Module> &ptr() const {
    KILN_CHECK(!is_empty(), "Cannot call ptr() on an empty AnyModule");
    return module_;
  }
  /// The module as `T`, which must be its concrete type.
  template <class T> std::shared_ptr<T> ptr() const {
    auto p = std::dynamic_pointer_cast<T>(ptr());
    KILN_CHECK(p != nullptr, "Attempted to cast module of type ",
               module_->name(), " to type ", typeid(T).name());
    return p;
  }
  template <class T> T &get() const {
    KILN_CHECK(!is_empty(), "Cannot call get() on an empty AnyModule");
    return *ptr<T>();
  }
  bool is_empty() const noexcept { return module_ == nullptr; }
  /// A deep copy of the module (its clone()), as an AnyModule.
  AnyModule clone(std::optional<Device> device = std::nullopt) const {
    KILN_CHECK(!is_empty(), "Cannot call clone() on an empty AnyModule");
    return rebind_(module_->clone(device));
  }

private:
  std::shared_ptr<Module> module_;
  std::function<Tensor(const Tensor &)> forward_;
  std::function<AnyModule(std::shared_ptr<Module>)> rebind_;
};

/// A name and an AnyModule: an element of `Sequential({{"fc", Linear(2,
/// 3)}, ...})`.
class NamedAnyModule {
public:
  template <class M>
  NamedAnyModule(std::string name, std::shared_ptr<M> module)
      : name_(std::move(name)), module_(std::move(module)) {}
  template <class M, std::enable_if_t<std::is_base_of_v<Module, M>, int> = 0>
  NamedAnyModule(std::string name, M &&module)
      : name_(std::move(name)), module_(std::forward<M>(module)) {}
  template <class M>
  NamedAnyModule(std::string name, const ModuleHolder<M> &holder)
      : name_(std::move(name)), module_(holder) {}
  NamedAnyModule(std::string name, AnyModule module)
      : name_(std::move(name)), module_(std::move(module)) {}

  const std::string &name() const noexcept { return name_; }
  AnyModule &module() noexcept { return module_; }
  const AnyModule &module() const noexcept { return module_; }

private:
  std::string name_;
  AnyModule module_;
};

/// libtorch's helper: `Sequential(modules_ordered_dict({{"fc", ...}}))`.
inline OrderedDict<std::string, AnyModule>
modules_ordered_dict(std::initializer_list<NamedAnyModule> named_modules) {
  OrderedDict<std::string, AnyModule> dict("Module");
  for (const NamedAnyModule &m : named_modules)
    dict.insert(m.name(), m.module());
  return dict;
}

/// Runs its modules in order; children are named "0", "1", ...
class SequentialImpl : public Module {
public:
  SequentialImpl() = default;
  template <class... Modules> explicit SequentialImpl(Modules &&...modules) {
    (push_back(AnyModule(std::forward<Modules>(modules))), ...);
  }
  /// Named modules: `Sequential({{"fc", Linear(2, 3)}, {"act", ReLU()}})`.
  explicit SequentialImpl(std::initializer_list<NamedAnyModule> named_modules);
  explicit SequentialImpl(OrderedDict<std::string, AnyModule> &&ordered_dict);
  void push_back(AnyModule module);
  void push_back(std::string name, AnyModule module);
  /// Named module given by value, shared_ptr or holder.
  template <class M, std::enable_if_t<
                         !std::is_same_v<std::decay_t<M>, AnyModule>, int> = 0>
  void push_back(std::string name, M &&module) {
    push_back(std::move(name), AnyModule(std::forward<M>(module)));
  }
  /// A deep copy: every module cloned, under the same names.
  std::shared_ptr<Module>
  clone(const std::optional<Device> &device = std::nullopt) const override;
  /// Appends every module of `other` (a Sequential or a container of
  /// modules).
  template <class Container> void extend(const Container &other) {
    for (const auto &module : other)
      push_back(AnyModule(module));
  }
  Tensor forward(const Tensor &input);
  /// forward() converted to `Return` (libtorch's `forward<Return>`).
  template <class Return> Return forward(const Tensor &input) {
    return Return(forward(input));
  }
  size_t size() const { return modules_.size(); }
  bool is_empty() const noexcept { return modules_.empty(); }
  std::shared_ptr<Module> operator[](size_t i) const { return ptr(i); }
  /// The i-th module as its concrete type `T`.
  template <class T> T &at(size_t i) const {
    KILN_CHECK(i < size(), "Index out of range");
    return modules_[i].get<T>();
  }
  std::shared_ptr<Module> ptr(size_t i) const {
    KILN_CHECK(i < size(), "Index out of range");
    return modules_[i].ptr();
  }
  template <class T> std::shared_ptr<T> ptr(size_t i) const {
    KILN_CHECK(i < size(), "Index out of range");
    return modules_[i].ptr<T>();
  }
  auto begin() const { return modules_.begin(); }
  auto end() const { return modules_.end(); }

protected:
  void clone_(Module &other, const std::optional<Device> &device) override;

private:
  std::vector<AnyModule> modules_;
};

/// The holder of a SequentialImpl; also built from named modules, as
/// libtorch's.
class Sequential : public ModuleHolder<SequentialImpl> {
public:
  using ModuleHolder<SequentialImpl>::ModuleHolder;
  Sequential() : ModuleHolder() {}
  Sequential(std::initializer_list<NamedAnyModule> named_modules)
      : ModuleHolder(std::make_shared<SequentialImpl>(named_modules)) {}
};

namespace utils {

/// Scales the gradients of `parameters` so that their total `norm_type`
/// norm (of all gradients together; infinity for the max norm) is at most
/// `max_norm`; returns the norm before clipping. Parameters without a
/// gradient are skipped.
double clip_grad_norm_(const std::vector<Tensor> &parameters, double max_norm,
                       double norm_type = 2.0, bool error_if_nonfinite = false);
inline double clip_grad_norm_(std::initializer_list<Tensor> parameters,
                              double max_norm, double norm_type = 2.0,
                              bool error_if_nonfinite = false) {
  return clip_grad_norm_(std::vector<Tensor>(parameters), max_norm, norm_type,
                         error_if_nonfinite);
}
inline double clip_grad_norm_(const Tensor &parameter, double max_norm,
                              double norm_type = 2.0,
                              bool error_if_nonfinite = false) {
  return clip_grad_norm_(std::vector<Tensor>{parameter}, max_norm, norm_type,
                         error_if_nonfinite);
}
/// Clamps every gradient element into [-clip_value, clip_value].
void clip_grad_value_(const std::vector<Tensor> &parameters, double clip_value);
inline void clip_grad_value_(std::initializer_list<Tensor> parameters,
                             double clip_value) {
  clip_grad_value_(std::vector<Tensor>(parameters), clip_value);
}
inline void clip_grad_value_(const Tensor &parameter, double clip_value) {
  clip_grad_value_(std::vector<Tensor>{parameter}, clip_value);
}
/// The parameters flattened and concatenated into one vector.
Tensor parameters_to_vector(const std::vector<Tensor> &parameters);
/// Makes each parameter a view of its slice of `vec` (the inverse of
/// parameters_to_vector; as in libtorch the parameters then share `vec`'s
/// memory).
void vector_to_parameters(const Tensor &vec,
                          const std::vector<Tensor> &parameters);

} // namespace utils
} // namespace kiln::nn

#endif // KILN_NN_MODULES_H
