//===- ReviewFixesTest.cpp - Regressions found by review ------------------===//
#include <gtest/gtest.h>

#include "TestUtil.h"
#include "kiln/autograd/Gradcheck.h"
#include "kiln/kiln.h"

#include <cmath>
#include <limits>

using namespace kiln;
using kiln::test::isTensor;
using kiln::test::throwsWith;
namespace F = kiln::nn::functional;

namespace {
Tensor dbl(std::vector<double> v) { return tensor(v, kDouble); }
constexpr double kInf = std::numeric_limits<double>::infinity();
} // namespace

// A masked (-inf) logit of another class leaves the loss finite, as
// PyTorch's gather-based nll_loss does.
TEST(ReviewFixes, CrossEntropyWithMaskedLogitIsFinite) {
  Tensor x = dbl({0.0, -kInf, 1.0, 2.0}).reshape({2, 2}).requires_grad_(true);
  Tensor t = tensor(std::vector<int64_t>{0, 1});
  Tensor loss = F::cross_entropy(x, t);
  // Row 0: -log(1) = 0; row 1: log(1 + e^-1).
  double row1 = std::log1p(std::exp(-1.0));
  EXPECT_TRUE(isTensor(loss, {}, {row1 / 2}, 1e-12));
  loss.backward();
  double p = 1 / (1 + std::exp(1.0)); // softmax of class 0 in row 1
  EXPECT_TRUE(isTensor(x.grad(), {2, 2}, {0, 0, p / 2, -p / 2}, 1e-12));
  Tensor logp = dbl({-kInf, -0.5, -1.0}).reshape({1, 3});
  EXPECT_TRUE(
      isTensor(F::nll_loss(logp, tensor(std::vector<int64_t>{1}),
                           F::NLLLossFuncOptions().weight(dbl({1, 2, 3}))),
               {}, {0.5}, 1e-12));
}

// A saturated sigmoid gives exactly 0 or 1: PyTorch's BCE gradient there is
// w (x - t) / max(x (1 - x), 1e-12), never NaN.
TEST(ReviewFixes, BinaryCrossEntropyGradientAtZeroAndOne) {
  Tensor x = dbl({1.0, 0.0, 0.5, 0.25}).requires_grad_(true);
  Tensor t = dbl({1.0, 0.0, 1.0, 0.0}).requires_grad_(true);
  Tensor loss = F::binary_cross_entropy(
      x, t, F::BinaryCrossEntropyFuncOptions().reduction(kSum));
  EXPECT_TRUE(isTensor(loss, {}, {std::log(2.0) - std::log(0.75)}, 1e-12));
  loss.backward();
  EXPECT_TRUE(isTensor(x.grad(), {4}, {0, 0, -2, 0.25 / (0.25 * 0.75)}, 1e-12));
  // d/dt = log(1 - x) - log(x), the logs clamped at -100.
  EXPECT_TRUE(isTensor(t.grad(), {4},
                       {-100, 100, 0, std::log(0.75) - std::log(0.25)}, 1e-12));
  Tensor y = dbl({1.0, 0.0}).requires_grad_(true);
  F::binary_cross_entropy(y, dbl({0.0, 1.0})).backward();
  EXPECT_TRUE(isTensor(y.grad(), {2}, {0.5e12, -0.5e12}, 1e-9));
  // Inside (0, 1) it is the plain derivative.
  Tensor w = dbl({0.5, 2.0, 1.0});
  EXPECT_TRUE(autograd::gradcheck(
      [&](const variable_list &in) {
        return variable_list{F::binary_cross_entropy(
            in[0], in[1], F::BinaryCrossEntropyFuncOptions().weight(w))};
      },
      {dbl({0.2, 0.7, 0.9}).requires_grad_(true),
       dbl({0.0, 0.3, 1.0}).requires_grad_(true)}));
}

// Statistics of the wrong number of channels are refused, not broadcast.
TEST(ReviewFixes, BatchNormChecksChannelCounts) {
  nn::BatchNorm1d bn(nn::BatchNormOptions(4).affine(false));
  EXPECT_TRUE(throwsWith(
      [&] {
        bn->forward(ones({5, 1}));
      },
      "running_mean should contain 1 elements not 4"));
  EXPECT_TRUE(isTensor(bn->running_mean, {4}, {0, 0, 0, 0}));
  nn::BatchNorm1d affine(nn::BatchNormOptions(3).track_running_stats(false));
  EXPECT_TRUE(throwsWith(
      [&] {
        affine->forward(ones({5, 1}));
      },
      "weight should contain 1 elements not 3"));
}

TEST(ReviewFixes, ClipGradNormOfNanAndZeroOrder) {
  Tensor a = tensor({1., 2.}, requires_grad()),
         b = tensor({3.}, requires_grad());
  a.mutable_grad() = tensor({std::nan(""), 1.});
  b.mutable_grad() = tensor({2.});
  double total = nn::utils::clip_grad_norm_({a, b}, 1.0, 2.0, false);
  EXPECT_TRUE(std::isnan(total));
  EXPECT_TRUE(std::isnan(b.grad().item<double>())); // scaled by NaN
  a.mutable_grad() = tensor({0., 0.});
  b.mutable_grad() = tensor({0.5});
  // Order 0: how many gradients have a nonzero element (here 1).
  EXPECT_DOUBLE_EQ(nn::utils::clip_grad_norm_({a, b}, 10.0, 0.0), 1.0);
  EXPECT_DOUBLE_EQ(b.grad().item<double>(), 0.5); // below max_norm: kept
}

TEST(ReviewFixes, PreluKeepsTheInputsShape) {
  Tensor w = tensor({0.25});
  Tensor scalar = nn::functional::prelu(tensor(-2.), w);
  EXPECT_EQ(scalar.dim(), 0);
  EXPECT_DOUBLE_EQ(scalar.item<double>(), -0.5);
  EXPECT_TRUE(
      isTensor(nn::functional::prelu(tensor({-4., 3.}), w), {2}, {-1, 3}));
  Tensor perChannel = tensor({0.5, 2.});
  EXPECT_TRUE(isTensor(
      nn::functional::prelu(tensor({{-1., -1.}, {1., -3.}}), perChannel),
      {2, 2}, {-0.5, -2, 1, -6}));
}

TEST(ReviewFixes, IndexPutRefusesValuesOverlappingTheDestination) {
  Tensor x = tensor({1., 2., 3., 4.});
  Tensor idx = tensor({int64_t(1), int64_t(3)});
  EXPECT_TRUE(throwsWith([&] { x.index_put_({idx}, x.slice(0, 0, 2)); },
                         "refer to a single memory location"));
  EXPECT_TRUE(isTensor(x, {4}, {1, 2, 3, 4})); // nothing written
  // A copy is fine, and so is a view of memory the write does not touch.
  x.index_put_({idx}, x.slice(0, 0, 2).clone());
  EXPECT_TRUE(isTensor(x, {4}, {1, 1, 3, 2}));
  Tensor both = zeros({2, 2});
  both[1] = tensor({5., 6.});
  both.select(0, 0).index_put_({tensor({int64_t(0)})}, both[1].slice(0, 1, 2));
  EXPECT_TRUE(isTensor(both, {2, 2}, {6, 0, 5, 6}));
}
