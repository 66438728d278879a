//===- NnModulesTest.cpp - Activation, loss and normalization modules -----===//
//
// Part of the kiln project. The modules over existing functional ops:
// gradients against finite differences (float64, inputs away from kinks),
// module state (PReLU, LayerNorm, BatchNorm1d), option forwarding and the
// Python reprs; plus nn::init's orthogonal_/sparse_/dirac_.
//
//===----------------------------------------------------------------------===//
#include "TestUtil.h"

#include <cmath>
#include <sstream>

using namespace kiln;
using autograd::gradcheckReport;
namespace F = kiln::nn::functional;

namespace {

/// A float64 leaf of the given shape with distinct values in [lo, hi]
/// (never exactly on the kinks at 0, +-0.5, +-1 of the tested functions).
Tensor spread(std::vector<int64_t> sizes, double lo = -1.9, double hi = 2.3) {
  int64_t n = 1;
  for (int64_t s : sizes)
    n *= s;
  std::vector<double> v(n);
  for (int64_t i = 0; i < n; ++i) {
    int64_t j = (i * 7 + 3) % n;
    v[i] = n == 1 ? lo : lo + (hi - lo) * double(j) / double(n - 1);
    v[i] += 0.0137 * double(i % 3) + 0.031;
  }
  Tensor t = tensor(v, kDouble).reshape(sizes).clone();
  t.requires_grad_(true);
  return t;
}

using Fn = std::function<Tensor(const variable_list &)>;

::testing::AssertionResult checks(Fn fn, variable_list inputs) {
  std::string report = gradcheckReport(
      [&](const variable_list &x) { return variable_list{fn(x)}; }, inputs);
  if (report.empty())
    return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << report;
}

bool throwsWithText(const std::function<void()> &f, const std::string &text) {
  try {
    f();
  } catch (const Error &e) {
    return std::string(e.what()).find(text) != std::string::npos;
  }
  return false;
}

/// The module's one-line repr.
template <class M> std::string repr(const M &module) {
  std::ostringstream os;
  os << module;
  return os.str();
}

} // namespace

TEST(NnModules, ActivationGradients) {
  std::vector<std::pair<std::string, std::function<Tensor(const Tensor &)>>>
      modules = {
          {"LogSigmoid", nn::LogSigmoid()},
          {"SiLU", nn::SiLU()},
          {"Mish", nn::Mish()},
          {"ELU", nn::ELU(nn::ELUOptions().alpha(0.7))},
          {"SELU", nn::SELU()},
          {"CELU", nn::CELU(nn::CELUOptions().alpha(1.3))},
          {"GLU", nn::GLU(1)},
          {"Hardtanh",
           nn::Hardtanh(nn::HardtanhOptions().min_val(-1.2).max_val(1.4))},
          {"ReLU6", nn::ReLU6()},
          {"Softplus",
           nn::Softplus(nn::SoftplusOptions().beta(2).threshold(3))},
          {"Softsign", nn::Softsign()},
          {"Softmin", nn::Softmin(1)},
          {"Softshrink", nn::Softshrink(0.5)},
          {"Hardshrink", nn::Hardshrink(0.5)},
          {"Tanhshrink", nn::Tanhshrink()},
          {"Threshold", nn::Threshold(0.3, -2.0)},
          {"PReLU",
           [m = nn::PReLU(nn::PReLUOptions().num_parameters(4).init(0.3))](
               const Tensor &x) mutable {
             m->to(kDouble);
             return m(x);
           }},
          {"Unflatten", nn::Unflatten(1, std::vector<int64_t>{2, 2})},
      };
  for (auto &entry : modules) {
    SCOPED_TRACE(entry.first);
    auto &module = entry.second;
    EXPECT_TRUE(checks([&](const variable_list &x) { return module(x[0]); },
                       {spread({3, 4})}));
  }
}

