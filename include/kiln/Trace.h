//===- Trace.h - Recording eager execution as a graph -----------*- C++ -*-===//
//
// While a trace::Recorder is active on a thread, every eager op also records
// itself as a node of a Graph of primitive ops (the kiln dialect's op set,
// without MLIR). The compiler turns the Graph into kiln IR. Broadcasting,
// type promotion and views are made explicit as they are recorded; in-place
// writes rebind tensors to new values. Tensors the trace did not produce are
// captured state, read by reference when the compiled code runs.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_TRACE_H
#define KILN_TRACE_H

#include "kiln/Tensor.h"

#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace kiln::trace {

/// The recorded primitive ops; one per kiln dialect op. The elementwise ones
/// come from kiln/ops/Elementwise.h.
enum class Op {
#define KILN_TRACE_OP(Name, ...) Name,
  KILN_UNARY_OPS(KILN_TRACE_OP) KILN_BINARY_OPS(KILN_TRACE_OP)
#undef KILN_TRACE_OP
      Cmp,
  Select,
  Cast,
  Constant,
  Broadcast,
  ReduceSum,
  ReduceMax,
  Matmul,
  Reshape,
  Transpose,
  Slice,
  Pad,
  Detach,
  Backward,
  CustomGradient,
  /// Reductions: attr[0] holds the dims. A non-empty attr[1] ({dim}) marks
  /// max/min(dim): the first extremum along dim is selected and alone takes
  /// the gradient (kiln's `first`); otherwise ties share it.
  ReduceMin,
};
const char *opName(Op op);

/// Comparison predicates of Op::Cmp (the dialect's order).
enum class Predicate { Eq = 0, Ne, Lt, Le, Gt, Ge };

struct ValueType {
  std::vector<int64_t> shape;
  ScalarType dtype;
};

struct Subgraph;

struct Node {
  Op op;
  std::vector<int> operands;
  std::vector<int> results;
  /// Op attributes: dims (reduce), permutation (transpose), starts/limits/
  /// steps (slice), low/high/interior (pad).
  std::vector<int64_t> attr[3];
  /// The predicate of Cmp, keepdim of reductions, has-seed of Backward.
  int64_t flag = 0;
  /// The value of a Constant (contiguous).
  Tensor payload;
  /// CustomGradient: the Function's name, and its traced backward (operands
  /// are `flag` forward values, then the inputs taking gradients).
  std::string label;
  std::shared_ptr<Subgraph> body;
  /// Return addresses of the call stack that recorded the node, innermost
  /// first: the compiler finds the user's source line among them.
  std::vector<void *> callers;
};

/// A region of a node: its argument values, its nodes (which may use any
/// value defined before the owning node), and the values it yields.
struct Subgraph {
  std::vector<int> arguments;
  std::vector<Node> nodes;
  std::vector<int> yields;
};

/// A host-side condition the trace depended on, checked before a compiled
/// call runs (optimizer state exists, a gradient is defined, ...).
struct Guard {
  std::function<bool()> holds;
  std::string description;
  /// Return addresses of the code that made the trace depend on it.
  std::vector<void *> callers;
};

/// A value the traced code read on the host (`item()`, tensor-to-bool): the
/// compiled code recomputes it and the call is only valid if it matches.
struct HostRead {
  int value;
  double observed;
  std::string description;
  std::vector<void *> callers;
};

/// A host number the trace reads on every call (an optimizer's learning
/// rate, betas, ...): a 0-dim float64 captured tensor that the compiled
/// call fills from `read()` first, so changing it needs no re-trace.
struct ScalarInput {
  /// Index into Graph::captured.
  size_t captured;
  std::function<double()> read;
  std::string description;
};

/// How an output of the traced function relates to tensors that outlive the
/// call, so that a compiled call returns the same objects eager would.
struct OutputAlias {
  enum Kind {
    Fresh,     ///< a new tensor (the compiled result)
    Input,     ///< the argument `index` itself
    Captured,  ///< the captured tensor `index` itself
    Output,    ///< the same object as output `index`
    GradOf,    ///< the `.grad` of gradSlots[index]'s parameter after the call
    InputView, ///< a view of argument `index`'s memory
    CapturedView, ///< a view of captured tensor `index`'s memory
  };
  Kind kind = Fresh;
  size_t index = 0;
  /// Views: the geometry, and the base's strides and offset when traced.
  std::vector<int64_t> sizes, strides, baseStrides;
  int64_t offset = 0, baseOffset = 0;
};

