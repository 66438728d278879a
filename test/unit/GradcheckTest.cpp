//===- GradcheckTest.cpp - Every differentiable op against finite diffs ---===//
//
// Part of the kiln project. Each test compares the backward of one op (with
// broadcasting and non-contiguous inputs where they matter) with central
// finite differences in float64. Inputs stay away from kinks.
//
//===----------------------------------------------------------------------===//
#include "TestUtil.h"

using namespace kiln;
using namespace kiln::indexing;
using autograd::gradcheck;
using autograd::gradcheckReport;

namespace {

/// A float64 leaf with the given values that requires grad.
Tensor leaf(std::vector<double> v, std::vector<int64_t> sizes) {
  Tensor t = tensor(v, kDouble).reshape(sizes).clone();
  t.requires_grad_(true);
  return t;
}

/// A float64 leaf of the given shape with values spread over [lo, hi],
/// deterministic and free of ties.
Tensor spread(std::vector<int64_t> sizes, double lo = -1.5, double hi = 1.7) {
  int64_t n = 1;
  for (int64_t s : sizes)
    n *= s;
  std::vector<double> v(n);
  for (int64_t i = 0; i < n; ++i) {
    // A permutation of a linspace keeps values distinct and unordered.
    int64_t j = (i * 7 + 3) % n;
    v[i] = n == 1 ? lo : lo + (hi - lo) * double(j) / double(n - 1);
    v[i] += 0.013 * double(i % 3); // break symmetries
  }
  return leaf(v, sizes);
}

using Fn = std::function<Tensor(const variable_list &)>;

::testing::AssertionResult checks(Fn fn, variable_list inputs,
                                  double eps = 1e-6, double atol = 1e-5) {
  std::string report = gradcheckReport(
      [&](const variable_list &x) { return variable_list{fn(x)}; }, inputs, eps,
      atol);
  if (report.empty())
    return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << report;
}

} // namespace

TEST(Gradcheck, DetectsAWrongGradient) {
  // A function whose backward lies must be reported.
  struct Wrong : autograd::Function<Wrong> {
    static Tensor forward(autograd::AutogradContext *, Tensor x) {
      return x * 2;
    }
    static variable_list backward(autograd::AutogradContext *,
                                  variable_list g) {
      return {g[0] * 3};
    }
  };
  Tensor x = spread({3});
  EXPECT_FALSE(checks([](auto &v) { return Wrong::apply(v[0]); }, {x}));
  EXPECT_THROW(gradcheck(
                   [](const variable_list &v) {
                     return variable_list{Wrong::apply(v[0])};
                   },
                   {x}),
               Error);
  EXPECT_FALSE(gradcheck(
      [](const variable_list &v) { return variable_list{Wrong::apply(v[0])}; },
      {x}, 1e-6, 1e-5, 1e-3, /*raise_exception=*/false));
  EXPECT_TRUE(gradcheck(
      [](const variable_list &v) { return variable_list{v[0] * 2}; }, {x}));
}

TEST(Gradcheck, AddSubWithBroadcasting) {
  Tensor a = spread({2, 3}), b = spread({3}), c = spread({2, 1});
  EXPECT_TRUE(checks([](auto &v) { return v[0] + v[1]; }, {a, b}));
  EXPECT_TRUE(checks([](auto &v) { return v[0] - v[1]; }, {a, c}));
  EXPECT_TRUE(checks([](auto &v) { return v[1] - v[0]; }, {a, c}));
  EXPECT_TRUE(checks([](auto &v) { return v[0].add(v[1], 2.5); }, {a, b}));
  EXPECT_TRUE(checks([](auto &v) { return v[0].sub(v[1], -0.5); }, {a, b}));
  EXPECT_TRUE(checks([](auto &v) { return v[0] + 3; }, {a}));
  EXPECT_TRUE(checks([](auto &v) { return 3 - v[0]; }, {a}));
  // One input not requiring grad.
  Tensor k = spread({3}).detach();
  EXPECT_TRUE(checks([&](auto &v) { return v[0] - k; }, {a}));
  EXPECT_TRUE(checks([&](auto &v) { return k - v[0]; }, {a}));
}

