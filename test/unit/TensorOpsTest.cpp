//===- TensorOpsTest.cpp - Values of the eager tensor ops -----------------===//
//
// Part of the kiln project. Factories, elementwise math, type promotion,
// reductions, linear algebra, in-place ops and concatenation, checked
// against values PyTorch computes.
//
//===----------------------------------------------------------------------===//
#include "TestUtil.h"

#include <cmath>

using namespace kiln;
using kiln::test::isTensor;
using kiln::test::values;

// --- Factories
// ----------------------------------------------------------------

TEST(Factories, TensorFromNestedLists) {
  Tensor a = tensor({{1., 2.}, {3., 4.}});
  EXPECT_EQ(a.dtype(), kFloat);
  EXPECT_TRUE(isTensor(a, {2, 2}, {1, 2, 3, 4}));
  Tensor i = tensor({1, 2, 3});
  EXPECT_EQ(i.dtype(), kLong);
  EXPECT_TRUE(isTensor(i, {3}, {1, 2, 3}));
  Tensor b = tensor({true, false});
  EXPECT_EQ(b.dtype(), kBool);
  EXPECT_TRUE(isTensor(b, {2}, {1, 0}));
  Tensor s = tensor(3.5);
  EXPECT_EQ(s.dim(), 0);
  EXPECT_EQ(s.item<float>(), 3.5f);
  Tensor d = tensor({1, 2}, kDouble);
  EXPECT_EQ(d.dtype(), kDouble);
  Tensor v = tensor(std::vector<double>{0.5, 1.5});
  EXPECT_TRUE(isTensor(v, {2}, {0.5, 1.5}));
  Tensor r = tensor({{1., 2.}}, requires_grad());
  EXPECT_TRUE(r.requires_grad());
  Tensor big = tensor({int64_t(1) << 40});
  EXPECT_EQ(big.item<int64_t>(), int64_t(1) << 40);
}

TEST(Factories, FromBlobSharesMemory) {
  float data[6] = {1, 2, 3, 4, 5, 6};
  Tensor t = from_blob(data, {2, 3});
  EXPECT_EQ(t.data_ptr<float>(), data);
  EXPECT_TRUE(isTensor(t, {2, 3}, {1, 2, 3, 4, 5, 6}));
  t.mul_(2);
  EXPECT_EQ(data[5], 12.f);
  data[0] = -1;
  EXPECT_EQ(t[0][0].item<float>(), -1.f);
  // Strided: the columns of the 2x3 buffer as rows.
  Tensor c = from_blob(data, {3, 2}, {1, 3});
  EXPECT_TRUE(isTensor(c, {3, 2}, {-1, 8, 4, 10, 6, 12}));
  double dd[2] = {1.5, 2.5};
  EXPECT_EQ(from_blob(dd, {2}, kDouble).sum().item<double>(), 4.0);
}

TEST(Factories, FillsAndRanges) {
  EXPECT_TRUE(isTensor(zeros({2, 2}), {2, 2}, {0, 0, 0, 0}));
  EXPECT_TRUE(isTensor(ones({3}), {3}, {1, 1, 1}));
  EXPECT_EQ(ones({2}).dtype(), kFloat);
  EXPECT_EQ(zeros({2}, kLong).dtype(), kLong);
  Tensor f = full({2, 3}, 7.5);
  EXPECT_EQ(f.dtype(), kFloat);
  EXPECT_TRUE(isTensor(f, {2, 3}, {7.5, 7.5, 7.5, 7.5, 7.5, 7.5}));
  EXPECT_EQ(full({1}, 3).dtype(), kLong);
  EXPECT_EQ(full({1}, true).dtype(), kBool);

  Tensor r = arange(5);
  EXPECT_EQ(r.dtype(), kLong);
  EXPECT_TRUE(isTensor(r, {5}, {0, 1, 2, 3, 4}));
  EXPECT_TRUE(isTensor(arange(1, 4), {3}, {1, 2, 3}));
  Tensor rf = arange(0, 1, 0.25);
  EXPECT_EQ(rf.dtype(), kFloat);
  EXPECT_TRUE(isTensor(rf, {4}, {0, 0.25, 0.5, 0.75}));
  EXPECT_TRUE(isTensor(arange(5, 0, -2), {3}, {5, 3, 1}));
  EXPECT_TRUE(isTensor(arange(3, kDouble), {3}, {0, 1, 2}));
  EXPECT_EQ(arange(3, kDouble).dtype(), kDouble);

  EXPECT_TRUE(isTensor(linspace(0, 1, 5), {5}, {0, 0.25, 0.5, 0.75, 1}));
  EXPECT_TRUE(isTensor(linspace(-1, 1, 1), {1}, {-1}));
  EXPECT_EQ(linspace(0, 1, 0).numel(), 0);
  EXPECT_TRUE(isTensor(eye(3), {3, 3}, {1, 0, 0, 0, 1, 0, 0, 0, 1}));
  EXPECT_EQ(eye(2, kLong).dtype(), kLong);

  Tensor like = zeros_like(tensor({{1, 2}}));
  EXPECT_EQ(like.dtype(), kLong);
  EXPECT_TRUE(isTensor(like, {1, 2}, {0, 0}));
  EXPECT_TRUE(isTensor(ones_like(f, kDouble), {2, 3}, {1, 1, 1, 1, 1, 1}));
  EXPECT_EQ(ones_like(f, kDouble).dtype(), kDouble);
  EXPECT_TRUE(isTensor(full_like(f, 2), {2, 3}, {2, 2, 2, 2, 2, 2}));
  EXPECT_EQ(full_like(f, 2).dtype(), kFloat);
  EXPECT_EQ(empty({4, 0}).numel(), 0);
  EXPECT_EQ(empty_like(f).sizes(), f.sizes());
}

