//===- Adagrad.cpp - The Adagrad optimizer --------------------------------===//
#include "kiln/optim/Adagrad.h"
#include "kiln/Trace.h"
#include "kiln/autograd/GradMode.h"

namespace kiln::optim {

void AdagradOptions::inherit_unset_from(const OptimizerOptions &defaults) {
  const auto *d = dynamic_cast<const AdagradOptions *>(&defaults);
  if (!d)
    return;
  auto unset = [this](int bit) { return !(explicitOptions_ & (1u << bit)); };
  if (unset(0))
    lr_ = d->lr_;
  if (unset(1))
    lr_decay_ = d->lr_decay_;
  if (unset(2))
    weight_decay_ = d->weight_decay_;
  if (unset(3))
    initial_accumulator_value_ = d->initial_accumulator_value_;
  if (unset(4))
    eps_ = d->eps_;
}

bool operator==(const AdagradOptions &a, const AdagradOptions &b) {
  return a.lr() == b.lr() && a.lr_decay() == b.lr_decay() &&
         a.weight_decay() == b.weight_decay() &&
         a.initial_accumulator_value() == b.initial_accumulator_value() &&
         a.eps() == b.eps();
}

bool operator==(const AdagradParamState &a, const AdagradParamState &b) {
  return a.step() == b.step() && detail::sameState(a.sum(), b.sum());
}

Adagrad::Adagrad(std::vector<Tensor> params, const AdagradOptions &options)
    : Adagrad(std::vector<OptimizerParamGroup>{OptimizerParamGroup(params)},
              options) {}

Adagrad::Adagrad(std::vector<OptimizerParamGroup> groups,
                 const AdagradOptions &options)
    : Optimizer(std::move(groups), options.clone()) {
  const AdagradOptions &o = options;
  KILN_CHECK(o.lr() >= 0, "Invalid learning rate: ", o.lr());
  KILN_CHECK(o.lr_decay() >= 0, "Invalid lr_decay value: ", o.lr_decay());
  KILN_CHECK(o.weight_decay() >= 0,
             "Invalid weight_decay value: ", o.weight_decay());
  KILN_CHECK(o.initial_accumulator_value() >= 0,
             "Invalid initial_accumulator_value value: ",
             o.initial_accumulator_value());
  KILN_CHECK(o.eps() >= 0, "Invalid epsilon value: ", o.eps());
  // As libtorch: the state of every parameter exists from the start.
  NoGradGuard noGrad;
  for (size_t gi = 0; gi < groups_.size(); ++gi)
    for (const Tensor &p : groups_[gi].params())
      initState(stateFor<AdagradParamState>(p), p,
                static_cast<const AdagradOptions &>(groups_[gi].options()));
}

void Adagrad::initState(AdagradParamState &s, const Tensor &p,
                        const AdagradOptions &o) {
  if (!s.step_tensor().defined())
    s.step(0);
  s.sum(full_like(p, o.initial_accumulator_value()));
}

void Adagrad::update(const Tensor &p, size_t group, trace::Recorder *r) {
  // One formulation for eager and traced steps: as tensor ops whose
  // hyperparameters are float64 scalars (in a trace, runtime inputs; the
  // options that select code are guarded). The step count is a tensor, so
  // that the decayed learning rate follows it.
  const auto &o = static_cast<const AdagradOptions &>(groups_[group].options());
  ScalarType t = p.dtype();
  if (r)
    guardGroup<AdagradOptions>(*r, group, [](const AdagradOptions &o) {
      return int64_t(o.weight_decay() != 0);
    });
  auto hyper = [&](const char *name,
                   double (*get)(const AdagradOptions &)) -> Tensor {
    if (r)
      return tracedHyper<AdagradOptions>(*r, group, name, get);
    return scalar_tensor(get(o), kDouble);
  };
  if (r)
    guardStateCreated(
        *r, p,
        [](const OptimizerParamState &st) {
          return static_cast<const AdagradParamState &>(st).sum().defined();
        },
        "Adagrad sums");
  auto &s = stateFor<AdagradParamState>(p);
  if (!s.sum().defined())
    initState(s, p, o);

  Tensor &step = s.step_tensor();
  step.add_(1);
  Tensor grad = p.grad().to(t);
  if (o.weight_decay() != 0)
    grad = grad + p * hyper("weight_decay", [](const AdagradOptions &o) {
                        return o.weight_decay();
                      }).to(t);
  Tensor lr = hyper("lr", [](const AdagradOptions &o) { return o.lr(); });
  Tensor decay =
      hyper("lr_decay", [](const AdagradOptions &o) { return o.lr_decay(); });
  Tensor clr = lr / ((step - 1.0) * decay + 1.0);
  s.sum().add_(grad * grad);
  Tensor eps = hyper("eps", [](const AdagradOptions &o) { return o.eps(); });
  Tensor std = s.sum().sqrt() + eps.to(t);
  p.sub_(grad / std * clr.to(t));
}

Tensor Adagrad::step(LossClosure closure) {
  Tensor loss = runClosure(closure);
  NoGradGuard noGrad;
  for (size_t gi = 0; gi < groups_.size(); ++gi) {
    for (Tensor &p : groups_[gi].params()) {
      if (!hasGradientToApply(p, "Adagrad"))
        continue;
      update(p, gi, trace::active());
    }
  }
  return loss;
}

} // namespace kiln::optim
