//===- Schedulers.h - Learning-rate schedulers ------------------*- C++ -*-===//
//
// libtorch's LRScheduler API. A scheduler sets the lr of each parameter
// group through OptimizerOptions::set_lr; compiled steps read lr as a
// runtime input, so a schedule never re-traces.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_OPTIM_SCHEDULERS_H
#define KILN_OPTIM_SCHEDULERS_H

#include "kiln/optim/Optimizer.h"

#include <vector>

namespace kiln::optim {

/// Base of the schedulers: step() sets every group's lr to get_lrs() and
/// counts the step. The optimizer must outlive the scheduler.
class LRScheduler {
public:
  explicit LRScheduler(Optimizer &optimizer) : optimizer_(optimizer) {}
  virtual ~LRScheduler() = default;
  void step();

protected:
  /// The lr of each parameter group after this step.
  virtual std::vector<double> get_lrs() = 0;
  /// The current lr of each parameter group.
  std::vector<double> get_current_lrs() const;

  unsigned step_count_ = 0;

private:
  void set_optimizer_lrs(const std::vector<double> &learning_rates);
  Optimizer &optimizer_;
};

/// Multiplies every lr by `gamma` on each step() whose count (before
/// counting it) is a nonzero multiple of `step_size`: libtorch's rule, so
/// the first decay comes on call step_size + 1.
class StepLR : public LRScheduler {
public:
  StepLR(Optimizer &optimizer, unsigned step_size, double gamma = 0.1);

private:
  std::vector<double> get_lrs() override;

  const unsigned step_size_;
  const double gamma_;
};

} // namespace kiln::optim

#endif // KILN_OPTIM_SCHEDULERS_H