/// The recorded program: a function of the user's tensor arguments and of
/// the captured state, producing the user's results, the final values of
/// state written in place, and the final `.grad` of parameters.
struct Graph {
  std::vector<ValueType> values;
  std::vector<Node> nodes;
  /// Values of the user's tensor arguments, in order.
  std::vector<int> inputs;
  /// Tensors read that the trace did not produce, with their values.
  std::vector<std::pair<Tensor, int>> captured;
  /// Per captured tensor: the parameter whose `.grad` it is (undefined when
  /// it is not a gradient). A compiled call reads that parameter's current
  /// gradient instead, whatever object it is by then.
  std::vector<Tensor> capturedGradOf;
  /// Per captured tensor: the call stack of its first use (for logs).
  std::vector<std::vector<void *>> capturedAt;
  /// Captured tensors that are host numbers read on every call.
  std::vector<ScalarInput> scalarInputs;
  /// Per output, whether it aliases a tensor that outlives the call.
  std::vector<OutputAlias> outputAliases;
  /// Arguments that are leaves of a backward: per argument, whether the
  /// trace depends on its `.grad` being defined (1), None (0), or not (-1).
  /// A compiled call checks the tensors it is given, not the traced ones.
  std::vector<int> inputGradState;
  /// Per grad slot, and per captured gradient: the argument whose `.grad`
  /// it is, or -1 (a captured parameter's).
  std::vector<int> gradSlotInput, capturedGradOfInput;
  /// Captured tensors written in place, with their final value.
  std::vector<std::pair<Tensor, int>> stateWrites;
  /// Parameters whose `.grad` the trace set: final value, or -1 for None.
  std::vector<std::pair<Tensor, int>> gradSlots;
  /// Values returned to the user.
  std::vector<int> outputs;
  std::vector<HostRead> hostReads;
  std::vector<Guard> guards;
  /// Why the trace cannot be compiled (empty when it can).
  std::string uncapturable;
  /// Why the trace is valid only for the call that recorded it (it created
  /// persistent state, e.g. optimizer buffers); the next call re-traces.
  std::string notReusable;

  /// A readable listing, for logs and tests.
  std::string toString() const;
};

/// Records the eager ops of this thread while alive (not reentrant).
class Recorder {
public:
  Recorder();
  ~Recorder();
  Recorder(const Recorder &) = delete;
  Recorder &operator=(const Recorder &) = delete;

  Graph &graph() { return graph_; }
  Graph take();

  /// Declares `t` a traced function argument.
  void addInput(const Tensor &t);
  /// Declares `t` a result of the traced function.
  void addOutput(const Tensor &t);

  /// The value `t` holds; an unknown tensor becomes captured state (or a
  /// constant for a wrapped Python number).
  int value(const Tensor &t);
  /// `t` now holds value `v`.
  void bind(const Tensor &t, int v);
  /// `t` holds something the trace cannot express; using it fails the trace.
  void poison(const Tensor &t, const std::string &what);
  /// Appends a node with one result of `shape`/`dtype`; returns the value.
  int emit(Op op, std::vector<int> operands, IntArrayRef shape,
           ScalarType dtype, std::vector<int64_t> attr0 = {},
           std::vector<int64_t> attr1 = {}, std::vector<int64_t> attr2 = {},
           int64_t flag = 0);
  /// `v` cast to `dtype` (no node when it already has it).
  int cast(int v, ScalarType dtype);
  /// `v` broadcast to `shape` (no node when it already has it).
  int broadcast(int v, IntArrayRef shape);
  /// A constant holding a snapshot of `t`, bound to `t`.
  int constant(const Tensor &t);
  /// A splat constant.
  int splat(double value, IntArrayRef shape, ScalarType dtype);
  /// An in-place write: `target` now holds `v` (broadcast and cast to it).
  void assign(const Tensor &target, int v);

  /// Records `backward()` of `loss` with respect to `leaves`; binds each
  /// leaf's new `.grad` tensor to its gradient (accumulated as eager does).
  /// Call guardGradState on the leaves before the eager backward runs.
  void backward(const Tensor &loss, const Tensor &seed,
                const std::vector<std::shared_ptr<TensorImpl>> &leaves,
                const std::vector<bool> &hadGrad);
  /// The trace set `param.grad` (zero_grad, set_grad, backward): from here
  /// on its state is the trace's, not the caller's.
  void touchGrad(const Tensor &param);
  /// Guards on whether `param` has a gradient now, unless the trace itself
  /// set it earlier (touchGrad).
  void guardGradState(const Tensor &param);
  /// Records a host read of one-element `t` whose value was `observed`.
  void hostRead(const Tensor &t, double observed, const char *what);
  void guard(std::function<bool()> holds, std::string description);
  /// A guard added once per (`object`, `kind`) pair in a trace.
  void guardOnce(const void *object, const std::string &kind,
                 const std::function<std::function<bool()>()> &make,
                 std::string description);
  /// A host number the trace reads on every call (see ScalarInput): returns
  /// a 0-dim float64 tensor holding `current` for the eager run.
  /// Asked again with the same `key`, returns the same tensor.
  Tensor scalarInput(const std::string &key, double current,
                     std::function<double()> read, std::string description);
  /// The traced code read `param`'s gradient: unless the trace set it
  /// already, the trace depends on whether it is defined (and, being read,
  /// reads it on every call from the parameter).
  void readGrad(const Tensor &param);
  /// Records a custom autograd::Function (autograd node `node`) applied to
  /// `inputs`, whose forward (already recorded) produced `outputs`: a
  /// kiln.custom_gradient op whose region, the Function's backward, is
  /// recorded when the eager backward runs it (customBackward).
  /// `differentiable[i]` says whether output i carries gradient;
  /// `needsGrad[j]` whether input j takes one.
  void customFunction(const std::string &name,
                      const std::vector<Tensor> &inputs,
                      const std::vector<Tensor> &outputs,
                      const std::vector<bool> &differentiable,
                      const std::vector<bool> &needsGrad, const void *node);
  /// Runs the backward of custom Function `node` on `grads` (the eager
  /// engine's call, while recording is paused), recording it as the region
  /// of the Function's op the first time.
  std::vector<Tensor> customBackward(
      const void *node, std::vector<Tensor> grads,
      const std::function<std::vector<Tensor>(std::vector<Tensor>)> &run);
  /// Whether an autograd node is a custom Function the trace recorded.
  bool isTracedCustomNode(const void *node) const {
    return customNodes_.count(node) != 0;
  }