TEST(Factories, RandomDeterminism) {
  manual_seed(42);
  Tensor a = randn({3, 4});
  Tensor u = rand({5});
  manual_seed(42);
  Tensor b = randn({3, 4});
  Tensor v = rand({5});
  EXPECT_TRUE(a.equal(b));
  EXPECT_TRUE(u.equal(v));
  EXPECT_FALSE(a.equal(randn({3, 4})));
  for (double x : values(u)) {
    EXPECT_GE(x, 0);
    EXPECT_LT(x, 1);
  }
  manual_seed(1);
  Tensor big = randn({4000}, kDouble);
  EXPECT_EQ(big.dtype(), kDouble);
  EXPECT_NEAR(big.mean().item<double>(), 0, 0.1);
  EXPECT_NEAR(big.pow(2).mean().item<double>(), 1, 0.1);
  Tensor ri = randint(-2, 3, {200});
  EXPECT_EQ(ri.dtype(), kLong);
  EXPECT_GE(ri.min().item<int64_t>(), -2);
  EXPECT_LE(ri.max().item<int64_t>(), 2);
  Tensor w = empty({100});
  w.uniform_(5, 6);
  EXPECT_GE(w.min().item<float>(), 5.f);
  EXPECT_LT(w.max().item<float>(), 6.f);
  w.normal_(10, 0.01);
  EXPECT_NEAR(w.mean().item<float>(), 10.f, 0.01);
  EXPECT_EQ(randn_like(w).sizes(), w.sizes());
  EXPECT_EQ(rand_like(w, kDouble).dtype(), kDouble);
}

// --- Elementwise
// --------------------------------------------------------------

TEST(Elementwise, Arithmetic) {
  Tensor a = tensor({1., 2., 3.}), b = tensor({4., 5., 6.});
  EXPECT_TRUE(isTensor(a + b, {3}, {5, 7, 9}));
  EXPECT_TRUE(isTensor(a - b, {3}, {-3, -3, -3}));
  EXPECT_TRUE(isTensor(a * b, {3}, {4, 10, 18}));
  EXPECT_TRUE(isTensor(b / a, {3}, {4, 2.5, 2}));
  EXPECT_TRUE(isTensor(a + 1, {3}, {2, 3, 4}));
  EXPECT_TRUE(isTensor(1 - a, {3}, {0, -1, -2}));
  EXPECT_TRUE(isTensor(2 * a, {3}, {2, 4, 6}));
  EXPECT_TRUE(isTensor(6 / a, {3}, {6, 3, 2}));
  EXPECT_TRUE(isTensor(-a, {3}, {-1, -2, -3}));
  EXPECT_TRUE(isTensor(a.add(b, 2), {3}, {9, 12, 15}));
  EXPECT_TRUE(isTensor(a.sub(b, 0.5), {3}, {-1, -0.5, 0}));
  EXPECT_TRUE(isTensor(add(a, b), {3}, {5, 7, 9}));
  EXPECT_TRUE(isTensor(sub(a, b), {3}, {-3, -3, -3}));
  EXPECT_TRUE(isTensor(mul(a, b), {3}, {4, 10, 18}));
  EXPECT_TRUE(isTensor(div(b, a), {3}, {4, 2.5, 2}));
  EXPECT_TRUE(isTensor(a.pow(2), {3}, {1, 4, 9}));
  EXPECT_TRUE(isTensor(a.square(), {3}, {1, 4, 9}));
  EXPECT_TRUE(isTensor(pow(a, b), {3}, {1, 32, 729}));
  EXPECT_TRUE(isTensor(a.pow(0.5), {3}, {1, std::sqrt(2.), std::sqrt(3.)}));
  EXPECT_TRUE(isTensor(a.reciprocal(), {3}, {1, 0.5, 1. / 3}));
  EXPECT_TRUE(isTensor(tensor({4., 16.}).rsqrt(), {2}, {0.5, 0.25}));
}

