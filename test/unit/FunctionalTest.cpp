//===- FunctionalTest.cpp - nn::functional and the tensor ops it uses -----===//
#include <gtest/gtest.h>

#include "kiln/autograd/Gradcheck.h"
#include "kiln/kiln.h"

#include <cmath>
#include <limits>

using namespace kiln;
namespace F = kiln::nn::functional;
using autograd::gradcheckReport;

namespace {
Tensor dbl(std::vector<double> v) { return tensor(v, kDouble); }
void expectNear(const Tensor &a, std::vector<double> v, double tol = 1e-6) {
  Tensor b = a.to(kDouble).reshape({-1});
  ASSERT_EQ(b.numel(), static_cast<int64_t>(v.size()));
  for (size_t i = 0; i < v.size(); ++i)
    EXPECT_NEAR(b[i].item<double>(), v[i], tol) << "at " << i;
}
std::string check(std::function<Tensor(const Tensor &)> f, const Tensor &x) {
  return gradcheckReport(
      [f](const variable_list &in) { return variable_list{f(in[0])}; },
      {x.detach().requires_grad_(true)});
}
} // namespace

// --- Tensor API gaps
// -----------------------------------------------------------

TEST(TensorGaps, SmallAliases) {
  Device::Type type = kCPU;
  EXPECT_EQ(Device(type).type(), kCPU);
  Tensor t = tensor({1.5f, 2.5f});
  EXPECT_EQ(t.data<float>(), t.data_ptr<float>());
  EXPECT_EQ(t.unsafeGetTensorImpl(), t.getIntrusivePtr().get());
  EXPECT_EQ(Tensor().unsafeGetTensorImpl(), nullptr);
}

TEST(TensorGaps, RandintWithHighOnly) {
  manual_seed(7);
  Tensor r = randint(4, {200});
  EXPECT_EQ(r.dtype(), kLong);
  EXPECT_GE(r.min().item<int64_t>(), 0);
  EXPECT_LE(r.max().item<int64_t>(), 3);
  Tensor f = randint(2, 5, {50}, kDouble);
  EXPECT_EQ(f.dtype(), kDouble);
  EXPECT_GE(f.min().item<double>(), 2);
  EXPECT_LE(f.max().item<double>(), 4);
  Tensor e = empty({30}).random_(3);
  EXPECT_GE(e.min().item<float>(), 0);
  EXPECT_LE(e.max().item<float>(), 2);
  EXPECT_THROW(empty({2}).random_(3, 3), Error);
}

TEST(TensorGaps, AsStridedIsAView) {
  Tensor x = arange(12, kDouble);
  Tensor v = x.as_strided({3, 2}, {4, 1}, 1);
  expectNear(v, {1, 2, 5, 6, 9, 10});
  v.fill_(-1);
  EXPECT_EQ(x[5].item<double>(), -1);
  // Overlapping windows, as unfold makes them.
  expectNear(as_strided(arange(5, kDouble), {3, 3}, {1, 1}),
             {0, 1, 2, 1, 2, 3, 2, 3, 4});
  expectNear(_reshape_alias(arange(6, kDouble), {2, 3}, {1, 2}),
             {0, 2, 4, 1, 3, 5});
  EXPECT_THROW(x.as_strided({4, 4}, {4, 1}), Error);
  try {
    x.as_strided({2}, {-1});
    FAIL();
  } catch (const Error &e) {
    EXPECT_NE(std::string(e.what()).find("Negative strides"),
              std::string::npos);
  }
}

TEST(TensorGaps, AsStridedGradient) {
  // Each window element takes the gradient; shared memory sums it.
  Tensor x = arange(5, kDouble).requires_grad_(true);
  x.as_strided({3, 3}, {1, 1}).sum().backward();
  expectNear(x.grad(), {1, 2, 3, 2, 1});
  EXPECT_EQ(check(
                [](const Tensor &t) {
                  return (t * t).as_strided({2, 2}, {1, 3}, 1);
                },
                dbl({0.3, -1.2, 2.0, 0.7, 1.1, -0.4})),
            "");
}

TEST(TensorGaps, ResizeInPlace) {
  Tensor x = arange(6, kFloat);
  x.resize_({2, 3});
  EXPECT_EQ(x.sizes(), IntArrayRef({2, 3}));
  expectNear(x[1], {3, 4, 5});
  x.resize_({2});
  expectNear(x, {0, 1});
  x.resize_({4, 4}); // grows the memory, keeps the first values
  EXPECT_EQ(x.numel(), 16);
  EXPECT_EQ(x.reshape({-1})[1].item<float>(), 1);
  Tensor w = ones({2}, TensorOptions().requires_grad(true));
  EXPECT_THROW(w.resize_({3}), Error);
}

