//===- GradientTest.cpp - Gradients through the compiler ------------------===//
//
// For each differentiable op f, a compiled step computes
// loss = sum(f(x) * w), runs backward and leaves x.grad; from the second
// call on that gradient comes from compiled code (kiln-autodiff + the CPU
// JIT) and must equal central finite differences of the eager forward, in
// float64.
//
//===----------------------------------------------------------------------===//
#include <gtest/gtest.h>
#include <kiln/kiln.h>

#include <cmath>

using namespace kiln;

namespace {

using Fn = std::function<Tensor(const Tensor &)>;

struct OpCase {
  const char *name;
  Fn f;
  std::vector<int64_t> shape;
};

/// Finite differences of sum(f(x) * w) at x.
Tensor numericGradient(const Fn &f, const Tensor &x, const Tensor &w) {
  NoGradGuard noGrad;
  Tensor g = zeros_like(x);
  Tensor probe = x.clone();
  double *p = probe.data_ptr<double>();
  const double eps = 1e-6;
  for (int64_t i = 0; i < x.numel(); ++i) {
    double saved = p[i];
    p[i] = saved + eps;
    double plus = (f(probe) * w).sum().item<double>();
    p[i] = saved - eps;
    double minus = (f(probe) * w).sum().item<double>();
    p[i] = saved;
    g.data_ptr<double>()[i] = (plus - minus) / (2 * eps);
  }
  return g;
}

class CompiledGradient : public ::testing::TestWithParam<OpCase> {};

TEST_P(CompiledGradient, EqualsFiniteDifferences) {
  const OpCase &c = GetParam();
  manual_seed(3);
  // Inputs away from kinks and poles: in [0.5, 1.5] with random signs.
  Tensor magnitude = rand(c.shape, kDouble) + 0.5;
  Tensor sign =
      where(rand(c.shape, kDouble) < 0.5, -1.0, ones(c.shape, kDouble));
  Tensor x = (magnitude * sign).requires_grad_();
  Tensor w;
  {
    NoGradGuard noGrad;
    w = randn(c.f(x).sizes(), kDouble);
  }
  auto step = compile([&](Tensor input) {
    Tensor loss = (c.f(input) * w).sum();
    input.set_grad(Tensor());
    loss.backward();
    return loss;
  });
  step(x); // traced
  Tensor eagerGrad = x.grad().clone();
  step(x); // compiled
  ASSERT_EQ(step.stats().hits, 1u) << c.name;
  Tensor expected = numericGradient(c.f, x.detach(), w);
  EXPECT_TRUE(x.grad().allclose(expected, 1e-5, 1e-6))
      << c.name << "\ncompiled: " << x.grad() << "\nnumeric: " << expected;
  EXPECT_TRUE(x.grad().allclose(eagerGrad, 1e-9, 1e-12)) << c.name;
}

Tensor positive(const Tensor &x) { return x * x + 0.5; }

const Tensor &matrix() {
  static Tensor m = [] {
    manual_seed(5);
    return randn({4, 3}, kDouble);
  }();
  return m;
}

INSTANTIATE_TEST_SUITE_P(
    Ops, CompiledGradient,
    ::testing::Values(
        OpCase{"neg", [](const Tensor &x) { return -x; }, {2, 3}},
        OpCase{"add_scalar", [](const Tensor &x) { return x + 2; }, {2, 3}},
        OpCase{"sub_broadcast",
               [](const Tensor &x) { return x - x.sum({0}, true); },
               {2, 3}},
        OpCase{"mul_self", [](const Tensor &x) { return x * x; }, {2, 3}},
        OpCase{"div", [](const Tensor &x) { return 1.0 / positive(x); },
               {2, 3}},
        OpCase{"pow_scalar", [](const Tensor &x) { return x.pow(3); }, {2, 3}},
        OpCase{"pow_tensor",
               [](const Tensor &x) { return positive(x).pow(x); }, {2, 3}},
        OpCase{"exp", [](const Tensor &x) { return x.exp(); }, {2, 3}},
        OpCase{"log", [](const Tensor &x) { return positive(x).log(); },
               {2, 3}},
        OpCase{"sqrt", [](const Tensor &x) { return positive(x).sqrt(); },
               {2, 3}},
        OpCase{"abs", [](const Tensor &x) { return x.abs(); }, {2, 3}},
        OpCase{"sin", [](const Tensor &x) { return x.sin(); }, {2, 3}},
        OpCase{"cos", [](const Tensor &x) { return x.cos(); }, {2, 3}},
        OpCase{"tanh", [](const Tensor &x) { return x.tanh(); }, {2, 3}},
        OpCase{"sigmoid", [](const Tensor &x) { return x.sigmoid(); }, {2, 3}},
        OpCase{"erf", [](const Tensor &x) { return x.erf(); }, {2, 3}},
        OpCase{"remainder",
               [](const Tensor &x) { return (x * 3).remainder(x + 2); },
               {2, 3}},
        OpCase{"remainder_negative_divisor",
               [](const Tensor &x) { return (x * 3) % -positive(x); },
               {2, 3}},
        OpCase{"relu", [](const Tensor &x) { return x.relu(); }, {2, 3}},
        OpCase{"clamp",
               [](const Tensor &x) { return x.clamp(-0.9, 0.9); }, {2, 3}},
        OpCase{"maximum",
               [](const Tensor &x) { return x.maximum(x * 0.5); }, {2, 3}},
        OpCase{"where",
               [](const Tensor &x) { return where(x > 0, x * 3, x * x); },
               {2, 3}},
        OpCase{"masked_fill",
               [](const Tensor &x) { return x.masked_fill(x < 0, 0.25); },
               {2, 3}},
        OpCase{"sum_dim", [](const Tensor &x) { return x.sum({1}); }, {2, 3}},
        OpCase{"mean", [](const Tensor &x) { return x.mean(); }, {2, 3}},
        OpCase{"mean_dim_keepdim",
               [](const Tensor &x) { return x.mean({0}, true); }, {2, 3}},
        OpCase{"max_all", [](const Tensor &x) { return x.max(); }, {2, 3}},
        OpCase{"max_dim",
               [](const Tensor &x) { return std::get<0>(x.max(1)); }, {2, 3}},
        OpCase{"min_all", [](const Tensor &x) { return x.min(); }, {2, 3}},
        OpCase{"norm", [](const Tensor &x) { return x.norm(); }, {2, 3}},
        OpCase{"mm", [](const Tensor &x) { return x.mm(matrix()); }, {2, 4}},
        OpCase{"matmul_batched",
               [](const Tensor &x) { return x.matmul(matrix()); }, {2, 2, 4}},
        OpCase{"bmm",
               [](const Tensor &x) { return x.bmm(x.transpose(1, 2)); },
               {2, 2, 3}},
        OpCase{"dot", [](const Tensor &x) { return x.dot(x * 2); }, {5}},
        OpCase{"reshape_t",
               [](const Tensor &x) { return x.reshape({3, 2}).t(); }, {2, 3}},
        OpCase{"permute",
               [](const Tensor &x) { return x.permute({2, 0, 1}); },
               {2, 3, 2}},
        OpCase{"squeeze_unsqueeze",
               [](const Tensor &x) { return x.unsqueeze(1).squeeze(); },
               {2, 3}},
        OpCase{"expand",
               [](const Tensor &x) { return x.expand({4, 2, 3}); }, {2, 3}},
        OpCase{"slice_select",
               [](const Tensor &x) {
                 return x.slice(1, 1, 4, 2) * x.select(1, 0).unsqueeze(1);
               },
               {3, 4}},
        OpCase{"index_slice",
               [](const Tensor &x) {
                 return x.index({indexing::Slice(), 0});
               },
               {3, 2}},
        OpCase{"cat",
               [](const Tensor &x) { return cat({x, x * x}, 1); }, {2, 3}},
        OpCase{"to_float_and_back",
               [](const Tensor &x) { return x.to(kFloat).to(kDouble) * 0 + x; },
               {2, 3}},
        OpCase{"mse_loss",
               [](const Tensor &x) {
                 return nn::functional::mse_loss(x, matrix().slice(0, 0, 2));
               },
               {2, 3}},
        OpCase{"cross_entropy",
               [](const Tensor &x) {
                 return nn::functional::cross_entropy(
                     x, tensor({int64_t(2), int64_t(0)}));
               },
               {2, 3}},
        OpCase{"log_softmax",
               [](const Tensor &x) {
                 return nn::functional::log_softmax(x, 1);
               },
               {2, 3}},
        OpCase{"linear",
               [](const Tensor &x) {
                 return nn::functional::linear(x, matrix().t(),
                                               matrix().sum({0}));
               },
               {2, 4}}),
    [](const auto &info) { return std::string(info.param.name); });

} // namespace
