//===- AdvancedIndexingTest.cpp - Index tensors, options, tensor() --------===//
//
// Part of the kiln project. libtorch behaviours found by running PyTorch's
// own C++ API tests against kiln: integer index tensors, several masks,
// index_put_ with accumulate, Slice's read-back, Device strings, layouts,
// tensor() dtypes and errors, from_blob deleters, var/std.
//
//===----------------------------------------------------------------------===//
#include "TestUtil.h"

#include <sstream>

using namespace kiln;
using namespace kiln::indexing;

namespace {
using Shape = std::vector<int64_t>;
std::vector<int64_t> longs(const Tensor &t) {
  Tensor c = t.contiguous();
  return std::vector<int64_t>(c.data_ptr<int64_t>(),
                              c.data_ptr<int64_t>() + c.numel());
}
template <class T> std::string printed(const T &x) {
  std::ostringstream ss;
  ss << x;
  return ss.str();
}
bool throwsWith(const std::function<void()> &f, const std::string &text) {
  try {
    f();
  } catch (const Error &e) {
    return std::string(e.what()).find(text) != std::string::npos;
  }
  return false;
}
} // namespace

TEST(AdvancedIndexing, IntegerTensorPicksRowsAndColumns) {
  Tensor x = arange(20).view({4, 5});
  EXPECT_EQ(longs(x.index({tensor({3, 0, 3})})),
            (std::vector<int64_t>{15, 16, 17, 18, 19, 0, 1, 2, 3, 4, 15, 16, 17,
                                  18, 19}));
  Tensor cols = x.index({Slice(), tensor({4, -5})});
  EXPECT_EQ(cols.sizes().vec(), (Shape{4, 2}));
  EXPECT_EQ(longs(cols), (std::vector<int64_t>{4, 0, 9, 5, 14, 10, 19, 15}));
  // Two index tensors pair up elementwise (and broadcast).
  EXPECT_EQ(longs(x.index({tensor({1, 2}), tensor({3, 4})})),
            (std::vector<int64_t>{8, 14}));
  Tensor grid = x.index({tensor({{0}, {3}}), tensor({1, 2})});
  EXPECT_EQ(grid.sizes().vec(), (Shape{2, 2}));
  EXPECT_EQ(longs(grid), (std::vector<int64_t>{1, 2, 16, 17}));
  // A copy, not a view.
  x.index({tensor({0})}).fill_(-7);
  EXPECT_EQ(x.index({0, 0}).item<int64_t>(), 0);
}

TEST(AdvancedIndexing, SeparatedIndexTensorsGoFirst) {
  Tensor x = arange(24).view({2, 3, 4});
  // Adjacent: the index dims stay in place.
  EXPECT_EQ(x.index({Slice(), tensor({0, 2}), tensor({1, 1})}).sizes().vec(),
            (Shape{2, 2}));
  // Separated by a slice: the broadcast dims lead.
  Tensor y = x.index({tensor({1, 0}), Slice(), tensor({3, 2})});
  EXPECT_EQ(y.sizes().vec(), (Shape{2, 3}));
  EXPECT_EQ(longs(y), (std::vector<int64_t>{15, 19, 23, 2, 6, 10}));
}

TEST(AdvancedIndexing, ZeroDimIndexTensorsActLikeNumbers) {
  Tensor x = arange(6.).view({2, 3});
  Tensor v = x.index({tensor(1), tensor(2)});
  EXPECT_EQ(v.dim(), 0);
  EXPECT_EQ(v.item<float>(), 5.f);
  EXPECT_EQ(v.data_ptr(), x.index({1, 2}).data_ptr()); // a view
  EXPECT_EQ(x.index({tensor(true)}).sizes().vec(), (Shape{1, 2, 3}));
}

TEST(AdvancedIndexing, SeveralMasksAndBoolScalars) {
  Tensor x = arange(12).view({3, 4});
  Tensor rows = tensor({true, false, true});
  Tensor cols = tensor({false, true, true, false});
  EXPECT_EQ(longs(x.index({rows, cols})), (std::vector<int64_t>{1, 10}));
  EXPECT_EQ(x.index({true, rows}).sizes().vec(), (Shape{2, 4}));
  EXPECT_EQ(x.index({false, true}).sizes().vec(), (Shape{0, 3, 4}));
}