TEST(Elementwise, Broadcasting) {
  Tensor col = tensor({{1.}, {2.}});    // [2,1]
  Tensor row = tensor({10., 20., 30.}); // [3]
  EXPECT_TRUE(isTensor(col + row, {2, 3}, {11, 21, 31, 12, 22, 32}));
  EXPECT_TRUE(isTensor(row * col, {2, 3}, {10, 20, 30, 20, 40, 60}));
  Tensor a = ones({2, 1, 3}), b = arange(4.).reshape({4, 1});
  Tensor c = a + b;
  EXPECT_EQ(c.sizes().vec(), (std::vector<int64_t>{2, 4, 3}));
  EXPECT_TRUE(isTensor(c.sum({0, 2}), {4}, {6, 12, 18, 24}));
  // 0-dim tensors broadcast to anything.
  EXPECT_TRUE(isTensor(row - tensor(1.), {3}, {9, 19, 29}));
}

TEST(Elementwise, UnaryMath) {
  Tensor x = tensor({-1., 0.5, 2.});
  auto expectMap = [&](const Tensor &t, double (*f)(double)) {
    std::vector<double> in = values(x), out = values(t);
    ASSERT_EQ(out.size(), in.size());
    for (size_t i = 0; i < in.size(); ++i)
      EXPECT_NEAR(out[i], f(in[i]), 1e-6) << i;
  };
  expectMap(x.exp(), [](double v) { return std::exp(v); });
  expectMap(exp(x), [](double v) { return std::exp(v); });
  expectMap(x.abs(), [](double v) { return std::fabs(v); });
  expectMap(x.sin(), [](double v) { return std::sin(v); });
  expectMap(x.cos(), [](double v) { return std::cos(v); });
  expectMap(x.tanh(), [](double v) { return std::tanh(v); });
  expectMap(x.sigmoid(), [](double v) { return 1 / (1 + std::exp(-v)); });
  expectMap(x.relu(), [](double v) { return v > 0 ? v : 0; });
  expectMap(x.neg(), [](double v) { return -v; });
  expectMap(x.sign(), [](double v) { return double((0 < v) - (v < 0)); });
  Tensor p = tensor({1., 4., 9.});
  EXPECT_TRUE(isTensor(p.sqrt(), {3}, {1, 2, 3}));
  EXPECT_TRUE(isTensor(sqrt(p), {3}, {1, 2, 3}));
  EXPECT_TRUE(isTensor(p.log(), {3}, {0, std::log(4.), std::log(9.)}));
  EXPECT_TRUE(isTensor(tensor({-1.}).log(), {1}, {NAN}));
  // Floating ops on integer tensors compute in float32.
  Tensor i = tensor({1, 4});
  EXPECT_EQ(i.sqrt().dtype(), kFloat);
  EXPECT_TRUE(isTensor(i.sqrt(), {2}, {1, 2}));
  EXPECT_EQ(i.abs().dtype(), kLong);
  EXPECT_EQ(i.neg().dtype(), kLong);
  EXPECT_EQ(tensor({-3, 2}).relu().dtype(), kLong);
  EXPECT_TRUE(isTensor(tensor({-3, 2}).relu(), {2}, {0, 2}));
}

TEST(Elementwise, ClampMaximumMinimum) {
  Tensor x = tensor({-2., -0.5, 0.5, 2.});
  EXPECT_TRUE(isTensor(x.clamp(-1, 1), {4}, {-1, -0.5, 0.5, 1}));
  EXPECT_TRUE(isTensor(x.clamp(0), {4}, {0, 0, 0.5, 2}));
  EXPECT_TRUE(isTensor(x.clamp_min(0), {4}, {0, 0, 0.5, 2}));
  EXPECT_TRUE(isTensor(x.clamp_max(0), {4}, {-2, -0.5, 0, 0}));
  EXPECT_TRUE(isTensor(clamp(x, std::nullopt, 0.), {4}, {-2, -0.5, 0, 0}));
  EXPECT_TRUE(isTensor(clamp_min(x, 1), {4}, {1, 1, 1, 2}));
  Tensor y = tensor({0., 0., 0., 0.});
  EXPECT_TRUE(isTensor(x.maximum(y), {4}, {0, 0, 0.5, 2}));
  EXPECT_TRUE(isTensor(minimum(x, y), {4}, {-2, -0.5, 0, 0}));
  EXPECT_TRUE(isTensor(maximum(x, tensor(1.)), {4}, {1, 1, 1, 2}));
}

