//===- Modules.cpp - Layers, containers and losses ------------------------===//
#include "kiln/nn/Modules.h"
#include "kiln/Trace.h"
#include "kiln/autograd/GradMode.h"

#include <algorithm>
#include <cmath>

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
  return functional::dropout(input, options.p(), is_training());
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

Tensor CrossEntropyLossImpl::forward(const Tensor &input,
                                     const Tensor &target) {
  return functional::cross_entropy(input, target, options.reduction());
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
  if (coef < 1)
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
