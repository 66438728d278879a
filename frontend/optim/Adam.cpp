//===- Adam.cpp - The Adam optimizer -------------------------------------===//
#include "kiln/optim/Adam.h"
#include "AdamUpdate.h"
#include "kiln/Trace.h"
#include "kiln/autograd/GradMode.h"
#include "kiln/runtime/Kernels.h"

namespace kiln::optim {

void AdamOptions::inherit_unset_from(const OptimizerOptions &defaults) {
  const auto *d = dynamic_cast<const AdamOptions *>(&defaults);
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

bool operator==(const AdamOptions &a, const AdamOptions &b) {
  return a.lr() == b.lr() && a.betas() == b.betas() && a.eps() == b.eps() &&
         a.weight_decay() == b.weight_decay() && a.amsgrad() == b.amsgrad();
}

Adam::Adam(std::vector<Tensor> params, const AdamOptions &options)
    : Adam(std::vector<OptimizerParamGroup>{OptimizerParamGroup(params)},
           options) {}

Adam::Adam(std::vector<OptimizerParamGroup> groups, const AdamOptions &options)
    : Optimizer(std::move(groups), options.clone()) {
  detail::checkAdamOptions(options);
}

bool operator==(const AdamParamState &a, const AdamParamState &b) {
  return a.step() == b.step() && detail::sameState(a.exp_avg(), b.exp_avg()) &&
         detail::sameState(a.exp_avg_sq(), b.exp_avg_sq()) &&
         detail::sameState(a.max_exp_avg_sq(), b.max_exp_avg_sq());
}

void Adam::tracedUpdate(const Tensor &p, AdamParamState &s, size_t group,
                        trace::Recorder &r) {
  // Hyperparameters are runtime inputs; options that select code are
  // guarded (tracedAdamUpdate records the update itself).
  const auto &o = static_cast<const AdamOptions &>(groups_[group].options());
  guardGroup<AdamOptions>(r, group, [](const AdamOptions &o) -> int64_t {
    return (o.weight_decay() != 0) | o.amsgrad() << 1;
  });
  auto hyper = [&](const char *name, double (*get)(const AdamOptions &)) {
    return tracedHyper<AdamOptions>(r, group, name, get);
  };
  Tensor beta1 = hyper(
      "beta1", [](const AdamOptions &o) { return std::get<0>(o.betas()); });
  Tensor beta2 = hyper(
      "beta2", [](const AdamOptions &o) { return std::get<1>(o.betas()); });
  guardStateCreated(
      r, p,
      [](const OptimizerParamState &st) {
        return static_cast<const AdamParamState &>(st).exp_avg().defined();
      },
      "Adam moments");
  if (!s.exp_avg().defined())
    detail::initAdamState(s, p, o);
  Tensor grad = p.grad();
  if (o.weight_decay() != 0)
    grad = grad + p * hyper("weight_decay", [](const AdamOptions &o) {
                        return o.weight_decay();
                      }).to(p.dtype());
  Tensor eps = hyper("eps", [](const AdamOptions &o) { return o.eps(); });
  Tensor lr = hyper("lr", [](const AdamOptions &o) { return o.lr(); });
  detail::tracedAdamUpdate(p, s, grad, o.amsgrad(), beta1, beta2, eps, lr);
}

Tensor Adam::step(LossClosure closure) {
  Tensor loss = runClosure(closure);
  NoGradGuard noGrad;
  for (size_t gi = 0; gi < groups_.size(); ++gi) {
    auto &group = groups_[gi];
    auto &o = static_cast<AdamOptions &>(group.options());
    for (Tensor &p : group.params()) {
      if (!hasGradientToApply(p, "Adam"))
        continue;
      auto &s = stateFor<AdamParamState>(p);
      if (auto *r = trace::active()) {
        tracedUpdate(p, s, gi, *r);
        continue;
      }
      // L2 weight decay: in the fused kernel's gradient.
      Tensor dense = detail::eagerAdamUpdate(p, s, o, o.weight_decay());
      writeBack(p, dense);
    }
  }
  return loss;
}

} // namespace kiln::optim
