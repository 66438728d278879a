//===- Optimizer.cpp - Base class of the optimizers -----------------------===//
#include "kiln/optim/Optimizer.h"
#include "kiln/Trace.h"
#include "kiln/autograd/GradMode.h"
#include "kiln/autograd/Node.h"

#include <cstdint>
#include <cstdlib>
#include <sstream>

namespace kiln::optim {

Optimizer::Optimizer(std::vector<OptimizerParamGroup> groups,
                     std::unique_ptr<OptimizerOptions> defaults)
    : defaults_(std::move(defaults)) {
  for (auto &g : groups)
    add_param_group(g);
}

std::unique_ptr<OptimizerParamState> OptimizerParamState::clone() const {
  KILN_CHECK(false, "clone() has not been implemented for "
                    "kiln::optim::OptimizerParamState. Subclass "
                    "kiln::optim::OptimizerCloneableParamState<YourOptimizer"
                    "ParamState> instead of kiln::optim::OptimizerParamState "
                    "to inherit the ability to clone.");
  return nullptr;
}

namespace detail {
int64_t readStepCount(const Tensor &step) {
  if (!step.defined())
    return 0;
  return static_cast<int64_t>(
      step.to(kDouble).contiguous().data_ptr<double>()[0]);
}

bool sameState(const Tensor &a, const Tensor &b) {
  if (a.defined() != b.defined())
    return false;
  return !a.defined() || (a.sizes() == b.sizes() && a.equal(b));
}

void writeStepCount(Tensor &step, int64_t value) {
  NoGradGuard noGrad;
  if (step.defined())
    step.fill_(static_cast<double>(value));
  else
    step = full({}, static_cast<double>(value), kDouble);
}
} // namespace detail

ParamStateKey::ParamStateKey(const std::string &address)
    : impl_(reinterpret_cast<const TensorImpl *>(static_cast<uintptr_t>(
          std::strtoull(address.c_str(), nullptr, 16)))) {}

std::string ParamStateKey::str() const {
  return guts::to_string(static_cast<const void *>(impl_));
}

std::unique_ptr<OptimizerOptions> OptimizerOptions::clone() const {
  KILN_CHECK(false, "clone() has not been implemented for "
                    "kiln::optim::OptimizerOptions. Subclass "
                    "kiln::optim::OptimizerCloneableOptions<YourOptimizer"
                    "Options> instead of kiln::optim::OptimizerOptions to "
                    "inherit the ability to clone.");
  return nullptr;
}

double OptimizerOptions::get_lr() const {
  KILN_CHECK(false, "double get_lr() has not been overridden and implemented "
                    "in subclass of kiln::optim::OptimizerOptions, you must "
                    "override it in your subclass of "
                    "kiln::optim::OptimizerOptions.");
  return 0;
}

void OptimizerOptions::set_lr(double) {
  KILN_CHECK(false, "double set_lr() has not been overridden and implemented "
                    "in subclass of kiln::optim::OptimizerOptions, you must "
                    "override it in your subclass of "
                    "kiln::optim::OptimizerOptions.");
}

Optimizer::Optimizer(std::vector<Tensor> parameters,
                     std::unique_ptr<OptimizerOptions> defaults)
    : Optimizer(std::vector<OptimizerParamGroup>{OptimizerParamGroup(
                    std::move(parameters))},
                std::move(defaults)) {}

void Optimizer::add_parameters(const std::vector<Tensor> &parameters) {
  if (groups_.empty()) {
    add_param_group(OptimizerParamGroup(parameters));
    return;
  }
  for (const Tensor &p : parameters) {
    KILN_CHECK(p.defined(), "optimizer got an undefined parameter");
    KILN_CHECK(p.is_leaf(), "can't optimize a non-leaf Tensor");
    for (const Tensor &q : this->parameters())
      KILN_CHECK(!p.is_same(q), "some parameters appear in more than one "
                                "parameter group");
    groups_[0].params().push_back(p);
  }
}

void Optimizer::add_param_group(const OptimizerParamGroup &group) {
  OptimizerParamGroup g(group);
  if (!g.has_options())
    g.set_options(defaults_->clone());
  else
    g.options().inherit_unset_from(*defaults_);
  for (const Tensor &p : g.params()) {
    KILN_CHECK(p.defined(), "optimizer got an undefined parameter");
    KILN_CHECK(p.is_leaf(), "can't optimize a non-leaf Tensor");
    for (const Tensor &q : parameters())
      KILN_CHECK(!p.is_same(q), "some parameters appear in more than one "
                                "parameter group");
  }
  groups_.push_back(std::move(g));
}

std::vector<Tensor> Optimizer::parameters() const {
  std::vector<Tensor> out;
  for (auto &g : groups_)
    out.insert(out.end(), g.params().begin(), g.params().end());
  return out;
}

size_t Optimizer::size() const { return parameters().size(); }

Tensor Optimizer::runClosure(const LossClosure &closure) {
  if (!closure)
    return Tensor();
  AutoGradMode enable(true);
  return closure();
}

void Optimizer::guardStateCreated(trace::Recorder &r, const Tensor &param,
                                  bool (*created)(const OptimizerParamState &),
                                  const char *what) {
  const TensorImpl *key = param.getIntrusivePtr().get();
  auto it = state_.find(key);
  bool exists = it != state_.end() && created(*it->second);
  // The state object itself: state().clear() or a replaced entry means
  // other buffers.
  const OptimizerParamState *object = exists ? it->second.get() : nullptr;
  r.guard(
      [this, key, created, exists, object] {
        auto now = state_.find(key);
        bool made = now != state_.end() && created(*now->second);
        return made == exists && (!exists || now->second.get() == object);
      },
      std::string(exists ? "the optimizer's " : "no optimizer ") + what +
          (exists ? " (the same state objects)" : " yet"));
  if (!exists)
    r.notReusable(std::string("the first optimizer step creates the ") + what);
}

Tensor Optimizer::tracedScalar(trace::Recorder &r, size_t group,
                               const char *name, double current,
                               std::function<double()> read) {
  std::ostringstream key, what;
  key << this << ':' << group << ':' << name;
  what << name << " of parameter group " << group;
  return r.scalarInput(key.str(), current, std::move(read), what.str());
}

void Optimizer::guardGroups(trace::Recorder &r) {
  std::vector<std::vector<const TensorImpl *>> members;
  for (const auto &g : groups_) {
    members.emplace_back();
    for (const Tensor &p : g.params())
      members.back().push_back(p.getIntrusivePtr().get());
  }
  r.guardOnce(
      this, "param groups",
      [&] {
        return [this, members] {
          if (groups_.size() != members.size())
            return false;
          for (size_t i = 0; i < members.size(); ++i) {
            const auto &params = groups_[i].params();
            if (params.size() != members[i].size())
              return false;
            for (size_t j = 0; j < params.size(); ++j)
              if (params[j].getIntrusivePtr().get() != members[i][j])
                return false;
          }
          return true;
        };
      },
      "the optimizer's parameter groups (count and members)");
}

void Optimizer::guardGroupFlags(trace::Recorder &r, size_t group, int64_t flags,
                                std::function<int64_t()> read) {
  r.guardOnce(
      this, "group flags " + std::to_string(group),
      [&] { return [read, flags] { return read() == flags; }; },
      "the options that select code in parameter group " +
          std::to_string(group) + " (nonzero momentum, weight decay, ...)");
}

bool Optimizer::hasGradientToApply(const Tensor &param, const char *optimizer) {
  if (auto *r = trace::active())
    r->guardGradState(param);
  if (!param.grad().defined())
    return false;
  KILN_CHECK(param.is_floating_point(), optimizer,
             " expects floating parameters");
  KILN_CHECK(param.grad().sizes() == param.sizes(), optimizer,
             ": a parameter of shape ", param.sizes(),
             " has a gradient of shape ", param.grad().sizes());
  return true;
}

void Optimizer::writeBack(const Tensor &param, const Tensor &dense) {
  if (dense.is_same(param))
    param.impl().storage->bumpVersion();
  else
    param.copy_(dense);
}

void Optimizer::zero_grad(bool set_to_none) {
  autograd::zeroGrads(parameters(), set_to_none);
}

} // namespace kiln::optim