TEST(Gradcheck, MulDivWithBroadcasting) {
  Tensor a = spread({2, 3}), b = spread({3}, 0.5, 2.0),
         c = spread({2, 1}, 0.6, 1.9);
  EXPECT_TRUE(checks([](auto &v) { return v[0] * v[1]; }, {a, b}));
  EXPECT_TRUE(checks([](auto &v) { return v[0] * v[0]; }, {a}));
  EXPECT_TRUE(checks([](auto &v) { return v[0] / v[1]; }, {a, b}));
  EXPECT_TRUE(checks([](auto &v) { return v[0] / v[1]; }, {a, c}));
  EXPECT_TRUE(checks([](auto &v) { return 2 * v[0] / 4; }, {a}));
  // Only the divisor requires grad (reciprocal and scalar / tensor).
  Tensor k = spread({2, 3}).detach();
  EXPECT_TRUE(checks([&](auto &v) { return k / v[0]; }, {b}));
  EXPECT_TRUE(checks([](auto &v) { return 2.0 / v[0]; }, {b}));
  EXPECT_TRUE(checks([](auto &v) { return v[0].reciprocal(); }, {b}));
  EXPECT_TRUE(checks([&](auto &v) { return k * v[0]; }, {b}));
}

TEST(Gradcheck, Pow) {
  Tensor a = spread({2, 3}, 0.5, 2.0);
  EXPECT_TRUE(checks([](auto &v) { return v[0].pow(2); }, {a}));
  EXPECT_TRUE(checks([](auto &v) { return v[0].pow(3.5); }, {a}));
  EXPECT_TRUE(checks([](auto &v) { return v[0].pow(-1.5); }, {a}));
  EXPECT_TRUE(checks([](auto &v) { return v[0].pow(0); }, {a}));
  EXPECT_TRUE(checks([](auto &v) { return v[0].square(); }, {spread({4})}));
  Tensor e = spread({3}, -1.0, 2.0);
  EXPECT_TRUE(checks([](auto &v) { return v[0].pow(v[1]); }, {a, e}));
  // Only one side requiring grad.
  Tensor ek = e.detach(), ak = a.detach();
  EXPECT_TRUE(checks([&](auto &v) { return v[0].pow(ek); }, {a}));
  EXPECT_TRUE(checks([&](auto &v) { return ak.pow(v[0]); }, {e}));
  EXPECT_TRUE(checks([&](auto &v) { return pow(v[0], v[1]); }, {a, e}));
}

TEST(Gradcheck, UnaryMath) {
  Tensor x = spread({2, 3});
  Tensor p = spread({2, 3}, 0.3, 2.5);
  EXPECT_TRUE(checks([](auto &v) { return -v[0]; }, {x}));
  EXPECT_TRUE(checks([](auto &v) { return v[0].exp(); }, {x}));
  EXPECT_TRUE(checks([](auto &v) { return v[0].log(); }, {p}));
  EXPECT_TRUE(checks([](auto &v) { return v[0].sqrt(); }, {p}));
  EXPECT_TRUE(checks([](auto &v) { return v[0].rsqrt(); }, {p}));
  EXPECT_TRUE(checks([](auto &v) { return v[0].abs(); }, {x}));
  EXPECT_TRUE(checks([](auto &v) { return v[0].sin(); }, {x}));
  EXPECT_TRUE(checks([](auto &v) { return v[0].cos(); }, {x}));
  EXPECT_TRUE(checks([](auto &v) { return v[0].tanh(); }, {x}));
  EXPECT_TRUE(checks([](auto &v) { return v[0].sigmoid(); }, {x}));
  EXPECT_TRUE(checks([](auto &v) { return v[0].relu(); }, {x}));
  EXPECT_TRUE(checks([](auto &v) { return v[0].sign() * v[0]; }, {x}));
  // On a transposed (non-contiguous) input.
  EXPECT_TRUE(checks([](auto &v) { return v[0].t().exp(); }, {x}));
  EXPECT_TRUE(checks([](auto &v) { return v[0].t().relu(); }, {x}));
  EXPECT_TRUE(checks([](auto &v) { return v[0].t().tanh().sum(0); }, {x}));
}

