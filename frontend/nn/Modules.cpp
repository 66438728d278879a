//===- Modules.cpp - Layers, containers and losses ------------------------===//
#include "kiln/nn/Modules.h"
#include "kiln/Trace.h"
#include "kiln/autograd/GradMode.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace kiln::nn {

LinearImpl::LinearImpl(const LinearOptions &options) : options(options) {
  KILN_CHECK(options.in_features() >= 0 && options.out_features() >= 0,
             "Linear: in_features and out_features must be non-negative");
  reset();
}

void LinearImpl::reset() {
  weight = register_parameter(
      "weight", empty({options.out_features(), options.in_features()}));
  if (options.bias())
    bias = register_parameter("bias", empty({options.out_features()}));
  else
    bias = Tensor();
  reset_parameters();
}

void LinearImpl::reset_parameters() {
  NoGradGuard noGrad;
  // kaiming_uniform_(a=sqrt(5)) reduces to this bound; the bias uses it too.
  double bound = options.in_features() > 0
                     ? 1.0 / std::sqrt(double(options.in_features()))
                     : 0.0;
  weight.uniform_(-bound, bound);
  if (bias.defined())
    bias.uniform_(-bound, bound);
}

Tensor LinearImpl::forward(const Tensor &input) {
  return functional::linear(input, weight, bias);
}

void LinearImpl::pretty_print(std::ostream &os) const {
  os << "Linear(in_features=" << options.in_features()
     << ", out_features=" << options.out_features()
     << ", bias=" << (options.bias() ? "True" : "False") << ")";
}

DropoutImpl::DropoutImpl(const DropoutOptions &options) : options(options) {
  KILN_CHECK(options.p() >= 0 && options.p() <= 1,
             "dropout probability has to be between 0 and 1, but got ",
             options.p());
}

Tensor DropoutImpl::forward(const Tensor &input) {
  return functional::dropout(input, functional::DropoutFuncOptions(options.p())
                                        .training(is_training())
                                        .inplace(options.inplace()));
}

void DropoutImpl::pretty_print(std::ostream &os) const {
  os << "Dropout(p=" << options.p()
     << ", inplace=" << (options.inplace() ? "True" : "False") << ")";
}

void ReLUImpl::pretty_print(std::ostream &os) const {
  os << "ReLU(" << (options.inplace() ? "inplace=True" : "") << ")";
}

void LeakyReLUImpl::pretty_print(std::ostream &os) const {
  os << "LeakyReLU(negative_slope=" << options.negative_slope()
     << (options.inplace() ? ", inplace=True" : "") << ")";
}

void GELUImpl::pretty_print(std::ostream &os) const {
  os << "GELU(approximate='" << options.approximate() << "')";
}

void SoftmaxImpl::pretty_print(std::ostream &os) const {
  os << "Softmax(dim=" << options.dim() << ")";
}

void LogSoftmaxImpl::pretty_print(std::ostream &os) const {
  os << "LogSoftmax(dim=" << options.dim() << ")";
}

void FlattenImpl::pretty_print(std::ostream &os) const {
  os << "Flatten(start_dim=" << options.start_dim()
     << ", end_dim=" << options.end_dim() << ")";
}

// The loss weights are buffers, as in libtorch, so that they follow the
// module (state_dict, clone) while the options keep the same tensors.
void NLLLossImpl::reset() {
  weight = register_buffer("weight", options.weight());
}

void BCELossImpl::reset() { register_buffer("weight", options.weight()); }

void BCEWithLogitsLossImpl::reset() {
  weight = register_buffer("weight", options.weight());
  pos_weight = register_buffer("pos_weight", options.pos_weight());
}

Tensor MSELossImpl::forward(const Tensor &input, const Tensor &target) {
  return functional::mse_loss(input, target, options.reduction());
}

void CrossEntropyLossImpl::reset() {
  weight = register_buffer("weight", options.weight());
}

Tensor CrossEntropyLossImpl::forward(const Tensor &input,
                                     const Tensor &target) {
  return functional::cross_entropy(
      input, target, CrossEntropyLossOptions(options).weight(weight));
}