  /// The trace cannot be compiled; the first reason is kept.
  void fail(const std::string &reason);
  void notReusable(const std::string &reason);

private:
  int newValue(IntArrayRef shape, ScalarType dtype);
  void finishGradSlots();
  /// Where nodes go: the graph, or the region being recorded.
  std::vector<Node> &sink() { return region_ ? region_->nodes : graph_.nodes; }
  /// Fails the trace (and returns true) inside a custom backward region.
  bool failInRegion(const char *what);

  /// Output aliases, once the outputs are known.
  void finishOutputAliases();
  /// The index of `t` among the traced function's arguments, or -1.
  int inputIndex(const Tensor &t) const;

  Graph graph_;
  /// Tensors with a larger serial were made during this trace.
  uint64_t startSerial_;
  /// Gradients read from parameters, by the gradient's impl.
  std::unordered_map<const TensorImpl *, Tensor> gradOf_;
  std::unordered_set<std::string> guardKeys_;
  std::unordered_map<std::string, Tensor> scalarInputs_;
  /// Gradients read before the trace set them: parameter -> gradient then.
  std::unordered_map<const TensorImpl *, const TensorImpl *> gradReads_;
  std::unordered_map<const TensorImpl *, int> valueOf_;
  /// Keeps every seen tensor alive so that impl addresses stay unique.
  std::vector<Tensor> keepAlive_;
  /// The traced function's tensor arguments, and its results.
  std::vector<Tensor> inputs_, outputs_;
  std::unordered_set<const TensorImpl *> captured_;
  std::unordered_map<const TensorImpl *, std::string> poisoned_;
  /// Parameters whose grad slot the trace touched, in first-touch order.
  std::vector<Tensor> gradParams_;
  std::unordered_set<const TensorImpl *> gradParamSet_;
  /// Custom Functions of the trace, by autograd node.
  struct CustomFunction {
    std::shared_ptr<Subgraph> body;
    std::vector<Tensor> inputs;
    std::vector<bool> needsGrad, differentiable;
    bool recorded = false;
  };
  std::unordered_map<const void *, CustomFunction> customNodes_;
  /// Yields the Function's gradients (zeros for those it does not give).
  void yieldGradients(CustomFunction &f, const std::vector<Tensor> &grads);
  /// The custom backward being recorded, and the tensors bound inside it.
  Subgraph *region_ = nullptr;
  std::vector<Tensor> regionTensors_;
  Recorder *previous_;
};

/// The active recorder of this thread, or null.
Recorder *active();

/// A tensor over `base`'s memory with the given geometry (offset in
/// elements from the start of the storage).
Tensor aliasOf(const Tensor &base, IntArrayRef sizes, IntArrayRef strides,
               int64_t offset);

/// A scope whose no-grad mode is an implementation detail of a
/// differentiable op (its forward runs without history and the op attaches
/// its own autograd node, as mse_loss does): the trace does not treat the
/// ops recorded in it as detached, so the recorded forward is differentiated.
/// Elsewhere, ops recorded under no_grad are detached, as eager's results
/// carry no history.
class DifferentiableScope {
public:
  DifferentiableScope();
  ~DifferentiableScope();
  DifferentiableScope(const DifferentiableScope &) = delete;
  DifferentiableScope &operator=(const DifferentiableScope &) = delete;

private:
  bool saved_;
};

/// The recorder the innermost Pause of this thread suspended, or null.
Recorder *paused();

/// Suspends recording in a scope (the eager autograd engine's own ops).
class Pause {
public:
  Pause();
  ~Pause();
  Pause(const Pause &) = delete;
  Pause &operator=(const Pause &) = delete;

private:
  Recorder *saved_, *savedPaused_;
};

} // namespace kiln::trace

#endif // KILN_TRACE_H