TEST(Gradcheck, ClampMaximumMinimum) {
  Tensor x = spread({2, 4});
  EXPECT_TRUE(checks([](auto &v) { return v[0].clamp(-0.51, 0.77); }, {x}));
  EXPECT_TRUE(checks([](auto &v) { return v[0].clamp_min(0.21); }, {x}));
  EXPECT_TRUE(checks([](auto &v) { return v[0].clamp_max(0.21); }, {x}));
  Tensor y = spread({4}, -0.9, 0.85);
  EXPECT_TRUE(checks([](auto &v) { return v[0].maximum(v[1]); }, {x, y}));
  EXPECT_TRUE(checks([](auto &v) { return minimum(v[0], v[1]); }, {x, y}));
  // Against a constant: only one side requires grad.
  Tensor k = zeros({4}, kDouble).add(0.05);
  EXPECT_TRUE(checks([&](auto &v) { return v[0].maximum(k); }, {x}));
  EXPECT_TRUE(checks([&](auto &v) { return k.minimum(v[0]); }, {x}));
}

TEST(Gradcheck, WhereAndMaskedFill) {
  Tensor a = spread({2, 3}), b = spread({3});
  Tensor c = tensor({{true, false, true}, {false, false, true}});
  EXPECT_TRUE(checks([&](auto &v) { return where(c, v[0], v[1]); }, {a, b}));
  EXPECT_TRUE(checks([&](auto &v) { return where(c, v[0], 0.5); }, {a}));
  EXPECT_TRUE(checks([&](auto &v) { return where(c, 0.5, v[0]); }, {b}));
  EXPECT_TRUE(checks([&](auto &v) { return v[0].masked_fill(c, 2.0); }, {a}));
  // The mask broadcasts over the rows.
  Tensor m = tensor({true, false, false});
  EXPECT_TRUE(checks([&](auto &v) { return v[0].masked_fill(m, -1.0); }, {a}));
  // A 0-dim value tensor gets the sum of the filled positions' gradients.
  Tensor val = leaf({0.7}, {});
  EXPECT_TRUE(
      checks([&](auto &v) { return v[0].masked_fill(c, v[1]); }, {a, val}));
}

TEST(Gradcheck, Reductions) {
  Tensor x = spread({2, 3, 2});
  EXPECT_TRUE(checks([](auto &v) { return v[0].sum(); }, {x}));
  EXPECT_TRUE(checks([](auto &v) { return v[0].sum(1); }, {x}));
  EXPECT_TRUE(checks([](auto &v) { return v[0].sum({0, 2}, true); }, {x}));
  EXPECT_TRUE(checks([](auto &v) { return v[0].mean(); }, {x}));
  EXPECT_TRUE(checks([](auto &v) { return v[0].mean(-1); }, {x}));
  EXPECT_TRUE(checks([](auto &v) { return v[0].mean({0, 1}, true); }, {x}));
  EXPECT_TRUE(checks([](auto &v) { return v[0].max(); }, {x}));
  EXPECT_TRUE(checks([](auto &v) { return v[0].min(); }, {x}));
  EXPECT_TRUE(checks([](auto &v) { return std::get<0>(v[0].max(1)); }, {x}));
  EXPECT_TRUE(
      checks([](auto &v) { return std::get<0>(v[0].max(0, true)); }, {x}));
  EXPECT_TRUE(checks([](auto &v) { return std::get<0>(v[0].min(2)); }, {x}));
  EXPECT_TRUE(checks([](auto &v) { return v[0].norm(); }, {x}));
  EXPECT_TRUE(checks([](auto &v) { return v[0].norm(1); }, {x}));
  EXPECT_TRUE(checks([](auto &v) { return v[0].norm(3); }, {x}));
  EXPECT_TRUE(checks([](auto &v) { return v[0].norm(2, {1}); }, {x}));
  // Reductions of a permuted view.
  EXPECT_TRUE(checks(
      [](auto &v) {
        return v[0].permute({2, 0, 1}).sum(2);
      },
      {x}));
  EXPECT_TRUE(checks(
      [](auto &v) { return std::get<0>(v[0].transpose(0, 2).max(1)); }, {x}));
}

TEST(Gradcheck, MaxWithTiesSharesGradient) {
  // PyTorch's max() gives each tied maximum an equal share.
  Tensor x = leaf({1.0, 3.0, 3.0}, {3});
  x.max().backward();
  EXPECT_TRUE(test::isTensor(x.grad(), {3}, {0, 0.5, 0.5}));
}