TEST(Elementwise, Comparisons) {
  Tensor a = tensor({1., 2., 3.}), b = tensor({3., 2., 1.});
  Tensor lt = a < b;
  EXPECT_EQ(lt.dtype(), kBool);
  EXPECT_TRUE(isTensor(lt, {3}, {1, 0, 0}));
  EXPECT_TRUE(isTensor(a <= b, {3}, {1, 1, 0}));
  EXPECT_TRUE(isTensor(a > b, {3}, {0, 0, 1}));
  EXPECT_TRUE(isTensor(a >= b, {3}, {0, 1, 1}));
  EXPECT_TRUE(isTensor(a == b, {3}, {0, 1, 0}));
  EXPECT_TRUE(isTensor(a != b, {3}, {1, 0, 1}));
  EXPECT_TRUE(isTensor(a > 1.5, {3}, {0, 1, 1}));
  EXPECT_TRUE(isTensor(a == 2, {3}, {0, 1, 0}));
  // Integer tensor against a float scalar compares in float.
  EXPECT_TRUE(isTensor(tensor({1, 2, 3}) < 2.5, {3}, {1, 1, 0}));
  Tensor m = a > 1.5, n = a < 2.5;
  EXPECT_TRUE(isTensor(m & n, {3}, {0, 1, 0}));
  EXPECT_TRUE(isTensor(m | n, {3}, {1, 1, 1}));
  EXPECT_TRUE(isTensor(~m, {3}, {1, 0, 0}));
  EXPECT_TRUE(isTensor(tensor({0., 2.}).logical_not(), {2}, {1, 0}));
  EXPECT_TRUE(a.equal(tensor({1., 2., 3.})));
  EXPECT_FALSE(a.equal(tensor({1., 2.})));
  EXPECT_TRUE(equal(a, a.clone()));
  EXPECT_TRUE(a.allclose(a + 1e-7));
  EXPECT_FALSE(a.allclose(a + 1e-3));
  EXPECT_TRUE(allclose(a, a + 1e-3, 1e-2));
  Tensor nan = tensor({NAN, 1.});
  EXPECT_FALSE(nan.allclose(nan));
  EXPECT_TRUE(nan.allclose(nan, 1e-5, 1e-8, /*equal_nan=*/true));
  Tensor inf = tensor({INFINITY});
  EXPECT_TRUE(inf.allclose(inf));
}

TEST(Elementwise, TypePromotion) {
  Tensor i = tensor({1, 2, 3});
  Tensor f = tensor({0.5f, 1.f, 1.5f});
  Tensor d = tensor({1., 2., 3.}, kDouble);
  // int tensor + Python float -> default float dtype.
  Tensor r1 = i + 2.5;
  EXPECT_EQ(r1.dtype(), kFloat);
  EXPECT_TRUE(isTensor(r1, {3}, {3.5, 4.5, 5.5}));
  // float tensor + int -> float.
  EXPECT_EQ((f + 2).dtype(), kFloat);
  EXPECT_EQ((f + i).dtype(), kFloat);
  EXPECT_TRUE(isTensor(f + i, {3}, {1.5, 3, 4.5}));
  // int / int -> float (true division).
  Tensor q = i / tensor({2, 2, 2});
  EXPECT_EQ(q.dtype(), kFloat);
  EXPECT_TRUE(isTensor(q, {3}, {0.5, 1, 1.5}));
  EXPECT_EQ((i / 2).dtype(), kFloat);
  EXPECT_EQ((i * 2).dtype(), kLong);
  EXPECT_TRUE(isTensor(i * 2, {3}, {2, 4, 6}));
  // float32 + float64 tensors -> float64; a 0-dim double does not raise a
  // dimensioned float tensor.
  EXPECT_EQ((f + d).dtype(), kDouble);
  EXPECT_EQ((f + tensor(1., kDouble)).dtype(), kFloat);
  // A double tensor keeps its type with Python floats.
  EXPECT_EQ((d * 0.5).dtype(), kDouble);
  // 0-dim int does not make a bool tensor's result int?  It does: the
  // category rises from bool to integer.
  EXPECT_EQ((tensor({true, false}) + tensor(1)).dtype(), kLong);
  EXPECT_EQ((tensor({true}) + tensor({true})).dtype(), kBool);
  EXPECT_EQ(i.pow(2).dtype(), kLong);
  EXPECT_TRUE(isTensor(i.pow(2), {3}, {1, 4, 9}));
  EXPECT_EQ(i.pow(0.5).dtype(), kFloat);
  EXPECT_EQ(where(tensor({true, false, true}), i, f).dtype(), kFloat);
}

TEST(Elementwise, WhereAndMaskedFill) {
  Tensor c = tensor({true, false, true});
  Tensor a = tensor({1., 2., 3.}), b = tensor({-1., -2., -3.});
  EXPECT_TRUE(isTensor(where(c, a, b), {3}, {1, -2, 3}));
  EXPECT_TRUE(isTensor(where(c, a, 0.), {3}, {1, 0, 3}));
  EXPECT_TRUE(isTensor(where(c, 9., b), {3}, {9, -2, 9}));
  // Broadcasting condition [2,1] against [3].
  Tensor c2 = tensor({{true}, {false}});
  EXPECT_TRUE(isTensor(where(c2, a, b), {2, 3}, {1, 2, 3, -1, -2, -3}));
  Tensor m = tensor({{true, false}, {false, true}});
  Tensor x = ones({2, 2});
  EXPECT_TRUE(isTensor(x.masked_fill(m, 5), {2, 2}, {5, 1, 1, 5}));
  EXPECT_TRUE(isTensor(masked_fill(x, m, -1.5), {2, 2}, {-1.5, 1, 1, -1.5}));
  EXPECT_TRUE(isTensor(x, {2, 2}, {1, 1, 1, 1})); // out of place
  // A [2] mask broadcasts over rows.
  EXPECT_TRUE(
      isTensor(x.masked_fill(tensor({false, true}), 0), {2, 2}, {1, 0, 1, 0}));
  EXPECT_TRUE(isTensor(tensor({1, 2}).masked_fill(tensor({true, false}), 7),
                       {2}, {7, 2}));
}