TEST(NnModules, PReLUWeightGradientAndValues) {
  nn::PReLU m(nn::PReLUOptions().num_parameters(3).init(0.2));
  EXPECT_EQ(m->weight.sizes(), (std::vector<int64_t>{3}));
  EXPECT_TRUE(m->weight.requires_grad());
  EXPECT_EQ(m->named_parameters().keys(), (std::vector<std::string>{"weight"}));
  Tensor x = tensor({-1.0, 2.0, -3.0, 4.0, -5.0, 6.0}).reshape({2, 3});
  EXPECT_TRUE(
      m(x).allclose(tensor({-0.2, 2.0, -0.6, 4.0, -1.0, 6.0}).reshape({2, 3})));
  EXPECT_TRUE(
      checks([](const variable_list &v) { return F::prelu(v[0], v[1]); },
             {spread({2, 3, 2}), spread({3}, 0.1, 0.7)}));
  m(x).sum().backward();
  EXPECT_TRUE(m->weight.grad().allclose(tensor({-1.0, -5.0, -3.0})));
}

TEST(NnModules, HardtanhChecksItsRange) {
  EXPECT_TRUE(throwsWithText(
      [] { nn::Hardtanh(nn::HardtanhOptions().min_val(1).max_val(1)); },
      "max_val must be greater than min_val"));
}

TEST(NnModules, LossGradients) {
  Tensor target = spread({3, 4}, 0.1, 0.9).detach();
  Tensor sign = tensor({1.0, -1.0, 1.0}, kDouble);
  EXPECT_TRUE(checks(
      [&](const variable_list &x) {
        return nn::KLDivLoss(nn::KLDivLossOptions(kBatchMean))(x[0], target);
      },
      {spread({3, 4})}));
  EXPECT_TRUE(checks(
      [&](const variable_list &x) {
        return nn::SmoothL1Loss(nn::SmoothL1LossOptions().beta(0.3))(x[0],
                                                                     target);
      },
      {spread({3, 4})}));
  EXPECT_TRUE(checks(
      [&](const variable_list &x) {
        return nn::HuberLoss(nn::HuberLossOptions(kSum).delta(0.4))(x[0],
                                                                    target);
      },
      {spread({3, 4})}));
  EXPECT_TRUE(checks(
      [&](const variable_list &x) {
        return nn::SoftMarginLoss()(x[0], sign.reshape({3, 1}).expand({3, 4}));
      },
      {spread({3, 4})}));
  EXPECT_TRUE(checks(
      [&](const variable_list &x) {
        return nn::HingeEmbeddingLoss(nn::HingeEmbeddingLossOptions().margin(
            3))(x[0], sign.reshape({3, 1}).expand({3, 4}));
      },
      {spread({3, 4})}));
  EXPECT_TRUE(checks(
      [&](const variable_list &x) {
        return nn::PoissonNLLLoss(nn::PoissonNLLLossOptions().full(true))(
            x[0], target * 3);
      },
      {spread({3, 4})}));
  EXPECT_TRUE(checks(
      [&](const variable_list &x) {
        return nn::MarginRankingLoss(
            nn::MarginRankingLossOptions().margin(0.2))(x[0], x[1], sign);
      },
      {spread({3}), spread({3}, -1.1, 1.3)}));
  EXPECT_TRUE(checks(
      [&](const variable_list &x) {
        return nn::CosineEmbeddingLoss(
            nn::CosineEmbeddingLossOptions().margin(-0.5))(x[0], x[1], sign);
      },
      {spread({3, 4}), spread({3, 4}, -0.7, 2.9)}));
}

TEST(NnModules, DistanceGradients) {
  EXPECT_TRUE(checks(
      [](const variable_list &x) {
        return nn::CosineSimilarity(nn::CosineSimilarityOptions().dim(0))(x[0],
                                                                          x[1]);
      },
      {spread({3, 4}), spread({3, 4}, -0.7, 2.9)}));
  EXPECT_TRUE(checks(
      [](const variable_list &x) {
        return nn::PairwiseDistance(nn::PairwiseDistanceOptions().p(3))(x[0],
                                                                        x[1]);
      },
      {spread({3, 4}), spread({3, 4}, -0.7, 2.9)}));
}