TEST(Gradcheck, LinearAlgebra) {
  Tensor a = spread({2, 3}), b = spread({3, 4}), v = spread({3}),
         w = spread({3}, 0.2, 1.1);
  EXPECT_TRUE(checks([](auto &x) { return x[0].mm(x[1]); }, {a, b}));
  EXPECT_TRUE(checks([](auto &x) { return x[1].t().mm(x[0].t()); }, {a, b}));
  EXPECT_TRUE(checks([](auto &x) { return x[0].dot(x[1]); }, {v, w}));
  Tensor p = spread({2, 2, 3}), q = spread({2, 3, 2});
  EXPECT_TRUE(checks([](auto &x) { return x[0].bmm(x[1]); }, {p, q}));
  EXPECT_TRUE(checks(
      [](auto &x) { return x[1].transpose(1, 2).bmm(x[0].transpose(1, 2)); },
      {p, q}));
  // matmul in all its shapes.
  EXPECT_TRUE(checks([](auto &x) { return x[0].matmul(x[1]); }, {v, w}));
  EXPECT_TRUE(checks([](auto &x) { return x[0].matmul(x[1]); }, {a, v}));
  EXPECT_TRUE(checks([](auto &x) { return x[0].matmul(x[1]); }, {v, b}));
  EXPECT_TRUE(checks([](auto &x) { return x[0].matmul(x[1]); }, {p, v}));
  EXPECT_TRUE(checks([](auto &x) { return x[0].matmul(x[1]); }, {p, b}));
  EXPECT_TRUE(checks([](auto &x) { return x[0].matmul(x[1]); }, {p, q}));
  Tensor r = spread({3, 1, 2, 3});
  EXPECT_TRUE(checks([](auto &x) { return x[0].matmul(x[1]); }, {r, q}));
  EXPECT_TRUE(checks([](auto &x) { return x[0].matmul(x[1]); }, {a, q}));
}

TEST(Gradcheck, ViewsAndShapes) {
  Tensor x = spread({2, 3, 2});
  EXPECT_TRUE(checks([](auto &v) { return v[0].reshape({3, 4}) * 2; }, {x}));
  EXPECT_TRUE(checks([](auto &v) { return v[0].view({-1}) * 2; }, {x}));
  EXPECT_TRUE(checks([](auto &v) { return v[0].flatten(1); }, {x}));
  EXPECT_TRUE(checks(
      [](auto &v) {
        return v[0].transpose(0, 2).reshape({6, 2});
      },
      {x}));
  EXPECT_TRUE(checks([](auto &v) { return v[0].permute({1, 2, 0}); }, {x}));
  EXPECT_TRUE(checks([](auto &v) { return v[0].select(1, 1); }, {x}));
  EXPECT_TRUE(checks([](auto &v) { return v[0][1]; }, {x}));
  EXPECT_TRUE(checks([](auto &v) { return v[0].slice(1, 0, 3, 2); }, {x}));
  EXPECT_TRUE(checks([](auto &v) { return v[0].narrow(2, 1, 1); }, {x}));
  EXPECT_TRUE(checks([](auto &v) { return v[0].unsqueeze(1); }, {x}));
  EXPECT_TRUE(
      checks([](auto &v) { return v[0].narrow(1, 0, 1).squeeze(); }, {x}));
  EXPECT_TRUE(
      checks([](auto &v) { return v[0].narrow(1, 0, 1).squeeze(1); }, {x}));
  Tensor m = spread({2, 3});
  EXPECT_TRUE(checks([](auto &v) { return v[0].t(); }, {m}));
  EXPECT_TRUE(checks([](auto &v) { return v[0].t() * v[0].t(); }, {m}));
  Tensor c = spread({2, 1});
  EXPECT_TRUE(checks([](auto &v) { return v[0].expand({3, 2, 4}); }, {c}));
  EXPECT_TRUE(checks([](auto &v) { return v[0].clone() * 3; }, {m}));
  EXPECT_TRUE(checks([](auto &v) { return v[0].contiguous(); }, {m}));
  EXPECT_TRUE(checks([](auto &v) { return v[0].t().contiguous(); }, {m}));
  // Through float32: a coarser step keeps rounding out of the differences.
  EXPECT_TRUE(checks([](auto &v) { return v[0].to(kFloat).to(kDouble); }, {m},
                     1e-2, 1e-4));
  EXPECT_TRUE(
      checks([](auto &v) { return v[0].to(kFloat) * 2; }, {m}, 1e-2, 1e-4));
  // A view used twice accumulates both gradients.
  EXPECT_TRUE(checks(
      [](auto &v) { return v[0][0] * v[0][1] + v[0].select(1, 2).sum(); },
      {m}));
}