TEST(TensorGaps, ErfLog1pExpm1) {
  expectNear(erf(dbl({0, 0.5, -2})),
             {0, 0.5204998778130465, -0.9953222650189527}, 1e-12);
  // Accurate where 1 + x rounds to 1.
  EXPECT_NEAR(log1p(dbl({1e-18}))[0].item<double>(), 1e-18, 1e-30);
  EXPECT_NEAR(expm1(dbl({1e-18}))[0].item<double>(), 1e-18, 1e-30);
  EXPECT_NEAR(log1p(tensor({3e-9f}))[0].item<float>(), 3e-9f, 1e-15);
  expectNear(log1p(dbl({0.25, -0.5, 3})),
             {std::log1p(0.25), std::log1p(-0.5), std::log1p(3.0)}, 1e-14);
  expectNear(expm1(dbl({0.25, -0.5, 3, -40})),
             {std::expm1(0.25), std::expm1(-0.5), std::expm1(3.0), -1}, 1e-12);
  EXPECT_TRUE(std::isinf(log1p(dbl({INFINITY}))[0].item<double>()));
  EXPECT_EQ(
      check([](const Tensor &t) { return t.erf(); }, dbl({-0.7, 0.1, 1.3})),
      "");
  EXPECT_EQ(
      check([](const Tensor &t) { return t.log1p(); }, dbl({-0.7, 0.1, 1.3})),
      "");
  EXPECT_EQ(
      check([](const Tensor &t) { return t.expm1(); }, dbl({-0.7, 0.1, 1.3})),
      "");
}

TEST(TensorGaps, FiniteTests) {
  Tensor x = dbl({1, INFINITY, -INFINITY, NAN});
  expectNear(isfinite(x), {1, 0, 0, 0});
  expectNear(isinf(x), {0, 1, 1, 0});
  expectNear(isnan(x), {0, 0, 0, 1});
  EXPECT_TRUE(isfinite(arange(3)).all().item<bool>());
  EXPECT_FALSE(isinf(arange(3)).any().item<bool>());
}

TEST(TensorGaps, RemainderHasTheDivisorsSign) {
  Tensor a = tensor({int64_t(7), int64_t(-7), int64_t(7), int64_t(-7)});
  Tensor b = tensor({int64_t(3), int64_t(3), int64_t(-3), int64_t(-3)});
  expectNear(a % b, {1, 2, -2, -1});
  expectNear(dbl({5.5, -5.5}) % 2, {1.5, 0.5});
  EXPECT_EQ((a % 3).dtype(), kLong);
  EXPECT_THROW(a % 0, Error);
  EXPECT_EQ(check(
                [](const Tensor &t) {
                  return t.remainder(dbl({1.5, -2.0}));
                },
                dbl({4.2, 3.3})),
            "");
  // Only the divisor needs a gradient: -floor(a / b) * g.
  Tensor d = dbl({1.5, -2.0, 0.7}).requires_grad_();
  (dbl({4.2, 3.3, -1.0}) % d).sum().backward();
  expectNear(d.grad(), {-2, 2, 2});
}

TEST(TensorGaps, AllcloseRoundsLikeItsDtype) {
  // In float32, 0.1f - 0 <= 0.1 holds as PyTorch computes it.
  EXPECT_TRUE(allclose(tensor({0.1f}), tensor({0.0f}), 1.1, 0.1));
  EXPECT_FALSE(allclose(tensor({0.2f}), tensor({0.0f}), 1.1, 0.1));
}

TEST(TensorGaps, BinaryMaxMin) {
  expectNear(max(dbl({1, 5}), dbl({3, 2})), {3, 5});
  expectNear(dbl({1, 5}).min(dbl({3, 2})), {1, 2});
}

// --- Activations
// ------------------------------------------------------------------