TEST(NnModules, LayerNorm) {
  nn::LayerNorm ln(nn::LayerNormOptions({3}).eps(1e-4));
  EXPECT_EQ(ln->named_parameters().keys(),
            (std::vector<std::string>{"weight", "bias"}));
  EXPECT_TRUE(ln->weight.equal(ones({3})));
  EXPECT_TRUE(ln->bias.equal(zeros({3})));
  ln->to(kDouble);
  {
    NoGradGuard noGrad;
    ln->weight.copy_(tensor({0.5, 1.5, -2.0}, kDouble));
    ln->bias.copy_(tensor({0.1, 0.2, 0.3}, kDouble));
  }
  EXPECT_TRUE(checks([&](const variable_list &x) { return ln(x[0]); },
                     {spread({2, 3})}));
  EXPECT_TRUE(checks(
      [](const variable_list &x) {
        return F::layer_norm(
            x[0], F::LayerNormFuncOptions({3}).weight(x[1]).bias(x[2]));
      },
      {spread({2, 3}), spread({3}), spread({3})}));
  nn::LayerNorm plain(nn::LayerNormOptions({2, 2}).elementwise_affine(false));
  EXPECT_TRUE(plain->parameters().empty());
  EXPECT_FALSE(plain->weight.defined());
  Tensor y = plain(tensor({1.0, 2.0, 3.0, 4.0}).reshape({1, 2, 2}));
  EXPECT_NEAR(y.mean().item<double>(), 0, 1e-6);
  EXPECT_EQ(repr(nn::LayerNorm(nn::LayerNormOptions({10}))),
            "LayerNorm((10,), eps=1e-05, elementwise_affine=True)");
}

TEST(NnModules, BatchNorm1dTrainingUpdatesRunningStatistics) {
  nn::BatchNorm1d bn(nn::BatchNorm1dOptions(2).momentum(0.5));
  EXPECT_EQ(bn->named_buffers().keys(),
            (std::vector<std::string>{"running_mean", "running_var",
                                      "num_batches_tracked"}));
  EXPECT_EQ(bn->num_batches_tracked.scalar_type(), kLong);
  Tensor x = tensor({1.0f, 10.0f, 3.0f, 20.0f, 5.0f, 30.0f}).reshape({3, 2});
  Tensor y = bn(x);
  // Batch statistics: mean (3, 20), biased variance (8/3, 200/3).
  EXPECT_TRUE(y.allclose((x - tensor({3.0f, 20.0f})) /
                             (tensor({8.0f / 3, 200.0f / 3}) + 1e-5f).sqrt(),
                         1e-4, 1e-5));
  // Running statistics move halfway, with the unbiased variance.
  EXPECT_TRUE(bn->running_mean.allclose(tensor({1.5f, 10.0f})));
  EXPECT_TRUE(bn->running_var.allclose(tensor({0.5f + 2.0f, 0.5f + 50.0f})));
  EXPECT_EQ(bn->num_batches_tracked.item<int64_t>(), 1);
  bn->eval();
  Tensor z = bn(x);
  EXPECT_EQ(bn->num_batches_tracked.item<int64_t>(), 1);
  EXPECT_TRUE(z.allclose(
      (x - bn->running_mean) / (bn->running_var + 1e-5).sqrt(), 1e-4, 1e-5));
  // A clone carries the statistics.
  auto copy = std::dynamic_pointer_cast<nn::BatchNorm1dImpl>(bn->clone());
  EXPECT_TRUE(copy->running_var.equal(bn->running_var));
  EXPECT_FALSE(copy->running_var.is_same(bn->running_var));
  EXPECT_TRUE(throwsWithText([&] { bn(ones({2})); },
                             "expected 2D or 3D input (got 1D input)"));
  EXPECT_EQ(repr(nn::BatchNorm1d(5)),
            "BatchNorm1d(5, eps=1e-05, momentum=0.1, affine=True, "
            "track_running_stats=True)");
}

