//===- Node.h - Backward graph nodes ----------------------------*- C++ -*-===//
//
// The backward graph: each differentiable op that ran with grad enabled
// leaves a Node whose `apply` maps the gradients of its outputs to those of
// its inputs. Edges point from a node to the nodes of its inputs.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_AUTOGRAD_NODE_H
#define KILN_AUTOGRAD_NODE_H

#include "kiln/Tensor.h"

#include <functional>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

namespace kiln::autograd {

class Node;

/// A hook on a tensor's gradient (libtorch's `register_hook`): it gets the
/// gradient flowing to the tensor and returns a replacement, or an
/// undefined tensor to keep it.
using TensorHook = std::function<Tensor(const Tensor &)>;
/// The hooks of one tensor, by position; a removed hook leaves a null slot
/// so that the positions of the others (their handles) stay valid.
using HookList = std::vector<TensorHook>;

/// Input `inputNr` of `function`; an edge with no function is a dead end.
struct Edge {
  std::shared_ptr<Node> function;
  uint32_t inputNr = 0;
  bool isValid() const { return function != nullptr; }
};

/// A tensor kept for backward, with the version it had when saved, so that a
/// later in-place write is reported instead of giving a wrong gradient.
class SavedVariable {
public:
  SavedVariable() = default;
  /// `producer` names the node of an output saved by its own node.
  SavedVariable(const Tensor &t, bool isOutput,
                std::weak_ptr<Node> producer = {});
  /// The saved tensor; throws if it was modified in place or freed.
  Tensor unpack() const;
  void reset();
  bool defined() const { return data_.defined(); }

private:
  Tensor data_;
  uint32_t savedVersion_ = 0;
  /// The node that produced the saved tensor, for the error message.
  std::weak_ptr<Node> producer_;
  uint32_t producerOutput_ = 0;
  bool wasDefined_ = false;
  bool released_ = false;
};

class Node : public std::enable_shared_from_this<Node> {
public:
  explicit Node(std::string name);
  virtual ~Node() = default;

  /// PyTorch's name: "AddBackward0", "MmBackward0", "AccumulateGrad", ...
  const std::string &name() const { return name_; }
  /// Maps output gradients (undefined = zero) to input gradients.
  virtual variable_list apply(variable_list &&grads) = 0;
  /// Frees saved tensors after a backward without retain_graph.
  virtual void release_variables() {}

  const std::vector<Edge> &next_edges() const { return nextEdges_; }
  std::vector<Edge> &mutable_next_edges() { return nextEdges_; }
  size_t num_inputs() const { return numInputs_; }
  void set_num_inputs(size_t n) { numInputs_ = n; }
  /// Whether the gradient of input `i` is needed by anyone.
  bool needsInputGrad(size_t i) const {
    return i < nextEdges_.size() && nextEdges_[i].isValid();
  }
  /// Creation order; later nodes run first in backward.
  uint64_t sequence_nr() const { return sequenceNr_; }

  /// Non-leaf outputs whose gradient is kept in `.grad` (retain_grad()).
  void addRetainedOutput(uint32_t outputNr, std::weak_ptr<TensorImpl> t) {
    retained_.push_back({outputNr, std::move(t)});
  }
  const std::vector<std::pair<uint32_t, std::weak_ptr<TensorImpl>>> &
  retainedOutputs() const {
    return retained_;
  }
  /// Stops keeping the gradient of `t` (its history moved to another node).
  void removeRetainedOutput(const TensorImpl *t);

  /// Hooks run on the gradient of output `outputNr` before apply (the hooks
  /// registered on a non-leaf tensor while this node was its grad_fn).
  void addTensorPreHook(uint32_t outputNr, std::shared_ptr<HookList> hooks) {
    preHooks_.push_back({outputNr, std::move(hooks)});
  }
  const std::vector<std::pair<uint32_t, std::shared_ptr<HookList>>> &
  tensorPreHooks() const {
    return preHooks_;
  }

protected:
  std::string name_;
  std::vector<Edge> nextEdges_;
  size_t numInputs_ = 1;
  uint64_t sequenceNr_;
  std::vector<std::pair<uint32_t, std::weak_ptr<TensorImpl>>> retained_;
  std::vector<std::pair<uint32_t, std::shared_ptr<HookList>>> preHooks_;
};

/// A backward node whose rule is a function of the output gradients and the
/// saved tensors. Built by the eager ops.
class FunctionNode : public Node {
public:
  using Rule =
      std::function<variable_list(FunctionNode &, const variable_list &)>;
  FunctionNode(std::string name, Rule rule)
      : Node(std::move(name)), rule_(std::move(rule)) {}
  variable_list apply(variable_list &&grads) override;
  void release_variables() override;
  /// Sets the rule after the inputs have been saved.
  void setRule(Rule rule) { rule_ = std::move(rule); }

