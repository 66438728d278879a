//===- SGD.h - Stochastic gradient descent ----------------------*- C++ -*-===//
#ifndef KILN_OPTIM_SGD_H
#define KILN_OPTIM_SGD_H

#include "kiln/optim/Optimizer.h"

namespace kiln::optim {

struct SGDOptions : public OptimizerOptions {
  SGDOptions(double lr) : lr_(lr) {}
  KILN_ARG(double, lr);
  KILN_ARG(double, momentum) = 0;
  KILN_ARG(double, dampening) = 0;
  KILN_ARG(double, weight_decay) = 0;
  KILN_ARG(bool, nesterov) = false;

public:
  std::unique_ptr<OptimizerOptions> clone() const override {
    return std::make_unique<SGDOptions>(*this);
  }
  double get_lr() const override { return lr_; }
  void set_lr(double lr) override { lr_ = lr; }
};

struct SGDParamState : public OptimizerParamState {
  Tensor momentum_buffer;
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
