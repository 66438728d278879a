//===- SGD.cpp - Stochastic gradient descent
//-------------------------------===//
#include "kiln/optim/SGD.h"
#include "kiln/Trace.h"
#include "kiln/autograd/GradMode.h"
#include "kiln/runtime/Kernels.h"

namespace kiln::optim {

namespace {
void checkOptions(const SGDOptions &o) {
  KILN_CHECK(o.lr() >= 0, "Invalid learning rate: ", o.lr());
  KILN_CHECK(o.momentum() >= 0, "Invalid momentum value: ", o.momentum());
  KILN_CHECK(o.weight_decay() >= 0,
             "Invalid weight_decay value: ", o.weight_decay());
  KILN_CHECK(!o.nesterov() || (o.momentum() > 0 && o.dampening() == 0),
             "Nesterov momentum requires a momentum and zero dampening");
}
} // namespace

void SGDOptions::inherit_unset_from(const OptimizerOptions &defaults) {
  const auto *d = dynamic_cast<const SGDOptions *>(&defaults);
  if (!d)
    return;
  auto unset = [this](int bit) { return !(explicitOptions_ & (1u << bit)); };
  if (unset(0))
    lr_ = d->lr_;
  if (unset(1))
    momentum_ = d->momentum_;
  if (unset(2))
    dampening_ = d->dampening_;
  if (unset(3))
    weight_decay_ = d->weight_decay_;
  if (unset(4))
    nesterov_ = d->nesterov_;
}

bool operator==(const SGDParamState &a, const SGDParamState &b) {
  return detail::sameState(a.momentum_buffer(), b.momentum_buffer());
}

bool operator==(const SGDOptions &a, const SGDOptions &b) {
  return a.lr() == b.lr() && a.momentum() == b.momentum() &&
         a.dampening() == b.dampening() &&
         a.weight_decay() == b.weight_decay() && a.nesterov() == b.nesterov();
}

SGD::SGD(std::vector<Tensor> params, const SGDOptions &options)
    : SGD(std::vector<OptimizerParamGroup>{OptimizerParamGroup(params)},
          options) {}

SGD::SGD(std::vector<OptimizerParamGroup> groups, const SGDOptions &options)
    : Optimizer(std::move(groups), options.clone()) {
  checkOptions(options);
}

void SGD::tracedUpdate(const Tensor &p, size_t group, trace::Recorder &r) {
  // The update as tensor ops, so that the trace records it. Hyperparameters
  // are runtime inputs (cast to the parameter's type as the fused kernel's
  // scalars are); the options that select code are guarded.
  const auto &o = static_cast<const SGDOptions &>(groups_[group].options());
  guardGroup<SGDOptions>(r, group, [](const SGDOptions &o) -> int64_t {
    return (o.weight_decay() != 0) | (o.momentum() != 0) << 1 |
           o.nesterov() << 2;
  });
  auto hyper = [&](const char *name, double (*get)(const SGDOptions &)) {
    return tracedHyper<SGDOptions>(r, group, name, get).to(p.dtype());
  };
  Tensor d = p.grad();
  if (o.weight_decay() != 0)
    d = d + p * hyper("weight_decay",
                      [](const SGDOptions &o) { return o.weight_decay(); });
  if (o.momentum() != 0) {
    Tensor momentum =
        hyper("momentum", [](const SGDOptions &o) { return o.momentum(); });
    Tensor keep = hyper("1 - dampening",
                        [](const SGDOptions &o) { return 1 - o.dampening(); });
    guardStateCreated(
        r, p,
        [](const OptimizerParamState &s) {
          return static_cast<const SGDParamState &>(s)
              .momentum_buffer()
              .defined();
        },
        "momentum buffers");
    Tensor &buf = stateFor<SGDParamState>(p).momentum_buffer();
    if (!buf.defined())
      buf = d.clone();
    else
      buf.mul_(momentum).add_(d * keep);
    d = o.nesterov() ? d + buf * momentum : buf;
  }
  p.sub_(d * hyper("lr", [](const SGDOptions &o) { return o.lr(); }));
}

Tensor SGD::step(LossClosure closure) {
  Tensor loss = runClosure(closure);
  NoGradGuard noGrad;
  for (size_t gi = 0; gi < groups_.size(); ++gi) {
    auto &group = groups_[gi];
    auto &o = static_cast<SGDOptions &>(group.options());
    runtime::SgdHyper hyper{o.lr(), o.momentum(), o.dampening(),
                            o.weight_decay(), o.nesterov()};
    for (Tensor &p : group.params()) {
      if (!hasGradientToApply(p, "SGD"))
        continue;
      if (auto *r = trace::active()) {
        tracedUpdate(p, gi, *r);
        continue;
      }
      // The fused kernel works on dense buffers; strided ones go through a
      // dense copy.
      Tensor dense = p.contiguous();
      Tensor grad = p.grad().to(p.dtype()).contiguous();
      Tensor buffer;
      bool first = false;
      if (o.momentum() != 0) {
        Tensor &buf = stateFor<SGDParamState>(p).momentum_buffer();
        first = !buf.defined();
        if (first)
          buf = empty_like(p);
        buffer = buf;
        buffer.impl().storage->bumpVersion();
      }
      runtime::sgdStep(hyper, dense.data_ptr(), grad.data_ptr(),
                       buffer.defined() ? buffer.data_ptr() : nullptr, first,
                       p.dtype(), p.numel());
      writeBack(p, dense);
    }
  }
  return loss;
}

} // namespace kiln::optim
