//===- ViewsTest.cpp - Views, indexing and shared memory ------------------===//
//
// Part of the kiln project. Shape ops must alias their input (writes through
// a view reach the base) and compute correctly on non-contiguous inputs.
//
//===----------------------------------------------------------------------===//
#include "TestUtil.h"

using namespace kiln;
using namespace kiln::indexing;
using kiln::test::isTensor;
using kiln::test::shape;

namespace {
bool sharesMemory(const Tensor &a, const Tensor &b) {
  return a.impl().storage == b.impl().storage;
}
using Shape = std::vector<int64_t>;
} // namespace

TEST(Views, ReshapeAndView) {
  Tensor x = arange(6.);
  Tensor v = x.view({2, 3});
  EXPECT_TRUE(sharesMemory(x, v));
  EXPECT_TRUE(isTensor(v, {2, 3}, {0, 1, 2, 3, 4, 5}));
  EXPECT_EQ(v.strides().vec(), (Shape{3, 1}));
  v[1][2].fill_(50);
  EXPECT_EQ(x[5].item<float>(), 50.f);
  EXPECT_EQ(shape(x.view({-1, 2})), (Shape{3, 2}));
  EXPECT_EQ(shape(x.reshape({3, -1})), (Shape{3, 2}));
  EXPECT_EQ(shape(x.view({1, 6, 1})), (Shape{1, 6, 1}));
  EXPECT_EQ(shape(tensor(1.).view({1, 1})), (Shape{1, 1}));
  EXPECT_EQ(shape(ones({1, 1}).view({})), Shape{});
  // Reshape of a contiguous tensor is a view; of a transpose, a copy.
  EXPECT_TRUE(sharesMemory(x.reshape({2, 3}), x));
  Tensor t = v.t();
  Tensor r = t.reshape({6});
  EXPECT_FALSE(sharesMemory(r, x));
  EXPECT_TRUE(isTensor(r, {6}, {0, 3, 1, 4, 2, 50}));
  // A transposed tensor can still be viewed when dims stay intact.
  Tensor tv = t.view({3, 2});
  EXPECT_TRUE(sharesMemory(tv, x));
  // Splitting a dimension of a non-contiguous tensor is a valid view.
  Tensor wide = arange(24.).reshape({4, 6}).slice(1, 0, 4); // [4,4] stride 6
  Tensor split = wide.view({2, 2, 4});
  EXPECT_TRUE(sharesMemory(split, wide));
  EXPECT_TRUE(split[1][0].equal(wide[2]));
  EXPECT_TRUE(isTensor(x.view_as(ones({3, 2})), {3, 2}, {0, 1, 2, 3, 4, 50}));
  EXPECT_EQ(shape(x.reshape_as(ones({2, 3}))), (Shape{2, 3}));
  EXPECT_EQ(shape(reshape(x, {6, 1})), (Shape{6, 1}));
  EXPECT_EQ(shape(zeros({0, 4}).reshape({2, 0, 3})), (Shape{2, 0, 3}));
}

TEST(Views, Flatten) {
  Tensor x = arange(24.).reshape({2, 3, 4});
  EXPECT_EQ(shape(x.flatten()), (Shape{24}));
  EXPECT_EQ(shape(x.flatten(1)), (Shape{2, 12}));
  EXPECT_EQ(shape(x.flatten(0, 1)), (Shape{6, 4}));
  EXPECT_EQ(shape(tensor(1.).flatten()), (Shape{1}));
  EXPECT_TRUE(x.transpose(0, 2).flatten().equal(
      x.transpose(0, 2).contiguous().view({24})));
}

