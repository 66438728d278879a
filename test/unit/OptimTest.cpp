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
