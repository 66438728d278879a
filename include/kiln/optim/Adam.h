//===- Adam.h - The Adam optimizer ------------------------------*- C++ -*-===//
#ifndef KILN_OPTIM_ADAM_H
#define KILN_OPTIM_ADAM_H

#include "kiln/optim/Optimizer.h"

#include <tuple>

namespace kiln::optim {

using AdamBetas = std::tuple<double, double>;

struct AdamOptions : public OptimizerCloneableOptions<AdamOptions> {
  AdamOptions() = default;
  AdamOptions(double lr) : lr_(lr), explicitOptions_(1) {}
  KILN_OPTIM_ARG(double, lr, 0) = 1e-3;
  KILN_OPTIM_ARG(AdamBetas, betas, 1) = AdamBetas(0.9, 0.999);
  KILN_OPTIM_ARG(double, eps, 2) = 1e-8;
  KILN_OPTIM_ARG(double, weight_decay, 3) = 0;
  KILN_OPTIM_ARG(bool, amsgrad, 4) = false;

public:
  double get_lr() const override { return lr_; }
  void set_lr(double lr) override { lr_ = lr; }
  void inherit_unset_from(const OptimizerOptions &defaults) override;
  friend bool operator==(const AdamOptions &a, const AdamOptions &b);

private:
  unsigned explicitOptions_ = 0;
};

/// libtorch's AdamParamState: `step()`, `exp_avg()`, `exp_avg_sq()`,
/// `max_exp_avg_sq()` read, `step(n)`, `exp_avg(t)`, ... set.
struct AdamParamState : public OptimizerCloneableParamState<AdamParamState> {
  KILN_OPTIM_STEP_STATE();
  KILN_ARG(Tensor, exp_avg);
  KILN_ARG(Tensor, exp_avg_sq);
  KILN_ARG(Tensor, max_exp_avg_sq);

public:
  friend bool operator==(const AdamParamState &a, const AdamParamState &b);
};

/// PyTorch's Adam (L2 weight decay added to the gradient, bias-corrected
/// moments, optional AMSGrad).
class Adam : public Optimizer {
public:
  Adam(std::vector<Tensor> params, const AdamOptions &options = {});
  Adam(std::vector<OptimizerParamGroup> groups,
       const AdamOptions &options = {});
  Tensor step(LossClosure closure = nullptr) override;

private:
  void tracedUpdate(const Tensor &p, AdamParamState &s, size_t group,
                    trace::Recorder &r);
};

} // namespace kiln::optim

#endif // KILN_OPTIM_ADAM_H
