//===- AdamUpdate.h - The update Adam and AdamW share -----------*- C++ -*-===//
//
// Adam and AdamW differ only in how weight decay enters (an L2 term in the
// gradient, or a decoupled shrink of the parameter); the moments, the step
// count and the bias-corrected update are these, once.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_FRONTEND_OPTIM_ADAMUPDATE_H
#define KILN_FRONTEND_OPTIM_ADAMUPDATE_H

#include "kiln/Tensor.h"
#include "kiln/runtime/Kernels.h"

#include <tuple>

namespace kiln::optim::detail {

template <class Options> void checkAdamOptions(const Options &o) {
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

template <class State, class Options>
void initAdamState(State &s, const Tensor &p, const Options &o) {
  if (!s.step_tensor().defined())
    s.step(0);
  s.exp_avg(zeros_like(p));
  s.exp_avg_sq(zeros_like(p));
  if (o.amsgrad())
    s.max_exp_avg_sq(zeros_like(p));
}

/// The update as tensor ops, so that a trace records it: the step count is
/// a tensor, so the bias corrections follow it on every call, and the
/// hyperparameters are (runtime-input) tensors. `grad` already holds any L2
/// weight decay.
template <class State>
void tracedAdamUpdate(const Tensor &p, State &s, const Tensor &grad,
                      bool amsgrad, const Tensor &beta1, const Tensor &beta2,
                      const Tensor &eps, const Tensor &lr) {
  ScalarType t = p.dtype();
  Tensor &step = s.step_tensor();
  step.add_(1);
  s.exp_avg().mul_(beta1.to(t)).add_(grad * (1.0 - beta1).to(t));
  s.exp_avg_sq().mul_(beta2.to(t)).add_(grad * grad * (1.0 - beta2).to(t));
  Tensor bias1 = 1.0 - beta1.pow(step);
  Tensor bias2 = 1.0 - beta2.pow(step);
  Tensor second = s.exp_avg_sq();
  if (amsgrad) {
    s.max_exp_avg_sq().copy_(s.max_exp_avg_sq().maximum(s.exp_avg_sq()));
    second = s.max_exp_avg_sq();
  }
  Tensor denom = second.sqrt() / bias2.sqrt().to(t) + eps.to(t);
  p.sub_(s.exp_avg() / denom * (lr / bias1).to(t));
}

/// The eager update through the fused kernel, on a dense copy of `p` when
/// it is strided: returns the buffer to write back into `p`.
template <class State, class Options>
Tensor eagerAdamUpdate(const Tensor &p, State &s, const Options &o,
                       double weightDecay) {
  if (!s.exp_avg().defined())
    initAdamState(s, p, o);
  if (o.amsgrad() && !s.max_exp_avg_sq().defined())
    s.max_exp_avg_sq(zeros_like(p));
  double *step = s.step_tensor().template data_ptr<double>();
  *step += 1;
  s.step_tensor().impl().storage->bumpVersion();
  auto [beta1, beta2] = o.betas();
  Tensor dense = p.contiguous();
  Tensor grad = p.grad().to(p.dtype()).contiguous();
  runtime::AdamHyper hyper{o.lr(),  beta1,       beta2,
                           o.eps(), weightDecay, int64_t(*step)};
  runtime::adamStep(hyper, dense.data_ptr(), grad.data_ptr(),
                    s.exp_avg().data_ptr(), s.exp_avg_sq().data_ptr(),
                    o.amsgrad() ? s.max_exp_avg_sq().data_ptr() : nullptr,
                    p.dtype(), p.numel());
  for (Tensor *t : {&s.exp_avg(), &s.exp_avg_sq(), &s.max_exp_avg_sq()})
    if (t->defined())
      t->impl().storage->bumpVersion();
  return dense;
}

} // namespace kiln::optim::detail

#endif // KILN_FRONTEND_OPTIM_ADAMUPDATE_H