namespace {
/// A double as Python's repr prints it: the shortest text that reads back
/// the same, with ".0" on integral values ("1.0", "0.1", "1e-05").
std::string pyFloat(double v) {
  if (std::isnan(v))
    return "nan";
  if (std::isinf(v))
    return v > 0 ? "inf" : "-inf";
  char buf[64];
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof buf, "%.*g", precision, v);
    if (std::strtod(buf, nullptr) == v)
      break;
  }
  std::string text = buf;
  // Python writes exponents only outside 1e-4 <= |v| < 1e16.
  int exponent = v == 0 ? 0 : int(std::floor(std::log10(std::fabs(v))));
  if (text.find('e') != std::string::npos && exponent >= -4 && exponent < 16) {
    int digits = int(std::strcspn(buf, "e")) - (v < 0) -
                 (std::strchr(buf, '.') != nullptr);
    std::snprintf(buf, sizeof buf, "%.*f", std::max(digits - 1 - exponent, 0),
                  v);
    text = buf;
  }
  if (text.find_first_of(".e") == std::string::npos)
    text += ".0";
  return text;
}
const char *pyBool(bool b) { return b ? "True" : "False"; }
/// A shape as a Python tuple: "(3,)", "(2, 2)".
std::string pyTuple(const std::vector<int64_t> &values) {
  std::string text = "(";
  for (size_t i = 0; i < values.size(); ++i)
    text += (i ? ", " : "") + std::to_string(values[i]);
  return text + (values.size() == 1 ? ",)" : ")");
}
const char *inplaceSuffix(bool inplace) {
  return inplace ? ", inplace=True" : "";
}
} // namespace

void ELUImpl::pretty_print(std::ostream &os) const {
  os << "ELU(alpha=" << pyFloat(options.alpha())
     << inplaceSuffix(options.inplace()) << ")";
}

void SELUImpl::pretty_print(std::ostream &os) const {
  os << "SELU(" << (options.inplace() ? "inplace=True" : "") << ")";
}

void CELUImpl::pretty_print(std::ostream &os) const {
  os << "CELU(alpha=" << pyFloat(options.alpha())
     << inplaceSuffix(options.inplace()) << ")";
}

void GLUImpl::pretty_print(std::ostream &os) const {
  os << "GLU(dim=" << options.dim() << ")";
}

void ReLU6Impl::pretty_print(std::ostream &os) const {
  os << "ReLU6(" << (options.inplace() ? "inplace=True" : "") << ")";
}

void SoftplusImpl::pretty_print(std::ostream &os) const {
  os << "Softplus(beta=" << pyFloat(options.beta())
     << ", threshold=" << pyFloat(options.threshold()) << ")";
}

void SoftshrinkImpl::pretty_print(std::ostream &os) const {
  os << "Softshrink(" << pyFloat(options.lambda()) << ")";
}

void HardshrinkImpl::pretty_print(std::ostream &os) const {
  os << "Hardshrink(" << pyFloat(options.lambda()) << ")";
}

HardtanhImpl::HardtanhImpl(const HardtanhOptions &options) : options(options) {
  reset();
}

void HardtanhImpl::reset() {
  KILN_CHECK(options.max_val() > options.min_val(),
             "max_val must be greater than min_val");
}

void HardtanhImpl::pretty_print(std::ostream &os) const {
  os << "Hardtanh(min_val=" << pyFloat(options.min_val())
     << ", max_val=" << pyFloat(options.max_val())
     << inplaceSuffix(options.inplace()) << ")";
}

void ThresholdImpl::pretty_print(std::ostream &os) const {
  os << "Threshold(threshold=" << pyFloat(options.threshold())
     << ", value=" << pyFloat(options.value())
     << inplaceSuffix(options.inplace()) << ")";
}

void SoftminImpl::pretty_print(std::ostream &os) const {
  os << "Softmin(dim=" << options.dim() << ")";
}

PReLUImpl::PReLUImpl(const PReLUOptions &options) : options(options) {
  reset();
}

void PReLUImpl::reset() {
  weight = register_parameter("weight",
                              full({options.num_parameters()}, options.init()));
}

void PReLUImpl::pretty_print(std::ostream &os) const {
  os << "PReLU(num_parameters=" << options.num_parameters() << ")";
}

LayerNormImpl::LayerNormImpl(LayerNormOptions options)
    : options(std::move(options)) {
  reset();
}

void LayerNormImpl::reset() {
  if (options.elementwise_affine()) {
    weight =
        register_parameter("weight", kiln::empty(options.normalized_shape()));
    bias = register_parameter("bias", kiln::empty(options.normalized_shape()));
  } else {
    weight = register_parameter("weight", Tensor(), false);
    bias = register_parameter("bias", Tensor(), false);
  }
  reset_parameters();
}

void LayerNormImpl::reset_parameters() {
  NoGradGuard noGrad;
  if (weight.defined())
    weight.fill_(1);
  if (bias.defined())
    bias.zero_();
}

