//===- LibtorchOpsTest.cpp - lerp, cross, linear_out, clamp bounds --------===//
//
// Part of the kiln project. Values worked out by hand, and libtorch's
// small utilities (irange, OptionalIntArrayRef).
//
//===----------------------------------------------------------------------===//
#include "TestUtil.h"

using namespace kiln;
using kiln::test::isTensor;
using kiln::test::values;

TEST(LibtorchOps, LerpScalarAndTensorWeights) {
  Tensor a = tensor({1., 2., -4.}), b = tensor({3., 10., 4.});
  EXPECT_TRUE(isTensor(lerp(a, b, 0.25), {3}, {1.5, 4., -2.}));
  EXPECT_TRUE(isTensor(lerp(a, b, 0.75), {3}, {2.5, 8., 2.}));
  EXPECT_TRUE(isTensor(a.lerp(b, 1), {3}, {3., 10., 4.}));
  Tensor w = tensor({0., 0.5, 2.});
  EXPECT_TRUE(isTensor(lerp(a, b, w), {3}, {1., 6., 12.}));
  EXPECT_THROW(lerp(a, b.to(kDouble), 0.5), Error);

  // Gradients: d/da = 1 - w, d/db = w.
  Tensor x = tensor({1., 2.}).requires_grad_(), y = tensor({5., 6.});
  Tensor ww = tensor({0.2, 0.9}).requires_grad_();
  lerp(x, y, ww).sum().backward();
  EXPECT_TRUE(isTensor(x.grad(), {2}, {0.8, 0.1}));
  EXPECT_TRUE(isTensor(ww.grad(), {2}, {4., 4.}));

  Tensor c = tensor({0., 10.});
  c.lerp_(tensor({4., 0.}), 0.5);
  EXPECT_TRUE(isTensor(c, {2}, {2., 5.}));
}

TEST(LibtorchOps, CrossProduct) {
  Tensor a = tensor({{1., 0., 0.}, {1., 2., 3.}});
  Tensor b = tensor({{0., 1., 0.}, {4., 5., 6.}});
  EXPECT_TRUE(isTensor(cross(a, b), {2, 3}, {0, 0, 1, -3, 6, -3}));
  EXPECT_TRUE(isTensor(linalg_cross(a, b), {2, 3}, {0, 0, 1, -3, 6, -3}));
  // dim 0 of size 3, by default the first such dimension.
  Tensor at = a.t().contiguous(), bt = b.t().contiguous();
  EXPECT_TRUE(isTensor(at.cross(bt), {3, 2}, {0, -3, 0, 6, 1, -3}));
  EXPECT_TRUE(isTensor(cross(a, b.select(0, 1).unsqueeze(0), 1), {2, 3},
                       {0, -6, 5, -3, 6, -3}));
  EXPECT_THROW(cross(ones({2, 2}), ones({2, 2})), Error);
  EXPECT_THROW(linalg_cross(ones({3, 2}), ones({3, 2})), Error);
}

TEST(LibtorchOps, LinearAndLinearOut) {
  Tensor x = tensor({{1., 2.}, {3., 4.}});
  Tensor w = tensor({{1., 0.}, {1., 1.}, {0., 2.}});
  Tensor bias = tensor({10., 20., 30.});
  EXPECT_TRUE(isTensor(linear(x, w), {2, 3}, {1, 3, 4, 3, 7, 8}));
  Tensor out = empty({1});
  Tensor &r = linear_out(out, x, w, bias);
  EXPECT_EQ(&r, &out);
  EXPECT_TRUE(isTensor(out, {2, 3}, {11, 23, 34, 13, 27, 38}));
}

TEST(LibtorchOps, ClampWithTensorBoundsAndClampMax) {
  Tensor x = tensor({-3., 0.5, 7.});
  Tensor lo = tensor({-1., 1., 0.}), hi = tensor({2., 2., 5.});
  EXPECT_TRUE(isTensor(clamp(x, lo, hi), {3}, {-1., 1., 5.}));
  EXPECT_TRUE(isTensor(x.clamp(lo), {3}, {-1., 1., 7.}));
  EXPECT_TRUE(isTensor(x.clamp(std::nullopt, hi), {3}, {-3., 0.5, 5.}));
  EXPECT_TRUE(isTensor(clamp_max(x, 1), {3}, {-3., 0.5, 1.}));
  EXPECT_TRUE(isTensor(clip(x, -1, 1), {3}, {-1., 0.5, 1.}));
  EXPECT_TRUE(isTensor(x.clamp(std::nullopt, 2), {3}, {-3., 0.5, 2.}));
}

static int64_t firstOf(OptionalIntArrayRef a) { return a.value()[0]; }

TEST(LibtorchOps, IrangeAndOptionalIntArrayRef) {
  std::vector<int> seen;
  for (auto i : irange(4))
    seen.push_back(i);
  for (auto i : irange(6, 8))
    seen.push_back(int(i));
  for ([[maybe_unused]] auto i : irange(-2))
    seen.push_back(99);
  EXPECT_EQ(seen, (std::vector<int>{0, 1, 2, 3, 6, 7}));

  EXPECT_EQ(firstOf(7), 7);
  EXPECT_EQ(firstOf({8, 9}), 8);
  std::vector<int64_t> v{4, 5};
  OptionalIntArrayRef o = v, none = std::nullopt;
  EXPECT_TRUE(o.has_value());
  EXPECT_FALSE(none.has_value());
  EXPECT_TRUE(o == IntArrayRef({4, 5}));
  EXPECT_FALSE(none == IntArrayRef({4, 5}));
  EXPECT_EQ(none.value_or(v)[1], 5);
  EXPECT_THROW(none.value(), Error);
}