TEST(Functional, Activations) {
  Tensor x = dbl({-2, -0.5, 0, 1.5});
  expectNear(F::leaky_relu(x, F::LeakyReLUFuncOptions().negative_slope(0.1)),
             {-0.2, -0.05, 0, 1.5});
  expectNear(F::elu(x, F::ELUFuncOptions().alpha(2)),
             {2 * std::expm1(-2.0), 2 * std::expm1(-0.5), 0, 1.5});
  expectNear(F::celu(x, F::CELUFuncOptions().alpha(0.5)),
             {0.5 * std::expm1(-4.0), 0.5 * std::expm1(-1.0), 0, 1.5});
  expectNear(F::gelu(dbl({1.0})), {0.8413447460685429});
  expectNear(F::gelu(dbl({1.0}), F::GELUFuncOptions().approximate("tanh")),
             {0.8411919906082768});
  expectNear(F::silu(dbl({2.0})), {2 / (1 + std::exp(-2.0))});
  expectNear(F::softplus(dbl({-1, 30})), {std::log1p(std::exp(-1.0)), 30});
  expectNear(F::logsigmoid(dbl({-200, 0})), {-200, -std::log(2.0)});
  expectNear(F::hardtanh(x), {-1, -0.5, 0, 1});
  expectNear(F::relu6(dbl({-1, 3, 7})), {0, 3, 6});
  expectNear(F::softshrink(x, 0.5), {-1.5, 0, 0, 1});
  expectNear(F::hardshrink(x, 0.5), {-2, 0, 0, 1.5});
  expectNear(F::threshold(x, F::ThresholdFuncOptions(0, 9)), {9, 9, 9, 1.5});
  expectNear(F::softsign(dbl({3})), {0.75});
  expectNear(F::glu(dbl({1, 2, 0, 0})), {0.5, 1});
  expectNear(F::prelu(dbl({-2, 3}).view({1, 2}), dbl({0.5, 0.25})), {-1, 3});
  expectNear(F::softmin(dbl({0, 0}), 0), {0.5, 0.5});
  EXPECT_THROW(F::glu(dbl({1, 2, 3})), Error);
  EXPECT_THROW(F::gelu(x, F::GELUFuncOptions().approximate("fast")), Error);
}

TEST(Functional, InplaceActivationsWriteTheInput) {
  Tensor x = tensor({-1.0f, 2.0f});
  Tensor y = F::leaky_relu(x, F::LeakyReLUFuncOptions().inplace(true));
  EXPECT_TRUE(y.is_same(x));
  expectNear(x, {-0.01, 2});
  F::relu(x, true);
  expectNear(x, {0, 2});
}

TEST(Functional, ActivationGradients) {
  Tensor x = dbl({-1.7, -0.3, 0.4, 2.2});
  for (auto f : std::vector<std::function<Tensor(const Tensor &)>>{
           [](const Tensor &t) { return F::gelu(t); },
           [](const Tensor &t) {
             return F::gelu(t, F::GELUFuncOptions().approximate("tanh"));
           },
           [](const Tensor &t) { return F::silu(t); },
           [](const Tensor &t) { return F::mish(t); },
           [](const Tensor &t) { return F::elu(t); },
           [](const Tensor &t) { return F::selu(t); },
           [](const Tensor &t) { return F::softplus(t); },
           [](const Tensor &t) { return F::logsigmoid(t); },
           [](const Tensor &t) { return F::softsign(t); },
           [](const Tensor &t) {
             return F::normalize(t.view({2, 2}));
           },
           [](const Tensor &t) {
             return F::layer_norm(t.view({2, 2}), F::LayerNormFuncOptions({2}));
           },
       })
    EXPECT_EQ(check(f, x), "");
}

// --- Normalization and misc
// --------------------------------------------------------

TEST(Functional, NormalizeOneHotDistances) {
  expectNear(F::normalize(dbl({3, 4}).view({1, 2})), {0.6, 0.8});
  expectNear(F::normalize(dbl({1, 3}), F::NormalizeFuncOptions().p(1).dim(0)),
             {0.25, 0.75});
  expectNear(F::one_hot(tensor({int64_t(2), int64_t(0)}), 3),
             {0, 0, 1, 1, 0, 0});
  EXPECT_THROW(F::one_hot(tensor({int64_t(3)}), 3), Error);
  EXPECT_THROW(F::one_hot(tensor({1.0})), Error);
  expectNear(F::cosine_similarity(dbl({1, 0, 1, 1}).view({2, 2}),
                                  dbl({0, 1, 2, 2}).view({2, 2})),
             {0, 1});
  expectNear(F::pairwise_distance(dbl({0, 0}).view({1, 2}),
                                  dbl({3, 4}).view({1, 2}),
                                  F::PairwiseDistanceFuncOptions().eps(0)),
             {5});
}