// --- Reductions --------------------------------------------------------------

TEST(Reductions, SumMean) {
  Tensor x = tensor({{1., 2., 3.}, {4., 5., 6.}});
  Tensor s = x.sum();
  EXPECT_EQ(s.dim(), 0);
  EXPECT_EQ(s.item<float>(), 21.f);
  EXPECT_TRUE(isTensor(x.sum(0), {3}, {5, 7, 9}));
  EXPECT_TRUE(isTensor(x.sum(1), {2}, {6, 15}));
  EXPECT_TRUE(isTensor(x.sum(-1, true), {2, 1}, {6, 15}));
  EXPECT_TRUE(isTensor(x.sum({0, 1}), {}, {21}));
  EXPECT_TRUE(isTensor(sum(x, {1}), {2}, {6, 15}));
  EXPECT_TRUE(isTensor(x.mean(), {}, {3.5}));
  EXPECT_TRUE(isTensor(mean(x), {}, {3.5}));
  EXPECT_TRUE(isTensor(x.mean(0), {3}, {2.5, 3.5, 4.5}));
  EXPECT_TRUE(isTensor(x.mean(1, true), {2, 1}, {2, 5}));
  EXPECT_TRUE(isTensor(mean(x, {0}, true), {1, 3}, {2.5, 3.5, 4.5}));
  // Integer and bool sums are int64.
  EXPECT_EQ(tensor({1, 2}).sum().dtype(), kLong);
  Tensor bs = tensor({true, true, false}).sum();
  EXPECT_EQ(bs.dtype(), kLong);
  EXPECT_EQ(bs.item<int64_t>(), 2);
  EXPECT_EQ(tensor({1, 2}).sum(kDouble).dtype(), kDouble);
  EXPECT_NEAR(tensor({1, 2}).mean(kFloat).item<float>(), 1.5f, 0);
  // Sums of non-contiguous views.
  EXPECT_TRUE(isTensor(x.t().sum(1), {3}, {5, 7, 9}));
  EXPECT_TRUE(isTensor(zeros({0, 3}).sum(0), {3}, {0, 0, 0}));
  // Float32 accumulation stays accurate over many elements.
  EXPECT_NEAR(full({100000}, 0.1f).sum().item<float>(), 10000.f, 0.01);
}

TEST(Reductions, MaxMinArgmax) {
  Tensor x = tensor({{1., 5., 3.}, {4., 2., 6.}});
  EXPECT_EQ(x.max().item<float>(), 6.f);
  EXPECT_EQ(max(x).item<float>(), 6.f);
  EXPECT_EQ(x.min().item<float>(), 1.f);
  EXPECT_EQ(min(x).item<float>(), 1.f);
  auto [v, i] = x.max(1);
  EXPECT_TRUE(isTensor(v, {2}, {5, 6}));
  EXPECT_EQ(i.dtype(), kLong);
  EXPECT_TRUE(isTensor(i, {2}, {1, 2}));
  auto [v0, i0] = x.min(0, true);
  EXPECT_TRUE(isTensor(v0, {1, 3}, {1, 2, 3}));
  EXPECT_TRUE(isTensor(i0, {1, 3}, {0, 1, 0}));
  EXPECT_EQ(x.argmax().item<int64_t>(), 5);
  EXPECT_EQ(x.argmin().item<int64_t>(), 0);
  EXPECT_TRUE(isTensor(x.argmax(0), {3}, {1, 0, 1}));
  EXPECT_TRUE(isTensor(argmax(x, 1, true), {2, 1}, {1, 2}));
  EXPECT_TRUE(isTensor(x.argmin(-1), {2}, {0, 1}));
  // On a transposed view.
  auto [tv, ti] = x.t().max(1);
  EXPECT_TRUE(isTensor(tv, {3}, {4, 5, 6}));
  EXPECT_TRUE(isTensor(ti, {3}, {1, 0, 1}));
  // 0-dim input.
  auto [sv, si] = tensor(3.).max(0);
  EXPECT_EQ(sv.dim(), 0);
  EXPECT_EQ(si.item<int64_t>(), 0);
  EXPECT_EQ(tensor({-INFINITY, -INFINITY}).max().item<float>(), -INFINITY);
  EXPECT_EQ(tensor({3, -7}).min().item<int64_t>(), -7);
}

TEST(Reductions, NormAllAny) {
  Tensor x = tensor({3., -4.});
  EXPECT_FLOAT_EQ(x.norm().item<float>(), 5.f);
  EXPECT_FLOAT_EQ(norm(x).item<float>(), 5.f);
  EXPECT_FLOAT_EQ(x.norm(1).item<float>(), 7.f);
  EXPECT_NEAR(x.norm(3).item<float>(), std::cbrt(27. + 64.), 1e-5);
  Tensor m = tensor({{3., 4.}, {6., 8.}});
  EXPECT_TRUE(isTensor(m.norm(2, {1}), {2}, {5, 10}));
  EXPECT_TRUE(isTensor(m.norm(2, {1}, true), {2, 1}, {5, 10}));
  EXPECT_TRUE(tensor({true, true}).all().item<bool>());
  EXPECT_FALSE(tensor({1., 0.}).all().item<bool>());
  EXPECT_TRUE(tensor({0., 2.}).any().item<bool>());
  EXPECT_FALSE(tensor({0, 0}).any().item<bool>());
  EXPECT_EQ(tensor({true}).all().dtype(), kBool);
  EXPECT_TRUE(zeros({0}).all().item<bool>());
  EXPECT_FALSE(zeros({0}).any().item<bool>());
}

