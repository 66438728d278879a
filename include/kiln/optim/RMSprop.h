//===- RMSprop.h - The RMSprop optimizer ------------------------*- C++ -*-===//
#ifndef KILN_OPTIM_RMSPROP_H
#define KILN_OPTIM_RMSPROP_H

#include "kiln/optim/Optimizer.h"

namespace kiln::optim {

struct RMSpropOptions : public OptimizerCloneableOptions<RMSpropOptions> {
  RMSpropOptions() = default;
  RMSpropOptions(double lr) : lr_(lr), explicitOptions_(1) {}
  KILN_OPTIM_ARG(double, lr, 0) = 1e-2;
  KILN_OPTIM_ARG(double, alpha, 1) = 0.99;
  KILN_OPTIM_ARG(double, eps, 2) = 1e-8;
  KILN_OPTIM_ARG(double, weight_decay, 3) = 0;
  KILN_OPTIM_ARG(double, momentum, 4) = 0;
  KILN_OPTIM_ARG(bool, centered, 5) = false;

public:
  double get_lr() const override { return lr_; }
  void set_lr(double lr) override { lr_ = lr; }
  void inherit_unset_from(const OptimizerOptions &defaults) override;
  friend bool operator==(const RMSpropOptions &a, const RMSpropOptions &b);

private:
  unsigned explicitOptions_ = 0;
};

/// libtorch's RMSpropParamState: `momentum_buffer` exists with a momentum,
/// `grad_avg` when centered.
struct RMSpropParamState
    : public OptimizerCloneableParamState<RMSpropParamState> {
  KILN_OPTIM_STEP_STATE();
  KILN_ARG(Tensor, square_avg);
  KILN_ARG(Tensor, momentum_buffer);
  KILN_ARG(Tensor, grad_avg);

public:
  friend bool operator==(const RMSpropParamState &a,
                         const RMSpropParamState &b);
};

/// PyTorch's RMSprop: with smoothing a, momentum m, weight decay w:
///   g = grad + w p;  v = a v + (1 - a) g^2
///   centered: ga = a ga + (1 - a) g,  avg = sqrt(v - ga^2) + eps
///   else:     avg = sqrt(v) + eps
///   m > 0: buf = m buf + g / avg, p -= lr buf;  else p -= lr g / avg
class RMSprop : public Optimizer {
public:
  RMSprop(std::vector<Tensor> params, const RMSpropOptions &options = {});
  RMSprop(std::vector<OptimizerParamGroup> groups,
          const RMSpropOptions &options = {});
  Tensor step(LossClosure closure = nullptr) override;

private:
  void update(const Tensor &p, size_t group, trace::Recorder *r);
};

} // namespace kiln::optim

#endif // KILN_OPTIM_RMSPROP_H