TEST(AdvancedIndexing, Errors) {
  Tensor x = zeros({4, 3});
  EXPECT_TRUE(
      throwsWith([&] { x.index({tensor({4})}); },
                 "index 4 is out of bounds for dimension 0 with size 4"));
  EXPECT_TRUE(throwsWith(
      [&] {
        x.index({tensor({0, 1}), tensor({0, 1, 2})});
      },
      "shape mismatch: indexing tensors could not be "
      "broadcast together with shapes [2], [3]"));
  EXPECT_TRUE(throwsWith([&] { x.index({tensor({1.5})}); },
                         "tensors used as indices must be long, int, byte or "
                         "bool tensors"));
  Tensor e = empty({2, 0});
  EXPECT_TRUE(throwsWith(
      [&] {
        e.index({Slice(), tensor({0})});
      },
      "index is out of bounds for dimension with size 0"));
  EXPECT_EQ(e.index({tensor({1, 1, 0})}).sizes().vec(), (Shape{3, 0}));
}

TEST(AdvancedIndexing, IndexPutWritesAndAccumulates) {
  Tensor x = zeros({3, 2});
  x.index_put_({tensor({2, 0})}, tensor({{1.5}, {-1.}}));
  EXPECT_TRUE(equal(x, tensor({{-1., -1.}, {0., 0.}, {1.5, 1.5}})));
  Tensor y = zeros({4});
  y.index_put_({tensor({1, 3, 1, 1})}, tensor({1., 2., 3., 4.}),
               /*accumulate=*/true);
  EXPECT_TRUE(equal(y, tensor({0., 8., 0., 2.})));
  Tensor z = ones({2, 2});
  z.index_put_({tensor({0, 1}), tensor({1, 0})}, 9);
  EXPECT_TRUE(equal(z, tensor({{1., 9.}, {9., 1.}})));
  EXPECT_TRUE(throwsWith(
      [&] {
        z.index_put_({tensor({0, 1})}, tensor({1., 2., 3.}));
      },
      "shape mismatch: value tensor of shape [3] cannot be broadcast to "
      "indexing result of shape [2, 2]"));
  // Leading unit dims of the value are dropped, as in libtorch.
  Tensor w = zeros({2, 3});
  w.index_put_({"..."}, full({1, 1, 2, 3}, 4.));
  EXPECT_TRUE(equal(w, full({2, 3}, 4.)));
}

TEST(AdvancedIndexing, GradientFlowsBackToIndexedRows) {
  Tensor w = arange(6.).view({3, 2}).requires_grad_();
  Tensor picked = w.index({tensor({2, 0, 2})});
  picked.sum().backward();
  EXPECT_TRUE(equal(w.grad(), tensor({{1.f, 1.f}, {0.f, 0.f}, {2.f, 2.f}})));
}

TEST(AdvancedIndexing, SliceReadsBackLikeLibtorch) {
  EXPECT_EQ(Slice(2, 7, 3).start(), 2);
  EXPECT_EQ(Slice().stop(), INDEX_MAX);
  EXPECT_EQ(Slice(None, None, -2).start(), INDEX_MAX);
  EXPECT_EQ(Slice(None, None, -2).stop(), INDEX_MIN);
  EXPECT_EQ(printed(Slice(None, 4)), "0:4:1");
  std::vector<TensorIndex> idx = {None, Ellipsis, 3, false, Slice(1, 2)};
  EXPECT_EQ(printed(idx), "(None, ..., 3, false, 1:2:1)");
  EXPECT_TRUE(idx[3].is_boolean());
  EXPECT_FALSE(idx[3].boolean());
  EXPECT_TRUE(idx[1].is_ellipsis());
}

TEST(TensorOptionsParity, DeviceStringsAndLayouts) {
  EXPECT_EQ(Device("cuda:7"), Device(kCUDA, 7));
  EXPECT_EQ(Device("cpu"), Device(kCPU));
  EXPECT_EQ(Device("hip:2"), Device(DeviceType::HIP, 2));
  EXPECT_EQ(Device("cuda:3").str(), "cuda:3");
  for (const char *bad : {"", "gpu", "cuda:", "cuda:01", "cpu:1:", ":0"})
    EXPECT_THROW(Device{std::string(bad)}, Error) << bad;
  TensorOptions o = dtype(kDouble).layout(kSparse).device(kCUDA, 1);
  EXPECT_EQ(o.layout(), kSparse);
  EXPECT_EQ(o.device(), Device(kCUDA, 1));
  EXPECT_EQ(device_index(4).device(), Device(kCUDA, 4));
  EXPECT_EQ(TensorOptions().layout(), kStrided);
  EXPECT_EQ(zeros({2}).layout(), kStrided);
  EXPECT_THROW(zeros({2}, layout(kSparse)), Error);
}