// --- Linear algebra
// -------------------------------------------------------------

TEST(Linalg, MmAndTransposedOperands) {
  Tensor a = tensor({{1., 2., 3.}, {4., 5., 6.}});
  Tensor b = tensor({{1., 0.}, {0., 1.}, {1., 1.}});
  EXPECT_TRUE(isTensor(a.mm(b), {2, 2}, {4, 5, 10, 11}));
  EXPECT_TRUE(isTensor(mm(a, b), {2, 2}, {4, 5, 10, 11}));
  // a @ a^T with the transposed view.
  EXPECT_TRUE(isTensor(a.mm(a.t()), {2, 2}, {14, 32, 32, 77}));
  EXPECT_TRUE(
      isTensor(a.t().mm(a), {3, 3}, {17, 22, 27, 22, 29, 36, 27, 36, 45}));
  // Sliced operand with a row stride larger than its width.
  Tensor big = arange(12.).reshape({3, 4});
  Tensor sub = big.slice(1, 1, 3); // [[1,2],[5,6],[9,10]]
  EXPECT_TRUE(isTensor(sub.t().mm(sub), {2, 2}, {107, 122, 122, 140}));
  // Every-other-column view, strided in both dimensions.
  Tensor even = big.slice(1, 0, 4, 2).slice(0, 0, 3, 2); // [[0,2],[8,10]]
  EXPECT_TRUE(isTensor(even.mm(even), {2, 2}, {16, 20, 80, 116}));
  // Integer matrices.
  Tensor ia = tensor({{1, 2}, {3, 4}});
  EXPECT_EQ(ia.mm(ia).dtype(), kLong);
  EXPECT_TRUE(isTensor(ia.mm(ia), {2, 2}, {7, 10, 15, 22}));
  EXPECT_TRUE(
      isTensor(a.to(kDouble).mm(b.to(kDouble)), {2, 2}, {4, 5, 10, 11}));
}

TEST(Linalg, MatmulBroadcastingCases) {
  Tensor v = tensor({1., 2., 3.});
  Tensor m = tensor({{1., 0., 1.}, {0., 1., 0.}}); // [2,3]
  // 1D x 1D -> 0-dim.
  Tensor d = v.matmul(v);
  EXPECT_TRUE(isTensor(d, {}, {14}));
  // 2D x 1D -> [2].
  EXPECT_TRUE(isTensor(m.matmul(v), {2}, {4, 2}));
  // 1D x 2D -> [3].
  EXPECT_TRUE(isTensor(tensor({1., 2.}).matmul(m), {3}, {1, 2, 1}));
  // 2D x 2D.
  EXPECT_TRUE(isTensor(matmul(m, m.t()), {2, 2}, {2, 0, 0, 1}));
  // 3D x 1D -> [2,2].
  Tensor batch = stack({m, m * 2}); // [2,2,3]
  EXPECT_TRUE(isTensor(batch.matmul(v), {2, 2}, {4, 2, 8, 4}));
  // 3D x 2D -> [2,2,2].
  EXPECT_TRUE(
      isTensor(batch.matmul(m.t()), {2, 2, 2}, {2, 0, 0, 1, 4, 0, 0, 2}));
  // 3D x 3D.
  Tensor bt = batch.transpose(1, 2); // [2,3,2]
  EXPECT_TRUE(isTensor(batch.matmul(bt), {2, 2, 2}, {2, 0, 0, 1, 8, 0, 0, 4}));
  // 1D x 3D -> [2,2].
  EXPECT_TRUE(isTensor(v.matmul(bt), {2, 2}, {4, 2, 8, 4}));
  // 2D x 3D broadcasts the matrix over the batch.
  EXPECT_TRUE(isTensor(m.matmul(bt), {2, 2, 2}, {2, 0, 0, 1, 4, 0, 0, 2}));
  // Broadcast batch dims: [2,1,2,3] x [3,3,2] -> [2,3,2,2].
  Tensor a4 = stack({batch.slice(0, 0, 1), batch.slice(0, 1, 2)}); // [2,1,2,3]
  Tensor b3 = stack({bt[0], bt[0], bt[1]});                        // [3,3,2]
  Tensor r = a4.matmul(b3);
  ASSERT_EQ(r.sizes().vec(), (std::vector<int64_t>{2, 3, 2, 2}));
  // r[i][j] = a4[i][0] @ b3[j].
  for (int64_t i = 0; i < 2; ++i)
    for (int64_t j = 0; j < 3; ++j)
      EXPECT_TRUE(r[i][j].equal(a4[i][0].mm(b3[j]))) << i << " " << j;
  // 4D x 1D.
  EXPECT_TRUE(isTensor(a4.matmul(v), {2, 1, 2}, {4, 2, 8, 4}));
}

