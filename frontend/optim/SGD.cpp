//===- SGD.cpp - Stochastic gradient descent -------------------------------===//
#include "kiln/optim/SGD.h"
#include "kiln/autograd/GradMode.h"

namespace kiln::optim {

namespace {
void checkOptions(const SGDOptions &o) {
  KILN_CHECK(o.lr() >= 0, "Invalid learning rate: ", o.lr());
  KILN_CHECK(o.momentum() >= 0, "Invalid momentum value: ", o.momentum());
  KILN_CHECK(o.weight_decay() >= 0, "Invalid weight_decay value: ",
             o.weight_decay());
  KILN_CHECK(!o.nesterov() || (o.momentum() > 0 && o.dampening() == 0),
             "Nesterov momentum requires a momentum and zero dampening");
}
} // namespace

SGD::SGD(std::vector<Tensor> params, const SGDOptions &options)
    : SGD(std::vector<OptimizerParamGroup>{OptimizerParamGroup(params)},
          options) {}

SGD::SGD(std::vector<OptimizerParamGroup> groups, const SGDOptions &options)
    : Optimizer(std::move(groups), options.clone()) {
  checkOptions(options);
}

Tensor SGD::step(LossClosure closure) {
  Tensor loss;
  if (closure) {
    AutoGradMode enable(true);
    loss = closure();
  }
  NoGradGuard noGrad;
  for (auto &group : groups_) {
    auto &o = static_cast<SGDOptions &>(group.options());
    for (Tensor &p : group.params()) {
      if (!p.grad().defined())
        continue;
      Tensor d = p.grad();
      if (o.weight_decay() != 0)
        d = d + p * o.weight_decay();
      if (o.momentum() != 0) {
        Tensor &buf = stateFor<SGDParamState>(p).momentum_buffer;
        if (!buf.defined()) {
          buf = d.clone();
        } else {
          buf.mul_(o.momentum());
          buf.add_(d, 1 - o.dampening());
        }
        d = o.nesterov() ? d + buf * o.momentum() : buf;
      }
      p.sub_(d * o.lr());
    }
  }
  return loss;
}

} // namespace kiln::optim