TEST(NnModules, BatchNorm1dCumulativeAverageAndStateless) {
  nn::BatchNorm1d bn(nn::BatchNorm1dOptions(1).momentum(std::nullopt));
  bn(tensor({1.0f, 3.0f}).reshape({2, 1}));
  bn(tensor({5.0f, 7.0f}).reshape({2, 1}));
  // The mean of the batch means (2 and 6) and of the variances (2 and 2).
  EXPECT_TRUE(bn->running_mean.allclose(tensor({4.0f})));
  EXPECT_TRUE(bn->running_var.allclose(tensor({2.0f})));
  EXPECT_EQ(repr(bn), "BatchNorm1d(1, eps=1e-05, momentum=None, affine=True, "
                      "track_running_stats=True)");

  nn::BatchNorm1d stateless(
      nn::BatchNorm1dOptions(2).track_running_stats(false).affine(false));
  stateless->eval();
  Tensor x = tensor({1.0f, 2.0f, 3.0f, 6.0f}).reshape({2, 2});
  // Without running statistics evaluation normalizes with the batch's.
  EXPECT_TRUE(stateless(x).allclose(
      tensor({-1.0f, -1.0f, 1.0f, 1.0f}).reshape({2, 2}), 1e-3, 1e-4));
  EXPECT_TRUE(stateless->buffers().empty());

  nn::BatchNorm1d grads(3);
  grads->to(kDouble);
  EXPECT_TRUE(checks([&](const variable_list &v) { return grads(v[0]); },
                     {spread({4, 3, 2})}));
}

TEST(NnModules, CrossEntropyLossForwardsAllOptions) {
  Tensor input = tensor({1.0f, 2.0f, 0.5f, -1.0f, 0.3f, 0.2f, 2.0f, 1.0f, 0.0f})
                     .reshape({3, 3});
  Tensor target = tensor({0, 2, -1}, kLong);
  Tensor weight = tensor({0.2f, 1.0f, 3.0f});
  auto options = nn::CrossEntropyLossOptions()
                     .weight(weight)
                     .ignore_index(-1)
                     .label_smoothing(0.1);
  nn::CrossEntropyLoss loss(options);
  EXPECT_EQ(loss->named_buffers().keys(), (std::vector<std::string>{"weight"}));
  EXPECT_TRUE(
      loss(input, target).allclose(F::cross_entropy(input, target, options)));
  EXPECT_FALSE(
      loss(input, target)
          .allclose(F::cross_entropy(
              input, target, nn::CrossEntropyLossOptions().ignore_index(-1))));
}

TEST(NnModules, DropoutInPlace) {
  manual_seed(3);
  nn::Dropout dropout(nn::DropoutOptions(0.5).inplace(true));
  Tensor x = ones({50});
  Tensor y = dropout(x);
  EXPECT_TRUE(y.is_same(x));
  EXPECT_LT(x.sum().item<float>(), 50);
}