TEST(Linalg, BmmAndDot) {
  Tensor a = arange(8.).reshape({2, 2, 2});
  Tensor e = eye(2).expand({2, 2, 2});
  EXPECT_TRUE(a.bmm(e).equal(a));
  EXPECT_TRUE(bmm(e, a).equal(a));
  EXPECT_TRUE(isTensor(a.bmm(a), {2, 2, 2}, {2, 3, 6, 11, 46, 55, 66, 79}));
  EXPECT_TRUE(isTensor(tensor({1., 2.}).dot(tensor({3., 4.})), {}, {11}));
  EXPECT_TRUE(isTensor(dot(tensor({1, 2}), tensor({3, 4})), {}, {11}));
  // Dot of strided vectors (a column of a matrix).
  Tensor m = tensor({{1., 2.}, {3., 4.}});
  EXPECT_TRUE(isTensor(m.select(1, 0).dot(m.select(1, 1)), {}, {14}));
}

// --- In place and conversions
// -------------------------------------------------------

TEST(InPlace, ArithmeticAndVersion) {
  Tensor x = tensor({1., 2., 3.});
  uint32_t v0 = x._version();
  x.add_(1);
  EXPECT_TRUE(isTensor(x, {3}, {2, 3, 4}));
  x.sub_(tensor({1., 1., 1.}));
  x.mul_(2);
  EXPECT_TRUE(isTensor(x, {3}, {2, 4, 6}));
  x.div_(tensor({2., 4., 3.}));
  EXPECT_TRUE(isTensor(x, {3}, {1, 1, 2}));
  x.add_(tensor({1., 1., 1.}), 2);
  EXPECT_TRUE(isTensor(x, {3}, {3, 3, 4}));
  x.sub_(1, 2);
  EXPECT_TRUE(isTensor(x, {3}, {1, 1, 2}));
  x.pow_(2);
  EXPECT_TRUE(isTensor(x, {3}, {1, 1, 4}));
  x += 1;
  x -= tensor({1., 1., 1.});
  x *= 3;
  x /= 3;
  EXPECT_TRUE(isTensor(x, {3}, {1, 1, 4}));
  EXPECT_GT(x._version(), v0 + 8);
  Tensor y = tensor({-1., 0.5, 2.});
  y.clamp_(0, 1);
  EXPECT_TRUE(isTensor(y, {3}, {0, 0.5, 1}));
  Tensor z = tensor({-1., 2.});
  z.relu_();
  EXPECT_TRUE(isTensor(z, {2}, {0, 2}));
  z.neg_();
  EXPECT_TRUE(isTensor(z, {2}, {0, -2}));
  z.fill_(7);
  EXPECT_TRUE(isTensor(z, {2}, {7, 7}));
  z.zero_();
  EXPECT_TRUE(isTensor(z, {2}, {0, 0}));
  z.masked_fill_(tensor({false, true}), 3);
  EXPECT_TRUE(isTensor(z, {2}, {0, 3}));
  z.copy_(tensor({5, 6})); // with a cast
  EXPECT_TRUE(isTensor(z, {2}, {5, 6}));
  z.copy_(tensor(1.)); // broadcast
  EXPECT_TRUE(isTensor(z, {2}, {1, 1}));
  // Broadcast other into self.
  Tensor m = zeros({2, 3});
  m.add_(tensor({1., 2., 3.}));
  EXPECT_TRUE(isTensor(m, {2, 3}, {1, 2, 3, 1, 2, 3}));
  // Integer tensors in place keep their type.
  Tensor i = tensor({1, 2});
  i.mul_(3);
  EXPECT_EQ(i.dtype(), kLong);
  EXPECT_TRUE(isTensor(i, {2}, {3, 6}));
  i.add_(tensor({true, false}));
  EXPECT_TRUE(isTensor(i, {2}, {4, 6}));
}

TEST(InPlace, ThroughViewsWritesBase) {
  Tensor x = zeros({3, 3});
  x.select(0, 1).fill_(1);
  x.slice(1, 2).add_(5);
  x.t()[0].mul_(0); // zeroes column 0
  EXPECT_TRUE(isTensor(x, {3, 3}, {0, 0, 5, 0, 1, 6, 0, 0, 5}));
  // A non-contiguous self with a non-contiguous other.
  Tensor a = arange(4.).reshape({2, 2});
  a.t().add_(a.t().clone());
  EXPECT_TRUE(isTensor(a, {2, 2}, {0, 2, 4, 6}));
}

TEST(InPlace, IntegerDivisionInPlaceIsRejected) {
  // PyTorch: true division gives float, which can't be cast to Long.
  Tensor i = tensor({4, 6});
  EXPECT_THROW(i.div_(tensor({2, 4})), Error);
  EXPECT_THROW(i.div_(2), Error);
  EXPECT_TRUE(isTensor(i, {2}, {4, 6}));
  EXPECT_THROW(i.add_(0.5), Error);
}

