//===- Engine.cpp - Runs the backward graph
//--------------------------------===//
//
// Counts, for every node reachable from the roots, how many gradients it
// will receive; then runs nodes whose inputs are complete, latest-created
// first (PyTorch's order), summing fan-in into one buffer per node.
//
//===----------------------------------------------------------------------===//
#include "../OpsCommon.h"
#include "kiln/Trace.h"
#include "kiln/autograd/Node.h"

#include <queue>
#include <thread>
#include <unordered_map>
#include <unordered_set>

namespace kiln::autograd {
/// Runs the tensor hooks on the gradients a node is about to get.
void runPreHooks(Node &n, variable_list &inputs);
namespace {

struct CompareSeq {
  bool operator()(Node *a, Node *b) const {
    return a->sequence_nr() < b->sequence_nr();
  }
};

/// The nodes the running autograd::grad() call executes (null: all), read
/// by custom Functions' needs_input_grad (libtorch's
/// task_should_compute_output).
thread_local const std::unordered_set<const Node *> *taskExecutes = nullptr;

/// The nodes of `seen` that lead to a captured edge and so must run: those
/// with an edge to a captured node or to a node that must run.
std::unordered_set<const Node *>
nodesToExecute(const std::unordered_set<Node *> &seen,
               const std::vector<Edge> &captures) {
  std::unordered_set<const Node *> targets, executes, done;
  for (const Edge &e : captures)
    targets.insert(e.function.get());
  // Iterative post-order: a node is decided after all its children.
  for (Node *root : seen) {
    if (done.count(root))
      continue;
    std::vector<std::pair<Node *, bool>> stack{{root, false}};
    while (!stack.empty()) {
      auto [n, expanded] = stack.back();
      stack.pop_back();
      if (expanded) {
        bool runs = false;
        for (const Edge &e : n->next_edges())
          if (e.isValid() && (targets.count(e.function.get()) ||
                              executes.count(e.function.get())))
            runs = true;
        if (runs)
          executes.insert(n);
        continue;
      }
      if (!done.insert(n).second)
        continue;
      stack.push_back({n, true});
      for (const Edge &e : n->next_edges())
        if (e.isValid() && !done.count(e.function.get()))
          stack.push_back({e.function.get(), false});
    }
  }
  return executes;
}

struct TaskScope {
  const std::unordered_set<const Node *> *saved = taskExecutes;
  explicit TaskScope(const std::unordered_set<const Node *> *now) {
    taskExecutes = now;
  }
  ~TaskScope() { taskExecutes = saved; }
};

void accumulate(Tensor &slot, const Tensor &g) {
  if (!g.defined())
    return;
  slot = slot.defined() ? slot + g : g;
}

/// Executes the graph. With `captures`, gradients reaching those edges are
/// returned instead of being accumulated into leaves (autograd::grad).
variable_list executeHere(const variable_list &roots,
                          const variable_list &grads, bool retainGraph,
                          const std::vector<Edge> *captures) {
  NoGradGuard noGrad;
  std::vector<Edge> rootEdges;
  for (const Tensor &r : roots)
    rootEdges.push_back(gradientEdge(r));

  // Dependencies: number of incoming edges from reachable nodes.
  std::unordered_map<Node *, int> deps;
  std::unordered_set<Node *> seen;
  std::vector<Node *> stack;
  for (auto &e : rootEdges)
    if (e.isValid() && seen.insert(e.function.get()).second)
      stack.push_back(e.function.get());
  while (!stack.empty()) {
    Node *n = stack.back();
    stack.pop_back();
    for (auto &e : n->next_edges()) {
      if (!e.isValid())
        continue;
      ++deps[e.function.get()];
      if (seen.insert(e.function.get()).second)
        stack.push_back(e.function.get());
    }
  }

  std::unordered_map<Node *, variable_list> buffers;
  std::unordered_map<Node *, std::shared_ptr<Node>> keepAlive;
  auto bufferOf = [&](const Edge &e) -> Tensor & {
    auto &buf = buffers[e.function.get()];
    if (buf.size() < e.function->num_inputs())
      buf.resize(e.function->num_inputs());
    keepAlive[e.function.get()] = e.function;
    return buf[e.inputNr];
  };
  for (size_t i = 0; i < rootEdges.size(); ++i)
    if (rootEdges[i].isValid())
      accumulate(bufferOf(rootEdges[i]), grads[i]);

  variable_list captured;
  std::unordered_set<const Node *> executes, needed;
  if (captures) {
    captured.resize(captures->size());
    // As libtorch, autograd::grad() runs only what leads to its inputs.
    executes = nodesToExecute(seen, *captures);
    needed = executes;
    for (const Edge &e : *captures)
      needed.insert(e.function.get());
  }
  TaskScope task(captures ? &needed : nullptr);

  std::priority_queue<Node *, std::vector<Node *>, CompareSeq> ready;
  for (Node *n : seen)
    if (deps[n] == 0)
      ready.push(n);
  std::vector<std::shared_ptr<Node>> executed;
  while (!ready.empty()) {
    Node *n = ready.top();
    ready.pop();
    std::shared_ptr<Node> owner = keepAlive[n];
    variable_list inputs = std::move(buffers[n]);
    inputs.resize(n->num_inputs());
    if (!captures || needed.count(n))
      runPreHooks(*n, inputs);
    for (auto &[outputNr, weak] : n->retainedOutputs())
      if (auto t = weak.lock(); t && inputs[outputNr].defined()) {
        Tensor &g = Tensor(t).mutable_grad();
        g = g.defined() ? g + inputs[outputNr] : inputs[outputNr].clone();
      }
    bool isCaptureOnly = false;
    if (captures) {
      for (size_t c = 0; c < captures->size(); ++c)
        if ((*captures)[c].function.get() == n) {
          accumulate(captured[c], inputs[(*captures)[c].inputNr]);
        }
      isCaptureOnly =
          dynamic_cast<AccumulateGrad *>(n) != nullptr || !executes.count(n);
    }
    variable_list outputs;
    if (!isCaptureOnly)
      outputs = n->apply(std::move(inputs));
    executed.push_back(owner);
    const auto &edges = n->next_edges();
    for (size_t i = 0; i < edges.size(); ++i) {
      if (!edges[i].isValid())
        continue;
      if (i < outputs.size() && outputs[i].defined())
        accumulate(bufferOf(edges[i]), outputs[i]);
      else
        keepAlive[edges[i].function.get()] = edges[i].function;
      if (--deps[edges[i].function.get()] == 0)
        ready.push(edges[i].function.get());
    }
  }
  if (!retainGraph)
    for (auto &n : executed)
      n->release_variables();
  return captured;
}

} // namespace

void runPreHooks(Node &n, variable_list &inputs) {
  for (const auto &[outputNr, hooks] : n.tensorPreHooks())
    if (outputNr < inputs.size() && inputs[outputNr].defined())
      inputs[outputNr] = runHooks(*hooks, inputs[outputNr]);
  if (auto *acc = dynamic_cast<AccumulateGrad *>(&n);
      acc && !inputs.empty() && inputs[0].defined())
    if (auto leaf = acc->leaf())
      if (auto hooks = leafHooks(leaf.get()))
        inputs[0] = runHooks(*hooks, inputs[0]);
}

namespace {

/// Backwards started from inside a backward (a custom Function's backward
/// calling backward()) nest on the stack; past this depth the next one runs
/// on a fresh thread, as libtorch's engine does, so deep reentrancy does
/// not overflow the stack.
constexpr int kMaxReentrantDepth = 48;
thread_local int reentrantDepth = 0;

variable_list execute(const variable_list &roots, const variable_list &grads,
                      bool retainGraph, const std::vector<Edge> *captures) {
  if (reentrantDepth < kMaxReentrantDepth) {
    ++reentrantDepth;
    struct Leave {
      ~Leave() { --reentrantDepth; }
    } leave;
    return executeHere(roots, grads, retainGraph, captures);
  }
  variable_list result;
  std::exception_ptr error;
  bool gradMode = GradMode::is_enabled();
  std::thread worker([&] {
    try {
      GradMode::set_enabled(gradMode);
      result = execute(roots, grads, retainGraph, captures);
    } catch (...) {
      error = std::current_exception();
    }
  });
  worker.join();
  if (error)
    std::rethrow_exception(error);
  return result;
}

variable_list defaultGrads(const variable_list &roots,
                           const variable_list &grads) {
  variable_list out(roots.size());
  for (size_t i = 0; i < roots.size(); ++i) {
    const Tensor &r = roots[i];
    KILN_CHECK(r.requires_grad(), "element ", i,
               " of tensors does not require grad and does not have a "
               "grad_fn");
    if (i < grads.size() && grads[i].defined()) {
      KILN_CHECK(grads[i].sizes() == r.sizes(),
                 "Mismatch in shape: grad_output[", i, "] has a shape of ",
                 detail::shapeString(grads[i].sizes()), " and output[", i,
                 "] has a shape of ", detail::shapeString(r.sizes()), ".");
      out[i] = detail::castTo(grads[i], r.dtype());
    } else {
      KILN_CHECK(r.numel() == 1,
                 "grad can be implicitly created only for scalar outputs");
      out[i] = ones_like(r);
    }
  }
  return out;
}

} // namespace

void zeroGrads(const std::vector<Tensor> &params, bool set_to_none) {
  trace::Recorder *r = trace::active();
  for (const Tensor &p : params) {
    if (r && !set_to_none)
      r->readGrad(p); // zeroing in place reads the gradient
    auto &slot = p.impl().grad;
    if (r && (set_to_none || slot))
      r->touchGrad(p);
    if (!slot)
      continue;
    if (set_to_none) {
      reinterpret_cast<Tensor &>(slot) = Tensor();
    } else {
      // In place, as PyTorch does: the gradient stays the same object.
      Tensor g(slot);
      g.detach_();
      NoGradGuard noGrad;
      g.zero_();
    }
  }
}

namespace {

/// The leaves a backward from `root` reaches, in a fixed order; fails the
/// trace on graph parts it cannot express.
std::vector<std::shared_ptr<TensorImpl>> leavesOf(const Tensor &root,
                                                  trace::Recorder &r) {
  std::vector<std::shared_ptr<TensorImpl>> leaves;
  std::unordered_set<Node *> seen;
  std::vector<Node *> stack;
  Edge start = gradientEdge(root);
  if (start.isValid())
    stack.push_back(start.function.get());
  while (!stack.empty()) {
    Node *n = stack.back();
    stack.pop_back();
    if (!seen.insert(n).second)
      continue;
    if (auto *acc = dynamic_cast<AccumulateGrad *>(n)) {
      if (auto leaf = acc->leaf()) {
        if (leafHooks(leaf.get()))
          r.fail("a tensor hook (register_hook) on a leaf");
        leaves.push_back(leaf);
      }
      continue;
    }
    if (!n->tensorPreHooks().empty())
      r.fail("a tensor hook (register_hook) on a non-leaf tensor");
    if (!dynamic_cast<FunctionNode *>(n) && !r.isTracedCustomNode(n))
      r.fail("a custom autograd::Function (" + n->name() +
             ") applied outside the traced call");
    if (!n->retainedOutputs().empty())
      r.fail("retain_grad() on a non-leaf tensor");
    for (auto it = n->next_edges().rbegin(); it != n->next_edges().rend(); ++it)
      if (it->isValid())
        stack.push_back(it->function.get());
  }
  return leaves;
}

} // namespace

void runBackward(const variable_list &roots, const variable_list &grads,
                 bool retainGraph) {
  variable_list seeds = defaultGrads(roots, grads);
  trace::Recorder *r = trace::active();
  if (!r) {
    execute(roots, seeds, retainGraph, nullptr);
    return;
  }
  // Tracing: the eager engine computes this call's gradients; the trace
  // records a kiln.backward marker that kiln-autodiff expands.
  std::vector<std::shared_ptr<TensorImpl>> leaves;
  std::vector<bool> hadGrad;
  if (roots.size() != 1 || roots[0].is_leaf())
    r->fail("backward() of several tensors or of a leaf");
  else
    leaves = leavesOf(roots[0], *r);
  for (auto &leaf : leaves) {
    r->guardGradState(Tensor(leaf));
    hadGrad.push_back(Tensor(leaf).grad().defined());
  }
  {
    trace::Pause pause;
    execute(roots, seeds, retainGraph, nullptr);
  }
  if (!leaves.empty())
    r->backward(roots[0], grads.empty() ? Tensor() : grads[0], leaves, hadGrad);
}

/// The gradients of `outputs` (seeded with `grads`) that reach each of
/// `inputs`, without touching any `.grad`.
static variable_list gradientsReaching(const variable_list &outputs,
                                       const variable_list &inputs,
                                       const variable_list &grads,
                                       bool retainGraph) {
  std::vector<Edge> captures;
  for (const Tensor &input : inputs) {
    Edge e = gradientEdge(input);
    KILN_CHECK(e.isValid(), "One of the differentiated Tensors does not "
                            "require grad");
    captures.push_back(e);
  }
  return execute(outputs, defaultGrads(outputs, grads), retainGraph, &captures);
}

void backward(const variable_list &tensors, const variable_list &grad_tensors,
              std::optional<bool> retain_graph, bool create_graph,
              const variable_list &inputs) {
  KILN_CHECK(!create_graph,
             "kiln does not support create_graph (higher-order gradients)");
  if (inputs.empty()) {
    runBackward(tensors, grad_tensors, retain_graph.value_or(create_graph));
    return;
  }
  if (auto *r = trace::active())
    r->fail("backward() with inputs inside a traced function");
  trace::Pause pause;
  // As libtorch: the gradients reaching `inputs` are captured, then added
  // into their `.grad` (a non-leaf input keeps its gradient there too).
  variable_list result = gradientsReaching(tensors, inputs, grad_tensors,
                                           retain_graph.value_or(create_graph));
  NoGradGuard noGrad;
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (!result[i].defined())
      continue;
    Tensor &g = inputs[i].mutable_grad();
    if (g.defined())
      g.add_(result[i]);
    else
      g = result[i].clone();
  }
}

