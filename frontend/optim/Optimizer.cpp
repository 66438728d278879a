//===- Optimizer.cpp - Base class of the optimizers -----------------------===//
#include "kiln/optim/Optimizer.h"
#include "kiln/Trace.h"
#include "kiln/autograd/GradMode.h"
#include "kiln/autograd/Node.h"

namespace kiln::optim {

Optimizer::Optimizer(std::vector<OptimizerParamGroup> groups,
                     std::unique_ptr<OptimizerOptions> defaults)
    : defaults_(std::move(defaults)) {
  for (auto &g : groups)
    add_param_group(g);
}

void Optimizer::add_param_group(const OptimizerParamGroup &group) {
  OptimizerParamGroup g(group);
  if (!g.has_options())
    g.set_options(defaults_->clone());
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
  r.guard(
      [this, key, created, exists] {
        auto now = state_.find(key);
        return (now != state_.end() && created(*now->second)) == exists;
      },
      std::string(exists ? "the optimizer's " : "no optimizer ") + what +
          (exists ? " existed" : " yet"));
  if (!exists)
    r.notReusable(std::string("the first optimizer step creates the ") + what);
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
