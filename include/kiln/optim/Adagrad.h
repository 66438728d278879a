//===- Adagrad.h - The Adagrad optimizer ------------------------*- C++ -*-===//
#ifndef KILN_OPTIM_ADAGRAD_H
#define KILN_OPTIM_ADAGRAD_H

#include "kiln/optim/Optimizer.h"

namespace kiln::optim {

struct AdagradOptions : public OptimizerCloneableOptions<AdagradOptions> {
  AdagradOptions() = default;
  AdagradOptions(double lr) : lr_(lr), explicitOptions_(1) {}
  KILN_OPTIM_ARG(double, lr, 0) = 1e-2;
  KILN_OPTIM_ARG(double, lr_decay, 1) = 0;
  KILN_OPTIM_ARG(double, weight_decay, 2) = 0;
  KILN_OPTIM_ARG(double, initial_accumulator_value, 3) = 0;
  KILN_OPTIM_ARG(double, eps, 4) = 1e-10;

public:
  double get_lr() const override { return lr_; }
  void set_lr(double lr) override { lr_ = lr; }
  void inherit_unset_from(const OptimizerOptions &defaults) override;
  friend bool operator==(const AdagradOptions &a, const AdagradOptions &b);

private:
  unsigned explicitOptions_ = 0;
};

/// libtorch's AdagradParamState: `sum()` and `step()`.
struct AdagradParamState
    : public OptimizerCloneableParamState<AdagradParamState> {
  KILN_ARG(Tensor, sum);
  KILN_OPTIM_STEP_STATE();

public:
  friend bool operator==(const AdagradParamState &a,
                         const AdagradParamState &b);
};

/// PyTorch's Adagrad: with weight decay w, lr decay d, at step t:
///   g = grad + w p;  sum += g^2;  p -= lr / (1 + (t - 1) d) * g / (sqrt(sum) +
///   eps)
/// As in libtorch, the state of each parameter given to the constructor is
/// created there (sum = initial_accumulator_value, step 0).
class Adagrad : public Optimizer {
public:
  Adagrad(std::vector<Tensor> params, const AdagradOptions &options = {});
  Adagrad(std::vector<OptimizerParamGroup> groups,
          const AdagradOptions &options = {});
  Tensor step(LossClosure closure = nullptr) override;

private:
  void initState(AdagradParamState &s, const Tensor &p,
                 const AdagradOptions &o);
  void update(const Tensor &p, size_t group, trace::Recorder *r);
};

} // namespace kiln::optim

#endif // KILN_OPTIM_ADAGRAD_H