TEST(TensorOptionsParity, ToOptionsRefusesRequiresGrad) {
  Tensor a = ones({2}, kDouble);
  EXPECT_TRUE(throwsWith([&] { a.to(TensorOptions().requires_grad(true)); },
                         "to(options) expects unset requires_grad flag"));
  EXPECT_FALSE(a.to(TensorOptions().requires_grad(false)).requires_grad());
  Tensor b = a.to(zeros({1}, kLong));
  EXPECT_EQ(b.dtype(), kLong);
  EXPECT_EQ(a.to(a).data_ptr(), a.data_ptr());
  EXPECT_TRUE(throwsWith([&] { ones({1}, kLong).requires_grad_(); },
                         "Only Tensors of floating point and complex dtype "
                         "can require gradients"));
}

TEST(TensorDataParity, DtypesFollowLibtorch) {
  EXPECT_EQ(tensor(std::vector<int>{4, 5}).dtype(), kLong);
  EXPECT_EQ(tensor(ArrayRef<int>({4, 5})).dtype(), kLong);
  EXPECT_EQ(tensor({2.5f, 1.f}).dtype(), get_default_dtype_as_scalartype());
  EXPECT_EQ(tensor(ArrayRef<bool>({true})).dtype(), kBool);
  Tensor empties = tensor({{}, {}, {}});
  EXPECT_EQ(empties.sizes().vec(), (Shape{3, 0}));
  EXPECT_EQ(empties.dtype(), get_default_dtype_as_scalartype());
  EXPECT_EQ(longs(tensor(std::vector<int>{7, -2, 9})),
            (std::vector<int64_t>{7, -2, 9}));
}

TEST(TensorDataParity, ErrorsAndPrinting) {
  EXPECT_TRUE(throwsWith(
      [] {
        tensor({{1, 2}, {3}});
      },
      "Expected all sub-lists to have sizes: 2 (e.g. {1, "
      "2}), but got sub-list {3} with sizes: 1"));
  EXPECT_TRUE(throwsWith(
      [] {
        tensor({1, 2.5});
      },
      "Expected all elements of the tensor to have the same "
      "scalar type: Int, but got element of scalar type: "
      "Double"));
  EXPECT_EQ(printed(TensorDataContainer({{3, 4}, {5, 6}})), "{{3, 4}, {5, 6}}");
  EXPECT_EQ(printed(TensorDataContainer(std::vector<double>{0.5, 2.})),
            "{0.5, 2}");
  EXPECT_TRUE(
      throwsWith([] { TensorDataContainer(2.).init_list(); },
                 "Can only call `init_list()` on a TensorDataContainer"));
}

TEST(FactoriesParity, FromBlobRunsDeleterWhenLastViewDies) {
  int calls = 0;
  std::vector<double> buf = {1., 2., 3., 4.};
  {
    Tensor t = from_blob(
        buf.data(), {2, 2}, [&](void *p) { calls += p == buf.data(); },
        kDouble);
    Tensor row = t[1];
    t = Tensor();
    EXPECT_EQ(calls, 0);
    EXPECT_EQ(row[0].item<double>(), 3.);
  }
  EXPECT_EQ(calls, 1);
}

TEST(ReductionsParity, VarAndStd) {
  Tensor x = tensor({{1., 3.}, {5., 11.}});
  EXPECT_NEAR(x.var().item<float>(), 18.6666667f, 1e-4);
  EXPECT_NEAR(x.var(false).item<float>(), 14.f, 1e-5);
  // An integer argument is a dim, not `unbiased`.
  EXPECT_TRUE(allclose(x.var(0), tensor({8.f, 32.f})));
  EXPECT_TRUE(allclose(x.std(1, /*unbiased=*/false), tensor({1.f, 3.f})));
  EXPECT_EQ(x.var(1, true, true).sizes().vec(), (Shape{2, 1}));
  auto [v, m] = var_mean(x, 0);
  EXPECT_TRUE(allclose(v, tensor({8.f, 32.f})));
  EXPECT_TRUE(allclose(m, tensor({3.f, 7.f})));
  EXPECT_TRUE(allclose(std::get<0>(std_mean(x, 1)),
                       tensor({std::sqrt(2.f), std::sqrt(18.f)})));
  EXPECT_THROW(ones({3}, kLong).var(), Error);
  Tensor w = x.clone().requires_grad_();
  w.var().backward();
  // d var / d x = 2 (x - mean) / (n - 1); mean 5.
  EXPECT_TRUE(allclose(w.grad(), tensor({{-8.f / 3, -4.f / 3}, {0.f, 4.f}}),
                       1e-5, 1e-6));
}
