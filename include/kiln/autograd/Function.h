//===- Function.h - Custom autograd functions -------------------*- C++ -*-===//
//
// libtorch's `torch::autograd::Function<T>`:
//
//   struct MyReLU : kiln::autograd::Function<MyReLU> {
//     static Tensor forward(AutogradContext *ctx, Tensor input);
//     static variable_list backward(AutogradContext *ctx,
//                                   variable_list grad_outputs);
//   };
//   auto y = MyReLU::apply(x);
//
//===----------------------------------------------------------------------===//
#ifndef KILN_AUTOGRAD_FUNCTION_H
#define KILN_AUTOGRAD_FUNCTION_H

#include "kiln/Trace.h"
#include "kiln/autograd/GradMode.h"
#include "kiln/autograd/Node.h"

#include <string>
#include <type_traits>
#include <unordered_map>
#include <variant>

namespace kiln::autograd {

/// A value kept in `ctx->saved_data`.
class IValue {
public:
  IValue() = default;
  IValue(Tensor t) : v_(std::move(t)) {}
  IValue(double d) : v_(d) {}
  IValue(int64_t i) : v_(i) {}
  IValue(int i) : v_(int64_t(i)) {}
  IValue(bool b) : v_(b) {}
  IValue(std::string s) : v_(std::move(s)) {}
  IValue(const char *s) : v_(std::string(s)) {}
  IValue(std::vector<int64_t> l) : v_(std::move(l)) {}

  bool isTensor() const { return std::holds_alternative<Tensor>(v_); }
  Tensor toTensor() const { return get<Tensor>("Tensor"); }
  double toDouble() const { return get<double>("Double"); }
  int64_t toInt() const { return get<int64_t>("Int"); }
  bool toBool() const { return get<bool>("Bool"); }
  std::string toStringRef() const { return get<std::string>("String"); }
  std::vector<int64_t> toIntVector() const {
    return get<std::vector<int64_t>>("IntList");
  }

private:
  template <class T> T get(const char *what) const {
    if (auto *p = std::get_if<T>(&v_))
      return *p;
    throw Error(std::string("Expected ") + what + " in IValue");
  }
  std::variant<std::monostate, Tensor, double, int64_t, bool, std::string,
               std::vector<int64_t>>
      v_;
};

/// The `ctx` of a custom function.
class AutogradContext {
public:
  void save_for_backward(variable_list to_save);
  /// The tensors passed to save_for_backward, checked for in-place writes.
  variable_list get_saved_variables() const;
  void mark_non_differentiable(const variable_list &outputs);
  /// Inputs the forward modified in place; each must be returned, and the
  /// returned tensor is the input itself with the Function's node as its
  /// history (libtorch's rebase).
  void mark_dirty(const variable_list &inputs);
  void set_materialize_grads(bool value) { materializeGrads_ = value; }
  /// Whether input `i` (counting tensor inputs) needs a gradient in the
  /// running backward.
  bool needs_input_grad(size_t i) const {
    const std::vector<bool> &needs =
        taskNeedsInputGrad_.empty() ? needsInputGrad_ : taskNeedsInputGrad_;
    return i < needs.size() && needs[i];
  }

  std::unordered_map<std::string, IValue> saved_data;

  /// Turns the tensors given to save_for_backward into saved variables once
  /// the outputs have history; outputs are saved without theirs, which
  /// would otherwise form a node -> tensor -> node cycle (PyTorch's rule).
  void saveVariables(const variable_list &outputs);