TEST(Conversions, ToItemClone) {
  Tensor f = tensor({1.7, -2.7});
  Tensor l = f.to(kLong);
  EXPECT_EQ(l.dtype(), kLong);
  EXPECT_TRUE(isTensor(l, {2}, {1, -2}));
  EXPECT_EQ(f.to(kDouble).dtype(), kDouble);
  EXPECT_TRUE(isTensor(f.to(kBool), {2}, {1, 1}));
  EXPECT_TRUE(f.to(kFloat).is_same(f));
  EXPECT_FALSE(f.to(kFloat, false, true).is_same(f));
  EXPECT_EQ(f.to(TensorOptions().dtype(kDouble)).dtype(), kDouble);
  EXPECT_EQ(f.toType(kDouble).dtype(), kDouble);
  EXPECT_TRUE(f.to(Device(kCPU)).is_same(f));
  EXPECT_FLOAT_EQ(f[0].item<float>(), 1.7f);
  EXPECT_EQ(f[1].item<int>(), -2);
  Scalar s = tensor(3).item();
  EXPECT_TRUE(s.isIntegral());
  EXPECT_EQ(s.toLong(), 3);
  EXPECT_TRUE(tensor(2.5).item().isFloatingPoint());
  EXPECT_TRUE(tensor(true).item<bool>());
  EXPECT_TRUE(tensor({{4.}}).item<double>() == 4.0);
  Tensor c = f.clone();
  c.add_(1);
  EXPECT_TRUE(isTensor(f, {2}, {1.7, -2.7}));
  Tensor t = f.reshape({2, 1}).expand({2, 3}).contiguous();
  EXPECT_TRUE(t.is_contiguous());
  EXPECT_TRUE(isTensor(t, {2, 3}, {1.7, 1.7, 1.7, -2.7, -2.7, -2.7}));
  EXPECT_TRUE(tensor(1.).is_nonzero());
  EXPECT_FALSE(tensor(0).is_nonzero());
  EXPECT_EQ(f.device().type(), kCPU);
  EXPECT_EQ(f.options().dtype(), kFloat);
  EXPECT_TRUE(f.cpu().is_same(f));
}

TEST(Concat, CatAndStack) {
  Tensor a = tensor({{1., 2.}}), b = tensor({{3., 4.}, {5., 6.}});
  EXPECT_TRUE(isTensor(cat({a, b}), {3, 2}, {1, 2, 3, 4, 5, 6}));
  EXPECT_TRUE(isTensor(cat({b, b.t()}, 1), {2, 4}, {3, 4, 3, 5, 5, 6, 4, 6}));
  EXPECT_TRUE(isTensor(cat({a, a}, -1), {1, 4}, {1, 2, 1, 2}));
  Tensor mixed = cat({tensor({1, 2}), tensor({0.5})});
  EXPECT_EQ(mixed.dtype(), kFloat);
  EXPECT_TRUE(isTensor(mixed, {3}, {1, 2, 0.5}));
  Tensor x = tensor({1., 2.}), y = tensor({3., 4.});
  EXPECT_TRUE(isTensor(stack({x, y}), {2, 2}, {1, 2, 3, 4}));
  EXPECT_TRUE(isTensor(stack({x, y}, 1), {2, 2}, {1, 3, 2, 4}));
  EXPECT_TRUE(isTensor(stack({x, y}, -1), {2, 2}, {1, 3, 2, 4}));
  EXPECT_TRUE(isTensor(stack({tensor(1.), tensor(2.)}), {2}, {1, 2}));
}

TEST(Linalg, AddmmScalesAndBroadcasts) {
  Tensor bias = tensor({1., -1.});
  Tensor a = tensor({{1., 2.}, {3., 4.}}), b = tensor({{1., 0.}, {0., 2.}});
  EXPECT_TRUE(isTensor(addmm(bias, a, b), {2, 2}, {2, 3, 4, 7}));
  EXPECT_TRUE(isTensor(bias.addmm(a, b, /*beta=*/2, /*alpha=*/0.5), {2, 2},
                       {2.5, 0, 3.5, 2}));
  // beta 0 ignores the input, NaNs included.
  Tensor nan = full({2, 2}, std::nan(""), kDouble);
  EXPECT_TRUE(isTensor(nan.addmm(a, b, 0), {2, 2}, {1, 4, 3, 8}));
  EXPECT_THROW(tensor({1., 2., 3.}).addmm(a, b), Error);
  EXPECT_THROW(bias.addmm(tensor({1., 2.}), b), Error);
  // Gradients through the composition.
  Tensor w = tensor({{0.5, -1.}, {2., 1.}}, requires_grad());
  Tensor x = tensor({{1., 2.}}), c = tensor({3., 4.}, requires_grad());
  c.addmm(x, w, 2, 3).sum().backward();
  EXPECT_TRUE(isTensor(c.grad(), {2}, {2, 2}));
  EXPECT_TRUE(isTensor(w.grad(), {2, 2}, {3, 3, 6, 6}));
}
