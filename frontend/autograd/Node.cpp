//===- Node.cpp - Backward graph nodes and saved variables ----------------===//
#include "kiln/autograd/Node.h"
#include "../OpsCommon.h"
#include "kiln/Trace.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <sstream>
#include <unordered_map>

namespace kiln {

namespace {
thread_local bool gradEnabled = true;
std::atomic<uint64_t> nextSequenceNr{0};
} // namespace

bool GradMode::is_enabled() { return gradEnabled; }
void GradMode::set_enabled(bool enabled) { gradEnabled = enabled; }

namespace autograd {

Node::Node(std::string name)
    : name_(std::move(name)), sequenceNr_(nextSequenceNr++) {}

void Node::removeRetainedOutput(const TensorImpl *t) {
  retained_.erase(std::remove_if(retained_.begin(), retained_.end(),
                                 [&](const auto &r) {
                                   auto p = r.second.lock();
                                   return !p || p.get() == t;
                                 }),
                  retained_.end());
}

namespace {

/// The hook list each tensor registers into now (libtorch keeps it in the
/// autograd metadata): for a leaf the list its AccumulateGrad runs, for a
/// non-leaf the list tied to its current grad_fn. Keyed by the impl, which
/// the weak pointer confirms is still the same tensor.
struct HookEntry {
  std::weak_ptr<TensorImpl> owner;
  std::shared_ptr<HookList> hooks;
};
std::mutex hookMutex;
std::unordered_map<const TensorImpl *, HookEntry> hookTable;
/// False until the first hook: the engine then skips the table entirely.
std::atomic<bool> anyHooks{false};

/// The live entry of `t`, or null (a stale entry of a freed tensor whose
/// address was reused is dropped). Holds hookMutex.
HookEntry *findEntry(const TensorImpl *t) {
  auto it = hookTable.find(t);
  if (it == hookTable.end())
    return nullptr;
  auto owner = it->second.owner.lock();
  if (!owner || owner.get() != t) {
    hookTable.erase(it);
    return nullptr;
  }
  return &it->second;
}

void pruneHookTable() {
  for (auto it = hookTable.begin(); it != hookTable.end();)
    it = it->second.owner.expired() ? hookTable.erase(it) : std::next(it);
}

} // namespace

unsigned registerHook(const Tensor &t, TensorHook hook) {
  KILN_CHECK(t.requires_grad(), "cannot register a hook on a tensor that "
                                "doesn't require gradient");
  std::lock_guard<std::mutex> lock(hookMutex);
  HookEntry *entry = findEntry(&t.impl());
  if (!entry) {
    if (hookTable.size() > 64 && hookTable.size() % 64 == 0)
      pruneHookTable();
    auto list = std::make_shared<HookList>();
    entry = &(hookTable[&t.impl()] = HookEntry{t.getIntrusivePtr(), list});
    if (t.grad_fn())
      t.grad_fn()->addTensorPreHook(t.output_nr(), list);
  }
  anyHooks = true;
  entry->hooks->push_back(std::move(hook));
  return static_cast<unsigned>(entry->hooks->size() - 1);
}

void removeHook(const Tensor &t, unsigned pos) {
  std::lock_guard<std::mutex> lock(hookMutex);
  HookEntry *entry = findEntry(&t.impl());
  KILN_CHECK(entry && pos < entry->hooks->size(),
             "Invalid index, no hook at position ", pos);
  (*entry->hooks)[pos] = nullptr;
}

std::shared_ptr<HookList> leafHooks(const TensorImpl *t) {
  if (!anyHooks)
    return nullptr;
  std::lock_guard<std::mutex> lock(hookMutex);
  HookEntry *entry = findEntry(t);
  return entry ? entry->hooks : nullptr;
}

Tensor runHooks(const HookList &hooks, Tensor grad) {
  for (size_t i = 0; i < hooks.size(); ++i) {
    if (!hooks[i])
      continue;
    Tensor result = hooks[i](grad);
    if (!result.defined())
      continue;
    KILN_CHECK(grad.defined(),
               "can't replace a empty gradient with a non-empty value");
    KILN_CHECK(result.sizes() == grad.sizes(), "hook '", i,
               "' has changed the size of value");
    KILN_CHECK(result.dtype() == grad.dtype(), "hook '", i,
               "' has changed the type of value (was ", toString(grad.dtype()),
               " got ", toString(result.dtype()), ")");
    grad = std::move(result);
  }
  return grad;
}

SavedVariable::SavedVariable(const Tensor &t, bool isOutput,
                             std::weak_ptr<Node> producer)
    : wasDefined_(t.defined()) {
  if (!t.defined())
    return;
  // An output is kept without its history to avoid a node -> tensor -> node
  // cycle; it shares memory (and the version counter) all the same.
  data_ = isOutput ? detail::makeAlias(t, t.sizes().vec(), t.strides().vec(),
                                       t.storage_offset())
                   : t;
  if (isOutput) {
    data_.impl().isView = t.impl().isView;
    // Traced: the alias holds the output's value.
    if (trace::Recorder *r = trace::active())
      r->bind(data_, r->value(t));
  }
  savedVersion_ = t._version();
  producer_ = isOutput ? std::move(producer) : t.grad_fn();
  producerOutput_ = isOutput ? 0 : t.output_nr();
}

Tensor SavedVariable::unpack() const {
  KILN_CHECK(!released_,
             "Trying to backward through the graph a second time (or directly "
             "access saved tensors after they have already been freed). Saved "
             "intermediate values of the graph are freed when you call "
             ".backward() or autograd.grad(). Specify retain_graph=True if you "
             "need to backward through the graph a second time or if you need "
             "to access saved tensors after calling backward.");
  if (!wasDefined_)
    return Tensor();
  if (data_._version() != savedVersion_) {
    std::ostringstream os;
    os << "one of the variables needed for gradient computation has been "
          "modified by an inplace operation: [torch."
       << toString(data_.dtype()) << "Tensor "
       << detail::shapeString(data_.sizes()) << "]";
    if (auto node = producer_.lock())
      os << ", which is output " << producerOutput_ << " of " << node->name()
         << ",";
    os << " is at version " << data_._version() << "; expected version "
       << savedVersion_
       << " instead. Hint: the tensor was written in place after it was "
          "saved for backward; use an out-of-place operation.";
    throw Error(os.str());
  }
  return data_;
}

void SavedVariable::reset() {
  data_ = Tensor();
  released_ = true;
}

variable_list FunctionNode::apply(variable_list &&grads) {
  // As libtorch's generated nodes: no gradient in, none out.
  bool anyDefined = false;
  for (const Tensor &g : grads)
    anyDefined |= g.defined();
  if (!anyDefined)
    return variable_list(next_edges().size());
  return rule_(*this, grads);
}

void FunctionNode::release_variables() {
  for (auto &s : saved_)
    s.reset();
}

size_t FunctionNode::save(const Tensor &t, bool isOutput) {
  saved_.emplace_back(t, isOutput,
                      isOutput ? weak_from_this() : std::weak_ptr<Node>());
  return saved_.size() - 1;
}

AccumulateGrad::AccumulateGrad(std::shared_ptr<TensorImpl> leaf)
    : Node("AccumulateGrad"), leaf_(leaf) {}

variable_list AccumulateGrad::apply(variable_list &&grads) {
  auto leaf = leaf_.lock();
  if (!leaf || !grads[0].defined())
    return {};
  Tensor g = grads[0];
  Tensor &current = Tensor(leaf).mutable_grad();
  if (!current.defined()) {
    // Take the buffer when nobody else holds it, else copy (PyTorch's rule).
    bool exclusive = g.getIntrusivePtr().use_count() <= 2 &&
                     g.impl().storage.use_count() == 1 && g.is_contiguous() &&
                     !g.impl().isView;
    current = exclusive ? g.detach() : g.clone();
    if (g.sizes() != IntArrayRef(leaf->sizes))
      current = g.expand(leaf->sizes).clone();
  } else {
    NoGradGuard noGrad;
    current.add_(g);
  }
  return {};
}

Edge gradientEdge(const Tensor &t) {
  TensorImpl &impl = t.impl();
  if (impl.gradFn)
    return Edge{impl.gradFn, impl.outputNr};
  if (!impl.requiresGrad)
    return Edge{};
  auto acc = impl.gradAccumulator.lock();
  if (!acc) {
    acc = std::make_shared<AccumulateGrad>(t.getIntrusivePtr());
    impl.gradAccumulator = acc;
  }
  return Edge{acc, 0};
}

void setHistory(const Tensor &t, const std::shared_ptr<Node> &node,
                uint32_t outputNr) {
  TensorImpl &impl = t.impl();
  if (impl.gradFn && impl.gradFn != node) {
    // An in-place write gave the tensor a new grad_fn (libtorch's
    // update_tensor_hooks_on_new_gradfn): hooks registered so far stay with
    // the old node, later ones go to the new node, and retain_grad() moves
    // so that `.grad` is the gradient of the newest value.
    if (anyHooks) {
      std::lock_guard<std::mutex> lock(hookMutex);
      if (findEntry(&impl))
        hookTable.erase(&impl);
    }
    if (impl.retainsGrad) {
      impl.gradFn->removeRetainedOutput(&impl);
      node->addRetainedOutput(outputNr, t.getIntrusivePtr());
    }
  }
  impl.gradFn = node;
  impl.outputNr = outputNr;
}

bool anyRequiresGrad(std::initializer_list<const Tensor *> inputs) {
  if (!GradMode::is_enabled())
    return false;
  for (const Tensor *t : inputs)
    if (t->defined() && t->requires_grad())
      return true;
  return false;
}

bool anyRequiresGrad(const variable_list &inputs) {
  if (!GradMode::is_enabled())
    return false;
  for (const Tensor &t : inputs)
    if (t.defined() && t.requires_grad())
      return true;
  return false;
}

std::shared_ptr<FunctionNode> makeNode(const char *name,
                                       const variable_list &inputs,
                                       FunctionNode::Rule rule) {
  auto node = std::make_shared<FunctionNode>(name, std::move(rule));
  auto &edges = node->mutable_next_edges();
  edges.reserve(inputs.size());
  for (const Tensor &t : inputs)
    edges.push_back(t.defined() ? gradientEdge(t) : Edge{});
  return node;
}

} // namespace autograd
} // namespace kiln