void backwardWithInputs(const Tensor &root, const Tensor &gradient,
                        std::optional<bool> retain_graph, bool create_graph,
                        const variable_list &inputs) {
  KILN_CHECK(!inputs.empty(),
             "'inputs' argument to backward() cannot be empty.");
  backward({root}, {gradient}, retain_graph, create_graph, inputs);
}

bool taskNeedsEdge(const Edge &edge) {
  return edge.isValid() &&
         (!taskExecutes || taskExecutes->count(edge.function.get()));
}

variable_list grad(const variable_list &outputs, const variable_list &inputs,
                   const variable_list &grad_outputs,
                   std::optional<bool> retain_graph, bool create_graph,
                   bool allow_unused) {
  KILN_CHECK(!inputs.empty(), "grad requires non-empty inputs.");
  KILN_CHECK(!create_graph,
             "kiln does not support create_graph (higher-order gradients)");
  if (auto *r = trace::active())
    r->fail("autograd::grad() inside a traced function");
  trace::Pause pause;
  variable_list result = gradientsReaching(outputs, inputs, grad_outputs,
                                           retain_graph.value_or(create_graph));
  for (size_t i = 0; i < result.size(); ++i)
    KILN_CHECK(result[i].defined() || allow_unused,
               "One of the differentiated Tensors appears to not have been "
               "used in the graph. Set allow_unused=True if this is the "
               "desired behavior.");
  return result;
}

} // namespace kiln::autograd

namespace kiln {

void Tensor::backward(const Tensor &gradient, std::optional<bool> retain_graph,
                      bool create_graph,
                      std::optional<TensorList> inputs) const {
  if (inputs)
    autograd::backwardWithInputs(*this, gradient, retain_graph, create_graph,
                                 variable_list(inputs->begin(), inputs->end()));
  else
    autograd::backward({*this}, {gradient}, retain_graph, create_graph);
}

void Tensor::remove_hook(unsigned pos) const {
  autograd::removeHook(*this, pos);
}

void Tensor::retain_grad() const {
  KILN_CHECK(requires_grad(),
             "can't retain_grad on Tensor that has requires_grad=False");
  if (is_leaf() || impl().retainsGrad)
    return;
  impl().retainsGrad = true;
  impl().gradFn->addRetainedOutput(impl().outputNr, impl_);
}

} // namespace kiln