TEST(Gradcheck, Indexing) {
  Tensor x = spread({3, 4});
  Tensor mask = tensor({{true, false, true, false},
                        {false, false, true, true},
                        {true, true, false, false}});
  EXPECT_TRUE(checks([&](auto &v) { return v[0].index({mask}); }, {x}));
  EXPECT_TRUE(checks([&](auto &v) { return v[0].index({mask}) * 2; }, {x}));
  EXPECT_TRUE(checks(
      [&](auto &v) {
        return v[0].index({tensor({true, false, true})});
      },
      {x}));
  EXPECT_TRUE(checks(
      [&](auto &v) {
        return v[0].index({Slice(), tensor({false, true, true, false})});
      },
      {x}));
  EXPECT_TRUE(checks([&](auto &v) { return v[0].t().index({mask.t()}); }, {x}));
  EXPECT_TRUE(checks(
      [](auto &v) {
        return v[0].index({Slice(1, None), None, -1});
      },
      {x}));
  EXPECT_TRUE(checks(
      [](auto &v) {
        return v[0].index({Ellipsis, Slice(None, 2)});
      },
      {x}));
}

TEST(Gradcheck, CatAndStack) {
  Tensor a = spread({2, 3}), b = spread({1, 3}), c = spread({2, 2});
  EXPECT_TRUE(checks([](auto &v) { return cat({v[0], v[1]}); }, {a, b}));
  EXPECT_TRUE(checks([](auto &v) { return cat({v[0], v[1]}, 1); }, {a, c}));
  EXPECT_TRUE(checks(
      [](auto &v) {
        return cat({v[0], v[0].t().t()}, -1);
      },
      {a}));
  Tensor d = spread({2, 3});
  EXPECT_TRUE(checks([](auto &v) { return stack({v[0], v[1]}); }, {a, d}));
  EXPECT_TRUE(checks([](auto &v) { return stack({v[0], v[1]}, 2); }, {a, d}));
  // Only some inputs require grad.
  Tensor k = d.detach();
  EXPECT_TRUE(checks([&](auto &v) { return stack({k, v[0]}, 1); }, {a}));
}

TEST(Gradcheck, InPlaceOnNonLeaf) {
  Tensor x = spread({2, 3});
  EXPECT_TRUE(checks(
      [](auto &v) {
        Tensor y = v[0] * 1;
        y.mul_(v[0]);
        y.add_(2);
        y.sub_(v[0], 0.5);
        y.div_(3);
        y.pow_(2);
        return y;
      },
      {x}));
  EXPECT_TRUE(checks(
      [](auto &v) {
        Tensor y = v[0] * 1.5;
        y.clamp_(-0.5, 2.0);
        y.relu_();
        y.neg_();
        return y;
      },
      {x}));
  Tensor mask = tensor({{true, false, true}, {false, true, false}});
  EXPECT_TRUE(checks(
      [&](auto &v) {
        Tensor y = v[0] * 2;
        y.masked_fill_(mask, 0.25);
        return y * v[0];
      },
      {x}));
  EXPECT_TRUE(checks(
      [&](auto &v) {
        Tensor y = v[0] * 2;
        y.index_put_({mask}, 1.5);
        return y;
      },
      {x}));
  Tensor src = spread({3});
  EXPECT_TRUE(checks(
      [](auto &v) {
        Tensor y = zeros({2, 3}, kDouble);
        y.copy_(v[1]);
        return y * v[0];
      },
      {x, src}));
}

TEST(Gradcheck, Composite) {
  // A small MLP-like expression with broadcasting and reductions.
  Tensor xin = spread({4, 3}), w1 = spread({3, 5}), b1 = spread({5}),
         w2 = spread({5, 2}, -0.8, 0.9);
  EXPECT_TRUE(checks(
      [](auto &v) {
        Tensor h = (v[0].mm(v[1]) + v[2]).tanh();
        Tensor o = h.matmul(v[3]).sigmoid();
        return (o - 0.5).pow(2).mean(0);
      },
      {xin, w1, b1, w2}));
}