TEST(Views, TransposePermute) {
  Tensor x = arange(6.).reshape({2, 3});
  Tensor t = x.t();
  EXPECT_TRUE(sharesMemory(t, x));
  EXPECT_FALSE(t.is_contiguous());
  EXPECT_EQ(t.strides().vec(), (Shape{1, 3}));
  EXPECT_TRUE(isTensor(t, {3, 2}, {0, 3, 1, 4, 2, 5}));
  EXPECT_TRUE(isTensor(tensor({1., 2.}).t(), {2}, {1, 2}));
  EXPECT_TRUE(transpose(x, 0, 1).equal(t));
  EXPECT_TRUE(x.transpose(-1, -2).equal(t));
  Tensor y = arange(24.).reshape({2, 3, 4});
  Tensor p = y.permute({2, 0, 1});
  EXPECT_EQ(shape(p), (Shape{4, 2, 3}));
  EXPECT_EQ(p.strides().vec(), (Shape{1, 12, 4}));
  EXPECT_EQ(p[3][1][2].item<float>(), y[1][2][3].item<float>());
  EXPECT_TRUE(y.permute({-1, 0, 1}).equal(p));
  // Elementwise ops on permuted (non-contiguous) operands.
  Tensor s = p + p;
  EXPECT_TRUE(s.is_contiguous());
  EXPECT_EQ(s[3][1][2].item<float>(), 2 * 23.f);
  EXPECT_TRUE((t * 2).equal(tensor({{0., 6.}, {2., 8.}, {4., 10.}})));
  EXPECT_TRUE(t.exp().allclose(x.exp().t()));
  EXPECT_TRUE(isTensor(t.sum(0), {2}, {3, 12}));
}

TEST(Views, SqueezeUnsqueeze) {
  Tensor x = zeros({1, 3, 1});
  EXPECT_EQ(shape(x.squeeze()), (Shape{3}));
  EXPECT_EQ(shape(squeeze(x)), (Shape{3}));
  EXPECT_EQ(shape(x.squeeze(0)), (Shape{3, 1}));
  EXPECT_EQ(shape(x.squeeze(-1)), (Shape{1, 3}));
  EXPECT_EQ(shape(x.squeeze(1)), (Shape{1, 3, 1})); // not size 1: no-op
  EXPECT_EQ(shape(x.unsqueeze(0)), (Shape{1, 1, 3, 1}));
  EXPECT_EQ(shape(x.unsqueeze(-1)), (Shape{1, 3, 1, 1}));
  EXPECT_EQ(shape(unsqueeze(tensor(1.), 0)), (Shape{1}));
  EXPECT_EQ(shape(ones({1}).squeeze()), Shape{});
  Tensor u = x.squeeze().unsqueeze(1);
  EXPECT_TRUE(sharesMemory(u, x));
  u[2][0].fill_(4);
  EXPECT_EQ(x[0][2][0].item<float>(), 4.f);
  // Unsqueeze of a transposed tensor keeps the right strides.
  Tensor t = arange(6.).reshape({2, 3}).t().unsqueeze(1); // [3,1,2]
  EXPECT_TRUE(isTensor(t.contiguous(), {3, 1, 2}, {0, 3, 1, 4, 2, 5}));
}

TEST(Views, Expand) {
  Tensor x = tensor({{1.}, {2.}});
  Tensor e = x.expand({2, 3});
  EXPECT_TRUE(sharesMemory(e, x));
  EXPECT_EQ(e.strides().vec(), (Shape{1, 0}));
  EXPECT_TRUE(isTensor(e, {2, 3}, {1, 1, 1, 2, 2, 2}));
  EXPECT_TRUE(isTensor(x.expand({2, 2, -1}), {2, 2, 1}, {1, 2, 1, 2}));
  EXPECT_TRUE(isTensor(tensor(5.).expand({2}), {2}, {5, 5}));
  EXPECT_TRUE(x.expand_as(ones({2, 3})).equal(e));
  EXPECT_TRUE(isTensor(e.sum(1), {2}, {3, 6}));
  EXPECT_TRUE(isTensor(e.contiguous() * e, {2, 3}, {1, 1, 1, 4, 4, 4}));
  EXPECT_TRUE(isTensor(e.mm(ones({3, 1})), {2, 1}, {3, 6}));
}