TEST(Functional, LayerNormAndBatchNorm) {
  Tensor x = dbl({1, 3, 4, 6}).view({2, 2});
  double s = 1 / std::sqrt(1 + 1e-5);
  expectNear(F::layer_norm(x, F::LayerNormFuncOptions({2})), {-s, s, -s, s});
  expectNear(layer_norm(x, {2}, dbl({2, 1}), dbl({0, 10})),
             {-2 * s, 10 + s, -2 * s, 10 + s});
  EXPECT_THROW(F::layer_norm(x, F::LayerNormFuncOptions({3})), Error);
  // Training: batch statistics; the running ones move by momentum, the
  // variance unbiased.
  Tensor mean = zeros({2}, kDouble), var = ones({2}, kDouble);
  Tensor y = F::batch_norm(x, mean, var,
                           F::BatchNormFuncOptions().training(true).eps(0));
  expectNear(y, {-1, -1, 1, 1});
  expectNear(mean, {0.25, 0.45});
  expectNear(var, {0.9 + 0.1 * 4.5, 0.9 + 0.1 * 4.5});
  // Evaluation: the running statistics.
  expectNear(F::batch_norm(x, dbl({1, 1}), dbl({4, 4}),
                           F::BatchNormFuncOptions().eps(0)),
             {0, 1, 1.5, 2.5});
  EXPECT_THROW(F::batch_norm(dbl({1, 2}).view({1, 2}), mean, var,
                             F::BatchNormFuncOptions().training(true)),
               Error);
}

// --- Losses
// ----------------------------------------------------------------------

TEST(Functional, RegressionLosses) {
  Tensor in = dbl({0.5, 2, -1}), tg = dbl({0, 0, 0});
  expectNear(F::l1_loss(in, tg), {3.5 / 3});
  expectNear(F::l1_loss(in, tg, kSum), {3.5});
  expectNear(F::l1_loss(in, tg, F::L1LossFuncOptions(kNone)), {0.5, 2, 1});
  expectNear(F::mse_loss(in, tg, F::MSELossFuncOptions(kSum)), {5.25});
  expectNear(F::smooth_l1_loss(in, tg, kNone), {0.125, 1.5, 0.5});
  expectNear(F::smooth_l1_loss(in, tg, kNone, 4.0), {0.03125, 0.5, 0.125});
  expectNear(F::huber_loss(in, tg, F::HuberLossFuncOptions(kNone).delta(0.5)),
             {0.125, 0.875, 0.375});
  expectNear(F::margin_ranking_loss(dbl({1, 2}), dbl({2, 1}), dbl({1, 1})),
             {0.5});
  expectNear(F::poisson_nll_loss(dbl({0}), dbl({2})), {1});
  expectNear(F::soft_margin_loss(dbl({0}), dbl({1})), {std::log(2.0)});
}

TEST(Functional, ClassificationLosses) {
  Tensor logp = dbl({-0.5, -1, -2, -0.1, -3, -4}).view({2, 3});
  Tensor target = tensor({int64_t(1), int64_t(0)});
  expectNear(F::nll_loss(logp, target), {0.55});
  expectNear(F::nll_loss(logp, target, kNone), {1, 0.1});
  // Weighted mean: divided by the weights of the targets.
  Tensor w = dbl({1, 3, 1});
  expectNear(F::nll_loss(logp, target, F::NLLLossFuncOptions().weight(w)),
             {(3 * 1 + 1 * 0.1) / 4});
  // Ignored rows count for nothing.
  expectNear(F::nll_loss(logp, tensor({int64_t(1), int64_t(-100)})), {1});
  expectNear(F::nll_loss(logp, tensor({int64_t(2), int64_t(7)}),
                         F::NLLLossFuncOptions().ignore_index(7)),
             {2});
  try {
    F::nll_loss(logp, tensor({int64_t(1), int64_t(3)}));
    FAIL();
  } catch (const Error &e) {
    EXPECT_NE(std::string(e.what()).find("Target 3 is out of bounds."),
              std::string::npos);
  }
  // [N, C, d] inputs take [N, d] targets.
  Tensor logits = dbl({0, 0, 1, 0, 0, 2}).view({1, 2, 3});
  Tensor t3 = tensor({int64_t(0), int64_t(0), int64_t(1)}).view({1, 3});
  Tensor ce = F::cross_entropy(logits, t3, kNone);
  EXPECT_EQ(ce.sizes(), IntArrayRef({1, 3}));
  expectNear(ce, {std::log(2.0), std::log(2.0), std::log1p(std::exp(-1.0))});
  // Label smoothing mixes in the mean negative log-probability.
  Tensor two = dbl({0, std::log(3.0)}).view({1, 2});
  Tensor lab = tensor({int64_t(1)});
  double nll0 = std::log(4.0), nll1 = std::log(4.0 / 3);
  expectNear(F::cross_entropy(
                 two, lab, F::CrossEntropyFuncOptions().label_smoothing(0.2)),
             {0.8 * nll1 + 0.1 * (nll0 + nll1)});
  // Probabilities as targets.
  expectNear(F::cross_entropy(two, dbl({0.5, 0.5}).view({1, 2})),
             {0.5 * (nll0 + nll1)});
}

