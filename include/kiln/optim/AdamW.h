//===- AdamW.h - Adam with decoupled weight decay ---------------*- C++ -*-===//
#ifndef KILN_OPTIM_ADAMW_H
#define KILN_OPTIM_ADAMW_H

#include "kiln/optim/Adam.h"

namespace kiln::optim {

struct AdamWOptions : public OptimizerCloneableOptions<AdamWOptions> {
  AdamWOptions() = default;
  AdamWOptions(double lr) : lr_(lr), explicitOptions_(1) {}
  KILN_OPTIM_ARG(double, lr, 0) = 1e-3;
  KILN_OPTIM_ARG(AdamBetas, betas, 1) = AdamBetas(0.9, 0.999);
  KILN_OPTIM_ARG(double, eps, 2) = 1e-8;
  KILN_OPTIM_ARG(double, weight_decay, 3) = 1e-2;
  KILN_OPTIM_ARG(bool, amsgrad, 4) = false;

public:
  double get_lr() const override { return lr_; }
  void set_lr(double lr) override { lr_ = lr; }
  void inherit_unset_from(const OptimizerOptions &defaults) override;
  friend bool operator==(const AdamWOptions &a, const AdamWOptions &b);

private:
  unsigned explicitOptions_ = 0;
};

/// libtorch's AdamWParamState (the same fields as AdamParamState).
struct AdamWParamState : public OptimizerCloneableParamState<AdamWParamState> {
  KILN_OPTIM_STEP_STATE();
  KILN_ARG(Tensor, exp_avg);
  KILN_ARG(Tensor, exp_avg_sq);
  KILN_ARG(Tensor, max_exp_avg_sq);

public:
  friend bool operator==(const AdamWParamState &a, const AdamWParamState &b);
};

/// PyTorch's AdamW: Adam whose weight decay shrinks the parameter
/// (p *= 1 - lr * weight_decay) instead of adding to the gradient.
class AdamW : public Optimizer {
public:
  AdamW(std::vector<Tensor> params, const AdamWOptions &options = {});
  AdamW(std::vector<OptimizerParamGroup> groups,
        const AdamWOptions &options = {});
  Tensor step(LossClosure closure = nullptr) override;

private:
  void tracedUpdate(const Tensor &p, AdamWParamState &s, size_t group,
                    trace::Recorder &r);
};

} // namespace kiln::optim

#endif // KILN_OPTIM_ADAMW_H