Tensor LayerNormImpl::forward(const Tensor &input) {
  return functional::layer_norm(
      input, functional::LayerNormFuncOptions(options.normalized_shape())
                 .weight(weight)
                 .bias(bias)
                 .eps(options.eps()));
}

void LayerNormImpl::pretty_print(std::ostream &os) const {
  os << "LayerNorm(" << pyTuple(options.normalized_shape())
     << ", eps=" << pyFloat(options.eps())
     << ", elementwise_affine=" << pyBool(options.elementwise_affine()) << ")";
}

BatchNorm1dImpl::BatchNorm1dImpl(const BatchNormOptions &options)
    : options(options) {
  reset();
}

void BatchNorm1dImpl::reset() {
  int64_t n = options.num_features();
  if (options.affine()) {
    weight = register_parameter("weight", empty({n}));
    bias = register_parameter("bias", empty({n}));
  } else {
    weight = register_parameter("weight", Tensor(), false);
    bias = register_parameter("bias", Tensor(), false);
  }
  if (options.track_running_stats()) {
    running_mean = register_buffer("running_mean", zeros({n}));
    running_var = register_buffer("running_var", ones({n}));
    num_batches_tracked =
        register_buffer("num_batches_tracked", zeros({}, kLong));
  } else {
    running_mean = register_buffer("running_mean", Tensor());
    running_var = register_buffer("running_var", Tensor());
    num_batches_tracked = register_buffer("num_batches_tracked", Tensor());
  }
  reset_parameters();
}

void BatchNorm1dImpl::reset_running_stats() {
  if (!options.track_running_stats())
    return;
  NoGradGuard noGrad;
  running_mean.zero_();
  running_var.fill_(1);
  num_batches_tracked.zero_();
}

void BatchNorm1dImpl::reset_parameters() {
  reset_running_stats();
  if (!options.affine())
    return;
  NoGradGuard noGrad;
  weight.fill_(1);
  bias.zero_();
}

Tensor BatchNorm1dImpl::forward(const Tensor &input) {
  KILN_CHECK(input.dim() == 2 || input.dim() == 3,
             "expected 2D or 3D input (got ", input.dim(), "D input)");
  double factor = options.momentum().value_or(0.0);
  if (is_training() && options.track_running_stats() &&
      num_batches_tracked.defined()) {
    {
      NoGradGuard noGrad;
      num_batches_tracked.add_(1);
    }
    if (!options.momentum())
      factor = 1.0 / num_batches_tracked.item<double>();
  }
  return functional::batch_norm(
      input, running_mean, running_var,
      functional::BatchNormFuncOptions()
          .weight(weight)
          .bias(bias)
          .training(is_training() || !options.track_running_stats())
          .momentum(factor)
          .eps(options.eps()));
}

void BatchNorm1dImpl::pretty_print(std::ostream &os) const {
  os << "BatchNorm1d(" << options.num_features()
     << ", eps=" << pyFloat(options.eps()) << ", momentum="
     << (options.momentum() ? pyFloat(*options.momentum()) : "None")
     << ", affine=" << pyBool(options.affine())
     << ", track_running_stats=" << pyBool(options.track_running_stats())
     << ")";
}

Tensor UnflattenImpl::forward(const Tensor &input) {
  int64_t dim = options.dim();
  KILN_CHECK(dim >= -input.dim() && dim < std::max<int64_t>(input.dim(), 1),
             "Dimension out of range (expected to be in range of [",
             -input.dim(), ", ", input.dim() - 1, "], but got ", dim, ")");
  if (dim < 0)
    dim += input.dim();
  const std::vector<int64_t> &sizes = options.sizes();
  KILN_CHECK(!sizes.empty(), "unflatten: sizes must be non-empty");
  std::vector<int64_t> shape(input.sizes().begin(),
                             input.sizes().begin() + dim);
  shape.insert(shape.end(), sizes.begin(), sizes.end());
  shape.insert(shape.end(), input.sizes().begin() + dim + 1,
               input.sizes().end());
  int64_t known = 1, inferred = -1;
  for (size_t i = 0; i < sizes.size(); ++i) {
    if (sizes[i] == -1) {
      KILN_CHECK(inferred < 0, "unflatten: only one dimension can be inferred");
      inferred = static_cast<int64_t>(i);
    } else {
      known *= sizes[i];
    }
  }
  KILN_CHECK(inferred >= 0 ? known != 0 && input.size(dim) % known == 0
                           : known == input.size(dim),
             "unflatten: Provided sizes ", pyTuple(sizes),
             " don't multiply up to the size of dim ", options.dim(), " (",
             input.size(dim), ") in the input tensor");
  return input.view(shape);
}

