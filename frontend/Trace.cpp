//===- Trace.cpp - Recording eager execution as a graph -------------------===//
#include "kiln/Trace.h"
#include "OpsCommon.h"
#include "kiln/autograd/GradMode.h"

#include <algorithm>
#include <execinfo.h>
#include <sstream>

namespace kiln::trace {

namespace {
thread_local Recorder *current = nullptr;
/// The recorder the innermost Pause suspended.
thread_local Recorder *suspended = nullptr;
thread_local bool inDifferentiableScope = false;
} // namespace

Recorder *active() { return current; }

Pause::Pause() : saved_(current), savedPaused_(suspended) {
  if (current)
    suspended = current;
  current = nullptr;
}
Pause::~Pause() {
  current = saved_;
  suspended = savedPaused_;
}

Recorder *paused() { return suspended; }

DifferentiableScope::DifferentiableScope() : saved_(inDifferentiableScope) {
  inDifferentiableScope = true;
}
DifferentiableScope::~DifferentiableScope() { inDifferentiableScope = saved_; }

namespace {

/// The return addresses of the current call stack (up to a depth that
/// reaches user code through kiln's own frames).
std::vector<void *> callers() {
  void *frames[48];
  int n = backtrace(frames, 48);
  return std::vector<void *>(frames + 1, frames + std::max(n, 1));
}

} // namespace

const char *opName(Op op) {
  switch (op) {
#define KILN_OP_NAME(Name, method, ...)                                        \
  case Op::Name:                                                               \
    return #method;
    KILN_UNARY_OPS(KILN_OP_NAME)
#undef KILN_OP_NAME
#define KILN_OP_NAME(Name, mnemonic, ...)                                      \
  case Op::Name:                                                               \
    return #mnemonic;
    KILN_BINARY_OPS(KILN_OP_NAME)
#undef KILN_OP_NAME
  case Op::Cmp:
    return "cmp";
  case Op::Select:
    return "select";
  case Op::Cast:
    return "cast";
  case Op::Constant:
    return "constant";
  case Op::Broadcast:
    return "broadcast";
  case Op::ReduceSum:
    return "reduce_sum";
  case Op::ReduceMax:
    return "reduce_max";
  case Op::ReduceMin:
    return "reduce_min";
  case Op::Matmul:
    return "matmul";
  case Op::Reshape:
    return "reshape";
  case Op::Transpose:
    return "transpose";
  case Op::Slice:
    return "slice";
  case Op::Pad:
    return "pad";
  case Op::Detach:
    return "detach";
  case Op::Backward:
    return "backward";
  case Op::CustomGradient:
    return "custom_gradient";
  }
  return "?";
}

Recorder::Recorder()
    : startSerial_(TensorImpl::nextSerial()), previous_(current) {
  KILN_CHECK(previous_ == nullptr, "kiln::compile: nested tracing is not "
                                   "supported");
  current = this;
}

Recorder::~Recorder() { current = previous_; }

Graph Recorder::take() {
  // A gradient replaced through mutable_grad() is invisible to the trace.
  for (const auto &[param, grad] : gradReads_)
    if (!gradParamSet_.count(param) && param->grad.get() != grad)
      fail("a .grad assigned through mutable_grad() (use set_grad())");
  finishGradSlots();
  finishOutputAliases();
  // A custom Function no backward reached: its gradients are zeros.
  for (auto &[node, f] : customNodes_)
    if (!f.recorded) {
      region_ = f.body.get();
      yieldGradients(f, {});
      region_ = nullptr;
      f.recorded = true;
    }
  // The trace gives each captured tensor and argument its own value; a
  // write through one of two tensors sharing memory would not be seen
  // through the other.
  for (const auto &write : graph_.stateWrites) {
    auto aliases = [&](const Tensor &other) {
      return !other.is_same(write.first) &&
             other.impl().storage == write.first.impl().storage;
    };
    bool shared = std::any_of(inputs_.begin(), inputs_.end(), aliases);
    for (const auto &c : graph_.captured)
      shared = shared || aliases(c.first);
    if (shared)
      fail("an in-place write to a tensor that shares memory with another "
           "tensor of the step");
  }
  return std::move(graph_);
}

int Recorder::newValue(IntArrayRef shape, ScalarType dtype) {
  graph_.values.push_back(ValueType{shape.vec(), dtype});
  return static_cast<int>(graph_.values.size()) - 1;
}

void Recorder::addInput(const Tensor &t) {
  int v = newValue(t.sizes(), t.dtype());
  graph_.inputs.push_back(v);
  graph_.inputGradState.push_back(-1);
  inputs_.push_back(t);
  bind(t, v);
}

void Recorder::addOutput(const Tensor &t) {
  graph_.outputs.push_back(value(t));
  outputs_.push_back(t);
}

void Recorder::bind(const Tensor &t, int v) {
  const TensorImpl *key = t.getIntrusivePtr().get();
  if (!valueOf_.count(key))
    keepAlive_.push_back(t);
  valueOf_[key] = v;
  poisoned_.erase(key);
  if (region_)
    regionTensors_.push_back(t);
}

bool Recorder::failInRegion(const char *what) {
  if (!region_)
    return false;
  fail(std::string(what) + " inside a custom autograd::Function's backward");
  return true;
}

void Recorder::poison(const Tensor &t, const std::string &what) {
  keepAlive_.push_back(t);
  poisoned_[t.getIntrusivePtr().get()] = what;
}

int Recorder::value(const Tensor &t) {
  auto bad = poisoned_.find(t.getIntrusivePtr().get());
  if (bad != poisoned_.end()) {
    fail("a use of " + bad->second);
    return newValue(t.sizes(), t.dtype());
  }
  auto it = valueOf_.find(t.getIntrusivePtr().get());
  if (it != valueOf_.end())
    return it->second;
  if (t.impl().isWrappedNumber)
    return constant(t);
  // Fail closed: what the trace cannot account for runs eagerly.
  if (t.impl().serial > startSerial_)
    fail("a tensor made during the step by an op that has no trace rule");
  else if (t.impl().isView)
    fail("a view created before the step (capture its base tensor)");
  else if (t.impl().gradFn)
    fail("a tensor with autograd history from before the step");
  int v = newValue(t.sizes(), t.dtype());
  auto grad = gradOf_.find(t.getIntrusivePtr().get());
  graph_.capturedGradOf.push_back(grad != gradOf_.end() ? grad->second
                                                        : Tensor());
  graph_.capturedGradOfInput.push_back(
      grad != gradOf_.end() ? inputIndex(grad->second) : -1);
  graph_.capturedAt.push_back(callers());
  graph_.captured.push_back({t, v});
  captured_.insert(t.getIntrusivePtr().get());
  bind(t, v);
  return v;
}

int Recorder::emit(Op op, std::vector<int> operands, IntArrayRef shape,
                   ScalarType dtype, std::vector<int64_t> attr0,
                   std::vector<int64_t> attr1, std::vector<int64_t> attr2,
                   int64_t flag) {
  Node node;
  node.op = op;
  node.operands = std::move(operands);
  node.attr[0] = std::move(attr0);
  node.attr[1] = std::move(attr1);
  node.attr[2] = std::move(attr2);
  node.flag = flag;
  node.callers = callers();
  int v = newValue(shape, dtype);
  node.results.push_back(v);
  // Under no_grad the result has no history: gradients must not flow
  // through it, as in eager.
  if (op != Op::Detach && !GradMode::is_enabled() && !inDifferentiableScope &&
      isFloatingType(dtype)) {
    Node detach;
    detach.op = Op::Detach;
    detach.operands = {v};
    detach.callers = node.callers;
    v = newValue(shape, dtype);
    detach.results.push_back(v);
    sink().push_back(std::move(node));
    sink().push_back(std::move(detach));
    return v;
  }
  sink().push_back(std::move(node));
  return v;
}

int Recorder::cast(int v, ScalarType dtype) {
  const ValueType &t = graph_.values[v];
  if (t.dtype == dtype)
    return v;
  std::vector<int64_t> shape = t.shape;
  return emit(Op::Cast, {v}, shape, dtype);
}

int Recorder::broadcast(int v, IntArrayRef shape) {
  const ValueType &t = graph_.values[v];
  if (IntArrayRef(t.shape) == shape)
    return v;
  ScalarType dtype = t.dtype;
  return emit(Op::Broadcast, {v}, shape, dtype);
}

int Recorder::constant(const Tensor &t) {
  Node node;
  node.op = Op::Constant;
  {
    Pause pause;
    node.payload = t.detach().contiguous().clone();
  }
  int v = newValue(t.sizes(), t.dtype());
  node.results.push_back(v);
  sink().push_back(std::move(node));
  bind(t, v);
  return v;
}

int Recorder::splat(double value, IntArrayRef shape, ScalarType dtype) {
  Tensor one;
  {
    Pause pause;
    one = full({}, value, dtype);
  }
  int c = constant(one);
  return broadcast(c, shape);
}

void Recorder::assign(const Tensor &target, int v) {
  if (target.impl().isView) {
    fail("an in-place write through a view");
    return;
  }
  for (const Tensor &input : inputs_)
    if (input.impl().storage == target.impl().storage) {
      fail("an in-place write to an argument of the step (or to memory it "
           "shares)");
      return;
    }
  v = broadcast(cast(v, target.dtype()), target.sizes());
  bool external = captured_.count(target.getIntrusivePtr().get()) != 0;
  if (external && failInRegion("an in-place write to state"))
    return;
  bind(target, v);
  // Other tensors over the same memory (views, detached aliases) would show
  // the write in eager; their trace values are the old ones.
  std::vector<Tensor> aliases;
  for (const Tensor &other : keepAlive_)
    if (!other.is_same(target) && other.impl().storage == target.impl().storage)
      aliases.push_back(other);
  for (const Tensor &alias : aliases)
    poison(alias, "a view of a tensor written in place");
  if (!external)
    return;
  for (auto &w : graph_.stateWrites)
    if (w.first.is_same(target)) {
      w.second = v;
      return;
    }
  graph_.stateWrites.push_back({target, v});
}

void Recorder::backward(const Tensor &loss, const Tensor &seed,
                        const std::vector<std::shared_ptr<TensorImpl>> &leaves,
                        const std::vector<bool> &hadGrad) {
  if (failInRegion("backward()"))
    return;
  Node node;
  node.op = Op::Backward;
  node.callers = callers();
  node.operands.push_back(value(loss));
  if (seed.defined()) {
    node.operands.push_back(value(seed));
    node.flag = 1;
  }
  std::vector<Tensor> params;
  for (auto &leaf : leaves) {
    Tensor p(leaf);
    params.push_back(p);
    node.operands.push_back(value(p));
  }
  for (const Tensor &p : params)
    node.results.push_back(newValue(p.sizes(), p.dtype()));
  std::vector<int> grads = node.results;
  graph_.nodes.push_back(std::move(node));

  for (size_t i = 0; i < params.size(); ++i) {
    const Tensor &p = params[i];
    touchGrad(p);
    int g = grads[i];
    if (hadGrad[i]) {
      // Accumulate into the gradient the parameter had before backward:
      // the eager engine added in place, so the grad tensor is the same
      // object, written in place (a state write when it existed before).
      Tensor old = p.grad();
      g = emit(Op::Add, {value(old), g}, p.sizes(), p.dtype());
      assign(old, g);
    } else {
      bind(p.grad(), g);
    }
  }
}

void Recorder::touchGrad(const Tensor &param) {
  if (failInRegion("a change of .grad"))
    return;
  const TensorImpl *key = param.getIntrusivePtr().get();
  if (gradParamSet_.insert(key).second)
    gradParams_.push_back(param);
}

int Recorder::inputIndex(const Tensor &t) const {
  for (size_t i = 0; i < inputs_.size(); ++i)
    if (inputs_[i].is_same(t))
      return static_cast<int>(i);
  return -1;
}

void Recorder::guardGradState(const Tensor &param) {
  if (gradParamSet_.count(param.getIntrusivePtr().get()))
    return;
  const std::shared_ptr<TensorImpl> &grad = param.impl().grad;
  bool defined = grad != nullptr;
  if (defined)
    gradOf_.emplace(grad.get(), param);
  if (int i = inputIndex(param); i >= 0) {
    // An argument: the call checks the tensor it is given.
    graph_.inputGradState[i] = defined;
    return;
  }
  std::weak_ptr<TensorImpl> weak = param.getIntrusivePtr();
  guardOnce(
      param.getIntrusivePtr().get(), "grad defined",
      [&] {
        return [weak, defined] {
          auto q = weak.lock();
          return q && (q->grad != nullptr) == defined;
        };
      },
      defined ? "a parameter had a gradient when the step began"
              : "a parameter had no gradient when the step began");
}

void Recorder::readGrad(const Tensor &param) {
  const TensorImpl *key = param.getIntrusivePtr().get();
  if (gradParamSet_.count(key))
    return;
  guardGradState(param);
  if (gradReads_.emplace(key, param.impl().grad.get()).second)
    keepAlive_.push_back(param);
}

void Recorder::finishGradSlots() {
  for (const Tensor &p : gradParams_) {
    const std::shared_ptr<TensorImpl> &g = p.impl().grad;
    int slot = -1;
    if (g) {
      auto from = gradOf_.find(g.get());
      bool own = from != gradOf_.end() && from->second.is_same(p);
      if (captured_.count(g.get()) && own)
        slot = -2; // the gradient it had, updated in place
      else if (captured_.count(g.get()))
        fail("a .grad set to a tensor from outside the step");
      else
        slot = value(Tensor(g));
    }
    graph_.gradSlots.push_back({p, slot});
    graph_.gradSlotInput.push_back(inputIndex(p));
  }
  gradParams_.clear();
}

void Recorder::finishOutputAliases() {
  const size_t numCaptured = graph_.captured.size();
  for (size_t o = 0; o < outputs_.size(); ++o) {
    const Tensor &out = outputs_[o];
    OutputAlias alias;
    auto same = [&](const Tensor &t) { return t.is_same(out); };
    auto view = [&](OutputAlias::Kind kind, size_t index, const Tensor &base) {
      alias.kind = kind;
      alias.index = index;
      alias.sizes = out.sizes().vec();
      alias.strides = out.strides().vec();
      alias.offset = out.storage_offset();
      alias.baseStrides = base.strides().vec();
      alias.baseOffset = base.storage_offset();
    };
    auto storage = [&](const Tensor &t) {
      return t.impl().storage == out.impl().storage;
    };
    for (size_t i = 0; i < inputs_.size() && alias.kind == OutputAlias::Fresh;
         ++i)
      if (same(inputs_[i]))
        alias.kind = OutputAlias::Input, alias.index = i;
    for (size_t j = 0; j < numCaptured && alias.kind == OutputAlias::Fresh; ++j)
      if (same(graph_.captured[j].first))
        alias.kind = OutputAlias::Captured, alias.index = j;
    for (size_t k = 0; k < o && alias.kind == OutputAlias::Fresh; ++k)
      if (same(outputs_[k]))
        alias.kind = OutputAlias::Output, alias.index = k;
    for (size_t s = 0;
         s < graph_.gradSlots.size() && alias.kind == OutputAlias::Fresh; ++s)
      if (graph_.gradSlots[s].second >= 0 &&
          same(graph_.gradSlots[s].first.grad()))
        alias.kind = OutputAlias::GradOf, alias.index = s;
    for (size_t i = 0; i < inputs_.size() && alias.kind == OutputAlias::Fresh;
         ++i)
      if (storage(inputs_[i]))
        view(OutputAlias::InputView, i, inputs_[i]);
    for (size_t j = 0; j < numCaptured && alias.kind == OutputAlias::Fresh; ++j)
      if (storage(graph_.captured[j].first) &&
          !graph_.capturedGradOf[j].defined())
        view(OutputAlias::CapturedView, j, graph_.captured[j].first);
    graph_.outputAliases.push_back(std::move(alias));
  }
}

void Recorder::hostRead(const Tensor &t, double observed, const char *what) {
  if (failInRegion("a host read"))
    return;
  graph_.hostReads.push_back(HostRead{value(t), observed, what, callers()});
}

Tensor Recorder::scalarInput(const std::string &key, double current,
                             std::function<double()> read,
                             std::string description) {
  auto known = scalarInputs_.find(key);
  if (known != scalarInputs_.end())
    return known->second;
  Tensor t;
  {
    Pause pause;
    t = full({}, current, kDouble);
  }
  int v = newValue({}, kDouble);
  graph_.scalarInputs.push_back(ScalarInput{
      graph_.captured.size(), std::move(read), std::move(description)});
  graph_.captured.push_back({t, v});
  graph_.capturedGradOf.push_back(Tensor());
  graph_.capturedGradOfInput.push_back(-1);
  graph_.capturedAt.push_back(callers());
  captured_.insert(t.getIntrusivePtr().get());
  bind(t, v);
  scalarInputs_[key] = t;
  return t;
}

void Recorder::customFunction(const std::string &name,
                              const std::vector<Tensor> &inputs,
                              const std::vector<Tensor> &outputs,
                              const std::vector<bool> &differentiable,
                              const std::vector<bool> &needsGrad,
                              const void *autogradNode) {
  if (failInRegion("a custom autograd::Function"))
    return;
  Node node;
  node.op = Op::CustomGradient;
  node.label = name;
  node.callers = callers();
  node.body = std::make_shared<Subgraph>();
  for (size_t i = 0; i < outputs.size(); ++i)
    if (differentiable[i]) {
      node.operands.push_back(value(outputs[i]));
      node.body->arguments.push_back(
          newValue(outputs[i].sizes(), outputs[i].dtype()));
    }
  node.flag = static_cast<int64_t>(node.operands.size());
  for (size_t j = 0; j < inputs.size(); ++j)
    if (needsGrad[j])
      node.operands.push_back(value(inputs[j]));
  // Outputs without gradient (marked non-differentiable) must not pass
  // gradients back through the forward's ops.
  for (size_t i = 0; i < outputs.size(); ++i)
    if (!differentiable[i] && outputs[i].is_floating_point())
      bind(outputs[i], emit(Op::Detach, {value(outputs[i])}, outputs[i].sizes(),
                            outputs[i].dtype()));
  if (node.flag == 0)
    return;
  for (size_t i = 0; i < outputs.size(); ++i)
    if (differentiable[i]) {
      int v = newValue(outputs[i].sizes(), outputs[i].dtype());
      node.results.push_back(v);
      bind(outputs[i], v);
    }
  customNodes_[autogradNode] =
      CustomFunction{node.body, inputs, needsGrad, differentiable, false};
  graph_.nodes.push_back(std::move(node));
}

std::vector<Tensor> Recorder::customBackward(
    const void *autogradNode, std::vector<Tensor> grads,
    const std::function<std::vector<Tensor>(std::vector<Tensor>)> &run) {
  auto it = customNodes_.find(autogradNode);
  if (it == customNodes_.end() || it->second.recorded)
    return run(std::move(grads));
  CustomFunction &f = it->second;
  f.recorded = true;
  // Record (un-pause) while the Function's backward runs, into its region:
  // the incoming gradients are the region's arguments.
  struct Recording {
    Recorder *self, *savedCurrent = current, *savedPaused = suspended;
    Recording(Recorder *r, Subgraph *body) : self(r) {
      current = r;
      r->region_ = body;
    }
    ~Recording() {
      self->region_ = nullptr;
      current = savedCurrent;
      suspended = savedPaused;
    }
  };
  std::vector<Tensor> result;
  {
    Recording recording(this, f.body.get());
    for (size_t i = 0, arg = 0; i < grads.size(); ++i) {
      bool differentiable = i < f.differentiable.size() && f.differentiable[i];
      int argument = differentiable ? f.body->arguments[arg++] : -1;
      if (!grads[i].defined())
        continue;
      if (differentiable)
        bind(grads[i], argument);
      else
        bind(grads[i], splat(0, grads[i].sizes(), grads[i].dtype()));
    }
    result = run(std::move(grads));
    yieldGradients(f, result);
  }
  // Tensors made by the backward exist only inside the region.
  for (const Tensor &t : regionTensors_) {
    valueOf_.erase(t.getIntrusivePtr().get());
    poison(t, "a tensor made in a custom Function's backward");
  }
  regionTensors_.clear();
  return result;
}

void Recorder::yieldGradients(CustomFunction &f,
                              const std::vector<Tensor> &grads) {
  for (size_t j = 0; j < f.inputs.size(); ++j) {
    if (!f.needsGrad[j])
      continue;
    const Tensor &input = f.inputs[j];
    Tensor g = j < grads.size() ? grads[j] : Tensor();
    if (!g.defined()) {
      f.body->yields.push_back(splat(0, input.sizes(), input.dtype()));
    } else if (g.sizes() != input.sizes()) {
      fail("a custom Function's gradient of another shape than its input");
      f.body->yields.push_back(splat(0, input.sizes(), input.dtype()));
    } else {
      f.body->yields.push_back(cast(value(g), input.dtype()));
    }
  }
}

void Recorder::guard(std::function<bool()> holds, std::string description) {
  graph_.guards.push_back(
      Guard{std::move(holds), std::move(description), callers()});
}

void Recorder::guardOnce(const void *object, const std::string &kind,
                         const std::function<std::function<bool()>()> &make,
                         std::string description) {
  std::ostringstream key;
  key << object << ':' << kind;
  if (guardKeys_.insert(key.str()).second)
    guard(make(), std::move(description));
}

Tensor aliasOf(const Tensor &base, IntArrayRef sizes, IntArrayRef strides,
               int64_t offset) {
  return detail::makeAlias(base, sizes.vec(), strides.vec(), offset);
}

void Recorder::fail(const std::string &reason) {
  if (graph_.uncapturable.empty())
    graph_.uncapturable = reason;
}

void Recorder::notReusable(const std::string &reason) {
  if (graph_.notReusable.empty())
    graph_.notReusable = reason;
}

std::string Graph::toString() const {
  std::ostringstream os;
  auto type = [&](int v) {
    os << "%" << v << ": " << kiln::toString(values[v].dtype)
       << detail::shapeString(values[v].shape);
  };
  os << "inputs:";
  for (int v : inputs)
    os << " %" << v;
  os << "\ncaptured:";
  for (auto &c : captured)
    os << " %" << c.second;
  os << "\n";
  std::function<void(const std::vector<Node> &, const std::string &)> list =
      [&](const std::vector<Node> &ns, const std::string &indent) {
        for (const Node &n : ns) {
          os << indent;
          for (size_t i = 0; i < n.results.size(); ++i) {
            os << (i ? ", " : "");
            type(n.results[i]);
          }
          os << " = " << opName(n.op);
          if (!n.label.empty())
            os << " \"" << n.label << "\"";
          for (int o : n.operands)
            os << " %" << o;
          for (const auto &a : n.attr)
            if (!a.empty())
              os << " " << detail::shapeString(a);
          if (n.flag)
            os << " flag=" << n.flag;
          os << "\n";
          if (n.body) {
            os << indent << "  region(";
            for (int a : n.body->arguments)
              os << " %" << a;
            os << " ):\n";
            list(n.body->nodes, indent + "    ");
            os << indent << "  yield";
            for (int y : n.body->yields)
              os << " %" << y;
            os << "\n";
          }
        }
      };
  list(nodes, "");
  os << "outputs:";
  for (int v : outputs)
    os << " %" << v;
  os << "\nstate writes:";
  for (auto &w : stateWrites)
    os << " %" << w.second;
  os << "\ngrads:";
  for (auto &g : gradSlots)
    os << " "
       << (g.second < 0 ? std::string("None") : "%" + std::to_string(g.second));
  os << "\n";
  return os.str();
}

} // namespace kiln::trace
