//===- SGD.h - Stochastic gradient descent ----------------------*- C++ -*-===//
#ifndef KILN_OPTIM_SGD_H
#define KILN_OPTIM_SGD_H

#include "kiln/optim/Optimizer.h"

namespace kiln::optim {

struct SGDOptions : public OptimizerCloneableOptions<SGDOptions> {
  SGDOptions(double lr) : lr_(lr), explicitOptions_(1) {}
  KILN_OPTIM_ARG(double, lr, 0);
  KILN_OPTIM_ARG(double, momentum, 1) = 0;
  KILN_OPTIM_ARG(double, dampening, 2) = 0;
  KILN_OPTIM_ARG(double, weight_decay, 3) = 0;
  KILN_OPTIM_ARG(bool, nesterov, 4) = false;

public:
  double get_lr() const override { return lr_; }
  void set_lr(double lr) override { lr_ = lr; }
  void inherit_unset_from(const OptimizerOptions &defaults) override;
  friend bool operator==(const SGDOptions &a, const SGDOptions &b);

private:
  unsigned explicitOptions_ = 0;
};

/// libtorch's SGDParamState: `momentum_buffer()` reads,
/// `momentum_buffer(t)` sets.
struct SGDParamState : public OptimizerCloneableParamState<SGDParamState> {
  KILN_ARG(Tensor, momentum_buffer);

public:
  friend bool operator==(const SGDParamState &a, const SGDParamState &b);
};

/// PyTorch's SGD: with momentum m, dampening d, weight decay w:
///   g = grad + w p;  buf = m buf + (1 - d) g  (buf = g on the first step)
///   g = nesterov ? g + m buf : buf;  p -= lr g
class SGD : public Optimizer {
public:
  SGD(std::vector<Tensor> params, const SGDOptions &options);
  SGD(std::vector<OptimizerParamGroup> groups, const SGDOptions &options);
  Tensor step(LossClosure closure = nullptr) override;

private:
  void tracedUpdate(const Tensor &p, size_t group, trace::Recorder &r);
};

} // namespace kiln::optim

#endif // KILN_OPTIM_SGD_H