TEST(Functional, BinaryLosses) {
  Tensor p = dbl({0.8, 0.25}), t = dbl({1, 0});
  double expected = -(std::log(0.8) + std::log(0.75)) / 2;
  expectNear(F::binary_cross_entropy(p, t), {expected});
  expectNear(F::binary_cross_entropy(
                 p, t, F::BinaryCrossEntropyFuncOptions().weight(dbl({2, 0}))),
             {-std::log(0.8)});
  EXPECT_THROW(F::binary_cross_entropy(dbl({1.5}), dbl({1})), Error);
  Tensor logits = (p / (1 - p)).log();
  expectNear(F::binary_cross_entropy_with_logits(logits, t), {expected});
  // pos_weight scales the positive term only.
  expectNear(
      F::binary_cross_entropy_with_logits(
          logits, t,
          F::BinaryCrossEntropyWithLogitsFuncOptions().pos_weight(dbl({3, 3}))),
      {-(3 * std::log(0.8) + std::log(0.75)) / 2});
  // Stable for large logits.
  expectNear(F::binary_cross_entropy_with_logits(dbl({-500}), dbl({1})), {500});
  EXPECT_THROW(F::binary_cross_entropy_with_logits(dbl({1, 2}), dbl({1})),
               Error);
  // kl_div: target * (log target - input), 0 where target is 0.
  Tensor logq = dbl({std::log(0.5), std::log(0.5)}).view({1, 2});
  expectNear(F::kl_div(logq, dbl({1, 0}).view({1, 2}),
                       F::KLDivFuncOptions(kBatchMean)),
             {std::log(2.0)});
  expectNear(F::kl_div(logq, dbl({0, 0}).view({1, 2}),
                       F::KLDivFuncOptions(kSum).log_target(true)),
             {-2 * std::log(0.5)});
  expectNear(F::hinge_embedding_loss(dbl({0.5, 3}), dbl({-1, 1})), {1.75});
  expectNear(F::cosine_embedding_loss(dbl({1, 0}).view({1, 2}),
                                      dbl({0, 1}).view({1, 2}), dbl({1})),
             {1});
}

TEST(Functional, LossGradients) {
  Tensor target = tensor({int64_t(2), int64_t(0)});
  EXPECT_EQ(check(
                [&](const Tensor &x) {
                  return F::cross_entropy(x.view({2, 3}), target,
                                          F::CrossEntropyFuncOptions()
                                              .weight(dbl({1, 2, 0.5}))
                                              .label_smoothing(0.1));
                },
                dbl({0.2, -1, 0.5, 1.5, 0.3, -0.2})),
            "");
  Tensor t = dbl({1, 0, 0.3});
  EXPECT_EQ(check(
                [&](const Tensor &x) {
                  return F::binary_cross_entropy_with_logits(
                      x, t,
                      F::BinaryCrossEntropyWithLogitsFuncOptions().pos_weight(
                          dbl({2, 2, 2})));
                },
                dbl({0.4, -2, 3})),
            "");
  EXPECT_EQ(
      check([&](const Tensor &x) { return F::binary_cross_entropy(x, t); },
            dbl({0.4, 0.2, 0.9})),
      "");
  EXPECT_EQ(check(
                [&](const Tensor &x) {
                  return F::smooth_l1_loss(x, dbl({0, 0, 0}));
                },
                dbl({0.4, -2, 3})),
            "");
  // The gradient at logit 0 is sigmoid(0) - target (PyTorch's).
  Tensor z = zeros({2}, TensorOptions(kDouble).requires_grad(true));
  F::binary_cross_entropy_with_logits(
      z, zeros({2}, kDouble),
      F::BinaryCrossEntropyWithLogitsFuncOptions().reduction(kSum))
      .backward();
  expectNear(z.grad(), {0.5, 0.5});
}
