//===- AdamW.cpp - Adam with decoupled weight decay -----------------------===//
#include "kiln/optim/AdamW.h"
#include "AdamUpdate.h"
#include "kiln/Trace.h"
#include "kiln/autograd/GradMode.h"
#include "kiln/runtime/Kernels.h"

namespace kiln::optim {

void AdamWOptions::inherit_unset_from(const OptimizerOptions &defaults) {
  const auto *d = dynamic_cast<const AdamWOptions *>(&defaults);
  if (!d)
    return;
  auto unset = [this](int bit) { return !(explicitOptions_ & (1u << bit)); };
  if (unset(0))
    lr_ = d->lr_;
  if (unset(1))
    betas_ = d->betas_;
  if (unset(2))
    eps_ = d->eps_;
  if (unset(3))
    weight_decay_ = d->weight_decay_;
  if (unset(4))
    amsgrad_ = d->amsgrad_;
}

bool operator==(const AdamWOptions &a, const AdamWOptions &b) {
  return a.lr() == b.lr() && a.betas() == b.betas() && a.eps() == b.eps() &&
         a.weight_decay() == b.weight_decay() && a.amsgrad() == b.amsgrad();
}

bool operator==(const AdamWParamState &a, const AdamWParamState &b) {
  return a.step() == b.step() && detail::sameState(a.exp_avg(), b.exp_avg()) &&
         detail::sameState(a.exp_avg_sq(), b.exp_avg_sq()) &&
         detail::sameState(a.max_exp_avg_sq(), b.max_exp_avg_sq());
}

AdamW::AdamW(std::vector<Tensor> params, const AdamWOptions &options)
    : AdamW(std::vector<OptimizerParamGroup>{OptimizerParamGroup(params)},
            options) {}

AdamW::AdamW(std::vector<OptimizerParamGroup> groups,
             const AdamWOptions &options)
    : Optimizer(std::move(groups), options.clone()) {
  detail::checkAdamOptions(options);
}

void AdamW::tracedUpdate(const Tensor &p, AdamWParamState &s, size_t group,
                         trace::Recorder &r) {
  // As Adam's: hyperparameters are runtime inputs, the step count a tensor,
  // the options that select code guarded.
  const auto &o = static_cast<const AdamWOptions &>(groups_[group].options());
  guardGroup<AdamWOptions>(r, group, [](const AdamWOptions &o) -> int64_t {
    return (o.weight_decay() != 0) | o.amsgrad() << 1;
  });
  auto hyper = [&](const char *name, double (*get)(const AdamWOptions &)) {
    return tracedHyper<AdamWOptions>(r, group, name, get);
  };
  Tensor beta1 = hyper(
      "beta1", [](const AdamWOptions &o) { return std::get<0>(o.betas()); });
  Tensor beta2 = hyper(
      "beta2", [](const AdamWOptions &o) { return std::get<1>(o.betas()); });
  Tensor lr = hyper("lr", [](const AdamWOptions &o) { return o.lr(); });
  guardStateCreated(
      r, p,
      [](const OptimizerParamState &st) {
        return static_cast<const AdamWParamState &>(st).exp_avg().defined();
      },
      "AdamW moments");
  if (!s.exp_avg().defined())
    detail::initAdamState(s, p, o);
  if (o.weight_decay() != 0) {
    Tensor wd = hyper("weight_decay",
                      [](const AdamWOptions &o) { return o.weight_decay(); });
    p.mul_((1.0 - lr * wd).to(p.dtype()));
  }
  Tensor eps = hyper("eps", [](const AdamWOptions &o) { return o.eps(); });
  detail::tracedAdamUpdate(p, s, p.grad(), o.amsgrad(), beta1, beta2, eps, lr);
}

Tensor AdamW::step(LossClosure closure) {
  Tensor loss = runClosure(closure);
  NoGradGuard noGrad;
  for (size_t gi = 0; gi < groups_.size(); ++gi) {
    auto &group = groups_[gi];
    auto &o = static_cast<AdamWOptions &>(group.options());
    for (Tensor &p : group.params()) {
      if (!hasGradientToApply(p, "AdamW"))
        continue;
      auto &s = stateFor<AdamWParamState>(p);
      if (auto *r = trace::active()) {
        tracedUpdate(p, s, gi, *r);
        continue;
      }
      // Decoupled weight decay, then Adam without weight decay.
      if (o.weight_decay() != 0)
        p.mul_(1 - o.lr() * o.weight_decay());
      Tensor dense = detail::eagerAdamUpdate(p, s, o, 0.0);
      writeBack(p, dense);
    }
  }
  return loss;
}

} // namespace kiln::optim