TEST(NnModules, Reprs) {
  nn::Sequential seq(
      nn::ELU(), nn::SELU(nn::SELUOptions(true)), nn::CELU(), nn::GLU(),
      nn::Hardtanh(), nn::ReLU6(), nn::Softplus(), nn::Softshrink(),
      nn::Hardshrink(0.25), nn::Threshold(0.1, 20), nn::Softmin(1), nn::PReLU(),
      nn::LogSigmoid(), nn::SiLU(), nn::Mish(), nn::Softsign(),
      nn::Tanhshrink(), nn::Unflatten(1, std::vector<int64_t>{2, 5}));
  EXPECT_EQ(repr(seq), "Sequential(\n"
                       "  (0): ELU(alpha=1.0)\n"
                       "  (1): SELU(inplace=True)\n"
                       "  (2): CELU(alpha=1.0)\n"
                       "  (3): GLU(dim=-1)\n"
                       "  (4): Hardtanh(min_val=-1.0, max_val=1.0)\n"
                       "  (5): ReLU6()\n"
                       "  (6): Softplus(beta=1.0, threshold=20.0)\n"
                       "  (7): Softshrink(0.5)\n"
                       "  (8): Hardshrink(0.25)\n"
                       "  (9): Threshold(threshold=0.1, value=20.0)\n"
                       "  (10): Softmin(dim=1)\n"
                       "  (11): PReLU(num_parameters=1)\n"
                       "  (12): LogSigmoid()\n"
                       "  (13): SiLU()\n"
                       "  (14): Mish()\n"
                       "  (15): Softsign()\n"
                       "  (16): Tanhshrink()\n"
                       "  (17): Unflatten(dim=1, unflattened_size=(2, 5))\n"
                       ")");
  EXPECT_EQ(repr(nn::KLDivLoss()), "KLDivLoss()");
  EXPECT_EQ(repr(nn::CosineSimilarity()), "CosineSimilarity()");
}

TEST(NnModules, UnflattenShapes) {
  nn::Unflatten u(nn::UnflattenOptions(-1, {2, -1}));
  EXPECT_EQ(u(zeros({3, 8})).sizes(), (std::vector<int64_t>{3, 2, 4}));
  EXPECT_TRUE(throwsWithText(
      [] {
        nn::Unflatten(0, std::vector<int64_t>{3, 3})(zeros({8}));
      },
      "don't multiply up to the size of dim 0 (8)"));
}

TEST(NnModules, ModulesClone) {
  nn::PReLU p(nn::PReLUOptions().num_parameters(2));
  auto copy = std::dynamic_pointer_cast<nn::PReLUImpl>(p->clone());
  EXPECT_TRUE(copy->weight.equal(p->weight));
  EXPECT_FALSE(copy->weight.is_same(p->weight));
  auto h = std::dynamic_pointer_cast<nn::HardtanhImpl>(
      nn::Hardtanh(nn::HardtanhOptions().max_val(3))->clone());
  EXPECT_EQ(h->options.max_val(), 3);
}

TEST(NnInit, OrthogonalSparseDirac) {
  manual_seed(0);
  Tensor w = empty({3, 2, 2, 2});
  nn::init::orthogonal_(w, 2.0);
  Tensor flat = w.view({3, 8});
  EXPECT_TRUE(flat.mm(flat.t()).allclose(eye(3) * 4, 1e-4, 1e-5));
  Tensor tall = empty({6, 3}, requires_grad());
  nn::init::orthogonal_(tall);
  EXPECT_TRUE(tall.detach().t().mm(tall.detach()).allclose(eye(3), 1e-4, 1e-5));

  Tensor s = empty({10, 4});
  nn::init::sparse_(s, 0.3);
  for (int64_t c = 0; c < 4; ++c)
    EXPECT_EQ((s.select(1, c) == 0).sum().item<int64_t>(), 3);

  Tensor d = empty({4, 2, 3});
  nn::init::dirac_(d);
  EXPECT_EQ(d.sum().item<float>(), 2);
  EXPECT_EQ(d[0][0][1].item<float>(), 1);
  EXPECT_EQ(d[1][1][1].item<float>(), 1);
  EXPECT_TRUE(throwsWithText(
      [] {
        nn::init::dirac_(empty({2, 2}));
      },
      "Only tensors with 3, 4, or 5 dimensions"));
}

TEST(NnOrderedDict, UpdateRefusesExistingKeys) {
  OrderedDict<std::string, int> a = {{"a", 1}}, b = {{"a", 2}, {"b", 3}};
  EXPECT_TRUE(throwsWithText([&] { a.update(b); }, "Key 'a' already defined"));
}
