//===- Adam.cpp - The Adam optimizer
//---------------------------------------===//
#include "kiln/optim/Adam.h"
#include "kiln/autograd/GradMode.h"
#include "kiln/runtime/Kernels.h"

namespace kiln::optim {

namespace {
void checkOptions(const AdamOptions &o) {
  auto [beta1, beta2] = o.betas();
  KILN_CHECK(o.lr() >= 0, "Invalid learning rate: ", o.lr());
  KILN_CHECK(o.eps() >= 0, "Invalid epsilon value: ", o.eps());
  KILN_CHECK(beta1 >= 0 && beta1 < 1,
             "Invalid beta parameter at index 0: ", beta1);
  KILN_CHECK(beta2 >= 0 && beta2 < 1,
             "Invalid beta parameter at index 1: ", beta2);
  KILN_CHECK(o.weight_decay() >= 0,
             "Invalid weight_decay value: ", o.weight_decay());
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
      KILN_CHECK(p.is_floating_point(), "Adam expects floating parameters");
      auto &s = stateFor<AdamParamState>(p);
      if (s.step == 0) {
        s.exp_avg = zeros_like(p);
        s.exp_avg_sq = zeros_like(p);
        if (o.amsgrad())
          s.max_exp_avg_sq = zeros_like(p);
      }
      ++s.step;
      // The fused kernel works on dense buffers; strided ones go through a
      // dense copy.
      Tensor dense = p.contiguous();
      Tensor grad = p.grad().to(p.dtype()).contiguous();
      runtime::AdamHyper hyper{o.lr(),           beta1, beta2, o.eps(),
                               o.weight_decay(), s.step};
      runtime::adamStep(hyper, dense.data_ptr(), grad.data_ptr(),
                        s.exp_avg.data_ptr(), s.exp_avg_sq.data_ptr(),
                        o.amsgrad() ? s.max_exp_avg_sq.data_ptr() : nullptr,
                        p.dtype(), p.numel());
      for (Tensor *t : {&s.exp_avg, &s.exp_avg_sq, &s.max_exp_avg_sq})
        if (t->defined())
          t->impl().storage->bumpVersion();
      if (dense.is_same(p))
        p.impl().storage->bumpVersion();
      else
        p.copy_(dense);
    }
  }
  return loss;
}

} // namespace kiln::optim