TEST(Views, SliceSelectNarrow) {
  Tensor x = arange(12.).reshape({3, 4});
  Tensor s = x.slice(1, 1, 3);
  EXPECT_TRUE(sharesMemory(s, x));
  EXPECT_EQ(s.storage_offset(), 1);
  EXPECT_TRUE(isTensor(s, {3, 2}, {1, 2, 5, 6, 9, 10}));
  EXPECT_TRUE(
      isTensor(x.slice(0, 0, 3, 2), {2, 4}, {0, 1, 2, 3, 8, 9, 10, 11}));
  EXPECT_TRUE(isTensor(x.slice(1, -2), {3, 2}, {2, 3, 6, 7, 10, 11}));
  EXPECT_TRUE(isTensor(x.slice(1, 1, 100, 2), {3, 2}, {1, 3, 5, 7, 9, 11}));
  EXPECT_EQ(shape(x.slice(0, 2, 1)), (Shape{0, 4}));
  EXPECT_TRUE(isTensor(x.select(0, 1), {4}, {4, 5, 6, 7}));
  EXPECT_TRUE(isTensor(x.select(1, -1), {3}, {3, 7, 11}));
  EXPECT_TRUE(isTensor(x[2], {4}, {8, 9, 10, 11}));
  EXPECT_TRUE(isTensor(x.narrow(1, 1, 2), {3, 2}, {1, 2, 5, 6, 9, 10}));
  EXPECT_TRUE(isTensor(x.narrow(0, -1, 1), {1, 4}, {8, 9, 10, 11}));
  s.mul_(-1);
  EXPECT_TRUE(isTensor(x[1], {4}, {4, -5, -6, 7}));
  // A slice of a transposed view.
  Tensor ts = x.t().slice(0, 1, 2); // column 1 as a [1,3] row
  EXPECT_TRUE(isTensor(ts, {1, 3}, {-1, -5, -9}));
  EXPECT_TRUE(isTensor(ts.matmul(ones({3})), {1}, {-15}));
}

TEST(Views, DetachSharesMemory) {
  Tensor x = ones({2}, requires_grad());
  Tensor d = x.detach();
  EXPECT_TRUE(sharesMemory(d, x));
  EXPECT_FALSE(d.requires_grad());
  d.add_(1);
  EXPECT_TRUE(isTensor(x, {2}, {2, 2}));
}

TEST(Indexing, IntegersSlicesNoneEllipsis) {
  Tensor x = arange(24.).reshape({2, 3, 4});
  EXPECT_TRUE(isTensor(x.index({0, 1}), {4}, {4, 5, 6, 7}));
  EXPECT_TRUE(isTensor(x.index({1, 2, 3}), {}, {23}));
  EXPECT_TRUE(isTensor(x.index({-1, -1, -1}), {}, {23}));
  EXPECT_TRUE(
      isTensor(x.index({Slice(), 0, Slice(1, 3)}), {2, 2}, {1, 2, 13, 14}));
  EXPECT_TRUE(isTensor(x.index({Slice(None, None, 2)}), {1, 3, 4},
                       {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}));
  EXPECT_TRUE(isTensor(x.index({Ellipsis, 0}), {2, 3}, {0, 4, 8, 12, 16, 20}));
  EXPECT_TRUE(isTensor(x.index({"...", -1}), {2, 3}, {3, 7, 11, 15, 19, 23}));
  EXPECT_TRUE(isTensor(x.index({0, Ellipsis, 1}), {3}, {1, 5, 9}));
  EXPECT_EQ(shape(x.index({None})), (Shape{1, 2, 3, 4}));
  EXPECT_EQ(shape(x.index({Slice(), None, 0})), (Shape{2, 1, 4}));
  EXPECT_EQ(shape(x.index({Ellipsis, None})), (Shape{2, 3, 4, 1}));
  EXPECT_EQ(shape(x.index({None, Ellipsis, None, 0})), (Shape{1, 2, 3, 1}));
  EXPECT_EQ(shape(x.index({Slice(1, None), Slice(None, -1)})),
            (Shape{1, 2, 4}));
  EXPECT_EQ(shape(x.index({true})), (Shape{1, 2, 3, 4}));
  EXPECT_EQ(shape(x.index({false})), (Shape{0, 2, 3, 4}));
  // Basic indexing returns views.
  Tensor v = x.index({Slice(), 1});
  EXPECT_TRUE(sharesMemory(v, x));
  v.zero_();
  EXPECT_EQ(x[1][1][3].item<float>(), 0.f);
  EXPECT_EQ(x[1][2][3].item<float>(), 23.f);
}

