//===- RMSprop.cpp - The RMSprop optimizer --------------------------------===//
#include "kiln/optim/RMSprop.h"
#include "kiln/Trace.h"
#include "kiln/autograd/GradMode.h"

namespace kiln::optim {

void RMSpropOptions::inherit_unset_from(const OptimizerOptions &defaults) {
  const auto *d = dynamic_cast<const RMSpropOptions *>(&defaults);
  if (!d)
    return;
  auto unset = [this](int bit) { return !(explicitOptions_ & (1u << bit)); };
  if (unset(0))
    lr_ = d->lr_;
  if (unset(1))
    alpha_ = d->alpha_;
  if (unset(2))
    eps_ = d->eps_;
  if (unset(3))
    weight_decay_ = d->weight_decay_;
  if (unset(4))
    momentum_ = d->momentum_;
  if (unset(5))
    centered_ = d->centered_;
}

bool operator==(const RMSpropOptions &a, const RMSpropOptions &b) {
  return a.lr() == b.lr() && a.alpha() == b.alpha() && a.eps() == b.eps() &&
         a.weight_decay() == b.weight_decay() && a.momentum() == b.momentum() &&
         a.centered() == b.centered();
}

bool operator==(const RMSpropParamState &a, const RMSpropParamState &b) {
  return a.step() == b.step() &&
         detail::sameState(a.square_avg(), b.square_avg()) &&
         detail::sameState(a.momentum_buffer(), b.momentum_buffer()) &&
         detail::sameState(a.grad_avg(), b.grad_avg());
}

RMSprop::RMSprop(std::vector<Tensor> params, const RMSpropOptions &options)
    : RMSprop(std::vector<OptimizerParamGroup>{OptimizerParamGroup(params)},
              options) {}

RMSprop::RMSprop(std::vector<OptimizerParamGroup> groups,
                 const RMSpropOptions &options)
    : Optimizer(std::move(groups), options.clone()) {
  const RMSpropOptions &o = options;
  KILN_CHECK(o.lr() >= 0, "Invalid learning rate: ", o.lr());
  KILN_CHECK(o.eps() >= 0, "Invalid epsilon value: ", o.eps());
  KILN_CHECK(o.momentum() >= 0, "Invalid momentum value: ", o.momentum());
  KILN_CHECK(o.weight_decay() >= 0,
             "Invalid weight_decay value: ", o.weight_decay());
  KILN_CHECK(o.alpha() >= 0, "Invalid alpha value: ", o.alpha());
}

void RMSprop::update(const Tensor &p, size_t group, trace::Recorder *r) {
  // One formulation for eager and traced steps: as tensor ops whose
  // hyperparameters are float64 scalars (in a trace, runtime inputs; the
  // options that select code are guarded).
  const auto &o = static_cast<const RMSpropOptions &>(groups_[group].options());
  ScalarType t = p.dtype();
  if (r)
    guardGroup<RMSpropOptions>(*r, group, [](const RMSpropOptions &o) {
      return int64_t(o.weight_decay() != 0) | int64_t(o.momentum() > 0) << 1 |
             int64_t(o.centered()) << 2;
    });
  auto hyper = [&](const char *name,
                   double (*get)(const RMSpropOptions &)) -> Tensor {
    if (r)
      return tracedHyper<RMSpropOptions>(*r, group, name, get).to(t);
    return scalar_tensor(get(o), kDouble).to(t);
  };
  if (r)
    guardStateCreated(
        *r, p,
        [](const OptimizerParamState &st) {
          return static_cast<const RMSpropParamState &>(st)
              .square_avg()
              .defined();
        },
        "RMSprop square averages");
  auto &s = stateFor<RMSpropParamState>(p);
  if (!s.square_avg().defined()) {
    if (!s.step_tensor().defined())
      s.step(0);
    s.square_avg(zeros_like(p));
  }
  // Buffers an option turned on after the state was made.
  auto ensure = [&](Tensor &buffer, const char *what) {
    if (buffer.defined())
      return;
    if (r)
      r->notReusable(std::string("the step creates RMSprop's ") + what);
    buffer = zeros_like(p);
  };
  if (o.momentum() > 0)
    ensure(s.momentum_buffer(), "momentum buffers");
  if (o.centered())
    ensure(s.grad_avg(), "gradient averages");

  s.step_tensor().add_(1);
  Tensor grad = p.grad().to(t);
  if (o.weight_decay() != 0)
    grad = grad + p * hyper("weight_decay", [](const RMSpropOptions &o) {
                    return o.weight_decay();
                  });
  Tensor alpha =
      hyper("alpha", [](const RMSpropOptions &o) { return o.alpha(); });
  Tensor keep =
      hyper("1 - alpha", [](const RMSpropOptions &o) { return 1 - o.alpha(); });
  s.square_avg().mul_(alpha).add_(grad * grad * keep);
  Tensor eps = hyper("eps", [](const RMSpropOptions &o) { return o.eps(); });
  Tensor avg;
  if (o.centered()) {
    s.grad_avg().mul_(alpha).add_(grad * keep);
    avg = (s.square_avg() - s.grad_avg() * s.grad_avg()).sqrt() + eps;
  } else {
    avg = s.square_avg().sqrt() + eps;
  }
  Tensor lr = hyper("lr", [](const RMSpropOptions &o) { return o.lr(); });
  if (o.momentum() > 0) {
    Tensor momentum =
        hyper("momentum", [](const RMSpropOptions &o) { return o.momentum(); });
    s.momentum_buffer().mul_(momentum).add_(grad / avg);
    p.sub_(s.momentum_buffer() * lr);
  } else {
    p.sub_(grad / avg * lr);
  }
}

Tensor RMSprop::step(LossClosure closure) {
  Tensor loss = runClosure(closure);
  NoGradGuard noGrad;
  for (size_t gi = 0; gi < groups_.size(); ++gi) {
    for (Tensor &p : groups_[gi].params()) {
      if (!hasGradientToApply(p, "RMSprop"))
        continue;
      update(p, gi, trace::active());
    }
  }
  return loss;
}

} // namespace kiln::optim