  // Used by Function<T>::apply.
  variable_list toSave_;
  std::vector<SavedVariable> savedVariables_;
  std::vector<std::shared_ptr<TensorImpl>> nonDifferentiable_;
  std::vector<std::shared_ptr<TensorImpl>> dirty_;
  bool isDirty(const Tensor &t) const;
  std::vector<bool> needsInputGrad_;
  /// needsInputGrad_ narrowed to the running backward (set by CppNode).
  std::vector<bool> taskNeedsInputGrad_;
  /// Per argument of apply() (a tensor list counting one per tensor):
  /// whether it is a tensor; backward returns one gradient per argument.
  std::vector<bool> isVariableInput_;
  bool materializeGrads_ = true;
};

/// The node of a custom function: calls T::backward.
template <class T> class CppNode : public Node {
public:
  explicit CppNode(std::string name) : Node(std::move(name)) {}
  variable_list apply(variable_list &&grads) override;
  void release_variables() override {
    for (auto &s : ctx.savedVariables_)
      s.reset();
  }
  AutogradContext ctx;
  std::vector<std::vector<int64_t>> outputSizes;
  std::vector<ScalarType> outputTypes;
  std::vector<std::vector<int64_t>> inputSizes;
  std::vector<ScalarType> inputTypes;
};

namespace detail {
/// Collects the Tensor arguments of apply(), in order, and whether each
/// argument is a tensor.
inline void collectTensors(variable_list &, std::vector<bool> &) {}
template <class A, class... Rest>
void collectTensors(variable_list &out, std::vector<bool> &isVariable,
                    const A &a, const Rest &...rest) {
  using D = std::decay_t<A>;
  if constexpr (std::is_same_v<D, Tensor>) {
    out.push_back(a);
    isVariable.push_back(true);
  } else if constexpr (std::is_same_v<D, variable_list> ||
                       std::is_same_v<D, ArrayRef<Tensor>>) {
    out.insert(out.end(), a.begin(), a.end());
    isVariable.insert(isVariable.end(), a.size(), true);
  } else {
    isVariable.push_back(false);
  }
  collectTensors(out, isVariable, rest...);
}
/// Maps backward's gradients, one per argument of apply(), to the tensor
/// arguments, with libtorch's checks.
variable_list gradientsOfTensorArguments(const std::string &name,
                                         const std::vector<bool> &isVariable,
                                         variable_list grads);
/// Makes outputs distinct from inputs so history can be attached to them;
/// a dirty input stays itself unless it would wrongly keep requires_grad.
Tensor aliasIfInput(const Tensor &out, const variable_list &inputs,
                    const AutogradContext &ctx, bool needsGrad);
/// Bumps the dirty inputs' versions (libtorch's get_and_bump_dirty) and
/// keeps traces of such Functions from being compiled.
void bumpDirty(const AutogradContext &ctx);
/// libtorch's checks before a dirty output takes the Function's history.
void checkDirtyHistory(const Tensor &out);
/// Every dirty input must be among the outputs.
void checkDirtyReturned(const AutogradContext &ctx,
                        const variable_list &outputs);
std::string demangledFunctionName(const char *mangled);
void checkBackwardArity(const std::string &name, size_t expected, size_t got);
/// libtorch's validate_outputs: a gradient of another shape is summed to
/// the input's shape when that broadcasts to it, else refused; a gradient
/// of another dtype is converted.
void validateGradients(const std::string &name,
                       const std::vector<std::vector<int64_t>> &inputSizes,
                       const std::vector<ScalarType> &inputTypes,
                       variable_list &grads);
} // namespace detail

template <class T> struct Function {
  template <class... Args> static auto apply(Args &&...args) {
    variable_list inputs;
    auto node = std::make_shared<CppNode<T>>(
        detail::demangledFunctionName(typeid(T).name()) + "Backward");
    detail::collectTensors(inputs, node->ctx.isVariableInput_, args...);
    bool needsGrad = anyRequiresGrad(inputs);
    for (const Tensor &in : inputs)
      node->ctx.needsInputGrad_.push_back(needsGrad && in.defined() &&
                                          in.requires_grad());
    using Out = decltype(T::forward(&node->ctx, std::forward<Args>(args)...));
    Out out = [&] {
      AutoGradMode noGrad(false);
      return T::forward(&node->ctx, std::forward<Args>(args)...);
    }();
    variable_list outputs;
    if constexpr (std::is_same_v<Out, Tensor>)
      outputs.push_back(out);
    else
      outputs = out;
    detail::bumpDirty(node->ctx);
    for (Tensor &o : outputs)
      o = detail::aliasIfInput(o, inputs, node->ctx, needsGrad);
    if (needsGrad) {
      auto &edges = node->mutable_next_edges();
      for (const Tensor &in : inputs) {
        edges.push_back(in.defined() ? gradientEdge(in) : Edge{});
        node->inputSizes.push_back(in.defined() ? in.sizes().vec()
                                                : std::vector<int64_t>{});
        node->inputTypes.push_back(in.defined() ? in.dtype() : kFloat);
      }
      node->set_num_inputs(outputs.size());
      for (size_t i = 0; i < outputs.size(); ++i) {
        node->outputSizes.push_back(outputs[i].sizes().vec());
        node->outputTypes.push_back(outputs[i].dtype());
        bool nonDiff = false;
        for (auto &p : node->ctx.nonDifferentiable_)
          nonDiff |= p == outputs[i].getIntrusivePtr();
        if (!nonDiff && outputs[i].is_floating_point()) {
          if (node->ctx.isDirty(outputs[i]))
            detail::checkDirtyHistory(outputs[i]);
          setHistory(outputs[i], node, static_cast<uint32_t>(i));
        }
      }
    }
    detail::checkDirtyReturned(node->ctx, outputs);
    // Only apply() needs them; kept, they would hold the outputs whose
    // history is this node (a reference cycle).
    node->ctx.dirty_.clear();
    node->ctx.saveVariables(outputs);
    if (trace::Recorder *recorder = trace::active(); recorder && needsGrad) {
      std::vector<bool> differentiable;
      for (const Tensor &o : outputs)
        differentiable.push_back(o.grad_fn().get() == node.get());
      recorder->customFunction(node->name(), inputs, outputs, differentiable,
                               node->ctx.needsInputGrad_, node.get());
    }
    if constexpr (std::is_same_v<Out, Tensor>)
      return outputs[0];
    else
      return outputs;
  }
};

template <class T> variable_list CppNode<T>::apply(variable_list &&grads) {
  if (ctx.materializeGrads_)
    for (size_t i = 0; i < grads.size(); ++i)
      if (!grads[i].defined())
        grads[i] = zeros(outputSizes[i], outputTypes[i]);
  ctx.taskNeedsInputGrad_.assign(next_edges().size(), false);
  for (size_t i = 0; i < next_edges().size(); ++i)
    ctx.taskNeedsInputGrad_[i] = i < ctx.needsInputGrad_.size() &&
                                 ctx.needsInputGrad_[i] &&
                                 taskNeedsEdge(next_edges()[i]);
  auto run = [this](variable_list g) {
    return detail::gradientsOfTensorArguments(name(), ctx.isVariableInput_,
                                              T::backward(&ctx, std::move(g)));
  };
  variable_list result;
  // While a trace's eager backward runs, the backward of a Function the
  // trace recorded is recorded too, as that Function's gradient.
  trace::Recorder *recorder = trace::paused();
  if (recorder && recorder->isTracedCustomNode(this))
    result = recorder->customBackward(this, std::move(grads), run);
  else
    result = run(std::move(grads));
  ctx.taskNeedsInputGrad_.clear();
  detail::checkBackwardArity(name(), next_edges().size(), result.size());
  detail::validateGradients(name(), inputSizes, inputTypes, result);
  return result;
}

} // namespace kiln::autograd

#endif // KILN_AUTOGRAD_FUNCTION_H
