//===- Adam.cpp - The Adam optimizer ---------------------------------------===//
#include "kiln/optim/Adam.h"
#include "kiln/autograd/GradMode.h"

#include <cmath>

namespace kiln::optim {

namespace {
void checkOptions(const AdamOptions &o) {
  auto [beta1, beta2] = o.betas();
  KILN_CHECK(o.lr() >= 0, "Invalid learning rate: ", o.lr());
  KILN_CHECK(o.eps() >= 0, "Invalid epsilon value: ", o.eps());
  KILN_CHECK(beta1 >= 0 && beta1 < 1, "Invalid beta parameter at index 0: ",
             beta1);
  KILN_CHECK(beta2 >= 0 && beta2 < 1, "Invalid beta parameter at index 1: ",
             beta2);
  KILN_CHECK(o.weight_decay() >= 0, "Invalid weight_decay value: ",
             o.weight_decay());
}
} // namespace

Adam::Adam(std::vector<Tensor> params, const AdamOptions &options)
    : Adam(std::vector<OptimizerParamGroup>{OptimizerParamGroup(params)},
           options) {}

Adam::Adam(std::vector<OptimizerParamGroup> groups, const AdamOptions &options)
    : Optimizer(std::move(groups), options.clone()) {
  checkOptions(options);
}

Tensor Adam::step(LossClosure closure) {
  Tensor loss;
  if (closure) {
    AutoGradMode enable(true);
    loss = closure();
  }
  NoGradGuard noGrad;
  for (auto &group : groups_) {
    auto &o = static_cast<AdamOptions &>(group.options());
    auto [beta1, beta2] = o.betas();
    for (Tensor &p : group.params()) {
      if (!p.grad().defined())
        continue;
      Tensor grad = p.grad();
      auto &s = stateFor<AdamParamState>(p);
      if (s.step == 0) {
        s.exp_avg = zeros_like(p);
        s.exp_avg_sq = zeros_like(p);
        if (o.amsgrad())
          s.max_exp_avg_sq = zeros_like(p);
      }
      ++s.step;
      if (o.weight_decay() != 0)
        grad = grad + p * o.weight_decay();
      s.exp_avg.mul_(beta1).add_(grad, 1 - beta1);
      s.exp_avg_sq.mul_(beta2).add_(grad * grad, 1 - beta2);
      double bias1 = 1 - std::pow(beta1, double(s.step));
      double bias2 = 1 - std::pow(beta2, double(s.step));
      Tensor second = s.exp_avg_sq;
      if (o.amsgrad()) {
        s.max_exp_avg_sq.copy_(s.max_exp_avg_sq.maximum(s.exp_avg_sq));
        second = s.max_exp_avg_sq;
      }
      Tensor denom = second.sqrt() / std::sqrt(bias2) + o.eps();
      p.sub_(s.exp_avg / denom * (o.lr() / bias1));
    }
  }
  return loss;
}

} // namespace kiln::optim
