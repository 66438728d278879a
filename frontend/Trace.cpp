//===- Trace.cpp - Recording eager execution as a graph -------------------===//
#include "kiln/Trace.h"
#include "OpsCommon.h"

#include <algorithm>
#include <sstream>

namespace kiln::trace {

namespace {
thread_local Recorder *current = nullptr;
} // namespace

Recorder *active() { return current; }

Pause::Pause() : saved_(current) { current = nullptr; }
Pause::~Pause() { current = saved_; }

const char *opName(Op op) {
  static const char *names[] = {
      "neg",        "exp",        "log",    "sqrt",     "abs",
      "sin",        "cos",        "tanh",   "add",      "sub",
      "mul",        "div",        "pow",    "max",      "min",
      "cmp",        "select",     "cast",   "constant", "broadcast",
      "reduce_sum", "reduce_max", "matmul", "reshape",  "transpose",
      "slice",      "pad",        "detach", "backward"};
  return names[static_cast<int>(op)];
}

Recorder::Recorder() : previous_(current) {
  KILN_CHECK(previous_ == nullptr, "kiln::compile: nested tracing is not "
                                   "supported");
  current = this;
}

Recorder::~Recorder() { current = previous_; }

Graph Recorder::take() {
  finishGradSlots();
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
  inputs_.push_back(t);
  bind(t, v);
}

void Recorder::addOutput(const Tensor &t) {
  graph_.outputs.push_back(value(t));
}

void Recorder::bind(const Tensor &t, int v) {
  const TensorImpl *key = t.getIntrusivePtr().get();
  if (!valueOf_.count(key))
    keepAlive_.push_back(t);
  valueOf_[key] = v;
}

void Recorder::poison(const Tensor &t, const std::string &what) {
  keepAlive_.push_back(t);
  poisoned_[t.getIntrusivePtr().get()] = what;
}

int Recorder::value(const Tensor &t) {
  auto bad = poisoned_.find(t.getIntrusivePtr().get());
  if (bad != poisoned_.end()) {
    fail("uses " + bad->second);
    return newValue(t.sizes(), t.dtype());
  }
  auto it = valueOf_.find(t.getIntrusivePtr().get());
  if (it != valueOf_.end())
    return it->second;
  if (t.impl().isWrappedNumber)
    return constant(t);
  KILN_CHECK(!t.impl().isView || t.is_contiguous(),
             "kiln::compile: captured views are not supported");
  int v = newValue(t.sizes(), t.dtype());
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
  int v = newValue(shape, dtype);
  node.results.push_back(v);
  graph_.nodes.push_back(std::move(node));
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
  graph_.nodes.push_back(std::move(node));
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
  v = broadcast(cast(v, target.dtype()), target.sizes());
  bool external = captured_.count(target.getIntrusivePtr().get()) != 0;
  bind(target, v);
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
  Node node;
  node.op = Op::Backward;
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
      // the eager engine added in place, so the grad tensor is the same but
      // its trace value is still the old one.
      Tensor old = p.grad();
      g = emit(Op::Add, {value(old), g}, p.sizes(), p.dtype());
      bind(old, g);
    } else {
      bind(p.grad(), g);
    }
  }
}

void Recorder::touchGrad(const Tensor &param) {
  const TensorImpl *key = param.getIntrusivePtr().get();
  if (gradParamSet_.insert(key).second)
    gradParams_.push_back(param);
}

void Recorder::guardGradState(const Tensor &param) {
  if (gradParamSet_.count(param.getIntrusivePtr().get()))
    return;
  bool defined = param.grad().defined();
  std::weak_ptr<TensorImpl> weak = param.getIntrusivePtr();
  guard(
      [weak, defined] {
        auto q = weak.lock();
        return q && Tensor(q).grad().defined() == defined;
      },
      defined ? "a parameter had a gradient when the step began"
              : "a parameter had no gradient when the step began");
}

void Recorder::finishGradSlots() {
  for (const Tensor &p : gradParams_) {
    const Tensor &g = p.grad();
    graph_.gradSlots.push_back({p, g.defined() ? value(g) : -1});
  }
  gradParams_.clear();
}

void Recorder::hostRead(const Tensor &t, double observed, const char *what) {
  graph_.hostReads.push_back(HostRead{value(t), observed, what});
}

void Recorder::guard(std::function<bool()> holds, std::string description) {
  graph_.guards.push_back(Guard{std::move(holds), std::move(description)});
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
  for (const Node &n : nodes) {
    for (size_t i = 0; i < n.results.size(); ++i) {
      os << (i ? ", " : "");
      type(n.results[i]);
    }
    os << " = " << opName(n.op);
    for (int o : n.operands)
      os << " %" << o;
    for (const auto &a : n.attr)
      if (!a.empty())
        os << " " << detail::shapeString(a);
    if (n.flag)
      os << " flag=" << n.flag;
    os << "\n";
  }
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
