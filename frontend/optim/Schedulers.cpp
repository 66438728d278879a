//===- Schedulers.cpp - Learning-rate schedulers --------------------------===//
#include "kiln/optim/Schedulers.h"

namespace kiln::optim {

void LRScheduler::step() {
  set_optimizer_lrs(get_lrs());
  ++step_count_;
}

std::vector<double> LRScheduler::get_current_lrs() const {
  std::vector<double> lrs;
  for (const OptimizerParamGroup &group : optimizer_.param_groups())
    lrs.push_back(group.has_options() ? group.options().get_lr()
                                      : optimizer_.defaults().get_lr());
  return lrs;
}

void LRScheduler::set_optimizer_lrs(const std::vector<double> &lrs) {
  auto &groups = optimizer_.param_groups();
  KILN_CHECK(lrs.size() == groups.size(),
             "Number of learning rates not equal to the number of param "
             "groups\n",
             "Number of learning rates given: ", lrs.size(),
             "\nNumber of param groups: ", groups.size());
  for (size_t i = 0; i < groups.size(); ++i)
    groups[i].options().set_lr(lrs[i]);
}

StepLR::StepLR(Optimizer &optimizer, unsigned step_size, double gamma)
    : LRScheduler(optimizer), step_size_(step_size), gamma_(gamma) {
  KILN_CHECK(step_size > 0, "StepLR: step_size must be positive");
}

std::vector<double> StepLR::get_lrs() {
  std::vector<double> lrs = get_current_lrs();
  if (step_count_ != 0 && step_count_ % step_size_ == 0)
    for (double &lr : lrs)
      lr *= gamma_;
  return lrs;
}

} // namespace kiln::optim
