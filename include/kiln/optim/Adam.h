//===- Adam.h - The Adam optimizer ------------------------------*- C++ -*-===//
#ifndef KILN_OPTIM_ADAM_H
#define KILN_OPTIM_ADAM_H

#include "kiln/optim/Optimizer.h"

#include <tuple>

namespace kiln::optim {

using AdamBetas = std::tuple<double, double>;

struct AdamOptions : public OptimizerOptions {
  AdamOptions(double lr = 1e-3) : lr_(lr) {}
  KILN_ARG(double, lr);
  KILN_ARG(AdamBetas, betas) = AdamBetas(0.9, 0.999);
  KILN_ARG(double, eps) = 1e-8;
  KILN_ARG(double, weight_decay) = 0;
  KILN_ARG(bool, amsgrad) = false;

public:
  std::unique_ptr<OptimizerOptions> clone() const override {
    return std::make_unique<AdamOptions>(*this);
  }
  double get_lr() const override { return lr_; }
  void set_lr(double lr) override { lr_ = lr; }
};

struct AdamParamState : public OptimizerParamState {
  /// Steps taken, a float64 scalar tensor (as in PyTorch) so that compiled
  /// steps can update it.
  Tensor step;
  Tensor exp_avg;
  Tensor exp_avg_sq;
  Tensor max_exp_avg_sq;
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
  void initState(AdamParamState &s, const Tensor &p, const AdamOptions &o);
  void tracedUpdate(const Tensor &p, AdamParamState &s, size_t group,
                    trace::Recorder &r);
};

} // namespace kiln::optim

#endif // KILN_OPTIM_ADAM_H