TEST(Indexing, BoolMasks) {
  Tensor x = tensor({{1., -2., 3.}, {-4., 5., -6.}});
  Tensor pos = x.index({x > 0});
  EXPECT_TRUE(isTensor(pos, {3}, {1, 3, 5}));
  EXPECT_TRUE(isTensor(x[x < 0], {3}, {-2, -4, -6}));
  // A 1-D mask over rows keeps whole rows.
  Tensor rows = x.index({tensor({false, true})});
  EXPECT_TRUE(isTensor(rows, {1, 3}, {-4, 5, -6}));
  // A mask over the second dimension.
  Tensor cols = x.index({Slice(), tensor({true, false, true})});
  EXPECT_TRUE(isTensor(cols, {2, 2}, {1, 3, -4, -6}));
  // On a transposed tensor: element order follows the view.
  Tensor t = x.t();
  EXPECT_TRUE(isTensor(t.index({t > 0}), {3}, {1, 5, 3}));
  EXPECT_TRUE(isTensor(x.index({x > 100}), {0}, {}));
  // Masked results are copies.
  pos.fill_(0);
  EXPECT_EQ(x[0][0].item<float>(), 1.f);
}

// libtorch: assigning to a temporary writes into what it views; assigning
// to a variable re-points the variable.
TEST(Indexing, AssignmentToATemporaryWritesIntoIt) {
  Tensor x = zeros({2, 3});
  x[0] = tensor({1.f, 2.f, 3.f});
  x[1][2] = 7;
  x.select(1, 0) = tensor(5.f); // broadcast
  EXPECT_TRUE(isTensor(x, {2, 3}, {5, 2, 3, 5, 0, 7}));
  Tensor losses = empty({2});
  for (int i = 0; i < 2; ++i)
    losses[i] = tensor(float(i + 1)) * 10;
  EXPECT_TRUE(isTensor(losses, {2}, {10, 20}));
  Tensor row = x[0];
  row = tensor({0.f, 0.f, 0.f}); // the variable now names another tensor
  EXPECT_TRUE(isTensor(x, {2, 3}, {5, 2, 3, 5, 0, 7}));
  EXPECT_THROW(x[0] = tensor({1.f, 2.f}), Error); // not broadcastable
}

TEST(Indexing, IndexPut) {
  Tensor x = tensor({{1., -2.}, {-3., 4.}});
  x.index_put_({x < 0}, 0);
  EXPECT_TRUE(isTensor(x, {2, 2}, {1, 0, 0, 4}));
  x.index_put_({0}, tensor({7., 8.}));
  EXPECT_TRUE(isTensor(x, {2, 2}, {7, 8, 0, 4}));
  x.index_put_({Slice(), 1}, 9);
  EXPECT_TRUE(isTensor(x, {2, 2}, {7, 9, 0, 9}));
  x.index_put_({x == 9}, tensor({1., 2.}));
  EXPECT_TRUE(isTensor(x, {2, 2}, {7, 1, 0, 2}));
  x.index_put_({Slice(), tensor({true, false})}, tensor({{-1.}, {-2.}}));
  EXPECT_TRUE(isTensor(x, {2, 2}, {-1, 1, -2, 2}));
  x.index_put_({1, Slice()}, tensor(5.));
  EXPECT_TRUE(isTensor(x, {2, 2}, {-1, 1, 5, 5}));
  x.index_put_({tensor({true, false})}, 3);
  EXPECT_TRUE(isTensor(x, {2, 2}, {3, 3, 5, 5}));
  // Values broadcast to the indexing result ([1, 2] here).
  x.index_put_({tensor({false, true})}, tensor({6., 7.}));
  EXPECT_TRUE(isTensor(x, {2, 2}, {3, 3, 6, 7}));
  Tensor y = zeros({2, 3});
  y.index_put_({Slice(), tensor({true, false, true})},
               tensor({{1., 2.}, {3., 4.}}));
  EXPECT_TRUE(isTensor(y, {2, 3}, {1, 0, 2, 3, 0, 4}));
  Tensor i = tensor({1, 2, 3});
  i.index_put_({i > 1}, 0);
  EXPECT_TRUE(isTensor(i, {3}, {1, 0, 0}));
}
