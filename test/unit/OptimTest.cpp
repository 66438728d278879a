//===- OptimTest.cpp - SGD and Adam against their update formulas --------===//
//
// The references below re-derive each update with scalar arithmetic, so the
// optimizers are checked against the formulas, not against themselves.
//
//===----------------------------------------------------------------------===//
#include <gtest/gtest.h>
#include <kiln/kiln.h>

#include <cmath>

using namespace kiln;

namespace {

/// Gradient of 0.5 * c * p^2 summed: c * p, so it changes every step.
Tensor quadraticLoss(const Tensor &p, const std::vector<double> &c) {
  return (tensor(c, kDouble) * p * p).sum() * 0.5;
}

struct SgdCase {
  double lr, momentum, dampening, weightDecay;
  bool nesterov;
};

class SgdFormula : public ::testing::TestWithParam<SgdCase> {};

TEST_P(SgdFormula, MatchesPyTorchUpdateRule) {
  SgdCase k = GetParam();
  std::vector<double> c = {1.0, 3.0, -0.5};
  std::vector<double> ref = {1.0, -2.0, 0.5}, buf(3, 0.0);
  Tensor p = tensor({1.0, -2.0, 0.5}, kDouble).requires_grad_();
  optim::SGD sgd({p}, optim::SGDOptions(k.lr)
                          .momentum(k.momentum)
                          .dampening(k.dampening)
                          .weight_decay(k.weightDecay)
                          .nesterov(k.nesterov));
  for (int step = 0; step < 5; ++step) {
    sgd.zero_grad();
    quadraticLoss(p, c).backward();
    sgd.step();
    for (int i = 0; i < 3; ++i) {
      double d = c[i] * ref[i] + k.weightDecay * ref[i];
      if (k.momentum != 0) {
        buf[i] = step == 0 ? d : k.momentum * buf[i] + (1 - k.dampening) * d;
        d = k.nesterov ? d + k.momentum * buf[i] : buf[i];
      }
      ref[i] -= k.lr * d;
    }
    for (int i = 0; i < 3; ++i)
      EXPECT_NEAR(p[i].item<double>(), ref[i], 1e-12) << "step " << step;
  }
}

INSTANTIATE_TEST_SUITE_P(Options, SgdFormula,
                         ::testing::Values(SgdCase{0.1, 0, 0, 0, false},
                                           SgdCase{0.1, 0.9, 0, 0, false},
                                           SgdCase{0.05, 0.9, 0.3, 0, false},
                                           SgdCase{0.1, 0.5, 0, 0.01, false},
                                           SgdCase{0.1, 0.9, 0, 0.1, true}),
                         [](const auto &info) {
                           return "case" + std::to_string(info.index);
                         });

struct AdamCase {
  double lr, beta1, beta2, eps, weightDecay;
  bool amsgrad;
};

class AdamFormula : public ::testing::TestWithParam<AdamCase> {};

TEST_P(AdamFormula, MatchesPyTorchUpdateRule) {
  AdamCase k = GetParam();
  std::vector<double> c = {2.0, 0.5, -1.0};
  std::vector<double> ref = {0.3, -1.2, 2.0}, m(3, 0), v(3, 0), vmax(3, 0);
  Tensor p = tensor({0.3, -1.2, 2.0}, kDouble).requires_grad_();
  optim::Adam adam({p}, optim::AdamOptions(k.lr)
                            .betas({k.beta1, k.beta2})
                            .eps(k.eps)
                            .weight_decay(k.weightDecay)
                            .amsgrad(k.amsgrad));
  for (int step = 1; step <= 6; ++step) {
    adam.zero_grad();
    quadraticLoss(p, c).backward();
    adam.step();
    for (int i = 0; i < 3; ++i) {
      double g = c[i] * ref[i] + k.weightDecay * ref[i];
      m[i] = k.beta1 * m[i] + (1 - k.beta1) * g;
      v[i] = k.beta2 * v[i] + (1 - k.beta2) * g * g;
      vmax[i] = std::max(vmax[i], v[i]);
      double bc1 = 1 - std::pow(k.beta1, step);
      double bc2 = 1 - std::pow(k.beta2, step);
      double second = k.amsgrad ? vmax[i] : v[i];
      double denom = std::sqrt(second) / std::sqrt(bc2) + k.eps;
      ref[i] -= k.lr / bc1 * m[i] / denom;
    }
    for (int i = 0; i < 3; ++i)
      EXPECT_NEAR(p[i].item<double>(), ref[i], 1e-12) << "step " << step;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Options, AdamFormula,
    ::testing::Values(AdamCase{1e-3, 0.9, 0.999, 1e-8, 0, false},
                      AdamCase{0.1, 0.8, 0.99, 1e-6, 0, false},
                      AdamCase{0.05, 0.9, 0.999, 1e-8, 0.1, false},
                      AdamCase{0.1, 0.9, 0.9, 1e-8, 0, true}),
    [](const auto &info) { return "case" + std::to_string(info.index); });

TEST(Optim, ZeroGradSetsToNoneOrZero) {
  Tensor p = ones({2}, requires_grad());
  optim::SGD sgd({p}, optim::SGDOptions(0.1));
  (p * 2).sum().backward();
  ASSERT_TRUE(p.grad().defined());
  sgd.zero_grad(/*set_to_none=*/false);
  EXPECT_TRUE(p.grad().equal(zeros({2})));
  sgd.zero_grad();
  EXPECT_FALSE(p.grad().defined());
}

TEST(Optim, StepSkipsParametersWithoutGrad) {
  Tensor a = ones({2}, requires_grad()), b = ones({2}, requires_grad());
  optim::SGD sgd({a, b}, optim::SGDOptions(0.5));
  (a * 3).sum().backward();
  sgd.step();
  EXPECT_TRUE(a.equal(full({2}, -0.5)));
  EXPECT_TRUE(b.equal(ones({2})));
}

TEST(Optim, StepWithClosureReturnsLoss) {
  Tensor p = full({1}, 2.0, requires_grad());
  optim::SGD sgd({p}, optim::SGDOptions(0.25));
  Tensor loss = sgd.step([&] {
    sgd.zero_grad();
    Tensor l = (p * p).sum();
    l.backward();
    return l;
  });
  EXPECT_DOUBLE_EQ(loss.item<double>(), 4.0);
  EXPECT_DOUBLE_EQ(p.item<double>(), 1.0); // 2 - 0.25 * 4
}

TEST(Optim, InvalidOptionsThrow) {
  Tensor p = ones({1}, requires_grad());
  EXPECT_THROW(optim::SGD({p}, optim::SGDOptions(-1)), Error);
  EXPECT_THROW(optim::SGD({p}, optim::SGDOptions(0.1).nesterov(true)), Error);
  EXPECT_THROW(optim::Adam({p}, optim::AdamOptions(0.1).betas({1.0, 0.9})),
               Error);
  Tensor nonLeaf = p * 2;
  EXPECT_THROW(optim::SGD({nonLeaf}, optim::SGDOptions(0.1)), Error);
}

TEST(Optim, ParamGroupsKeepTheirOwnOptions) {
  Tensor a = ones({1}, requires_grad()), b = ones({1}, requires_grad());
  std::vector<optim::OptimizerParamGroup> groups;
  groups.emplace_back(std::vector<Tensor>{a});
  groups.emplace_back(std::vector<Tensor>{b},
                      std::make_unique<optim::SGDOptions>(1.0));
  optim::SGD sgd(groups, optim::SGDOptions(0.1));
  (a + b).sum().backward();
  sgd.step();
  EXPECT_NEAR(a.item<double>(), 0.9, 1e-7);
  EXPECT_NEAR(b.item<double>(), 0.0, 1e-7);
}

} // namespace

TEST(OptimizerApi, GroupsInheritTheOptionsTheyDoNotSet) {
  Tensor a = ones({2}, requires_grad()), b = ones({3}, requires_grad());
  std::vector<optim::OptimizerParamGroup> groups;
  groups.emplace_back(std::vector<Tensor>{a},
                      std::make_unique<optim::AdamOptions>(
                          optim::AdamOptions().weight_decay(0.3)));
  groups.emplace_back(
      std::vector<Tensor>{b},
      std::make_unique<optim::AdamOptions>(optim::AdamOptions(0.7)));
  optim::Adam adam(groups, optim::AdamOptions(0.05).eps(1e-4).amsgrad(true));
  auto &g0 =
      static_cast<optim::AdamOptions &>(adam.param_groups()[0].options());
  auto &g1 =
      static_cast<optim::AdamOptions &>(adam.param_groups()[1].options());
  EXPECT_DOUBLE_EQ(g0.lr(), 0.05);
  EXPECT_DOUBLE_EQ(g0.weight_decay(), 0.3);
  EXPECT_DOUBLE_EQ(g0.eps(), 1e-4);
  EXPECT_TRUE(g0.amsgrad());
  EXPECT_DOUBLE_EQ(g1.lr(), 0.7);
  EXPECT_DOUBLE_EQ(g1.weight_decay(), 0.0);

  std::vector<optim::OptimizerParamGroup> sgdGroups;
  sgdGroups.emplace_back(std::vector<Tensor>{a},
                         std::make_unique<optim::SGDOptions>(
                             optim::SGDOptions(0.2).nesterov(false)));
  optim::SGD sgd(sgdGroups, optim::SGDOptions(0.01).momentum(0.8));
  auto &s0 = static_cast<optim::SGDOptions &>(sgd.param_groups()[0].options());
  EXPECT_DOUBLE_EQ(s0.lr(), 0.2);
  EXPECT_DOUBLE_EQ(s0.momentum(), 0.8);
  EXPECT_TRUE(optim::SGDOptions(0.3).momentum(0.1) ==
              optim::SGDOptions(0.3).momentum(0.1));
  EXPECT_FALSE(optim::AdamOptions(0.3) == optim::AdamOptions(0.4));
}

namespace {
template <class Fn> bool throwsAny(Fn &&fn) {
  try {
    fn();
  } catch (const Error &) {
    return true;
  }
  return false;
}

struct HalfStepOptions : optim::OptimizerCloneableOptions<HalfStepOptions> {
  HalfStepOptions(double lr = 0.5) : lr_(lr) {}
  KILN_ARG(double, lr);
};
/// p -= lr * grad, through the base class's generic interface.
struct HalfStep : optim::Optimizer {
  HalfStep(std::vector<Tensor> params, const HalfStepOptions &o = {})
      : Optimizer(std::move(params), std::make_unique<HalfStepOptions>(o)) {}
  Tensor step(optim::LossClosure closure = nullptr) override {
    Tensor loss = runClosure(closure);
    NoGradGuard noGrad;
    for (auto &g : param_groups())
      for (auto &p : g.params())
        if (p.grad().defined())
          p.sub_(p.grad() * static_cast<HalfStepOptions &>(g.options()).lr());
    return loss;
  }
};
} // namespace

TEST(OptimizerApi, CustomOptimizerAndOldInterface) {
  Tensor p = full({2}, 4.0, requires_grad());
  Tensor q = full({1}, -1.0, requires_grad());
  HalfStep opt({p});
  EXPECT_EQ(opt.size(), 1u);
  opt.add_parameters({q});
  EXPECT_EQ(opt.size(), 2u);
  EXPECT_EQ(opt.param_groups().size(), 1u);
  EXPECT_TRUE(throwsAny([&] { opt.add_parameters({p}); }));
  // Options that do not override get_lr say so.
  EXPECT_TRUE(throwsAny([&] { opt.defaults().get_lr(); }));
  Tensor loss = opt.step([&] {
    opt.zero_grad();
    Tensor l = (p * p).sum() + (q * 3).sum();
    l.backward();
    return l;
  });
  EXPECT_DOUBLE_EQ(loss.item<double>(), 32.0 - 3.0);
  EXPECT_TRUE(p.allclose(full({2}, 0.0)));  // 4 - 0.5 * 8
  EXPECT_TRUE(q.allclose(full({1}, -2.5))); // -1 - 0.5 * 3
  const HalfStep &constOpt = opt;
  EXPECT_TRUE(constOpt.state().empty());
  // A group added without options has none until given some.
  opt.param_groups().emplace_back(std::vector<Tensor>{});
  EXPECT_TRUE(throwsAny([&] { opt.param_groups()[1].options(); }));
}

// AdamW, RMSprop and Adagrad against scalar re-derivations of PyTorch's
// update rules.

struct AdamWCase {
  double lr, weightDecay;
  bool amsgrad;
};

class AdamWFormula : public ::testing::TestWithParam<AdamWCase> {};

TEST_P(AdamWFormula, MatchesPyTorchUpdateRule) {
  AdamWCase k = GetParam();
  const double beta1 = 0.9, beta2 = 0.95, eps = 1e-8;
  std::vector<double> c = {2.0, 0.5, -1.0};
  std::vector<double> ref = {0.3, -1.2, 2.0}, m(3, 0), v(3, 0), vmax(3, 0);
  Tensor p = tensor(ref, kDouble).requires_grad_();
  optim::AdamWOptions options(k.lr);
  options.betas({beta1, beta2}).amsgrad(k.amsgrad);
  if (k.weightDecay >= 0)
    options.weight_decay(k.weightDecay);
  double wd = k.weightDecay >= 0 ? k.weightDecay : 1e-2; // the default
  optim::AdamW adamw({p}, options);
  for (int step = 1; step <= 6; ++step) {
    adamw.zero_grad();
    quadraticLoss(p, c).backward();
    adamw.step();
    for (int i = 0; i < 3; ++i) {
      double g = c[i] * ref[i];
      ref[i] *= 1 - k.lr * wd;
      m[i] = beta1 * m[i] + (1 - beta1) * g;
      v[i] = beta2 * v[i] + (1 - beta2) * g * g;
      vmax[i] = std::max(vmax[i], v[i]);
      double bc1 = 1 - std::pow(beta1, step);
      double bc2 = 1 - std::pow(beta2, step);
      double second = k.amsgrad ? vmax[i] : v[i];
      ref[i] -= k.lr / bc1 * m[i] / (std::sqrt(second) / std::sqrt(bc2) + eps);
    }
    for (int i = 0; i < 3; ++i)
      EXPECT_NEAR(p[i].item<double>(), ref[i], 1e-12) << "step " << step;
  }
  auto &s = static_cast<optim::AdamWParamState &>(
      *adamw.state().at(p.unsafeGetTensorImpl()));
  EXPECT_EQ(s.step(), 6);
  EXPECT_EQ(s.max_exp_avg_sq().defined(), k.amsgrad);
}

INSTANTIATE_TEST_SUITE_P(Options, AdamWFormula,
                         ::testing::Values(AdamWCase{0.01, -1, false},
                                           AdamWCase{0.1, 0, false},
                                           AdamWCase{0.05, 0.3, true}),
                         [](const auto &info) {
                           return "case" + std::to_string(info.index);
                         });

struct RMSpropCase {
  double lr, alpha, weightDecay, momentum;
  bool centered;
};

class RMSpropFormula : public ::testing::TestWithParam<RMSpropCase> {};

TEST_P(RMSpropFormula, MatchesPyTorchUpdateRule) {
  RMSpropCase k = GetParam();
  const double eps = 1e-8;
  std::vector<double> c = {1.0, 3.0, -0.5};
  std::vector<double> ref = {1.0, -2.0, 0.5}, sq(3, 0), ga(3, 0), buf(3, 0);
  Tensor p = tensor(ref, kDouble).requires_grad_();
  optim::RMSprop rms({p}, optim::RMSpropOptions(k.lr)
                              .alpha(k.alpha)
                              .weight_decay(k.weightDecay)
                              .momentum(k.momentum)
                              .centered(k.centered));
  for (int step = 0; step < 5; ++step) {
    rms.zero_grad();
    quadraticLoss(p, c).backward();
    rms.step();
    for (int i = 0; i < 3; ++i) {
      double g = c[i] * ref[i] + k.weightDecay * ref[i];
      sq[i] = k.alpha * sq[i] + (1 - k.alpha) * g * g;
      double avg;
      if (k.centered) {
        ga[i] = k.alpha * ga[i] + (1 - k.alpha) * g;
        avg = std::sqrt(sq[i] - ga[i] * ga[i]) + eps;
      } else {
        avg = std::sqrt(sq[i]) + eps;
      }
      if (k.momentum > 0) {
        buf[i] = k.momentum * buf[i] + g / avg;
        ref[i] -= k.lr * buf[i];
      } else {
        ref[i] -= k.lr * g / avg;
      }
    }
    for (int i = 0; i < 3; ++i)
      EXPECT_NEAR(p[i].item<double>(), ref[i], 1e-12) << "step " << step;
  }
  auto &s = static_cast<optim::RMSpropParamState &>(
      *rms.state().at(p.unsafeGetTensorImpl()));
  EXPECT_EQ(s.step(), 5);
  EXPECT_EQ(s.momentum_buffer().defined(), k.momentum > 0);
  EXPECT_EQ(s.grad_avg().defined(), k.centered);
}

INSTANTIATE_TEST_SUITE_P(
    Options, RMSpropFormula,
    ::testing::Values(RMSpropCase{1e-2, 0.99, 0, 0, false},
                      RMSpropCase{0.05, 0.9, 0.1, 0, false},
                      RMSpropCase{0.05, 0.9, 0, 0.8, false},
                      RMSpropCase{0.02, 0.95, 0.01, 0, true},
                      RMSpropCase{0.02, 0.9, 0.01, 0.5, true}),
    [](const auto &info) { return "case" + std::to_string(info.index); });

struct AdagradCase {
  double lr, lrDecay, weightDecay, initial;
};

class AdagradFormula : public ::testing::TestWithParam<AdagradCase> {};

TEST_P(AdagradFormula, MatchesPyTorchUpdateRule) {
  AdagradCase k = GetParam();
  const double eps = 1e-10;
  std::vector<double> c = {2.0, 0.5, -1.0};
  std::vector<double> ref = {0.3, -1.2, 2.0}, sum(3, k.initial);
  Tensor p = tensor(ref, kDouble).requires_grad_();
  optim::Adagrad adagrad({p}, optim::AdagradOptions(k.lr)
                                  .lr_decay(k.lrDecay)
                                  .weight_decay(k.weightDecay)
                                  .initial_accumulator_value(k.initial));
  // As libtorch: the state exists before the first step.
  auto &s = static_cast<optim::AdagradParamState &>(
      *adagrad.state().at(p.unsafeGetTensorImpl()));
  EXPECT_EQ(s.step(), 0);
  EXPECT_TRUE(s.sum().equal(full({3}, k.initial, kDouble)));
  for (int step = 1; step <= 5; ++step) {
    adagrad.zero_grad();
    quadraticLoss(p, c).backward();
    adagrad.step();
    double clr = k.lr / (1 + (step - 1) * k.lrDecay);
    for (int i = 0; i < 3; ++i) {
      double g = c[i] * ref[i] + k.weightDecay * ref[i];
      sum[i] += g * g;
      ref[i] -= clr * g / (std::sqrt(sum[i]) + eps);
    }
    for (int i = 0; i < 3; ++i)
      EXPECT_NEAR(p[i].item<double>(), ref[i], 1e-12) << "step " << step;
  }
  EXPECT_EQ(s.step(), 5);
}

INSTANTIATE_TEST_SUITE_P(Options, AdagradFormula,
                         ::testing::Values(AdagradCase{1e-2, 0, 0, 0},
                                           AdagradCase{0.5, 0.1, 0, 0},
                                           AdagradCase{0.2, 0, 0.05, 0.1},
                                           AdagradCase{1.0, 1e-3, 1e-2, 0.5}),
                         [](const auto &info) {
                           return "case" + std::to_string(info.index);
                         });

TEST(OptimizerApi, NewOptimizersHaveLibtorchDefaults) {
  optim::AdamWOptions w;
  EXPECT_EQ(w.lr(), 1e-3);
  EXPECT_EQ(w.weight_decay(), 1e-2);
  EXPECT_EQ(w.eps(), 1e-8);
  EXPECT_EQ(std::get<0>(w.betas()), 0.9);
  EXPECT_FALSE(w.amsgrad());
  optim::RMSpropOptions r;
  EXPECT_EQ(r.lr(), 1e-2);
  EXPECT_EQ(r.alpha(), 0.99);
  EXPECT_EQ(r.eps(), 1e-8);
  EXPECT_EQ(r.weight_decay(), 0);
  EXPECT_EQ(r.momentum(), 0);
  EXPECT_FALSE(r.centered());
  optim::AdagradOptions a;
  EXPECT_EQ(a.lr(), 1e-2);
  EXPECT_EQ(a.lr_decay(), 0);
  EXPECT_EQ(a.initial_accumulator_value(), 0);
  EXPECT_EQ(a.eps(), 1e-10);
  EXPECT_TRUE(optim::AdagradOptions(0.3) == optim::AdagradOptions(0.3));
  EXPECT_FALSE(optim::RMSpropOptions(0.3) ==
               optim::RMSpropOptions(0.3).centered(true));
  Tensor p = ones({2}, requires_grad());
  EXPECT_THROW(optim::RMSprop({p}, optim::RMSpropOptions(-1)), Error);
  EXPECT_THROW(optim::Adagrad({p}, optim::AdagradOptions(0.1).lr_decay(-1)),
               Error);
  EXPECT_THROW(optim::AdamW({p}, optim::AdamWOptions(0.1).betas({0.9, 1.0})),
               Error);
}

TEST(OptimizerApi, ParamStateAccessorsAsLibtorch) {
  // libtorch keys the state by the TensorImpl's address as a string; here
  // the pointer and the string both find it.
  Tensor p = tensor({1.0, 2.0}, kDouble).requires_grad_();
  optim::Adam adam({p}, optim::AdamOptions(0.1).amsgrad(true));
  (p * p).sum().backward();
  adam.step();
  auto &byPtr = adam.state()[p.unsafeGetTensorImpl()];
  auto &byString = adam.state()[guts::to_string(p.unsafeGetTensorImpl())];
  EXPECT_EQ(byPtr.get(), byString.get());
  void *raw = p.unsafeGetTensorImpl();
  EXPECT_EQ(adam.state()[raw].get(), byPtr.get());
  EXPECT_EQ(adam.state().size(), 1u);
  auto &s = static_cast<optim::AdamParamState &>(*byPtr);
  EXPECT_EQ(s.step(), 1);
  EXPECT_TRUE(s.exp_avg().allclose(tensor({0.2, 0.4}, kDouble)));
  EXPECT_TRUE(s.max_exp_avg_sq().defined());
  // step(n) writes the count the bias corrections use.
  s.step(s.step() + 9);
  EXPECT_EQ(s.step(), 10);
  std::unique_ptr<optim::OptimizerParamState> copy = s.clone();
  EXPECT_TRUE(static_cast<optim::AdamParamState &>(*copy) == s);
  s.exp_avg(zeros({2}, kDouble));
  EXPECT_FALSE(static_cast<optim::AdamParamState &>(*copy) == s);
  EXPECT_EQ(adam.state().begin()->first.str(),
            guts::to_string(p.unsafeGetTensorImpl()));

  optim::SGD sgd({p}, optim::SGDOptions(0.1).momentum(0.9));
  sgd.step();
  auto &m = static_cast<optim::SGDParamState &>(
      *sgd.state().at(p.unsafeGetTensorImpl()));
  EXPECT_TRUE(m.momentum_buffer().defined());
  m.momentum_buffer(Tensor());
  EXPECT_FALSE(m.momentum_buffer().defined());
}

TEST(OptimizerApi, NewOptimizersKeepParamGroupOptions) {
  Tensor a = tensor({1.0, -1.0}, kDouble).requires_grad_();
  Tensor b = tensor({2.0}, kDouble).requires_grad_();
  std::vector<optim::OptimizerParamGroup> groups;
  groups.emplace_back(std::vector<Tensor>{a});
  groups.emplace_back(std::vector<Tensor>{b},
                      std::make_unique<optim::RMSpropOptions>(
                          optim::RMSpropOptions().centered(true)));
  optim::RMSprop rms(groups, optim::RMSpropOptions(0.05).momentum(0.5));
  auto &o1 =
      static_cast<optim::RMSpropOptions &>(rms.param_groups()[1].options());
  EXPECT_EQ(o1.lr(), 0.05);      // inherited
  EXPECT_EQ(o1.momentum(), 0.5); // inherited
  EXPECT_TRUE(o1.centered());
  (a.sum() + b.sum()).backward();
  rms.step();
  auto &sb = static_cast<optim::RMSpropParamState &>(
      *rms.state().at(b.unsafeGetTensorImpl()));
  EXPECT_TRUE(sb.grad_avg().defined());
  auto &sa = static_cast<optim::RMSpropParamState &>(
      *rms.state().at(a.unsafeGetTensorImpl()));
  EXPECT_FALSE(sa.grad_avg().defined());

  // Adagrad: a group added later gets its state on its first step.
  Tensor c = tensor({3.0}, kDouble).requires_grad_();
  optim::Adagrad adagrad({a}, optim::AdagradOptions(0.1));
  adagrad.add_param_group(optim::OptimizerParamGroup(
      {c}, std::make_unique<optim::AdagradOptions>(
               optim::AdagradOptions(0.2).initial_accumulator_value(1.0))));
  EXPECT_EQ(adagrad.state().size(), 1u);
  c.mutable_grad() = ones({1}, kDouble);
  adagrad.step();
  auto &sc = static_cast<optim::AdagradParamState &>(
      *adagrad.state().at(c.unsafeGetTensorImpl()));
  EXPECT_EQ(sc.step(), 1);
  EXPECT_NEAR(c.item<double>(), 3.0 - 0.2 / (std::sqrt(2.0) + 1e-10), 1e-12);
}

TEST(OptimizerApi, AtenBinaryCrossEntropySqueezesAsLibtorch) {
  // torch::binary_cross_entropy (ATen's, used by libtorch's XOR test) takes
  // an input of shape [N, 1] with a target of shape [N].
  Tensor x = tensor({0.2, 0.7, 0.9}, kDouble).reshape({3, 1}).requires_grad_();
  Tensor y = tensor({0.0, 1.0, 1.0}, kDouble);
  Tensor loss = binary_cross_entropy(x, y);
  double ref = -(std::log(0.8) + std::log(0.7) + std::log(0.9)) / 3;
  EXPECT_NEAR(loss.item<double>(), ref, 1e-12);
  loss.backward();
  EXPECT_EQ(x.grad().sizes(), x.sizes());
  EXPECT_NEAR(x.grad()[0][0].item<double>(), 1 / 0.8 / 3, 1e-12);
  EXPECT_EQ(binary_cross_entropy(x, y, {}, 0).sizes(), x.sizes());
  EXPECT_NEAR(binary_cross_entropy(x, y, {}, 2).item<double>(), 3 * ref, 1e-12);
  EXPECT_NEAR(mse_loss(x.reshape({3}), y).item<double>(),
              (0.04 + 0.09 + 0.01) / 3, 1e-12);
}
