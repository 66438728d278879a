//===- Node.cpp - Backward graph nodes and saved variables ----------------===//
#include "kiln/autograd/Node.h"
#include "../OpsCommon.h"
#include "kiln/Trace.h"

#include <atomic>
#include <sstream>

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
  t.impl().gradFn = node;
  t.impl().outputNr = outputNr;
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