void UnflattenImpl::pretty_print(std::ostream &os) const {
  os << "Unflatten(dim=" << options.dim()
     << ", unflattened_size=" << pyTuple(options.sizes()) << ")";
}

SequentialImpl::SequentialImpl(
    std::initializer_list<NamedAnyModule> named_modules) {
  for (const NamedAnyModule &m : named_modules)
    push_back(m.name(), m.module());
}

SequentialImpl::SequentialImpl(
    OrderedDict<std::string, AnyModule> &&ordered_dict) {
  for (auto &item : ordered_dict)
    push_back(item.key(), std::move(item.value()));
}

std::shared_ptr<Module>
SequentialImpl::clone(const std::optional<Device> &device) const {
  auto copy = std::make_shared<SequentialImpl>();
  copy->train(is_training());
  auto names = named_children().keys();
  for (size_t i = 0; i < modules_.size(); ++i)
    copy->push_back(names[i], modules_[i].clone(device));
  return copy;
}

void SequentialImpl::clone_(Module &other,
                            const std::optional<Device> &device) {
  auto copy = std::dynamic_pointer_cast<SequentialImpl>(other.clone(device));
  KILN_CHECK(copy != nullptr,
             "Attempted to clone submodule, but it is of a different type "
             "than the submodule it was to be cloned into");
  static_cast<SequentialImpl &>(*this) = *copy;
}

void SequentialImpl::push_back(AnyModule module) {
  push_back(std::to_string(modules_.size()), std::move(module));
}

void SequentialImpl::push_back(std::string name, AnyModule module) {
  addChild(std::move(name), module.ptr());
  modules_.push_back(std::move(module));
}

Tensor SequentialImpl::forward(const Tensor &input) {
  KILN_CHECK(!is_empty(), "Cannot call forward() on an empty Sequential");
  Tensor x = input;
  for (const AnyModule &m : modules_)
    x = m.forward(x);
  return x;
}

namespace utils {

double clip_grad_norm_(const std::vector<Tensor> &parameters, double max_norm,
                       double norm_type, bool error_if_nonfinite) {
  std::vector<Tensor> grads;
  for (const Tensor &p : parameters)
    if (p.grad().defined())
      grads.push_back(p.grad());
  if (grads.empty())
    return 0.0;
  NoGradGuard noGrad;
  double total = 0;
  if (std::isinf(norm_type)) {
    for (const Tensor &g : grads)
      total = std::max(total, g.abs().max().item<double>());
  } else if (norm_type == 0) {
    // PyTorch's: the 0-"norm" of the per-tensor 0-norms, i.e. how many
    // gradients have a nonzero element.
    for (const Tensor &g : grads)
      total += (g != 0).any().item<bool>() ? 1 : 0;
  } else {
    for (const Tensor &g : grads)
      total += g.abs().pow(norm_type).sum().item<double>();
    total = std::pow(total, 1.0 / norm_type);
  }
  KILN_CHECK(!error_if_nonfinite || std::isfinite(total),
             "The total norm of order ", norm_type,
             " for gradients from `parameters` is non-finite, so it cannot "
             "be clipped. To disable this error and scale the gradients by "
             "the non-finite norm anyway, set `error_if_nonfinite=false`");
  double coef = max_norm / (total + 1e-6);
  // As PyTorch's clamp(max=1): a NaN norm makes every gradient NaN.
  if (!(coef >= 1))
    for (Tensor &g : grads)
      g.mul_(coef);
  return total;
}

void clip_grad_value_(const std::vector<Tensor> &parameters,
                      double clip_value) {
  NoGradGuard noGrad;
  for (const Tensor &p : parameters)
    if (p.grad().defined())
      p.grad().clamp_(-clip_value, clip_value);
}

Tensor parameters_to_vector(const std::vector<Tensor> &parameters) {
  std::vector<Tensor> flat;
  for (const Tensor &p : parameters)
    flat.push_back(p.view(-1));
  return cat(flat);
}

void vector_to_parameters(const Tensor &vec,
                          const std::vector<Tensor> &parameters) {
  KILN_CHECK(vec.dim() == 1, "expected a 1-D vector, but got a ", vec.dim(),
             "-D tensor");
  int64_t offset = 0;
  for (const Tensor &p : parameters) {
    int64_t n = p.numel();
    KILN_CHECK(offset + n <= vec.numel(),
               "vector_to_parameters: the vector "
               "has ",
               vec.numel(), " elements, fewer than the parameters");
    p.set_data(vec.slice(0, offset, offset + n).view_as(p).data());
    offset += n;
  }
}

} // namespace utils
} // namespace kiln::nn