  /// Saves `t` for backward; returns its slot for `saved()`.
  size_t save(const Tensor &t, bool isOutput = false);
  Tensor saved(size_t slot) const { return saved_.at(slot).unpack(); }

private:
  Rule rule_;
  std::vector<SavedVariable> saved_;
};

/// The sink of a leaf's gradient: adds into `.grad`.
class AccumulateGrad : public Node {
public:
  explicit AccumulateGrad(std::shared_ptr<TensorImpl> leaf);
  variable_list apply(variable_list &&grads) override;
  /// The leaf this node accumulates into (null once it is gone).
  std::shared_ptr<TensorImpl> leaf() const { return leaf_.lock(); }

private:
  std::weak_ptr<TensorImpl> leaf_;
};

/// The edge through which a gradient reaches `t` (its grad_fn output, or
/// its leaf accumulator); invalid when `t` does not require grad.
Edge gradientEdge(const Tensor &t);
/// Makes `node` the history of `t` as output `outputNr`.
void setHistory(const Tensor &t, const std::shared_ptr<Node> &node,
                uint32_t outputNr = 0);
/// A new leaf sharing `data`'s memory, without its history (libtorch's
/// autograd::make_variable).
inline Tensor make_variable(const Tensor &data, bool requires_grad = false) {
  Tensor v = data.detach();
  if (requires_grad)
    v.requires_grad_(true);
  return v;
}

/// Registers `hook` on the gradient of `t` (libtorch's
/// Tensor::register_hook) and returns its handle for removeHook. On a leaf
/// it runs before the gradient is accumulated into `.grad`; on a non-leaf
/// it is tied to the tensor's current grad_fn, so hooks registered before
/// an in-place write see the gradient of the earlier value.
unsigned registerHook(const Tensor &t, TensorHook hook);
/// A hook returning nothing only observes the gradient.
template <
    class F,
    std::enable_if_t<std::is_void_v<std::invoke_result_t<F, Tensor>>, int> = 0>
unsigned registerHook(const Tensor &t, F &&hook) {
  return registerHook(
      t, TensorHook([h = std::forward<F>(hook)](const Tensor &grad) mutable {
        h(grad);
        return Tensor();
      }));
}
template <class F,
          std::enable_if_t<!std::is_void_v<std::invoke_result_t<F, Tensor>> &&
                               !std::is_same_v<std::decay_t<F>, TensorHook>,
                           int> = 0>
unsigned registerHook(const Tensor &t, F &&hook) {
  return registerHook(t, TensorHook(std::forward<F>(hook)));
}
/// Removes the hook with handle `pos` of `t` (libtorch's remove_hook).
void removeHook(const Tensor &t, unsigned pos);
/// The hooks registered on leaf `t` (null when none).
std::shared_ptr<HookList> leafHooks(const TensorImpl *t);
/// Runs `hooks` on `grad` in order; each defined result replaces it.
Tensor runHooks(const HookList &hooks, Tensor grad);

/// Whether grad mode is on and any of `inputs` requires grad.
bool anyRequiresGrad(std::initializer_list<const Tensor *> inputs);
bool anyRequiresGrad(const variable_list &inputs);
/// Creates a FunctionNode with edges to `inputs` (those that need grad).
std::shared_ptr<FunctionNode> makeNode(const char *name,
                                       const variable_list &inputs,
                                       FunctionNode::Rule rule);

/// Whether the running backward needs the gradient flowing through `edge`
/// (false for an edge autograd::grad() does not need; libtorch's
/// task_should_compute_output).
bool taskNeedsEdge(const Edge &edge);

/// Runs backward from `roots` with the given gradients; see Tensor::backward.
void runBackward(const variable_list &roots, const variable_list &grads,
                 bool retainGraph);

/// Clears the gradients of `params`: to None (PyTorch 2's default) or, with
/// `set_to_none` false, to zeros. Shared by Module and Optimizer.
void zeroGrads(const std::vector<Tensor> &params, bool set_to_none);

/// PyTorch's `torch.autograd.backward`.
/// With `inputs`, gradients are accumulated into the `.grad` of those
/// tensors only (leaves or not); other leaves are left alone.
void backward(const variable_list &tensors,
              const variable_list &grad_tensors = {},
              std::optional<bool> retain_graph = std::nullopt,
              bool create_graph = false, const variable_list &inputs = {});
/// Tensor::backward with an explicit `inputs` list, which must not be
/// empty (libtorch's `t.backward(g, retain, create, inputs)`).
void backwardWithInputs(const Tensor &root, const Tensor &gradient,
                        std::optional<bool> retain_graph, bool create_graph,
                        const variable_list &inputs);
/// PyTorch's `torch.autograd.grad`: gradients of `outputs` w.r.t. `inputs`
/// without touching `.grad`.
variable_list grad(const variable_list &outputs, const variable_list &inputs,
                   const variable_list &grad_outputs = {},
                   std::optional<bool> retain_graph = std::nullopt,
                   bool create_graph = false, bool allow_unused = false);

} // namespace kiln::autograd

namespace kiln {
template <class F> unsigned Tensor::register_hook(F &&hook) const {
  return autograd::registerHook(*this, std::forward<F>(hook));
}
} // namespace kiln

#endif // KILN_AUTOGRAD_NODE_H
